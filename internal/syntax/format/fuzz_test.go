package format

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// FuzzParseFormat checks, for any input, that parsing (and semantic
// analysis of what parses) neither panics nor
// produces a span outside the input or outside its parent, that every
// diagnostic points into the input, and that input which parses formats to
// text that means the same and is a fixed point.
//
// It runs on its seeds in every "go test"; search longer with
//
//	go test ./internal/syntax/format -run '^$' -fuzz FuzzParseFormat -fuzztime 5m
func FuzzParseFormat(f *testing.F) {
	for _, pattern := range []string{
		"../../../testdata/spec-examples/*.clo",
		"../../../testdata/samples/*.clo",
		"../parser/testdata/*.clo",
	} {
		paths, _ := filepath.Glob(pattern)
		for _, path := range paths {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(src))
		}
	}
	for _, dir := range []string{"testdata", "../parser/testdata/errors"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, path := range paths {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				f.Fatal(err)
			}
			for _, file := range ar.Files {
				f.Add(string(file.Data))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		var diags diag.List
		file := parser.Parse(source.NewFile("fuzz.clo", src), &diags)
		checkSpans(t, file, len(src))
		for _, d := range diags.Sorted() {
			if s := d.Span; !s.IsValid() || s.Start < 0 || s.End > len(src) || s.Start > s.End {
				t.Fatalf("diagnostic %q has span [%d,%d) outside input of %d bytes", d.Message, s.Start, s.End, len(src))
			}
		}
		if diags.HasErrors() {
			return
		}
		sema.Analyze([]*ast.File{file}, &diags) // must not panic on any tree
		checkFormat(t, "fuzz.clo", src)
	})
}

// checkSpans verifies that every node's span lies within the input and
// within the span of the node that contains it.
func checkSpans(t *testing.T, file *ast.File, size int) {
	var stack []ast.Node
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		s := n.Span()
		if !s.IsValid() || s.Start < 0 || s.End > size || s.Start > s.End {
			t.Fatalf("%T has span [%d,%d) outside input of %d bytes", n, s.Start, s.End, size)
		}
		for _, outer := range stack {
			if o := outer.Span(); s.Start < o.Start || s.End > o.End {
				t.Fatalf("%T span [%d,%d) is outside its parent %T [%d,%d)", n, s.Start, s.End, outer, o.Start, o.End)
			}
		}
		return true
	}
	// Inspect gives no exit callback, so walk children explicitly to keep
	// the stack of ancestors.
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		visit(n)
		stack = append(stack, n)
		first := true
		ast.Inspect(n, func(c ast.Node) bool {
			if first { // Inspect visits n itself first
				first = false
				return true
			}
			walk(c)
			return false
		})
		stack = stack[:len(stack)-1]
	}
	walk(file)
}
