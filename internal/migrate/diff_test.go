package migrate_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/migrate/migratetest"
)

// snapshot analyses a schema of one D1 database "db" with the given models.
func snapshot(t *testing.T, models string) *migrate.Snapshot {
	t.Helper()
	s, err := migratetest.Analyze("d1 { db }\n" + models)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := migrate.FromSchema(s, "db")
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

const (
	personPet = `
model Person for db {
    primary { id: int }
    column { nick: string }
}
model Pet for db {
    primary { id: int }
}`
	memberPet = `
model Member for db {
    primary { id: int }
    column { name: string }
}
model Pet for db {
    primary { id: int }
    column { born: date }
    foreign (Member::id) optional { ownerId }
}`
)

func parseArgs(t *testing.T, args ...string) migrate.Options {
	t.Helper()
	opts, _, err := migratetest.Options(args)
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

// TestDiffRefusals checks the errors of Diff: flags that contradict the
// snapshots and values it cannot invent, each naming the fix.
func TestDiffRefusals(t *testing.T) {
	old, cur := snapshot(t, personPet), snapshot(t, memberPet)
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"rename from a model that still exists", []string{"--rename Pet=Member"},
			`--rename Pet=Member: "Pet" still exists, or another --rename or --drop already names it`},
		{"rename from an unknown model", []string{"--rename Persn=Member"},
			`--rename Persn=Member: "db" had no model "Persn" at its last migration`},
		{"rename to a model that existed", []string{"--rename Person=Pet"},
			`--rename Person=Pet: "Pet" existed at the last migration already`},
		{"rename and drop", []string{"--rename Person=Member", "--drop Person"},
			`--drop Person: "Person" still exists, or another --rename or --drop already names it`},
		{"drop a model that exists", []string{"--drop Pet"},
			`--drop Pet: "Pet" still exists, or another --rename or --drop already names it`},
		{"rename an unknown column", []string{"--rename Person=Member", "--rename Member.nik=name"},
			`--rename Member.nik=name: model "Person" had no column "nik" at the last migration`},
		{"rename to an unknown column", []string{"--rename Person=Member", "--rename Member.nick=nom"},
			`--rename Member.nick=nom: model "Member" has no column "nom"`},
		{"missing date default", []string{"--rename Person=Member", "--rename Member.nick=name"},
			"existing rows need values:\n  column \"Pet\".\"born\" is required and existing rows have no value for it: give one with --default Pet.born=<date>, or make it optional"},
		{"bad default", []string{"--rename Person=Member", "--rename Member.nick=name", "--default Pet.born=soon"},
			"existing rows need values:\n  --default Pet.born=soon: \"soon\" is not a date such as 2024-01-31 or 2024-01-31T09:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := migrate.Diff(old, cur, parseArgs(t, tc.args...))
			if err == nil || err.Error() != tc.err {
				t.Errorf("got error %v\nwant %q", err, tc.err)
			}
		})
	}
}

// TestDiffQuestions checks which questions Diff leaves open without
// anyone to ask, and that each names the flags that answer it.
func TestDiffQuestions(t *testing.T) {
	_, err := migrate.Diff(snapshot(t, personPet), snapshot(t, memberPet), migrate.Options{})
	var open *migrate.UnresolvedError
	if !errors.As(err, &open) {
		t.Fatalf("got error %v, want an UnresolvedError", err)
	}
	want := `D1 database "db": cannot tell renames from drops without a terminal to ask:
  model "Person" is gone and "Member" is new: was it renamed?
    pass --rename Person=Member if it was renamed, or --drop Person if its data should go`
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}

	// Once the model is settled, its column is the question; a table that
	// only loses columns asks nothing.
	_, err = migrate.Diff(snapshot(t, personPet), snapshot(t, memberPet), parseArgs(t, "--rename Person=Member"))
	if !errors.As(err, &open) || len(open.Questions) != 1 || open.Questions[0].String() != `column "Member.nick" is gone and "Member.name" is new: was it renamed?` {
		t.Errorf("got %v", err)
	}
}

