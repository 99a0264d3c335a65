package sema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// TestValidSchemas checks that the samples and the parser's comprehensive
// schema have no semantic errors.
func TestValidSchemas(t *testing.T) {
	paths, _ := filepath.Glob("../../testdata/samples/*.clo")
	paths = append(paths, "../syntax/parser/testdata/comprehensive.clo")
	if len(paths) != 3 {
		t.Fatalf("found %d schemas, want 3", len(paths))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var diags diag.List
			f := parser.Parse(source.NewFile(filepath.Base(path), string(text)), &diags)
			Analyze([]*ast.File{f}, &diags)
			if diags.Len() > 0 {
				t.Errorf("unexpected diagnostics:\n%s", diags.Text())
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
