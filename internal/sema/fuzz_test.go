package sema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// FuzzAnalyze analyses any input that parses, as one file or, written as
// a txtar archive, as several (the comment is one more file). Whatever the
// input, Analyze must not panic; every diagnostic, primary and secondary
// span alike, must point into one of the input files; analysing the same
// files again must give the same diagnostics and description; and a
// schema without errors must encode to a description that decodes and
// encodes back unchanged (invalid UTF-8 in its string literals aside,
// which encoding makes U+FFFD).
//
// It runs on its seeds in every "go test"; search longer with
//
//	go test ./internal/sema -run '^$' -fuzz FuzzAnalyze -fuzztime 10m -timeout 0
func FuzzAnalyze(f *testing.F) {
	for _, pattern := range []string{
		"../../testdata/samples/*.clo",
		"../../testdata/spec-examples/*.clo",
		"../../testdata/spec-complete/*.clo",
		"../syntax/parser/testdata/*.clo",
		"../gen/*/testdata/*.clo",
		"../gen/*/testdata/*/*.clo",
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
	// The error archives, keeping their .clo files only.
	paths, _ := filepath.Glob("testdata/errors/*.txtar")
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		seed := &txtar.Archive{}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".clo") {
				seed.Files = append(seed.Files, file)
			}
		}
		f.Add(string(txtar.Format(seed)))
	}
	f.Fuzz(func(t *testing.T, in string) {
		srcs := fuzzFiles(in)
		var diags diag.List
		var files []*ast.File
		for _, src := range srcs {
			files = append(files, parser.Parse(src, &diags))
		}
		if diags.HasErrors() {
			return // the compiler and the language server stop here
		}
		s := Analyze(files, &diags)
		for _, d := range diags.Sorted() {
			checkSpan(t, srcs, d.Message, d.Span)
			for _, l := range d.Secondary {
				checkSpan(t, srcs, d.Message+": "+l.Message, l.Span)
			}
		}
		text := diags.Text()
		var again diag.List
		var files2 []*ast.File
		for _, src := range srcs {
			files2 = append(files2, parser.Parse(src, &again))
		}
		s2 := Analyze(files2, &again)
		if got := again.Text(); got != text {
			t.Fatalf("analysing again gives other diagnostics:\n%s\nfirst:\n%s", got, text)
		}
		if diags.HasErrors() {
			return
		}
		data, err := idl.Encode(s)
		if err != nil {
			t.Fatalf("encoding the description: %v", err)
		}
		if data2, err := idl.Encode(s2); err != nil || !bytes.Equal(data, data2) {
			t.Fatalf("analysing again gives another description (%v):\n%s\nfirst:\n%s", err, data2, data)
		}
		// JSON holds no invalid UTF-8: the encoder writes it, in string
		// literals of the schema, as U+FFFD, so that such a description
		// comes back unchanged only from its second encoding on.
		if !utf8.ValidString(in) {
			data = roundTrip(t, data)
		}
		if again := roundTrip(t, data); !bytes.Equal(again, data) {
			t.Fatalf("decoding and encoding the description changes it:\n%s\nfirst:\n%s", again, data)
		}
	})
}

// roundTrip decodes and encodes a description.
func roundTrip(t *testing.T, data []byte) []byte {
	t.Helper()
	back, err := idl.Decode(data)
	if err != nil {
		t.Fatalf("the description does not decode: %v\n%s", err, data)
	}
	again, err := idl.Encode(back)
	if err != nil {
		t.Fatalf("encoding the decoded description: %v", err)
	}
	return again
}

// fuzzFiles reads a fuzz input as schema files: split at lines
// "-- name --", as in a txtar archive, the text before the first being one
// more file, "main.clo", unless blank. (txtar.Parse itself panics on the
// line "-- --", go-internal v1.16.0.)
func fuzzFiles(in string) []*source.File {
	type part struct {
		name       string
		start, end int
	}
	parts := []part{{name: "main.clo"}}
	for off := 0; off < len(in); {
		line, _, _ := strings.Cut(in[off:], "\n")
		next := min(off+len(line)+1, len(in))
		if inner, ok := strings.CutPrefix(line, "-- "); ok {
			if inner, ok := strings.CutSuffix(inner, " --"); ok && strings.TrimSpace(inner) != "" {
				parts[len(parts)-1].end = off
				parts = append(parts, part{name: strings.TrimSpace(inner), start: next})
			}
		}
		off = next
	}
	parts[len(parts)-1].end = len(in)
	if len(parts) > 1 && strings.TrimSpace(in[:parts[0].end]) == "" {
		parts = parts[1:]
	}
	out := make([]*source.File, len(parts))
	for i, p := range parts {
		out[i] = source.NewFile(p.name, in[p.start:p.end])
	}
	return out
}

// checkSpan fails unless span lies inside one of the files.
func checkSpan(t *testing.T, files []*source.File, what string, span source.Span) {
	t.Helper()
	for _, f := range files {
		if span.File == f {
			if span.Start < 0 || span.Start > span.End || span.End > len(f.Text) {
				t.Fatalf("diagnostic %q has span [%d,%d) outside %s of %d bytes", what, span.Start, span.End, f.Name, len(f.Text))
			}
			return
		}
	}
	t.Fatalf("diagnostic %q has a span in no input file (%v)", what, span)
}
