package sema

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/format"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

const (
	snippetDir    = "../../testdata/spec-examples"
	completionDir = "../../testdata/spec-complete"
	corpusDoc     = "../../docs/spec-corpus.md"
	snippetCount  = 64
)

// A corpusException is a documentation snippet that does not compile,
// with the one error code it must fail with.
type corpusException struct {
	code    diag.Code
	invalid bool   // the documentation presents it as an error; otherwise a fragment
	reason  string // one line, as in docs/spec-corpus.md
}

// corpusExceptions lists the snippets that do not compile, by file name
// without .clo. Every other snippet compiles without diagnostics.
var corpusExceptions = map[string]corpusException{
	"ch4-3-kv-fields-07": {diag.KeyFormatOverlap, true,
		`"Key Template Conventions": "profile/{userId}/favNum" lies under the list prefix "profile/" of "profile/{userId}"`},
	"ch6-1-rest-apis-07": {diag.DurableConflict, true,
		"\"Data Source Execution Context\": `self` already runs inside CounterDo via the data source's get, so the method may not inject it"},
	"ch3-3-durable-objects-02": {diag.DuplicateSymbol, false,
		"declares model Tenant twice, to show that the shard alias may have any name"},
	"ch4-2-sqlite-constraints-02": {diag.DuplicateSymbol, false,
		"declares model User twice, to show that one primary block and two spell the same composite key"},
	"ch5-1-overview-02": {diag.StrayFragment, false,
		"two include trees on their own, outside any data source"},
	"ch6-1-rest-apis-05": {diag.StrayFragment, false,
		"an api method (`[inject Global()] put method()`) outside any api block"},
	"ch6-4-runtime-validation-02": {diag.StrayFragment, false,
		"a validated field (`[regex ...] email: string`) outside any block"},
}

// TestSpecCorpus compiles every schema snippet of the documentation
// (testdata/spec-examples) together with its completion
// (testdata/spec-complete, the declarations it refers to but does not
// show) as one project. Each must compile without diagnostics, or fail
// with exactly the code its corpusExceptions entry gives.
func TestSpecCorpus(t *testing.T) {
	snippets, _ := filepath.Glob(filepath.Join(snippetDir, "*.clo"))
	if len(snippets) != snippetCount {
		t.Fatalf("found %d snippets in %s, want %d", len(snippets), snippetDir, snippetCount)
	}
	names := make([]string, len(snippets))
	for i, p := range snippets {
		names[i] = strings.TrimSuffix(filepath.Base(p), ".clo")
	}
	completions, _ := filepath.Glob(filepath.Join(completionDir, "*.clo"))
	for _, p := range completions {
		if n := strings.TrimSuffix(filepath.Base(p), ".clo"); !slices.Contains(names, n) {
			t.Errorf("completion %s completes no snippet", p)
		}
		f := readCorpusFile(t, p)
		var diags diag.List
		if out := format.File(parser.Parse(f, &diags)); string(out) != f.Text {
			t.Errorf("completion %s is not formatted: run cloesce fmt %s", p, completionDir)
		}
	}
	doc, err := os.ReadFile(corpusDoc)
	if err != nil {
		t.Fatal(err)
	}
	for n, e := range corpusExceptions {
		if !slices.Contains(names, n) {
			t.Errorf("exception %s names no snippet", n)
		}
		if !strings.Contains(string(doc), n+".clo") {
			t.Errorf("%s does not list %s.clo (%s)", corpusDoc, n, e.reason)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			snippet := readCorpusFile(t, filepath.Join(snippetDir, name+".clo"))
			completion := readCorpusFile(t, filepath.Join(completionDir, name+".clo"))
			got := compileCorpus(t, snippet, completion)
			e, listed := corpusExceptions[name]
			switch {
			case !listed && got.Len() > 0:
				t.Errorf("the snippet does not compile with its completion:\n%s", got.Text())
			case listed && !slices.Equal(errorCodes(got), []diag.Code{e.code}):
				t.Errorf("want only %s errors (%s), got:\n%s", e.code, e.reason, got.Text())
			}
			if completion != nil && !compileCorpus(t, snippet, nil).HasErrors() {
				t.Errorf("the snippet compiles alone: remove %s", completion.Name)
			}
		})
	}
}

// readCorpusFile reads a schema file, or returns nil if there is none.
func readCorpusFile(t *testing.T, path string) *source.File {
	text, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	return source.NewFile(filepath.ToSlash(path), string(text))
}

// compileCorpus parses and analyses files as one project; the files must
// parse.
func compileCorpus(t *testing.T, files ...*source.File) *diag.List {
	var diags diag.List
	var parsed []*ast.File
	for _, f := range files {
		if f != nil {
			parsed = append(parsed, parser.Parse(f, &diags))
		}
	}
	if diags.Len() > 0 {
		t.Fatalf("does not parse:\n%s", diags.Text())
	}
	Analyze(parsed, &diags)
	return &diags
}

// errorCodes lists, sorted and once each, the codes of the errors in l.
func errorCodes(l *diag.List) []diag.Code {
	var codes []diag.Code
	for _, d := range l.Sorted() {
		if d.Severity == diag.Error && !slices.Contains(codes, d.Code) {
			codes = append(codes, d.Code)
		}
	}
	slices.Sort(codes)
	return codes
}
