package sema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// validSchemas are the schemas that must analyse without diagnostics:
// both samples and the parser's comprehensive schema.
var validSchemas = []string{
	"../../testdata/samples/weather.clo",
	"../../testdata/samples/reddit.clo",
	"../syntax/parser/testdata/comprehensive.clo",
}

// TestValidSchemas checks that the valid schemas have no diagnostics and
// that their interface descriptions match testdata/cidl/<name>.json.
func TestValidSchemas(t *testing.T) {
	for _, path := range validSchemas {
		name := strings.TrimSuffix(filepath.Base(path), ".clo")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			data, err := idl.Encode(analyzeNamed(t, filepath.Base(path), string(text)))
			if err != nil {
				t.Fatal(err)
			}
			// Indented, for reviewable diffs; cidl.json is compact.
			golden.File(t, "testdata/cidl/"+name+".json", idl.Indent(data))
			back, err := idl.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := idl.Encode(back); string(again) != string(data) {
				t.Error("decoding and re-encoding the description changes it")
			}
		})
	}
}

// TestErrors checks each archive in testdata/errors: its .clo files, which
// must parse, analysed together, give the diagnostics in its "stderr".
func TestErrors(t *testing.T) {
	golden.Txtar(t, "testdata/errors", func(t *testing.T, ar *txtar.Archive) map[string]string {
		var diags diag.List
		var files []*ast.File
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".clo") {
				files = append(files, parser.Parse(source.NewFile(f.Name, string(f.Data)), &diags))
			}
		}
		if diags.HasErrors() {
			t.Fatalf("input does not parse:\n%s", diags.Text())
		}
		Analyze(files, &diags)
		if !diags.HasErrors() {
			t.Error("no errors reported")
		}
		return map[string]string{"stderr": diags.Text()}
	})
}
