package decorators

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/format"
	cloparser "github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// TestExamples checks each archive in testdata/examples, a documented
// example of the decorator edition: its .cloesce.ts files extract and
// analyse without errors to the same interface description as its
// hand-written .clo files, which is kept as the golden "cidl.json".
func TestExamples(t *testing.T) {
	golden.Txtar(t, "testdata/examples", func(t *testing.T, ar *txtar.Archive) map[string]string {
		var tsDiags, cloDiags diag.List
		var srcs []*source.File
		var cloFiles []*ast.File
		for _, f := range ar.Files {
			switch {
			case IsSource(f.Name):
				srcs = append(srcs, source.NewFile(f.Name, string(f.Data)))
			case strings.HasSuffix(f.Name, ".clo"):
				cloFiles = append(cloFiles, cloparser.Parse(source.NewFile(f.Name, string(f.Data)), &cloDiags))
			}
		}
		trees, _ := Extract(srcs, &tsDiags)
		fromTS := cidl(t, sema.Analyze(trees, &tsDiags), &tsDiags)
		fromClo := cidl(t, sema.Analyze(cloFiles, &cloDiags), &cloDiags)
		if fromTS != fromClo {
			t.Errorf("the .cloesce.ts files describe another interface than the .clo files:\n--- ts\n%s\n--- clo\n%s", fromTS, fromClo)
		}
		return map[string]string{"cidl.json": fromTS, "warnings": tsDiags.Text()}
	})
}

// TestTreeRoundTrip checks what cloesce convert relies on for every
// example: the schema tree extracted from the .cloesce.ts files, printed
// as schema text (format.Tree) and parsed back, describes the same
// interface.
func TestTreeRoundTrip(t *testing.T) {
	paths, _ := filepath.Glob("testdata/examples/*.txtar")
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var diags, printedDiags diag.List
			var srcs []*source.File
			for _, f := range ar.Files {
				if IsSource(f.Name) {
					srcs = append(srcs, source.NewFile(f.Name, string(f.Data)))
				}
			}
			trees, _ := Extract(srcs, &diags)
			var printed []*ast.File
			for _, tree := range trees {
				text := string(format.Tree(tree))
				printed = append(printed, cloparser.Parse(source.NewFile(strings.TrimSuffix(tree.Src.Name, ".cloesce.ts")+".clo", text), &printedDiags))
			}
			want := cidl(t, sema.Analyze(trees, &diags), &diags)
			if got := cidl(t, sema.Analyze(printed, &printedDiags), &printedDiags); got != want {
				t.Errorf("the printed schema describes another interface:\n--- printed\n%s\n--- extracted\n%s", got, want)
			}
		})
	}
}

func cidl(t *testing.T, s *idl.Schema, diags *diag.List) string {
	t.Helper()
	if diags.HasErrors() {
		t.Fatalf("errors:\n%s", diags.Text())
	}
	data, err := idl.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(idl.Indent(data))
}

// TestErrors checks each archive in testdata/errors: extracting its
// .cloesce.ts files (and analysing them when extraction succeeds) gives
// the diagnostics in its "stderr".
func TestErrors(t *testing.T) {
	golden.Txtar(t, "testdata/errors", func(t *testing.T, ar *txtar.Archive) map[string]string {
		var diags diag.List
		var srcs []*source.File
		for _, f := range ar.Files {
			if IsSource(f.Name) {
				srcs = append(srcs, source.NewFile(f.Name, string(f.Data)))
			}
		}
		files, _ := Extract(srcs, &diags)
		if !diags.HasErrors() {
			sema.Analyze(files, &diags)
		}
		if diags.Len() == 0 {
			t.Error("no diagnostics reported")
		}
		return map[string]string{"stderr": diags.Text()}
	})
}

// FuzzExtract checks that no input makes extraction (linkage included),
// the analysis of what it extracts or conversion panic, and that every diagnostic points into the input.
//
//	go test ./internal/decorators -run '^$' -fuzz FuzzExtract -fuzztime 5m
func FuzzExtract(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.txtar")
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if IsSource(file.Name) {
				f.Add(string(file.Data))
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		var diags diag.List
		src := source.NewFile("f.cloesce.ts", text)
		files, _ := Extract([]*source.File{src}, &diags)
		sema.Analyze(files, &diags)
		Undecorate(src, &diags)
		for _, d := range diags.Sorted() {
			if d.Span.IsValid() && (d.Span.Start < 0 || d.Span.End > len(text) || d.Span.Start > d.Span.End) {
				t.Errorf("diagnostic %q has span [%d,%d) outside the input of %d bytes", d.Message, d.Span.Start, d.Span.End, len(text))
			}
		}
	})
}
