package cli

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/migrate/migratetest"
)

// TestD1ObjectID checks the names of local D1 database files against
// those Miniflare 4 gave two databases.
func TestD1ObjectID(t *testing.T) {
	for id, want := range map[string]string{
		"local-db":                             "e833abeb83abd38e60de8166ab13bbd4d7a5636dc148a7fd8ec47b7678c87854",
		"0f1e2d3c-aaaa-bbbb-cccc-123456789abc": "34b8ce90b28a9f2868b7e6c40d32d1a541bd24d76fa0116fa8c345dfa4596f78",
	} {
		if got := d1ObjectID(id); got != want {
			t.Errorf("d1ObjectID(%q) = %s, want %s", id, got, want)
		}
	}
}

func TestFindLocalD1(t *testing.T) {
	state := filepath.Join(".wrangler", "state", "v3", "d1", "miniflare-D1DatabaseObject")
	for _, tt := range []struct {
		name, format, config, env string
		id, table                 string // "" id: not bound
	}{
		{"database id", "jsonc", `{"d1_databases": [{"binding": "db", "database_id": "local-db"}]}`, "", "local-db", "d1_migrations"},
		{"preview id first", "jsonc", `{
			// comments and trailing commas, as wrangler.jsonc has them
			"d1_databases": [{"binding": "db", "database_id": "x", "preview_database_id": "p", "migrations_table": "done",},],
		}`, "", "p", "done"},
		{"no id: the binding", "toml", "[[d1_databases]]\nbinding = \"db\"\n", "", "db", "d1_migrations"},
		{"another binding", "toml", "[[d1_databases]]\nbinding = \"other\"\ndatabase_id = \"o\"\n", "", "", "d1_migrations"},
		{"an environment's", "toml", "[[d1_databases]]\nbinding = \"db\"\ndatabase_id = \"top\"\n[[env.staging.d1_databases]]\nbinding = \"db\"\ndatabase_id = \"st\"\n", "staging", "st", "d1_migrations"},
		{"environments do not inherit", "toml", "[[d1_databases]]\nbinding = \"db\"\ndatabase_id = \"top\"\n", "staging", "", "d1_migrations"},
		{"no config", "toml", "", "", "", "d1_migrations"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				writeFile(t, filepath.Join(dir, "wrangler."+tt.format), tt.config)
			}
			got, err := findLocalD1(&config.Config{Root: dir, WranglerConfigFormat: tt.format}, tt.env, "db")
			if err != nil {
				t.Fatal(err)
			}
			want := localD1{table: tt.table}
			if tt.id != "" {
				want.path = filepath.Join(dir, state, d1ObjectID(tt.id)+".sqlite")
			}
			if got != want {
				t.Errorf("findLocalD1 = %+v, want %+v", got, want)
			}
		})
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "wrangler.jsonc"), `{"d1_databases": [`)
	if _, err := findLocalD1(&config.Config{Root: dir, WranglerConfigFormat: "jsonc"}, "", "db"); err == nil {
		t.Error("a config that does not parse gave no error")
	}
}

// sqliteFile creates the SQLite database path holding what stmts make.
func sqliteFile(t *testing.T, path, stmts string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmts); err != nil {
		t.Fatal(err)
	}
}

// verifyBase is a local database of a to-do app: its first migration
// applied, as wrangler records it, and rows.
const verifyBase = `
CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);
INSERT INTO d1_migrations (name) VALUES ('1_init.sql');
CREATE TABLE "List" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "note" TEXT);
CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "listId" INTEGER NOT NULL REFERENCES "List" ("id") ON DELETE RESTRICT, "done" INTEGER NOT NULL);
CREATE TABLE "Log" ("id" INTEGER PRIMARY KEY, "line" TEXT);
INSERT INTO "List" VALUES (1, 'home', NULL), (2, 'work', 'busy');
INSERT INTO "Item" VALUES (1, 1, 0), (2, 1, 1), (3, 2, 1);
INSERT INTO "Log" VALUES (1, 'a'), (2, 'b');
`

