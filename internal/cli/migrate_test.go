package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// migrateIn runs cloesce migrate in dir as on a terminal, answering its
// questions with input, and returns its error and output.
func migrateIn(t *testing.T, dir, input string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	e := &env{stdio: Stdio{In: strings.NewReader(input), Out: &out, Err: &errOut}, interactive: true}
	err = dispatch(t.Context(), e, append([]string{"migrate", "--dir", dir}, args...))
	return out.String(), errOut.String(), err
}

func writeSchema(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "schema.clo"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMigrateAsks checks the questions migrate asks on a terminal: what a
// model and a column that are gone became, chosen by number (a wrong
// answer is asked again), and whether to write a migration that loses
// data, which "n" refuses and "y" accepts.
func TestMigrateAsks(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dir := t.TempDir()
	writeSchema(t, dir, `d1 { db }
model Person for db {
    primary { id: int }
    column {
        nick: string
        age: int
    }
}`)
	if _, stderr, err := migrateIn(t, dir, "", "--all", "init"); err != nil {
		t.Fatalf("first migration: %v\n%s", err, stderr)
	}
	writeSchema(t, dir, `d1 { db }
model Member for db {
    primary { id: int }
    column { name: string }
}`)
	sqlFile := filepath.Join(dir, "migrations", "db", "1700000001_second.sql")

	_, stderr, err := migrateIn(t, dir, "1\n7\n1\nn\n", "--all", "second")
	if !errors.Is(err, errReported) {
		t.Fatalf("refusing the data loss: got error %v, want a reported failure", err)
	}
	for _, want := range []string{
		`model "Person" is gone and "Member" is new: was it renamed?`,
		`  [1] renamed to "Member"`,
		`  [d] dropped, with its data`,
		`column "Member.nick" is gone and "Member.name" is new: was it renamed?`,
		"Answer a number from 1 to 1, or d.",
		`D1 database "db": the values of column "Member"."age"`,
		"Write them anyway? [y/N] ",
		"cloesce: nothing written",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, `column "Member.age" is gone`) {
		t.Errorf("asked about age although no new column is left for it:\n%s", stderr)
	}
	if _, err := os.Stat(sqlFile); !os.IsNotExist(err) {
		t.Fatalf("a refused migration was written: %v", err)
	}

	if _, stderr, err := migrateIn(t, dir, "1\n1\ny\n", "--all", "second"); err != nil {
		t.Fatalf("accepting the data loss: %v\n%s", err, stderr)
	}
	data, err := os.ReadFile(sqlFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`ALTER TABLE "Person" RENAME TO "Member";`,
		`ALTER TABLE "Member" RENAME COLUMN "nick" TO "name";`,
		`ALTER TABLE "Member" DROP COLUMN "age";`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("migration lacks %q:\n%s", want, data)
		}
	}
}

// TestMigrateDropAnswer checks that "d" answers a rename question with a
// drop, and that input ending before an answer is an error, not a guess.
func TestMigrateDropAnswer(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dir := t.TempDir()
	writeSchema(t, dir, "d1 { db }\nmodel A for db {\n    primary { id: int }\n}\n")
	if _, stderr, err := migrateIn(t, dir, "", "--all", "init"); err != nil {
		t.Fatalf("first migration: %v\n%s", err, stderr)
	}
	writeSchema(t, dir, "d1 { db }\nmodel B for db {\n    primary { id: int }\n}\n")
	if _, _, err := migrateIn(t, dir, "", "--all", "next"); !errors.Is(err, errReported) {
		t.Errorf("no answer: got error %v, want a reported failure", err)
	}
	stdout, stderr, err := migrateIn(t, dir, "d\n", "--all", "--allow-data-loss", "next")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{`create table "B"`, `drop table "A"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, stdout)
		}
	}
}
