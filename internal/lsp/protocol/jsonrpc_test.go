package protocol

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func frame(header, body string) string {
	return fmt.Sprintf("%s: %d\r\n\r\n%s", header, len(body), body)
}

func TestRead(t *testing.T) {
	tests := []struct {
		name, in string
		method   string
		bodyErr  bool // a *BodyError: the stream is still in step
		fatal    bool // any other error
	}{
		{name: "request", in: frame("Content-Length", `{"jsonrpc":"2.0","id":1,"method":"shutdown"}`), method: "shutdown"},
		{name: "header case and content type", in: "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame("content-length", `{"jsonrpc":"2.0","method":"exit"}  `), method: "exit"},
		{name: "not json", in: "Content-Length: 5\r\n\r\n{oops", bodyErr: true},
		{name: "wrong version", in: "Content-Length: 33\r\n\r\n{\"jsonrpc\":\"1.0\",\"method\":\"exit\"}", bodyErr: true},
		{name: "no length", in: "Content-Type: x\r\n\r\n{}", fatal: true},
		{name: "bad length", in: "Content-Length: -3\r\n\r\n", fatal: true},
		{name: "short body", in: "Content-Length: 99\r\n\r\n{}", fatal: true},
		{name: "no colon", in: "Content-Length 3\r\n\r\n{}", fatal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewConn(strings.NewReader(tt.in), io.Discard).Read()
			var berr *BodyError
			switch {
			case tt.bodyErr:
				if !errors.As(err, &berr) {
					t.Fatalf("got %v, want a BodyError", err)
				}
			case tt.fatal:
				if err == nil || errors.As(err, &berr) {
					t.Fatalf("got %v, want a framing error", err)
				}
			case err != nil:
				t.Fatal(err)
			case m.Method != tt.method:
				t.Errorf("method %q, want %q", m.Method, tt.method)
			}
		})
	}
	if _, err := NewConn(strings.NewReader(""), io.Discard).Read(); err != io.EOF {
		t.Errorf("empty stream: got %v, want io.EOF", err)
	}
}

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	c := NewConn(strings.NewReader(""), &b)
	c.Reply([]byte("7"), nil, nil)
	c.Reply(nil, nil, Errorf(ParseError, "bad"))
	c.Notify("window/logMessage", map[string]any{"message": "option<int> & more"})
	want := frame("Content-Length", `{"jsonrpc":"2.0","id":7,"result":null}`) +
		frame("Content-Length", `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}`) +
		frame("Content-Length", `{"jsonrpc":"2.0","method":"window/logMessage","params":{"message":"option<int> & more"}}`)
	if b.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", b.String(), want)
	}
	// What was written reads back.
	r := NewConn(&b, io.Discard)
	for _, id := range []string{"7", ""} {
		m, err := r.Read()
		if err != nil || string(m.ID) != id {
			t.Errorf("read back id %q, %v; want %q", m.ID, err, id)
		}
	}
}