// TestVerify applies hand-written pending migrations to copies of a
// local database: those that keep every row, or lose only rows a DATA
// LOSS line declares, pass; the others are refused with the table and
// its counts, as are broken foreign keys and failing statements.
func TestVerify(t *testing.T) {
	for _, tt := range []struct {
		name       string
		migrations []string // 2_..., 3_...
		want       []string // the tables: name, before, after, note
		errs       []string // the diagnostics, in the short format
	}{
		{"a column added", []string{`ALTER TABLE "List" ADD COLUMN "color" TEXT;`},
			[]string{"Item 3 3", "List 2 2", "Log 2 2"}, nil},
		{"a column dropped", []string{"-- DATA LOSS: the values of column \"List\".\"note\"\nALTER TABLE \"List\" DROP COLUMN \"note\";"},
			[]string{"Item 3 3", "List 2 2", "Log 2 2"}, nil},
		{"rows deleted", []string{"-- clean up\nDELETE FROM \"Item\" WHERE \"done\";"},
			[]string{"Item 3 1 2 lost", "List 2 2", "Log 2 2"},
			[]string{`migrations/db/2_m.sql:2:1: error[E0306]: migration 2_m.sql of D1 database "db" deletes 2 of the 3 rows of table "Item", and no DATA LOSS line declares it (help: keep the rows; or, if losing them is intended, declare it in the migration with the line: -- DATA LOSS: rows of table "Item")`}},
		{"rows deleted, declared", []string{"-- DATA LOSS: rows of table \"Item\"\ndelete from item where done;"},
			[]string{"Item 3 1 2 lost, declared", "List 2 2", "Log 2 2"}, nil},
		{"a table dropped", []string{`DROP TABLE "Log";`},
			[]string{"Item 3 3", "List 2 2", "Log 2 - dropped"},
			[]string{`migrations/db/2_m.sql:1:1: error[E0306]: migration 2_m.sql of D1 database "db" drops table "Log" with its 2 rows, and no DATA LOSS line declares it (help: keep the table; or, if losing it is intended, declare it in the migration with the line: -- DATA LOSS: every row of table "Log")`}},
		{"a table dropped, declared as cloesce migrate does", []string{"-- drop table \"Log\"\n-- DATA LOSS: every row of table \"Log\"\nDROP TABLE \"Log\";"},
			[]string{"Item 3 3", "List 2 2", "Log 2 - dropped, declared"}, nil},
		{"a table renamed, twice", []string{`ALTER TABLE "Log" RENAME TO "Journal";`, "ALTER TABLE Journal RENAME TO [Diary];"},
			[]string{"Item 3 3", "List 2 2", "Log -> Diary 2 2"}, nil},
		{"a rebuild renaming the old table away", []string{`
ALTER TABLE "Log" RENAME TO "Log_old";
CREATE TABLE "Log" ("id" INTEGER PRIMARY KEY, "line" TEXT NOT NULL DEFAULT '');
INSERT INTO "Log" SELECT "id", coalesce("line", '') FROM "Log_old";
DROP TABLE "Log_old";`}, []string{"Item 3 3", "List 2 2", "Log 2 2"}, nil},
		{"a rebuild renaming the new table in", []string{`
CREATE TABLE "new_Log" ("id" INTEGER PRIMARY KEY, "line" TEXT);
INSERT INTO "new_Log" SELECT * FROM "Log" WHERE "id" > 1;
DROP TABLE "Log";
ALTER TABLE "new_Log" RENAME TO "Log";`}, []string{"Item 3 3", "List 2 2", "Log 2 1 1 lost"},
			[]string{`migrations/db/2_m.sql:4:1: error[E0306]: migration 2_m.sql of D1 database "db" deletes 1 of the 2 rows of table "Log", and no DATA LOSS line declares it (help: keep the rows; or, if losing them is intended, declare it in the migration with the line: -- DATA LOSS: rows of table "Log")`}},
		{"a commented-out rename", []string{"-- ALTER TABLE \"Log\" RENAME TO \"X\";\nSELECT 'ALTER TABLE Log RENAME TO Y';"},
			[]string{"Item 3 3", "List 2 2", "Log 2 2"}, nil},
		{"a new table", []string{`CREATE TABLE "Tag" ("id" INTEGER PRIMARY KEY); INSERT INTO "Tag" VALUES (1);`},
			[]string{"Item 3 3", "List 2 2", "Log 2 2", "Tag - 1 new"}, nil},
		{"a foreign key broken at commit", []string{"PRAGMA defer_foreign_keys = ON;\nUPDATE \"Item\" SET \"listId\" = 9 WHERE \"id\" = 3;"},
			[]string{"Item 3 3", "List 2 2", "Log 2 2"},
			[]string{`migrations/db/2_m.sql:2:1: error[E0306]: migration 2_m.sql of D1 database "db" leaves 1 row of table "Item" referencing rows of "List" that do not exist`}},
		{"a foreign key broken at once", []string{`UPDATE "Item" SET "listId" = 9;`},
			[]string{"Item 3 3", "List 2 2", "Log 2 2"},
			[]string{`migrations/db/2_m.sql:1:1: error[E0306]: migration 2_m.sql of D1 database "db" leaves 3 rows of table "Item" referencing rows of "List" that do not exist`}},
		{"a failing statement stops the rest", []string{`INSERT INTO "Nope" VALUES (1);`, `DELETE FROM "Log";`},
			[]string{"Item 3 3", "List 2 2", "Log 2 2"},
			[]string{`migrations/db/2_m.sql:1:1: error[E0306]: migration 2_m.sql of D1 database "db" fails on the data of local.sqlite: no such table: Nope`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sqliteFile(t, filepath.Join(dir, "local.sqlite"), verifyBase)
			writeFile(t, filepath.Join(dir, "migrations", "db", "1_init.sql"), "-- applied already: it would fail\nCREATE TABLE \"List\" (\"id\" INTEGER);\n")
			for i, m := range tt.migrations {
				name := []string{"2_m.sql", "3_m.sql"}[i]
				writeFile(t, filepath.Join(dir, "migrations", "db", name), m)
			}
			v, errs := verifyIn(t, dir, "local.sqlite")
			var tables []string
			for _, r := range v.Tables {
				tables = append(tables, strings.TrimSpace(strings.Join([]string{r.name(), rowCount(r.Before), rowCount(r.After), r.note()}, " ")))
			}
			if !slices.Equal(tables, tt.want) {
				t.Errorf("tables:\n%s\nwant:\n%s", strings.Join(tables, "\n"), strings.Join(tt.want, "\n"))
			}
			if !slices.Equal(errs, tt.errs) {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(tt.errs, "\n"))
			}
			if v.OK != (len(tt.errs) == 0) || slices.Contains(v.Applied, "1_init.sql") {
				t.Errorf("ok %v, applied %q", v.OK, v.Applied)
			}
		})
	}
}

