package parser

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
)

// schemaFiles returns the .clo files matching pattern, failing when there
// are none so that a moved directory cannot make a test pass vacuously.
func schemaFiles(t *testing.T, pattern string) []string {
	t.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil || len(paths) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	return paths
}

func parseFile(t *testing.T, path string) (*ast.File, *diag.List) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.List
	return Parse(source.NewFile(filepath.Base(path), string(text)), &diags), &diags
}

// TestSpecExamples parses every schema snippet of the documentation.
func TestSpecExamples(t *testing.T) {
	paths := schemaFiles(t, "../../../testdata/spec-examples/*.clo")
	if len(paths) != 64 {
		t.Errorf("found %d spec examples, want 64", len(paths))
	}
	paths = append(paths, schemaFiles(t, "../../../testdata/samples/*.clo")...)
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, diags := parseFile(t, path)
			if diags.Len() > 0 {
				t.Fatalf("unexpected diagnostics:\n%s", diags.Text())
			}
			if len(f.Decls) == 0 {
				t.Fatal("parsed no declarations")
			}
		})
	}
}

// TestASTGolden records the tree of the samples and of testdata/*.clo,
// which together use every construct of the language.
func TestASTGolden(t *testing.T) {
	paths := append(schemaFiles(t, "../../../testdata/samples/*.clo"), schemaFiles(t, "testdata/*.clo")...)
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, diags := parseFile(t, path)
			if diags.Len() > 0 {
				t.Fatalf("unexpected diagnostics:\n%s", diags.Text())
			}
			golden.File(t, filepath.Join("testdata", "ast", filepath.Base(path)+".ast"), []byte(ast.Dump(f)))
		})
	}
}

// TestSyntaxErrors parses the .clo entries of each archive in
// testdata/errors and compares the rendered diagnostics with its "stderr"
// entry. The archive comment says what the case is about.
func TestSyntaxErrors(t *testing.T) {
	golden.Txtar(t, "testdata/errors", func(t *testing.T, ar *txtar.Archive) map[string]string {
		var diags diag.List
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".clo") {
				Parse(source.NewFile(f.Name, string(f.Data)), &diags)
			}
		}
		if !diags.HasErrors() {
			t.Error("no errors reported")
		}
		return map[string]string{"stderr": diags.Text()}
	})
}
