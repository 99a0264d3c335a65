package migrate_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	_ "modernc.org/sqlite"

	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/migrate/migratetest"
)

// TestScenarios plays every scenario of testdata/scenarios on SQLite with
// foreign keys enforced, as D1 and Durable Objects enforce them: each
// step's migration is planned from the previous snapshot, applied in one
// transaction to the database seeded by the steps before, and must leave
// no broken foreign key and the same tables, columns, keys, AUTOINCREMENT
// and indexes as creating the step's schema from nothing; planning the
// same schema again from the snapshot it wrote must change nothing. The
// final data must be exactly what the scenario's checks list. The
// migrations and plans are goldens.
func TestScenarios(t *testing.T) {
	golden.Txtar(t, "testdata/scenarios", func(t *testing.T, ar *txtar.Archive) map[string]string {
		s, err := migratetest.Parse(t.Name(), ar)
		if err != nil {
			t.Fatal(err)
		}
		db := openDB(t)
		out := map[string]string{}
		last := start(t, db, s.Start)
		for i, st := range s.Steps {
			n := i + 1
			snap, plan := planStep(t, n, st, last)
			ts := int64(1700000000 + n)
			if plan.Kind == migrate.D1 {
				out[fmt.Sprintf("%d.sql", n)] = string(plan.SQL(ts, fmt.Sprintf("step%d", n)))
			} else {
				out[fmt.Sprintf("%d.ts", n)] = string(plan.DurableModule(ts, fmt.Sprintf("step%d", n)))
			}
			out[fmt.Sprintf("%d.plan", n)] = plan.Describe()
			if err := apply(db, plan.Statements()); err != nil {
				t.Fatalf("step %d: %v\n%s", n, err, plan.SQL(ts, "step"))
			}
			if err := sameShape(db, snap); err != nil {
				t.Fatalf("step %d: %v", n, err)
			}
			if st.Seed != "" {
				if _, err := db.Exec(st.Seed); err != nil {
					t.Fatalf("step %d seed: %v", n, err)
				}
			}
			last, err = migrate.DecodeSnapshot(snap.Encode())
			if err != nil {
				t.Fatalf("step %d: snapshot does not read back: %v", n, err)
			}
			if again, err := migrate.Diff(last, snap, migrate.Options{}); err != nil || !again.Empty() {
				t.Fatalf("step %d: the same schema again plans %q (error %v)", n, again.Statements(), err)
			}
		}
		for _, c := range s.Checks {
			got, err := query(db, c.Query)
			if err != nil {
				t.Fatalf("%s: %v", c.Query, err)
			}
			if !slices.Equal(got, c.Rows) {
				t.Errorf("%s\ngot rows:\n%s\nwant:\n%s", c.Query, strings.Join(got, "\n"), strings.Join(c.Rows, "\n"))
			}
		}
		return out
	})
}

// start makes db the database an earlier cloesce left, when the scenario
// starts from one, and returns the snapshot that cloesce wrote (nil
// otherwise, for a first migration).
func start(t *testing.T, db *sql.DB, st *migratetest.Start) *migrate.Snapshot {
	t.Helper()
	if st == nil {
		return nil
	}
	snap, err := migrate.DecodeSnapshot([]byte(st.Snapshot))
	if err != nil {
		t.Fatalf("0.json: %v", err)
	}
	for _, q := range []string{st.SQL, st.Seed} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("step 0: %v", err)
		}
	}
	if err := sameShape(db, snap); err != nil {
		t.Fatalf("0.sql and 0.json disagree: %v", err)
	}
	return snap
}

