// Package protocol is the wire side of the language server: JSON-RPC 2.0
// messages framed with Content-Length headers, as the Language Server
// Protocol 3.17 sends them over a byte stream, and the LSP types the
// server uses.
//
// It holds no editor logic; package lsp answers the messages.
package protocol

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Version is the JSON-RPC version every message carries.
const Version = "2.0"

// A Message is a request (ID and Method set), a notification (Method
// only) or a response (ID with Result or Error).
type Message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"` // a number or a string, kept as written
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

// IsRequest reports whether m expects a response.
func (m *Message) IsRequest() bool { return m.Method != "" && m.ID != nil }

// IsNotification reports whether m is a notification.
func (m *Message) IsNotification() bool { return m.Method != "" && m.ID == nil }

// An Error is the error member of a response.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// Error codes of JSON-RPC and LSP.
const (
	ParseError           = -32700
	InvalidRequest       = -32600
	MethodNotFound       = -32601
	InvalidParams        = -32602
	InternalError        = -32603
	ServerNotInitialized = -32002
	RequestFailed        = -32803
)

// Errorf returns an error response body.
func Errorf(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// A Conn reads and writes framed messages. Reads are for one goroutine;
// writes may come from several.
type Conn struct {
	r  *bufio.Reader
	mu sync.Mutex
	w  io.Writer
}

// NewConn returns a connection reading r and writing w.
func NewConn(r io.Reader, w io.Writer) *Conn {
	return &Conn{r: bufio.NewReaderSize(r, 64<<10), w: w}
}

// A BodyError is a message whose frame was read whole but whose body is
// not a JSON-RPC message. The stream is still in step, so the reader may
// answer with a parse error and go on.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return "malformed message: " + e.Err.Error() }

// Read returns the next message. It returns io.EOF at the end of the
// stream, a *BodyError for a well-framed but malformed body, and any other
// error when the framing itself is broken.
func (c *Conn) Read() (*Message, error) {
	length := -1
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && length < 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading message header: %w", errors.Join(err, io.ErrUnexpectedEOF))
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length < 0 {
				return nil, errors.New("message header without Content-Length")
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed message header %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("malformed Content-Length %q", value)
			}
			length = n
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return nil, fmt.Errorf("reading message body: %w", err)
	}
	var m Message
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		return nil, &BodyError{Err: err}
	}
	if m.JSONRPC != Version {
		return &m, &BodyError{Err: fmt.Errorf("jsonrpc is %q, not %q", m.JSONRPC, Version)}
	}
	if string(m.ID) == "null" {
		m.ID = nil
	}
	return &m, nil
}

// marshal encodes v as JSON without escaping <, > and &: messages are
// not HTML, and type names such as option<int> read better as written.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Write sends one message.
func (c *Conn) Write(m *Message) error {
	m.JSONRPC = Version
	body, err := marshal(m)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	_, err = c.w.Write(body)
	return err
}

// Notify sends a notification.
func (c *Conn) Notify(method string, params any) error {
	raw, err := marshal(params)
	if err != nil {
		return err
	}
	return c.Write(&Message{Method: method, Params: raw})
}

// Reply sends the response to the request with id: result, or rerr when
// it is not nil.
func (c *Conn) Reply(id json.RawMessage, result any, rerr *Error) error {
	if id == nil {
		id = json.RawMessage("null")
	}
	m := &Message{ID: id}
	if rerr != nil {
		m.Error = rerr
		return c.Write(m)
	}
	raw, err := marshal(result)
	if err != nil {
		return err
	}
	m.Result = raw
	return c.Write(m)
}
