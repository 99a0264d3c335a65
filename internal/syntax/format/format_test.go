package format

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

// checkFormat formats src and verifies the printer's contract: the output
// parses, says the same as the input, keeps every comment, ends with a
// newline, and is a fixed point. It returns the output.
func checkFormat(t testing.TB, name, src string) string {
	t.Helper()
	var diags diag.List
	in := parser.Parse(source.NewFile(name, src), &diags)
	if diags.HasErrors() {
		t.Fatalf("input does not parse: %v", diags.Error())
	}
	out := string(File(in))
	again := parser.Parse(source.NewFile(name, out), &diags)
	if diags.HasErrors() {
		t.Fatalf("formatted output does not parse: %v\n%s", diags.Error(), visible(out))
	}
	if a, b := ast.Shape(in), ast.Shape(again); a != b {
		t.Fatalf("formatted output parses to a different tree:\n%s\n--- input tree:\n%s\n--- output tree:\n%s", visible(out), a, b)
	}
	if len(in.Comments) != len(again.Comments) {
		t.Fatalf("formatting kept %d of %d comments:\n%s", len(again.Comments), len(in.Comments), visible(out))
	}
	if out != "" && !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline:\n%s", visible(out))
	}
	if out2 := string(File(again)); out2 != out {
		t.Fatalf("formatting is not idempotent:\n%s\n--- formatted again:\n%s", visible(out), visible(out2))
	}
	return out
}

// visible shows the whitespace of s, for failure messages.
func visible(s string) string {
	return strings.NewReplacer(" ", "·", "\t", "→", "\n", "⏎\n").Replace(s)
}

// TestFormat runs the cases in testdata: each archive's "in.clo" formats
// to its "out.clo".
func TestFormat(t *testing.T) {
	golden.Txtar(t, "testdata", func(t *testing.T, ar *txtar.Archive) map[string]string {
		for _, f := range ar.Files {
			if f.Name == "in.clo" {
				return map[string]string{"out.clo": checkFormat(t, "in.clo", string(f.Data))}
			}
		}
		t.Fatal("archive has no in.clo")
		return nil
	})
}

// TestFormatCorpus formats every spec example, sample and parser test
// schema.
func TestFormatCorpus(t *testing.T) {
	var paths []string
	for _, pattern := range []string{
		"../../../testdata/spec-examples/*.clo",
		"../../../testdata/samples/*.clo",
		"../parser/testdata/*.clo",
	} {
		m, _ := filepath.Glob(pattern)
		paths = append(paths, m...)
	}
	if len(paths) < 67 {
		t.Fatalf("found only %d schema files", len(paths))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkFormat(t, filepath.Base(path), string(src))
		})
	}
}
