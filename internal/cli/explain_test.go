package cli

import (
	"slices"
	"testing"

	"github.com/cloesce-go/cloesce/internal/migrate"
)

func TestParamCount(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{`SELECT 1`, 0},
		{`SELECT * FROM "T" WHERE "id" = ?1`, 1},
		{`WHERE ?1 IS NULL OR "id" > ?1 LIMIT ?2`, 2},
		{`VALUES (?1, 'what?7', "col?9", ?3) -- ?12`, 3},
		{`VALUES ('it''s ?5', ?2)`, 2},
		{`VALUES (?, ?)`, 2},
	} {
		if got := paramCount(tc.sql); got != tc.want {
			t.Errorf("paramCount(%q) = %d, want %d", tc.sql, got, tc.want)
		}
	}
}

func TestFullScan(t *testing.T) {
	aliases := tableAliases(`SELECT * FROM "Post" LEFT JOIN "Comment" AS "Comment_2" ON 1 WHERE "x" IN (SELECT 1)`)
	for _, tc := range []struct{ detail, want string }{
		{"SCAN Comment_2 LEFT-JOIN", "Comment"},
		{"SCAN Post", "Post"},
		{"SEARCH Post USING INTEGER PRIMARY KEY (rowid=?)", ""},
		{"SCAN Post USING COVERING INDEX Post_title_key", ""},
		{"SEARCH Comment_2 USING AUTOMATIC COVERING INDEX (postId=?) LEFT-JOIN", "Comment"},
		{"SCAN CONSTANT ROW", ""},
		{"SCAN 2-ROW VALUES CLAUSE", ""},
		{"SCAN (subquery-1)", ""},
		{"LIST SUBQUERY 1", ""},
	} {
		if got := fullScan(tc.detail, aliases); got != tc.want {
			t.Errorf("fullScan(%q) = %q, want %q", tc.detail, got, tc.want)
		}
	}
}

// The statements explain reads back from a Durable Object migration module
// are the ones cloesce migrate wrote into it.
func TestModuleStatements(t *testing.T) {
	want := []string{"CREATE TABLE \"T\" (\n  \"a\" TEXT NOT NULL\n)", "INSERT INTO \"T\" VALUES ('back`tick \\ and ${x}')"}
	plan := &migrate.Plan{Binding: "Obj", Kind: migrate.Durable, Steps: []*migrate.Step{{Summary: "create", SQL: want}}}
	got, err := moduleStatements(string(plan.DurableModule(1000, "init")))
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("moduleStatements = %q, %v; want %q", got, err, want)
	}
	if _, err := moduleStatements("sql.exec(`SELECT ${n}`);"); err == nil {
		t.Error("a substitution was read as plain SQL")
	}
}
