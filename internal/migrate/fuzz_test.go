package migrate_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/migrate/migratetest"
)

// FuzzDiff plans the migration from one schema to another, both fuzzed
// schema texts (an old text that does not analyse means a first
// migration), answering the rename questions Diff asks from the bytes of
// answers. Whatever the schemas, Diff must not panic nor fail with an
// internal error; a plan it makes must apply, in one transaction and
// leaving no broken foreign key, to an empty SQLite database created from
// the old snapshot, and leave the tables a database created from the new
// snapshot alone has; and planning again from the new snapshot, as written
// and read back, must change nothing.
//
// It runs on its seeds in every "go test"; search longer with
//
//	go test ./internal/migrate -run '^$' -fuzz FuzzDiff -fuzztime 10m -timeout 0
func FuzzDiff(f *testing.F) {
	scenarios, err := migratetest.Load(filepath.Join("testdata", "scenarios"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range scenarios {
		old := ""
		for _, st := range s.Steps {
			f.Add(old, st.Schema, []byte{0})
			f.Add(old, st.Schema, []byte{1, 1, 1, 1})
			old = st.Schema
		}
	}
	f.Fuzz(func(t *testing.T, oldText, curText string, answers []byte) {
		cur, err := migratetest.Analyze(curText)
		if err != nil {
			return
		}
		old, err := migratetest.Analyze(oldText)
		if err != nil {
			old = nil
		}
		for _, binding := range migrate.Bindings(cur) {
			diffBinding(t, old, cur, binding, answers)
		}
	})
}

// diffBinding checks the plan of one binding: see FuzzDiff.
func diffBinding(t *testing.T, oldSchema, curSchema *idl.Schema, binding string, answers []byte) {
	cur, err := migrate.FromSchema(curSchema, binding)
	if err != nil {
		return // a type SQLite cannot store: cloesce migrate reports it
	}
	var old *migrate.Snapshot
	if oldSchema != nil && slices.Contains(migrate.Bindings(oldSchema), binding) {
		if old, err = migrate.FromSchema(oldSchema, binding); err != nil {
			return
		}
		// cloesce migrate reads the last snapshot from its file.
		if old, err = migrate.DecodeSnapshot(old.Encode()); err != nil {
			t.Fatalf("the old snapshot does not read back: %v", err)
		}
		if old.Kind != cur.Kind {
			return // Diff refuses a binding that changed kind
		}
	}
	opts := migrate.Options{Ask: func(q migrate.Question) (string, error) {
		if len(answers) == 0 {
			return "", nil
		}
		b := answers[0]
		answers = answers[1:]
		if b%2 == 0 {
			return "", nil // dropped
		}
		return q.Options[int(b/2)%len(q.Options)], nil
	}}
	plan, err := migrate.Diff(old, cur, opts)
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			t.Fatal(err)
		}
		var missing *migrate.MissingError
		if !errors.As(err, &missing) && !strings.Contains(err.Error(), "reference each other") && !strings.Contains(err.Error(), "cannot rebuild") {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	_ = plan.Describe()
	if plan.Kind == migrate.D1 {
		_ = plan.SQL(1700000000, "fuzz")
	} else {
		_ = plan.DurableModule(1700000000, "fuzz")
	}
	db, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if old != nil {
		first, err := migrate.Diff(nil, old, migrate.Options{})
		if err != nil {
			t.Fatalf("creating the old tables: %v", err)
		}
		if err := apply(db, first.Statements()); err != nil {
			t.Fatalf("creating the old tables: %v", err)
		}
	}
	if err := apply(db, plan.Statements()); err != nil {
		t.Fatalf("the plan does not apply: %v\nplan:\n%s\nstatements:\n%s\nold:\n%s\nnew:\n%s", err, plan.Describe(), strings.Join(plan.Statements(), ";\n"), encoded(old), cur.Encode())
	}
	if err := sameShape(db, cur); err != nil {
		t.Fatalf("%v\nplan:\n%s\nstatements:\n%s", err, plan.Describe(), strings.Join(plan.Statements(), ";\n"))
	}
	written, err := migrate.DecodeSnapshot(cur.Encode())
	if err != nil {
		t.Fatalf("the new snapshot does not read back: %v", err)
	}
	if again, err := migrate.Diff(written, cur, migrate.Options{}); err != nil || !again.Empty() {
		t.Fatalf("the same schema again plans %q (error %v)", again.Statements(), err)
	}
}

func encoded(s *migrate.Snapshot) string {
	if s == nil {
		return "(none)"
	}
	return string(s.Encode())
}
