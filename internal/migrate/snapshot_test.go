package migrate_test

import (
	"os"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
)

func decodeCIDL(t *testing.T, name string) *idl.Schema {
	t.Helper()
	data, err := os.ReadFile("../sema/testdata/cidl/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := idl.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSnapshots checks the snapshots of the golden interface descriptions
// against testdata/snapshots: the file format, in which hashes must stay
// the same from release to release, and that they decode to themselves.
func TestSnapshots(t *testing.T) {
	for _, tc := range []struct{ cidl, binding string }{
		{"weather", "db"},
		{"reddit", "SubRedditDo"},
		{"reddit", "UserDo"},
		{"comprehensive", "Main"},
		{"comprehensive", "Analytics"},
		{"comprehensive", "Tenant"},
	} {
		t.Run(tc.cidl+"_"+tc.binding, func(t *testing.T) {
			snap, err := migrate.FromSchema(decodeCIDL(t, tc.cidl), tc.binding)
			if err != nil {
				t.Fatal(err)
			}
			data := snap.Encode()
			golden.File(t, "testdata/snapshots/"+tc.cidl+"_"+tc.binding+".json", data)
			back, err := migrate.DecodeSnapshot(data)
			if err != nil {
				t.Fatal(err)
			}
			if string(back.Encode()) != string(data) {
				t.Error("decoding and encoding the snapshot changes it")
			}
		})
	}
}

func TestBindings(t *testing.T) {
	got := strings.Join(migrate.Bindings(decodeCIDL(t, "comprehensive")), " ")
	if want := "Main Analytics Global Tenant"; got != want {
		t.Errorf("Bindings = %q, want %q (D1 databases, then Durable Objects)", got, want)
	}
	if _, err := migrate.FromSchema(decodeCIDL(t, "weather"), "Db"); err == nil || err.Error() != `the schema has no D1 database or Durable Object named "Db"` {
		t.Errorf("unknown binding: got error %v", err)
	}
}

// TestDecodeSnapshotErrors checks that damaged or hand-edited snapshots
// are refused with the reason.
func TestDecodeSnapshotErrors(t *testing.T) {
	snap, err := migrate.FromSchema(decodeCIDL(t, "weather"), "db")
	if err != nil {
		t.Fatal(err)
	}
	good := string(snap.Encode())
	for _, tc := range []struct{ name, old, new, err string }{
		{"not JSON", good, "{", "not a snapshot: unexpected EOF"},
		{"unknown field", `"binding"`, `"bindings"`, `not a snapshot: json: unknown field "bindings"`},
		{"format", `"format": 1`, `"format": 2`, "snapshot format 2 is not supported (this cloesce reads format 1)"},
		{"kind", `"kind": "d1"`, `"kind": "kv"`, `snapshot kind "kv" is neither "d1" nor "durable"`},
		{"edited table", `"name": "title"`, `"name": "heading"`, `table "WeatherReport" does not match its hash: the snapshot was edited or damaged`},
		{"edited hash", snap.Hash, "0123456789abcdef", "the snapshot does not match its hash: it was edited or damaged"},
		{"bad type", `"type": "date"`, `"type": "time"`, `table "Weather": column "dateTime" has unknown type "time"`},
		{"no key", `"primary_key": [
        "id"
      ],
      "foreign_keys": [
        {`, `"primary_key": [],
      "foreign_keys": [
        {`, `table "Weather": no primary key`},
		{"missing column", `"columns": [
            "weatherReportId"`, `"columns": [
            "reportId"`, `table "Weather": no column "reportId"`},
		{"index on a missing column", `"indexes": [
        [
          "weatherReportId"`, `"indexes": [
        [
          "reportId"`, `table "Weather": no column "reportId"`},
		{"empty index", `"indexes": [
        [
          "weatherReportId"
        ]`, `"indexes": [
        []`, `table "Weather": an empty unique group or index`},
		{"autoincrement off the key", `"type": "date"`, `"type": "date", "autoincrement": true`, `table "Weather": column "dateTime" is autoincrement but not the primary key of a single int column`},
		{"missing table", `"table": "WeatherReport"`, `"table": "Report"`, `table "Weather": foreign key to "Report", which is not in the snapshot`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("the snapshot has no %q", tc.old)
			}
			_, err := migrate.DecodeSnapshot([]byte(strings.Replace(good, tc.old, tc.new, 1)))
			if err == nil || err.Error() != tc.err {
				t.Errorf("got error %v, want %q", err, tc.err)
			}
		})
	}
}