// verifyIn verifies the D1 database "db" of the project in dir on a copy
// of dbFile, and returns the verification and its diagnostics in the
// short format, one a line.
func verifyIn(t *testing.T, dir, dbFile string) (*verification, []string) {
	t.Helper()
	t.Chdir(dir)
	e := &env{cwd: dir}
	var diags diag.List
	v, err := e.verifyD1(&config.Config{Root: ".", MigrationsPath: "migrations", WranglerConfigFormat: "jsonc"}, "db", dbFile, &diags)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	diag.Render(&b, diags.Sorted(), diag.Options{Format: diag.Short, Cwd: dir})
	return v, strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[:diags.Len()]
}

// TestVerifyDump verifies a SQL dump, as wrangler d1 export writes one,
// whose rows come before those they reference; and the integrity check.
func TestVerifyDump(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "dump.sql"), `PRAGMA defer_foreign_keys=TRUE;
CREATE TABLE "List" ("id" INTEGER PRIMARY KEY, "title" TEXT);
CREATE TABLE "Item" ("id" INTEGER PRIMARY KEY, "listId" INTEGER REFERENCES "List" ("id"));
INSERT INTO "Item" VALUES(1,1);
INSERT INTO "List" VALUES(1,'home');
`)
	writeFile(t, filepath.Join(dir, "migrations", "db", "1_add.sql"), `ALTER TABLE "List" ADD COLUMN "color" TEXT;`)
	v, errs := verifyIn(t, dir, "dump.sql")
	if !v.OK || len(errs) > 0 || !slices.Equal(v.Applied, []string{"1_add.sql"}) || !slices.Equal(v.IntegrityCheck, []string{"ok"}) {
		t.Errorf("the dump did not verify: %+v\n%s", v, errs)
	}

	writeFile(t, filepath.Join(dir, "nonsense.db"), "not SQL at all")
	var diags diag.List
	_, err := (&env{cwd: dir}).verifyD1(&config.Config{Root: ".", MigrationsPath: "migrations", WranglerConfigFormat: "jsonc"}, "db", "nonsense.db", &diags)
	if err == nil || !strings.Contains(err.Error(), `--db "nonsense.db" is neither a SQLite database nor SQL that runs: near "not": syntax error`) {
		t.Errorf("nonsense as --db: %v", err)
	}
}

