package lsp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
)

// TestSessions drives `cloesce lsp`, the binary, as an editor does: each
// archive in testdata/sessions holds a project (every entry but script
// and want) and a script of what the editor sends; want is the
// transcript of what the server answered, exact JSON, refreshed with
// UPDATE_GOLDEN=1.
//
// Script lines (# starts a comment):
//
//	initialize [json]              initialize (json: extra capabilities/options), then initialized
//	open FILE                      didOpen with the file's text
//	close FILE                     didClose
//	change FILE POS[..POS] "text"  didChange replacing the range (or inserting at POS);
//	                               ..+n ends the range n bytes after its start
//	change FILE all "text"         didChange replacing the whole text
//	write FILE "text"              change the file on disk and send didChangeWatchedFiles
//	wait FILE                      the next publishDiagnostics for FILE
//	hover|definition|references|refs-nodecl|completion|prepareRename FILE POS
//	rename FILE POS NAME
//	symbols FILE / format FILE / workspace-symbol QUERY
//	shutdown                       shutdown, then exit; the process must exit 0
//
// A POS is "text" (where the first occurrence of the Go-quoted text
// starts in the document as the editor has it), optionally #k for the
// k-th occurrence and +n to move n bytes on; or L:C, a raw LSP position.
func TestSessions(t *testing.T) {
	bin := buildBinary(t)
	golden.Txtar(t, "testdata/sessions", func(t *testing.T, ar *txtar.Archive) map[string]string {
		dir := t.TempDir()
		var script string
		for _, f := range ar.Files {
			switch f.Name {
			case "script":
				script = string(f.Data)
			case "want":
			default:
				path := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		c := startClient(t, bin, dir)
		for i, line := range strings.Split(script, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			c.run(line, i+1)
		}
		return map[string]string{"want": c.transcript()}
	})
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBinary builds cmd/cloesce once for the package's tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cloesce-lsp-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "cloesce")
		goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goCmd); err != nil {
			goCmd = "go"
		}
		out, err := exec.Command(goCmd, "build", "-o", binPath, "github.com/cloesce-go/cloesce/cmd/cloesce").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// A client is the editor's side of a session.
type client struct {
	t    *testing.T
	dir  string
	root string // the project directory's URI
	cmd  *exec.Cmd
	in   io.WriteCloser
	conn *protocol.Conn
	out  bytes.Buffer // the transcript
	enc  string

	mu        sync.Mutex
	cond      *sync.Cond
	responses map[string]*protocol.Message
	notes     []*protocol.Message
	readErr   error

	nextID  int
	docs    map[string]string // open documents: their text
	version map[string]int
	stderr  bytes.Buffer
}

// startClient starts `cloesce lsp` (or the command line args) in dir.
func startClient(t *testing.T, bin, dir string, args ...string) *client {
	if len(args) == 0 {
		args = []string{"lsp"}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, dir: dir, root: "file://" + filepath.ToSlash(dir), cmd: cmd, in: in, enc: protocol.UTF16,
		responses: map[string]*protocol.Message{}, docs: map[string]string{}, version: map[string]int{}}
	cmd.Stderr = &c.stderr
	c.cond = sync.NewCond(&c.mu)
	c.conn = protocol.NewConn(out, in)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	go func() {
		for {
			m, err := c.conn.Read()
			c.mu.Lock()
			if err != nil {
				c.readErr = err
				c.cond.Broadcast()
				c.mu.Unlock()
				return
			}
			if m.Method == "" {
				c.responses[string(m.ID)] = m
			} else {
				c.notes = append(c.notes, m)
			}
			c.cond.Broadcast()
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *client) uri(file string) string { return c.root + "/" + file }

func (c *client) printf(format string, args ...any) { fmt.Fprintf(&c.out, format, args...) }

// transcript returns what was recorded, with the project's directory
// written as file:///project.
func (c *client) transcript() string {
	c.mu.Lock()
	for _, m := range c.notes {
		c.printf("> unread %s\n%s", m.Method, c.pretty(m.Params))
	}
	c.mu.Unlock()
	out := strings.ReplaceAll(c.out.String(), c.root, "file:///project")
	return strings.ReplaceAll(out, c.dir, "/project")
}

// waitFor blocks until cond holds, failing after a while.
func (c *client) waitFor(what string, cond func() bool) {
	deadline := time.AfterFunc(20*time.Second, func() {
		c.mu.Lock()
		c.readErr = fmt.Errorf("timed out waiting for %s", what)
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer deadline.Stop()
	for !cond() {
		if c.readErr != nil {
			var notes []string
			for _, m := range c.notes {
				notes = append(notes, m.Method+" "+string(m.Params))
			}
			c.t.Fatalf("waiting for %s: %v\nunread: %s\nstderr: %s\ntranscript:\n%s", what, c.readErr, strings.Join(notes, "\n"), c.stderr.String(), c.out.String())
		}
		c.cond.Wait()
	}
}

func (c *client) notify(method string, params any) {
	if err := c.conn.Notify(method, params); err != nil {
		c.t.Fatal(err)
	}
}

// call sends a request and returns its response.
func (c *client) call(method string, params any) *protocol.Message {
	c.nextID++
	id := strconv.Itoa(c.nextID)
	raw, _ := json.Marshal(params)
	if err := c.conn.Write(&protocol.Message{ID: json.RawMessage(id), Method: method, Params: raw}); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waitFor("the response to "+method, func() bool { return c.responses[id] != nil })
	m := c.responses[id]
	delete(c.responses, id)
	return m
}

// record writes a response: its error, or its result as indented JSON
// with the text of every location in it.
func (c *client) record(m *protocol.Message) {
	if m.Error != nil {
		c.printf("error %d: %s\n", m.Error.Code, m.Error.Message)
		return
	}
	c.printf("%s", c.pretty(m.Result))
	var v any
	json.Unmarshal(m.Result, &v)
	c.annotate(v)
}

func (c *client) pretty(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw) + "\n"
	}
	return b.String() + "\n"
}

// annotate prints what each location of a result covers, and hover text
// as it reads.
func (c *client) annotate(v any) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			c.annotate(e)
		}
	case map[string]any:
		if uri, ok := v["uri"].(string); ok {
			if r, ok := v["range"].(map[string]any); ok {
				c.printf("# %s\n", c.describe(uri, r))
			}
		}
		if changes, ok := v["changes"].(map[string]any); ok {
			for _, uri := range sortedKeys(changes) {
				for _, e := range changes[uri].([]any) {
					r := e.(map[string]any)["range"].(map[string]any)
					c.printf("# %s -> %q\n", c.describe(uri, r), e.(map[string]any)["newText"])
				}
			}
		}
		if contents, ok := v["contents"].(map[string]any); ok {
			for _, l := range strings.Split(contents["value"].(string), "\n") {
				c.printf("#| %s\n", l)
			}
		}
		for _, k := range []string{"children", "items"} {
			if e, ok := v[k]; ok {
				c.annotate(e)
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// describe shows a range of a file as file:line:col (1-based, as the
// command line prints them) and the text it covers.
func (c *client) describe(uri string, r map[string]any) string {
	file := strings.TrimPrefix(uri, c.root+"/")
	text := c.text(file)
	start, end := r["start"].(map[string]any), r["end"].(map[string]any)
	s := c.offset(text, int(start["line"].(float64)), int(start["character"].(float64)))
	e := c.offset(text, int(end["line"].(float64)), int(end["character"].(float64)))
	return fmt.Sprintf("%s:%d:%d %q", file, int(start["line"].(float64))+1, int(start["character"].(float64))+1, text[s:e])
}

// text is a file's text as the editor has it: the open document's, else
// the disk's.
func (c *client) text(file string) string {
	if t, ok := c.docs[file]; ok {
		return t
	}
	data, _ := os.ReadFile(filepath.Join(c.dir, file))
	return string(data)
}

// offset converts an LSP position to a byte offset: independently of the
// server's code, counting UTF-16 units (or bytes, when negotiated).
func (c *client) offset(text string, line, char int) int {
	off := 0
	for i := 0; i < line; i++ {
		nl := strings.IndexByte(text[off:], '\n')
		if nl < 0 {
			return len(text)
		}
		off += nl + 1
	}
	for n := 0; n < char && off < len(text) && text[off] != '\n'; {
		r, size := utf8.DecodeRuneInString(text[off:])
		if c.enc == protocol.UTF8 {
			n += size
		} else {
			n += len(utf16.Encode([]rune{r}))
		}
		off += size
	}
	return off
}

// position converts a byte offset to an LSP position.
func (c *client) position(text string, off int) protocol.Position {
	line := strings.Count(text[:off], "\n")
	start := strings.LastIndexByte(text[:off], '\n') + 1
	n := 0
	for _, r := range text[start:off] {
		if c.enc == protocol.UTF8 {
			n += utf8.RuneLen(r)
		} else {
			n += len(utf16.Encode([]rune{r}))
		}
	}
	return protocol.Position{Line: line, Character: n}
}

// pos parses a POS argument against a file's text, returning the byte
// offset and what is left of the line.
func (c *client) pos(file, arg string, lineNo int) (int, string) {
	text := c.text(file)
	if arg != "" && arg[0] == '"' {
		q, err := strconv.QuotedPrefix(arg)
		if err != nil {
			c.t.Fatalf("script line %d: %v", lineNo, err)
		}
		needle, _ := strconv.Unquote(q)
		rest := arg[len(q):]
		nth := 1
		if strings.HasPrefix(rest, "#") {
			end := strings.IndexFunc(rest[1:], func(r rune) bool { return r < '0' || r > '9' }) + 1
			if end == 0 {
				end = len(rest)
			}
			nth, _ = strconv.Atoi(rest[1:end])
			rest = rest[end:]
		}
		off := -1
		for i, from := 0, 0; i < nth; i++ {
			j := strings.Index(text[from:], needle)
			if j < 0 {
				c.t.Fatalf("script line %d: %q occurs fewer than %d times in %s", lineNo, needle, nth, file)
			}
			off = from + j
			from = off + 1
		}
		if strings.HasPrefix(rest, "+") {
			end := strings.IndexFunc(rest[1:], func(r rune) bool { return r < '0' || r > '9' }) + 1
			if end == 0 {
				end = len(rest)
			}
			n, _ := strconv.Atoi(rest[1:end])
			off += n
			rest = rest[end:]
		}
		return off, strings.TrimSpace(rest)
	}
	field, rest, _ := strings.Cut(arg, " ")
	l, ch, ok := strings.Cut(field, ":")
	line, err1 := strconv.Atoi(l)
	char, err2 := strconv.Atoi(ch)
	if !ok || err1 != nil || err2 != nil {
		c.t.Fatalf("script line %d: bad position %q", lineNo, field)
	}
	return c.offset(text, line, char), strings.TrimSpace(rest)
}

func (c *client) docParams(file string, off int) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(file)}, Position: c.position(c.text(file), off)}
}

func (c *client) run(line string, lineNo int) {
	verb, rest, _ := strings.Cut(line, " ")
	file, arg, _ := strings.Cut(rest, " ")
	c.printf("> %s\n", line)
	switch verb {
	case "initialize":
		params := map[string]any{
			"processId":        nil,
			"rootUri":          c.root,
			"workspaceFolders": []any{map[string]any{"uri": c.root, "name": "project"}},
			"capabilities": map[string]any{
				"textDocument": map[string]any{"documentSymbol": map[string]any{"hierarchicalDocumentSymbolSupport": true}},
			},
		}
		if rest != "" {
			var extra map[string]any
			if err := json.Unmarshal([]byte(rest), &extra); err != nil {
				c.t.Fatalf("script line %d: %v", lineNo, err)
			}
			for k, v := range extra {
				params[k] = v
			}
		}
		m := c.call("initialize", params)
		c.record(m)
		var res protocol.InitializeResult
		json.Unmarshal(m.Result, &res)
		c.enc = res.Capabilities.PositionEncoding
		c.notify("initialized", struct{}{})
	case "open":
		text := c.text(file)
		c.docs[file] = text
		c.version[file] = 1
		c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: c.uri(file), LanguageID: "cloesce", Version: 1, Text: text}})
	case "close":
		delete(c.docs, file)
		c.notify("textDocument/didClose", protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(file)}})
	case "change":
		text := c.docs[file]
		var ch protocol.TextDocumentContentChangeEvent
		var newText string
		if strings.HasPrefix(arg, "all ") {
			newText = c.unquote(strings.TrimPrefix(arg, "all "), lineNo)
			ch.Text = newText
		} else {
			start, rest := c.pos(file, arg, lineNo)
			end := start
			if strings.HasPrefix(rest, "..+") {
				// A length: "..+n" ends n bytes after the start.
				num, after, _ := strings.Cut(rest[3:], " ")
				n, err := strconv.Atoi(num)
				if err != nil {
					c.t.Fatalf("script line %d: bad length %q", lineNo, num)
				}
				end, rest = start+n, after
			} else if strings.HasPrefix(rest, "..") {
				end, rest = c.pos(file, rest[2:], lineNo)
			}
			ch.Text = c.unquote(rest, lineNo)
			ch.Range = &protocol.Range{Start: c.position(text, start), End: c.position(text, end)}
			newText = text[:start] + ch.Text + text[end:]
		}
		c.docs[file] = newText
		c.version[file]++
		c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: c.uri(file), Version: c.version[file]},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{ch},
		})
	case "write":
		if err := os.WriteFile(filepath.Join(c.dir, file), []byte(c.unquote(arg, lineNo)), 0o644); err != nil {
			c.t.Fatal(err)
		}
		c.notify("workspace/didChangeWatchedFiles", protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{{URI: c.uri(file), Type: 2}}})
	case "wait":
		uri := c.uri(file)
		c.mu.Lock()
		var found *protocol.Message
		c.waitFor("diagnostics of "+file, func() bool {
			for i, m := range c.notes {
				if m.Method != "textDocument/publishDiagnostics" {
					continue
				}
				var p protocol.PublishDiagnosticsParams
				json.Unmarshal(m.Params, &p)
				if p.URI == uri {
					found = m
					c.notes = append(c.notes[:i], c.notes[i+1:]...)
					return true
				}
			}
			return false
		})
		c.mu.Unlock()
		c.printf("%s", c.pretty(found.Params))
		var v any
		json.Unmarshal(found.Params, &v)
		for _, d := range v.(map[string]any)["diagnostics"].([]any) {
			d := d.(map[string]any)
			c.printf("# %s %s\n", d["code"], c.describe(uri, d["range"].(map[string]any)))
			if rel, ok := d["relatedInformation"].([]any); ok {
				c.annotate(rel)
			}
		}
	case "hover", "definition", "completion", "prepareRename":
		off, _ := c.pos(file, arg, lineNo)
		c.record(c.call("textDocument/"+verb, c.docParams(file, off)))
	case "references", "refs-nodecl":
		off, _ := c.pos(file, arg, lineNo)
		c.record(c.call("textDocument/references", protocol.ReferenceParams{
			TextDocumentPositionParams: c.docParams(file, off),
			Context: struct {
				IncludeDeclaration bool `json:"includeDeclaration"`
			}{verb == "references"},
		}))
	case "rename":
		off, name := c.pos(file, arg, lineNo)
		c.record(c.call("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: c.docParams(file, off), NewName: name}))
	case "symbols":
		c.record(c.call("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(file)}}))
	case "format":
		m := c.call("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(file)}})
		c.record(m)
		var edits []protocol.TextEdit
		json.Unmarshal(m.Result, &edits)
		// The document after the edits, as the editor would show it.
		text := c.text(file)
		for i := len(edits) - 1; i >= 0; i-- {
			e := edits[i]
			s := c.offset(text, e.Range.Start.Line, e.Range.Start.Character)
			en := c.offset(text, e.Range.End.Line, e.Range.End.Character)
			text = text[:s] + e.NewText + text[en:]
		}
		if len(edits) > 0 {
			c.printf("# formatted:\n")
			for _, l := range strings.SplitAfter(text, "\n") {
				if l != "" {
					c.printf("#| %s", l)
				}
			}
			if !strings.HasSuffix(text, "\n") {
				c.printf("\n")
			}
		}
	case "workspace-symbol":
		c.record(c.call("workspace/symbol", protocol.WorkspaceSymbolParams{Query: rest}))
	case "request":
		c.record(c.call(file, json.RawMessage(arg)))
	case "shutdown":
		c.record(c.call("shutdown", nil))
		c.notify("exit", nil)
		c.in.Close()
		err := c.cmd.Wait()
		c.printf("exit: %v\n", exitCode(err))
	default:
		c.t.Fatalf("script line %d: unknown command %q", lineNo, verb)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func (c *client) unquote(s string, lineNo int) string {
	u, err := strconv.Unquote(strings.TrimSpace(s))
	if err != nil {
		c.t.Fatalf("script line %d: want a Go-quoted string, got %s", lineNo, s)
	}
	return u
}