// TestDiffAsk checks that answers given through Ask are used, and that an
// answer that is not one of the options is refused.
func TestDiffAsk(t *testing.T) {
	var asked []string
	ask := func(q migrate.Question) (string, error) {
		asked = append(asked, q.String())
		return q.Options[0], nil
	}
	opts := parseArgs(t, "--default Pet.born=2020-02-02")
	opts.Ask = ask
	plan, err := migrate.Diff(snapshot(t, personPet), snapshot(t, memberPet), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 {
		t.Errorf("asked %q, want the model then its column", asked)
	}
	sql := strings.Join(plan.Statements(), ";\n")
	for _, want := range []string{`ALTER TABLE "Person" RENAME TO "Member"`, `ALTER TABLE "Member" RENAME COLUMN "nick" TO "name"`, `'2020-02-02'`} {
		if !strings.Contains(sql, want) {
			t.Errorf("plan lacks %q:\n%s", want, sql)
		}
	}
	if !slices.Contains(plan.Used, "--default Pet.born=2020-02-02") {
		t.Errorf("Used = %q lacks the default", plan.Used)
	}

	opts.Ask = func(migrate.Question) (string, error) { return "Nobody", nil }
	if _, err := migrate.Diff(snapshot(t, personPet), snapshot(t, memberPet), opts); err == nil || err.Error() != `"Nobody" is not one of the new names ["Member"]` {
		t.Errorf("got error %v", err)
	}
}

// TestDiffKinds checks that a snapshot of another binding or kind is refused.
func TestDiffKinds(t *testing.T) {
	old := snapshot(t, personPet)
	cur := *old
	cur.Kind = migrate.Durable
	if _, err := migrate.Diff(old, &cur, migrate.Options{}); err == nil || err.Error() != `the last snapshot is of D1 database "db", not of Durable Object "db"` {
		t.Errorf("got error %v", err)
	}
}

// TestUnchanged checks that the same schema plans nothing after the first
// migration, and an empty first migration still exists.
func TestUnchanged(t *testing.T) {
	snap := snapshot(t, personPet)
	plan, err := migrate.Diff(snap, snap, migrate.Options{})
	if err != nil || !plan.Empty() || plan.First {
		t.Errorf("unchanged: plan %+v, error %v", plan, err)
	}
	first, err := migrate.Diff(nil, snapshot(t, ""), migrate.Options{})
	if err != nil || !first.Empty() || !first.First {
		t.Errorf("first of nothing: plan %+v, error %v", first, err)
	}
	if got := string(first.SQL(1, "init")); !strings.Contains(got, "-- No model of this database has a table yet.") {
		t.Errorf("empty first migration:\n%s", got)
	}
}

// TestAutoincrementKeys checks which keys the snapshot marks
// AUTOINCREMENT, the one kind of key SQLite allows it on: a table's lone
// int key column, a foreign key or not, never a string or composite key.
func TestAutoincrementKeys(t *testing.T) {
	snap := snapshot(t, `
model A for db {
    primary { id: int }
    column { n: int }
}
model B for db {
    primary { code: string }
}
model C for db {
    primary {
        foreign A::id { aId }
        n: int
    }
}
model D for db {
    primary {
        foreign A::id { aId }
    }
}`)
	var got []string
	for _, tb := range snap.Tables {
		for _, c := range tb.Columns {
			if c.Autoincrement {
				got = append(got, tb.Name+"."+c.Name)
			}
		}
	}
	if want := []string{"A.id", "D.aId"}; !slices.Equal(got, want) {
		t.Errorf("AUTOINCREMENT columns %q, want %q", got, want)
	}
	plan, err := migrate.Diff(nil, snap, migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sql := strings.Join(plan.Statements(), ";\n")
	if n := strings.Count(sql, "INTEGER PRIMARY KEY AUTOINCREMENT"); n != 2 || !strings.Contains(sql, `"id" INTEGER PRIMARY KEY AUTOINCREMENT,`) {
		t.Errorf("want A and D created with AUTOINCREMENT keys:\n%s", sql)
	}
}
