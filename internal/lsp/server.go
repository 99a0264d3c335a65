// Package lsp is the Cloesce language server: it answers an editor's
// Language Server Protocol 3.17 requests over a byte stream (cloesce lsp
// runs it on standard input and output).
//
// The server holds the text of the documents the editor has open and
// analyses whole projects, a cloesce.jsonc with every schema file it
// names, through the compiler's own stages: config, parser (or, for the
// decorator edition's .cloesce.ts files, the extractor) and sema. So its
// diagnostics are the command line's, with the same codes and spans.
// An index of every name (index.go), built from the syntax trees so that
// it also works on a file that does not parse, answers definition,
// references and rename; the interface description sema builds adds what
// hover shows: SQL columns, backings, generated endpoints.
//
// Analysis runs again after each change, debounced, and before any
// request that needs positions in the current text. A panic in a request
// or in analysis is reported to the editor and the server carries on.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"time"

	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
	"github.com/cloesce-go/cloesce/internal/version"
)

// Options configure a server.
type Options struct {
	// Env is the environment whose config to read, as with --env:
	// "<env>.cloesce.jsonc" instead of "cloesce.jsonc".
	Env string
	// Debounce is how long after a change analysis waits for the next
	// one; 0 means DefaultDebounce.
	Debounce time.Duration
}

// DefaultDebounce is the pause in typing after which a project is
// analysed again.
const DefaultDebounce = 150 * time.Millisecond

// Serve answers the messages read from in, writing to out, until the
// client sends exit, the stream ends or ctx is done. It returns nil when
// the client asked for shutdown first, ErrNoShutdown when it did not,
// and another error when the stream broke.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) error {
	s := newServer(protocol.NewConn(in, out), opts)
	defer s.stop()
	msgs := make(chan *protocol.Message)
	errs := make(chan error, 1)
	go func() {
		for {
			m, err := s.conn.Read()
			var berr *protocol.BodyError
			switch {
			case errors.As(err, &berr):
				if m != nil && m.ID != nil {
					s.conn.Reply(m.ID, nil, protocol.Errorf(protocol.InvalidRequest, "%v", berr.Err))
				} else {
					s.conn.Reply(nil, nil, protocol.Errorf(protocol.ParseError, "%v", berr.Err))
				}
				continue
			case err != nil:
				errs <- err
				return
			}
			select {
			case msgs <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errs:
			if errors.Is(err, io.EOF) {
				return s.exit()
			}
			return err
		case m := <-msgs:
			if m.Method == "exit" {
				return s.exit()
			}
			s.handle(m)
		}
	}
}

// ErrNoShutdown is the error of a session that ended, by exit or by the
// end of the input, without a shutdown request: the protocol has the
// server exit with code 1 then.
var ErrNoShutdown = errors.New("the session ended without a shutdown request")

func (s *server) exit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.shutdown {
		return ErrNoShutdown
	}
	return nil
}

// A server is the state of one session. Messages are handled one at a
// time, in order; the debounce timers run analysis on their own
// goroutines, so the state is guarded by mu.
type server struct {
	conn *protocol.Conn
	opts Options

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	enc         encoding
	hierarchy   bool     // the client takes DocumentSymbol trees
	folders     []string // workspace folder paths
	docs        map[string]*document
	projects    map[string]*project
}

func newServer(conn *protocol.Conn, opts Options) *server {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	return &server{conn: conn, opts: opts, docs: map[string]*document{}, projects: map[string]*project{}}
}

// stop cancels pending analyses.
func (s *server) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.projects {
		if p.timer != nil {
			p.timer.Stop()
		}
	}
	s.shutdown = true
}

// A handler answers a request: a result, or an error for the client.
type handler func(s *server, params json.RawMessage) (any, *protocol.Error)

var requests = map[string]handler{
	"initialize":                  (*server).initialize,
	"shutdown":                    (*server).shutdownRequest,
	"textDocument/hover":          (*server).hover,
	"textDocument/definition":     (*server).definition,
	"textDocument/references":     (*server).references,
	"textDocument/documentSymbol": (*server).documentSymbol,
	"textDocument/completion":     (*server).completion,
	"textDocument/formatting":     (*server).formatting,
	"textDocument/prepareRename":  (*server).prepareRename,
	"textDocument/rename":         (*server).rename,
	"workspace/symbol":            (*server).workspaceSymbol,
}

var notifications = map[string]func(s *server, params json.RawMessage) error{
	"initialized":                     func(*server, json.RawMessage) error { return nil },
	"textDocument/didOpen":            (*server).didOpen,
	"textDocument/didChange":          (*server).didChange,
	"textDocument/didClose":           (*server).didClose,
	"workspace/didChangeWatchedFiles": (*server).didChangeWatchedFiles,
}

