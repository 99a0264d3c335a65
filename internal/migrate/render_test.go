package migrate_test

import (
	"slices"
	"testing"

	"github.com/cloesce-go/cloesce/internal/migrate"
)

// TestDeclaredRowLosses reads back the row losses a migration declares:
// those its plan writes once allowed, in SQL and in a Durable Object
// module, and those written by hand; column losses keep the rows.
func TestDeclaredRowLosses(t *testing.T) {
	plan, err := migrate.Diff(snapshot(t, personPet), snapshot(t, `
model Person for db {
    primary { id: int }
}`), migrate.Options{Drops: []migrate.Target{{Table: "Pet"}, {Table: "Person", Column: "nick"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, text string
		want       []string
	}{
		{"plan SQL", string(plan.SQL(1, "drop")), []string{"Pet"}},
		{"plan module", string(plan.DurableModule(1, "drop")), []string{"Pet"}},
		{"by hand", "-- DATA LOSS: rows of table \"Session\"\nDELETE FROM \"Session\" WHERE \"expired\";\n", []string{"Session"}},
		{"quotes in the name", `--DATA LOSS: every row of table "a""b" (old)`, []string{`a"b`}},
		{"column values", `-- DATA LOSS: the values of column "Person"."nick"`, nil},
		{"not a comment", `SELECT 'DATA LOSS: every row of table "X"'`, nil},
		{"unquoted", `-- DATA LOSS: every row of table X`, nil},
		{"unterminated", `-- DATA LOSS: every row of table "X`, nil},
	} {
		if got := migrate.DeclaredRowLosses(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%s: DeclaredRowLosses = %q, want %q", tt.name, got, tt.want)
		}
	}
}
