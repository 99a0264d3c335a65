package lsp

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// The language server on the compiler benchmarks' 1,000-model schema
// (bench/synth: 10,000 fields, 1,000 API methods, one 665 KB file).
// Each request goes through the handler and the JSON encoding of its
// answer, as in a session; go test -bench . -run '^$' ./internal/lsp.

// benchServer opens the schema of n models in a server whose output is
// discarded.
func benchServer(b *testing.B, n int) (*testServer, string) {
	text := synth.Schema(n)
	ts := newTestServer(b, text)
	ts.s.conn = protocol.NewConn(strings.NewReader(""), io.Discard)
	return ts, text
}

// handle answers one request as the session loop does, reply included.
func (ts *testServer) handle(method string, params any) {
	raw, _ := json.Marshal(params)
	ts.s.handle(&protocol.Message{ID: json.RawMessage("1"), Method: method, Params: raw})
}

func (ts *testServer) at(text, needle string, delta int) map[string]any {
	off := strings.Index(text, needle) + delta
	return map[string]any{"textDocument": map[string]any{"uri": ts.uri}, "position": newLines(text).position(off, utf16)}
}

// BenchmarkOpen1000 is opening a file of the project: the whole project
// analysed (config, parse, sema, index) and its diagnostics published.
func BenchmarkOpen1000(b *testing.B) {
	text := synth.Schema(1000)
	for b.Loop() {
		newTestServer(b, text)
	}
}

// BenchmarkEdit1000 is the analysis after an edit, as the debounce timer
// or a request needing the current text runs it: one file parsed again,
// sema and the index over the whole project.
func BenchmarkEdit1000(b *testing.B) {
	ts, text := benchServer(b, 1000)
	edited := strings.Replace(text, "title: string", "titles: string", 1)
	i := 0
	for b.Loop() {
		i++
		if i%2 == 0 {
			ts.change(b, text)
		} else {
			ts.change(b, edited)
		}
		ts.s.mu.Lock()
		ts.s.current(ts.s.projects[ts.s.rootFor(strings.TrimPrefix(ts.uri, "file://"))])
		ts.s.mu.Unlock()
	}
}

func benchRequest(b *testing.B, method string, params func(ts *testServer, text string) any) {
	ts, text := benchServer(b, 1000)
	p := params(ts, text)
	ts.handle(method, p) // the first analysis
	for b.Loop() {
		ts.handle(method, p)
	}
}

func BenchmarkHoverModel1000(b *testing.B) {
	benchRequest(b, "textDocument/hover", func(ts *testServer, text string) any { return ts.at(text, "model M0500", 6) })
}

func BenchmarkHoverField1000(b *testing.B) {
	benchRequest(b, "textDocument/hover", func(ts *testServer, text string) any { return ts.at(text, "M0500::id", 6) })
}

func BenchmarkDefinition1000(b *testing.B) {
	benchRequest(b, "textDocument/definition", func(ts *testServer, text string) any { return ts.at(text, "M0500::parentId", 0) })
}

func BenchmarkReferencesModel1000(b *testing.B) {
	benchRequest(b, "textDocument/references", func(ts *testServer, text string) any {
		p := ts.at(text, "model M0500", 6)
		p["context"] = map[string]any{"includeDeclaration": true}
		return p
	})
}

// BenchmarkReferencesInt1000 finds the 7,000 uses of the type int.
func BenchmarkReferencesInt1000(b *testing.B) {
	benchRequest(b, "textDocument/references", func(ts *testServer, text string) any {
		p := ts.at(text, "id: int", 4)
		p["context"] = map[string]any{"includeDeclaration": true}
		return p
	})
}

// BenchmarkCompletionType1000 lists every type: 1,000 models and the
// built-in ones.
func BenchmarkCompletionType1000(b *testing.B) {
	benchRequest(b, "textDocument/completion", func(ts *testServer, text string) any { return ts.at(text, "count: int", 7) })
}

func BenchmarkCompletionField1000(b *testing.B) {
	benchRequest(b, "textDocument/completion", func(ts *testServer, text string) any { return ts.at(text, "M0500::parentId", 7) })
}

func BenchmarkDocumentSymbol1000(b *testing.B) {
	benchRequest(b, "textDocument/documentSymbol", func(ts *testServer, text string) any {
		return map[string]any{"textDocument": map[string]any{"uri": ts.uri}}
	})
}

func BenchmarkFormatting1000(b *testing.B) {
	benchRequest(b, "textDocument/formatting", func(ts *testServer, text string) any {
		return map[string]any{"textDocument": map[string]any{"uri": ts.uri}}
	})
}

func BenchmarkRenameModel1000(b *testing.B) {
	benchRequest(b, "textDocument/rename", func(ts *testServer, text string) any {
		p := ts.at(text, "model M0500", 6)
		p["newName"] = "Renamed"
		return p
	})
}

// BenchmarkTypingLatency1000 measures what a user waits for on the
// 1,000-model schema after a keystroke: the debounce delay, then the
// analysis and the diagnostics published.
func BenchmarkTypingLatency1000(b *testing.B) {
	text := synth.Schema(1000)
	ts := newTestServer(b, text)
	ts.s.opts.Debounce = DefaultDebounce
	ts.s.conn = protocol.NewConn(strings.NewReader(""), io.Discard)
	i := 0
	for b.Loop() {
		edited := strings.Replace(text, "title: string", "title: strin"+strings.Repeat("g", i%2+1), 1)
		i++
		ts.change(b, edited)
		for {
			time.Sleep(time.Millisecond)
			ts.s.mu.Lock()
			p := ts.s.projects[ts.s.rootFor(strings.TrimPrefix(ts.uri, "file://"))]
			done := !p.dirty
			ts.s.mu.Unlock()
			if done {
				break
			}
		}
	}
}

// BenchmarkIndex1000 is the index alone: every name of the schema
// declared and resolved.
func BenchmarkIndex1000(b *testing.B) {
	files := []*ast.File{synth.Parse(b, 1000)}
	for b.Loop() {
		buildIndex(files)
	}
}

// BenchmarkCompletionTyping1000 is completion as the user types: each
// request follows an edit whose analysis is still pending, and does not
// wait for it.
func BenchmarkCompletionTyping1000(b *testing.B) {
	ts, text := benchServer(b, 1000)
	edited := strings.Replace(text, "ratio: real", "ratio: ", 1)
	p := ts.at(edited, "ratio: ", 7)
	ts.handle("textDocument/completion", p)
	for b.Loop() {
		ts.change(b, edited)
		ts.handle("textDocument/completion", p)
	}
}