// planStep plans step n from the snapshot of the step before, checking
// that the step's flags are all used and that it allows data loss exactly
// when it loses data.
func planStep(t *testing.T, n int, st *migratetest.Step, last *migrate.Snapshot) (*migrate.Snapshot, *migrate.Plan) {
	t.Helper()
	schema, err := migratetest.Analyze(st.Schema)
	if err != nil {
		t.Fatalf("step %d: %v", n, err)
	}
	binding, err := migratetest.Binding(schema)
	if err != nil {
		t.Fatalf("step %d: %v", n, err)
	}
	snap, err := migrate.FromSchema(schema, binding)
	if err != nil {
		t.Fatalf("step %d: %v", n, err)
	}
	opts, allow, err := migratetest.Options(st.Args)
	if err != nil {
		t.Fatalf("step %d: %v", n, err)
	}
	plan, err := migrate.Diff(last, snap, opts)
	if err != nil {
		t.Fatalf("step %d: %v", n, err)
	}
	var flags []string
	for _, a := range st.Args {
		if a != "--allow-data-loss" {
			flags = append(flags, a)
		}
	}
	slices.Sort(flags)
	used := slices.Sorted(slices.Values(plan.Used))
	if !slices.Equal(flags, used) {
		t.Errorf("step %d: flags %q, plan used %q", n, flags, used)
	}
	if loses := plan.Loses(); (len(loses) > 0) != allow {
		t.Errorf("step %d: --allow-data-loss is %v but the plan loses %q", n, allow, loses)
	}
	if plan.Empty() && !plan.First {
		t.Errorf("step %d changes nothing", n)
	}
	return snap, plan
}

// openDB opens an empty SQLite database enforcing foreign keys.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "db.sqlite")+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// apply runs statements in one transaction, as wrangler and the Durable
// Object runner do, and checks that no foreign key is left broken.
func apply(db *sql.DB, stmts []string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.Exec(s); err != nil {
			return fmt.Errorf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	broken, err := query(db, "PRAGMA foreign_key_check")
	if err == nil && len(broken) > 0 {
		err = fmt.Errorf("broken foreign keys: %q", broken)
	}
	return err
}

// sameShape checks that db has the tables a database created from snap
// alone would have, with the same columns, keys and indexes.
func sameShape(db *sql.DB, snap *migrate.Snapshot) error {
	fresh, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer fresh.Close()
	fresh.SetMaxOpenConns(1)
	first, err := migrate.Diff(nil, snap, migrate.Options{})
	if err != nil {
		return err
	}
	if err := apply(fresh, first.Statements()); err != nil {
		return fmt.Errorf("creating from nothing: %v", err)
	}
	got, err := shape(db)
	if err != nil {
		return err
	}
	want, err := shape(fresh)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("migrated database:\n%s\ndiffers from a new one:\n%s", got, want)
	}
	return nil
}

// shape describes the tables of db, in an order that does not depend on
// how they came about: columns (name, type, not null, key position),
// foreign keys and indexes, each sorted.
func shape(db *sql.DB) (string, error) {
	tables, err := query(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, table := range tables {
		fmt.Fprintf(&b, "table %s\n", table)
		// SQLite keeps AUTOINCREMENT in the table's SQL alone.
		auto, err := query(db, "SELECT instr(upper(sql), 'AUTOINCREMENT') > 0 FROM sqlite_master WHERE type = 'table' AND name = ?", table)
		if err != nil {
			return "", err
		}
		if auto[0] == "1" {
			b.WriteString("  AUTOINCREMENT\n")
		}
		for _, q := range []string{
			`SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY name`,
			`SELECT "table", group_concat("from"), group_concat("to"), on_update, on_delete FROM (SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq) GROUP BY id ORDER BY 1, 2`,
			`SELECT l.name, l."unique", (SELECT group_concat(name) FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) FROM pragma_index_list(?) AS l WHERE l.origin = 'c' ORDER BY l.name`,
		} {
			rows, err := query(db, q, table)
			if err != nil {
				return "", err
			}
			for _, r := range rows {
				fmt.Fprintf(&b, "  %s\n", r)
			}
		}
	}
	return b.String(), nil
}

// query returns the rows of a query as check rows spell them.
func query(db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		fields := make([]string, len(vals))
		for i, v := range vals {
			if fields[i], err = migratetest.Value(v); err != nil {
				return nil, err
			}
		}
		out = append(out, strings.Join(fields, "|"))
	}
	return out, rows.Err()
}