// TestVerifyScenarios plays the migration scenarios of the migrate
// package on a database, verifying each step's migration on a copy of it
// before applying it: every migration cloesce plans keeps every row, but
// those its DATA LOSS lines declare, through renames and rebuilds.
func TestVerifyScenarios(t *testing.T) {
	scenarios, err := migratetest.Load(filepath.Join("..", "migrate", "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			dir := t.TempDir()
			dbFile := filepath.Join(dir, "local.sqlite")
			sqliteFile(t, dbFile, "CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);")
			db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(dbFile)+"?_pragma=foreign_keys(1)")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			var last *migrate.Snapshot
			if s.Start != nil {
				if last, err = migrate.DecodeSnapshot([]byte(s.Start.Snapshot)); err != nil {
					t.Fatal(err)
				}
				mustExec(t, db, s.Start.SQL+s.Start.Seed)
			}
			for i, st := range s.Steps {
				schema, err := migratetest.Analyze(st.Schema)
				if err != nil {
					t.Fatal(err)
				}
				binding, err := migratetest.Binding(schema)
				if err != nil {
					t.Fatal(err)
				}
				snap, err := migrate.FromSchema(schema, binding)
				if err != nil {
					t.Fatal(err)
				}
				opts, _, err := migratetest.Options(st.Args)
				if err != nil {
					t.Fatal(err)
				}
				plan, err := migrate.Diff(last, snap, opts)
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%d_step%d.sql", 1700000001+i, i+1)
				text := plan.SQL(int64(1700000001+i), fmt.Sprintf("step%d", i+1))
				writeFile(t, filepath.Join(dir, "migrations", binding, name), string(text))

				var diags diag.List
				v, err := (&env{cwd: dir}).verifyD1(&config.Config{Root: dir, MigrationsPath: "migrations", WranglerConfigFormat: "jsonc"}, binding, dbFile, &diags)
				if err != nil {
					t.Fatal(err)
				}
				if !v.OK || diags.Len() > 0 || !slices.Equal(v.Applied, []string{name}) {
					t.Fatalf("step %d: applied %q:\n%s\n%s", i+1, v.Applied, diags.Text(), text)
				}
				mustExec(t, db, "BEGIN;\n"+string(text)+fmt.Sprintf("\nINSERT INTO d1_migrations (name) VALUES ('%s');\nCOMMIT;", name))
				if st.Seed != "" {
					mustExec(t, db, st.Seed)
				}
				last = snap
			}
		})
	}
}

func mustExec(t *testing.T, db *sql.DB, stmts string) {
	t.Helper()
	if _, err := db.Exec(stmts); err != nil {
		t.Fatalf("%v\n%s", err, stmts)
	}
}

func TestSQLCode(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"SELECT 1; -- note\nSELECT 2;", "SELECT 1;        \nSELECT 2;"},
		{"/* a\nb */ DROP TABLE x", "    \n     DROP TABLE x"},
		{`SELECT 'it''s -- no comment'`, `SELECT '                   '`},
		{`DROP TABLE "a--b"; -- c`, `DROP TABLE "a--b";     `},
		{"[x--y] `a''b` 'unterminated", "[x--y] `a''b` '            "},
	} {
		if got := sqlCode(tt.in); got != tt.want {
			t.Errorf("sqlCode(%q) =\n%q, want\n%q", tt.in, got, tt.want)
		}
	}
	got := tableRenames(sqlCode("alter table main.\"a\"\"b\" rename to `c`; ALTER TABLE d RENAME COLUMN e TO f; ALTER TABLE [g h] RENAME TO i_2;"))
	if want := [][2]string{{`a"b`, "c"}, {"g h", "i_2"}}; !slices.Equal(got, want) {
		t.Errorf("tableRenames = %q, want %q", got, want)
	}
}
