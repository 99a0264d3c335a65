package lsp_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
)

// TestParityWithCheck checks that the server's diagnostics are the
// command line's: for every error case of the parser's, sema's and the
// decorator extractor's test corpora, `cloesce check --format json` and
// the diagnostics the server publishes on opening a file of the project
// have the same files, codes, severities, messages and byte ranges.
func TestParityWithCheck(t *testing.T) {
	bin := buildBinary(t)
	var archives []string
	for _, dir := range []string{"../sema/testdata/errors", "../syntax/parser/testdata/errors", "../decorators/testdata/errors"} {
		paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no archives in %s: %v", dir, err)
		}
		archives = append(archives, paths...)
	}
	for _, path := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var files []string
			for _, f := range ar.Files {
				if !strings.HasSuffix(f.Name, ".clo") && !strings.HasSuffix(f.Name, ".cloesce") && !strings.HasSuffix(f.Name, ".cloesce.ts") {
					continue
				}
				files = append(files, f.Name)
				if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := checkJSON(t, bin, dir)
			if len(want) == 0 {
				t.Fatal("cloesce check reported nothing for an error case")
			}
			got := lspDiagnostics(t, bin, dir, files, want)
			if !slices.Equal(got, want) {
				t.Errorf("cloesce check:\n%s\ncloesce lsp:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
		})
	}
}

// checkJSON runs cloesce check and returns its diagnostics, one line
// each: file, byte range, severity, code and message.
func checkJSON(t *testing.T, bin, dir string) []string {
	cmd := exec.Command(bin, "check", "--format", "json")
	cmd.Dir = dir
	out, err := cmd.Output()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	var diags []struct {
		Severity, Code, Message, File string
		Start, End                    struct{ Offset int }
	}
	if err := json.Unmarshal(out, &diags); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var lines []string
	for _, d := range diags {
		lines = append(lines, fmt.Sprintf("%s:%d-%d %s %s %s", d.File, d.Start.Offset, d.End.Offset, d.Severity, d.Code, d.Message))
	}
	slices.Sort(lines)
	return lines
}

// lspDiagnostics opens the first file of the project in the server and
// collects what it publishes for every file cloesce check reported on.
func lspDiagnostics(t *testing.T, bin, dir string, files, want []string) []string {
	c := startClient(t, bin, dir)
	c.run("initialize", 0)
	c.run("open "+files[0], 0)
	expect := map[string]bool{files[0]: true}
	for _, w := range want {
		file, _, _ := strings.Cut(w, ":")
		expect[file] = true
	}
	var lines []string
	for _, file := range slices.Sorted(func(yield func(string) bool) {
		for f := range expect {
			if !yield(f) {
				return
			}
		}
	}) {
		params := c.waitDiagnostics(file)
		text := c.text(file)
		for _, d := range params.Diagnostics {
			sev := map[int]string{protocol.SeverityError: "error", protocol.SeverityWarning: "warning"}[d.Severity]
			msg, _, _ := strings.Cut(d.Message, "\n")
			start := c.offset(text, d.Range.Start.Line, d.Range.Start.Character)
			end := c.offset(text, d.Range.End.Line, d.Range.End.Character)
			lines = append(lines, fmt.Sprintf("%s:%d-%d %s %s %s", file, start, end, sev, d.Code, msg))
		}
	}
	c.run("shutdown", 0)
	slices.Sort(lines)
	return lines
}

// waitDiagnostics returns the next diagnostics published for file.
func (c *client) waitDiagnostics(file string) protocol.PublishDiagnosticsParams {
	uri := c.uri(file)
	var found protocol.PublishDiagnosticsParams
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waitFor("diagnostics of "+file, func() bool {
		for i, m := range c.notes {
			var p protocol.PublishDiagnosticsParams
			if m.Method == "textDocument/publishDiagnostics" && json.Unmarshal(m.Params, &p) == nil && p.URI == uri {
				found = p
				c.notes = append(c.notes[:i], c.notes[i+1:]...)
				return true
			}
		}
		return false
	})
	return found
}

// TestLifecycle checks the protocol's rules around the session: requests
// before initialize fail, unknown methods and malformed messages get
// errors without ending the session, and exit without shutdown makes
// the process exit 1.
func TestLifecycle(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	c := startClient(t, bin, dir)
	if m := c.call("textDocument/hover", map[string]any{}); m.Error == nil || m.Error.Code != protocol.ServerNotInitialized {
		t.Errorf("hover before initialize: got %+v, want error %d", m.Error, protocol.ServerNotInitialized)
	}
	c.run("initialize", 0)
	if m := c.call("initialize", map[string]any{}); m.Error == nil || m.Error.Code != protocol.InvalidRequest {
		t.Errorf("second initialize: got %+v, want error %d", m.Error, protocol.InvalidRequest)
	}
	if m := c.call("textDocument/semanticTokens/full", map[string]any{}); m.Error == nil || m.Error.Code != protocol.MethodNotFound {
		t.Errorf("unknown method: got %+v, want error %d", m.Error, protocol.MethodNotFound)
	}
	if m := c.call("textDocument/hover", "not an object"); m.Error == nil || m.Error.Code != protocol.InvalidParams {
		t.Errorf("hover with bad params: got %+v, want error %d", m.Error, protocol.InvalidParams)
	}
	if m := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "untitled:1"}, "position": map[string]any{}}); m.Error == nil {
		t.Errorf("hover of an untitled document: got no error")
	}
	// A body that is not JSON: a parse error with a null id, and the
	// session goes on.
	fmt.Fprintf(c.in, "Content-Length: 9\r\n\r\n{not json")
	c.mu.Lock()
	c.waitFor("the parse error", func() bool { return c.responses[""] != nil }) // Read makes a null id nil
	if m := c.responses[""]; m.Error == nil || m.Error.Code != protocol.ParseError {
		t.Errorf("malformed body: got %+v, want error %d", m.Error, protocol.ParseError)
	}
	c.mu.Unlock()
	if m := c.call("workspace/symbol", map[string]any{"query": ""}); m.Error != nil || string(m.Result) != "[]" {
		t.Errorf("workspace/symbol after the parse error: got %s %+v", m.Result, m.Error)
	}
	c.notify("exit", nil)
	c.in.Close()
	if code := exitCode(c.cmd.Wait()); code != 1 {
		t.Errorf("exit without shutdown: exit code %d, want 1", code)
	}
}

// TestStdioFlag checks that the server accepts --stdio, which language
// clients pass to choose the transport.
func TestStdioFlag(t *testing.T) {
	c := startClient(t, buildBinary(t), t.TempDir(), "lsp", "--stdio")
	c.run("initialize", 0)
	c.run("shutdown", 0)
	if !strings.HasSuffix(c.out.String(), "exit: 0\n") {
		t.Errorf("cloesce lsp --stdio: %s", c.out.String())
	}
}
