package lsp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
)

// A syncBuffer collects what the server writes, from any goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// testServer is a server driven in-process, without the JSON-RPC loop,
// for a project of one file, app.clo (or another name), in a temporary
// directory.
type testServer struct {
	t       *testing.T
	s       *server
	out     *syncBuffer
	uri     string
	version int
}

func newTestServer(t testing.TB, text string) *testServer {
	return newTestServerOf(t, "app.clo", text)
}

// newTestServerOf is a test server whose file is called name.
func newTestServerOf(t testing.TB, name, text string) *testServer {
	dir := t.(interface{ TempDir() string }).TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cloesce.jsonc"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	ts := &testServer{s: newServer(protocol.NewConn(strings.NewReader(""), out), Options{Debounce: time.Hour}), out: out, uri: pathToURI(path)}
	ts.request(t, "initialize", map[string]any{"rootUri": pathToURI(dir), "capabilities": map[string]any{}})
	ts.notify(t, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": ts.uri, "languageId": "cloesce", "version": 1, "text": text}})
	return ts
}

func (ts *testServer) request(t testing.TB, method string, params any) any {
	t.Helper()
	raw, _ := json.Marshal(params)
	result, rerr := ts.s.request(&protocol.Message{ID: json.RawMessage("1"), Method: method, Params: raw})
	if rerr != nil && rerr.Code == protocol.InternalError {
		t.Fatalf("%s %s: %s", method, raw, rerr.Message)
	}
	return result
}

func (ts *testServer) notify(t testing.TB, method string, params any) {
	t.Helper()
	raw, _ := json.Marshal(params)
	ts.s.notification(&protocol.Message{Method: method, Params: raw})
	if out := ts.out.String(); strings.Contains(out, "internal error") {
		t.Fatalf("%s: the server reported %s", method, out)
	}
}

func (ts *testServer) change(t testing.TB, text string) {
	ts.version++
	ts.notify(t, "textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": ts.uri, "version": ts.version + 1},
		"contentChanges": []any{map[string]any{"text": text}},
	})
}

// everything asks every question the server answers at the byte offset
// off of text, failing on an internal error.
func (ts *testServer) everything(t testing.TB, text string, off int) {
	l := newLines(text)
	pos := map[string]any{"textDocument": map[string]any{"uri": ts.uri}, "position": l.position(off, utf16)}
	for _, m := range []string{"textDocument/hover", "textDocument/definition", "textDocument/completion", "textDocument/prepareRename"} {
		ts.request(t, m, pos)
	}
	ts.request(t, "textDocument/references", map[string]any{"textDocument": pos["textDocument"], "position": pos["position"], "context": map[string]any{"includeDeclaration": true}})
	ts.request(t, "textDocument/rename", map[string]any{"textDocument": pos["textDocument"], "position": pos["position"], "newName": "renamed"})
}

func (ts *testServer) whole(t testing.TB) {
	doc := map[string]any{"textDocument": map[string]any{"uri": ts.uri}}
	ts.request(t, "textDocument/documentSymbol", doc)
	ts.request(t, "textDocument/formatting", doc)
	ts.request(t, "workspace/symbol", map[string]any{"query": "a"})
}

// samples are schemas the robustness tests cut up.
func samples(t testing.TB) []string {
	var out []string
	for _, pattern := range []string{"../../testdata/samples/*.clo", "testdata/sessions/*.txtar"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(data))
		}
	}
	if len(out) == 0 {
		t.Fatal("no samples")
	}
	return out
}

// tsSamples are the .cloesce.ts files of the book's examples, which the
// decorator extractor's tests hold (its own fuzz target cuts up the rest).
func tsSamples(t testing.TB) []string {
	paths, _ := filepath.Glob("../decorators/testdata/examples/*.txtar")
	var out []string
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if decorators.IsSource(f.Name) {
				out = append(out, string(f.Data))
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no .cloesce.ts samples")
	}
	slices.Sort(out)
	return slices.Compact(out) // the examples share their env
}

// TestHalfTyped checks that no text makes the server fail: every sample
// cut off at many places, and with a piece taken out of its middle, as
// a file is while it is typed, answers every request at many positions
// without an internal error. The samples are schema files, and
// .cloesce.ts files (extracted instead of parsed).
func TestHalfTyped(t *testing.T) {
	for _, c := range []struct {
		file    string
		samples []string
	}{{"app.clo", samples(t)}, {"app.cloesce.ts", tsSamples(t)}} {
		t.Run(c.file, func(t *testing.T) { halfTyped(t, c.file, c.samples) })
	}
}

func halfTyped(t *testing.T, file string, samples []string) {
	for i, sample := range samples {
		ts := newTestServerOf(t, file, "")
		stride := max(1, len(sample)/40)
		for cut := 0; cut <= len(sample); cut += stride {
			for _, text := range []string{sample[:cut], sample[:cut] + sample[min(len(sample), cut+stride/2+1):]} {
				ts.change(t, text)
				ts.whole(t)
				for off := 0; off <= len(text); off += max(1, len(text)/25) {
					ts.everything(t, text, off)
				}
				ts.everything(t, text, min(cut, len(text)))
			}
		}
		if t.Failed() {
			t.Logf("sample %d", i)
			return
		}
	}
}

// FuzzServer asks every question at every position of arbitrary text
// (seeded with the samples): the server must never fail.
func FuzzServer(f *testing.F) {
	for _, s := range samples(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 2000 {
			return
		}
		ts := newTestServer(t, text)
		ts.whole(t)
		for off := 0; off <= len(text); off += max(1, len(text)/50) {
			ts.everything(t, text, off)
		}
	})
}