func (s *server) handle(m *protocol.Message) {
	switch {
	case m.IsRequest():
		result, rerr := s.request(m)
		s.conn.Reply(m.ID, result, rerr)
	case m.IsNotification():
		s.notification(m)
	}
	// Responses: the server sends no requests.
}

func (s *server) request(m *protocol.Message) (result any, rerr *protocol.Error) {
	h, ok := requests[m.Method]
	if !ok {
		return nil, protocol.Errorf(protocol.MethodNotFound, "method %q is not supported", m.Method)
	}
	s.mu.Lock()
	state := s.initialized
	done := s.shutdown
	s.mu.Unlock()
	switch {
	case !state && m.Method != "initialize":
		return nil, protocol.Errorf(protocol.ServerNotInitialized, "the server is not initialized")
	case state && m.Method == "initialize":
		return nil, protocol.Errorf(protocol.InvalidRequest, "the server is already initialized")
	case done:
		return nil, protocol.Errorf(protocol.InvalidRequest, "the server is shutting down")
	}
	defer func() {
		if r := recover(); r != nil {
			s.logf(protocol.MessageError, "internal error in %s: %v\n%s", m.Method, r, debug.Stack())
			result, rerr = nil, protocol.Errorf(protocol.InternalError, "internal error in %s: %v", m.Method, r)
		}
	}()
	result, rerr = h(s, m.Params)
	if rerr == errNoAnswer {
		return nil, nil
	}
	return result, rerr
}

func (s *server) notification(m *protocol.Message) {
	h, ok := notifications[m.Method]
	if !ok {
		return // "$/..." and others the server has no use for
	}
	s.mu.Lock()
	ready := s.initialized && !s.shutdown
	s.mu.Unlock()
	if !ready {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.logf(protocol.MessageError, "internal error in %s: %v\n%s", m.Method, r, debug.Stack())
		}
	}()
	if err := h(s, m.Params); err != nil {
		s.logf(protocol.MessageError, "%s: %v", m.Method, err)
	}
}

// logf sends a message to the editor's log of the server.
func (s *server) logf(typ int, format string, args ...any) {
	s.conn.Notify("window/logMessage", protocol.LogMessageParams{Type: typ, Message: fmt.Sprintf(format, args...)})
}

// decode reads a request's parameters.
func decode[T any](params json.RawMessage) (T, *protocol.Error) {
	var v T
	if len(params) == 0 {
		return v, protocol.Errorf(protocol.InvalidParams, "missing parameters")
	}
	if err := json.Unmarshal(params, &v); err != nil {
		return v, protocol.Errorf(protocol.InvalidParams, "invalid parameters: %v", err)
	}
	return v, nil
}

// initOptions are the initializationOptions the server reads.
type initOptions struct {
	Env string `json:"env"`
}

func (s *server) initialize(params json.RawMessage) (any, *protocol.Error) {
	p, rerr := decode[protocol.InitializeParams](params)
	if rerr != nil {
		return nil, rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := p.Capabilities.General; c != nil {
		s.enc = negotiate(c.PositionEncodings)
	}
	if c := p.Capabilities.TextDocument; c != nil && c.DocumentSymbol != nil {
		s.hierarchy = c.DocumentSymbol.HierarchicalDocumentSymbolSupport
	}
	for _, f := range p.WorkspaceFolders {
		if path, err := uriToPath(f.URI); err == nil {
			s.folders = append(s.folders, path)
		}
	}
	if len(p.WorkspaceFolders) == 0 && p.RootURI != "" {
		if path, err := uriToPath(p.RootURI); err == nil {
			s.folders = append(s.folders, path)
		}
	}
	if len(p.InitializationOptions) > 0 {
		var o initOptions
		if json.Unmarshal(p.InitializationOptions, &o) == nil && o.Env != "" {
			s.opts.Env = o.Env
		}
	}
	s.initialized = true
	return protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			PositionEncoding:        s.enc.String(),
			TextDocumentSync:        protocol.TextDocumentSyncOptions{OpenClose: true, Change: protocol.SyncIncremental},
			HoverProvider:           true,
			DefinitionProvider:      true,
			ReferencesProvider:      true,
			DocumentSymbolProvider:  true,
			WorkspaceSymbolProvider: true,
			CompletionProvider:      protocol.CompletionOptions{TriggerCharacters: []string{":", "<", "[", "(", " "}},
			FormattingProvider:      true,
			RenameProvider:          protocol.RenameOptions{PrepareProvider: true},
		},
		ServerInfo: protocol.ServerInfo{Name: "cloesce", Version: version.Version},
	}, nil
}

func (s *server) shutdownRequest(json.RawMessage) (any, *protocol.Error) {
	s.stop()
	return nil, nil
}
