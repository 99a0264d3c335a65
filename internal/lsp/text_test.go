package lsp

import (
	"testing"

	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
)

func TestPositions(t *testing.T) {
	// é is 2 bytes and 1 UTF-16 unit; ☀ 3 bytes, 1 unit; 🌧 4 bytes, 2
	// units (a surrogate pair).
	const text = "ab\r\né☀🌧x\n\nlast"
	tests := []struct {
		off  int
		enc  encoding
		want protocol.Position
	}{
		{0, utf16, protocol.Position{Line: 0, Character: 0}},
		{2, utf16, protocol.Position{Line: 0, Character: 2}}, // before \r
		{4, utf16, protocol.Position{Line: 1, Character: 0}},
		{6, utf16, protocol.Position{Line: 1, Character: 1}},  // after é
		{9, utf16, protocol.Position{Line: 1, Character: 2}},  // after ☀
		{13, utf16, protocol.Position{Line: 1, Character: 4}}, // after 🌧
		{14, utf16, protocol.Position{Line: 1, Character: 5}}, // after x
		{15, utf16, protocol.Position{Line: 2, Character: 0}},
		{16, utf16, protocol.Position{Line: 3, Character: 0}},
		{20, utf16, protocol.Position{Line: 3, Character: 4}},
		{99, utf16, protocol.Position{Line: 3, Character: 4}}, // clamped
		{13, utf8Bytes, protocol.Position{Line: 1, Character: 9}},
		{13, utf32, protocol.Position{Line: 1, Character: 3}},
	}
	l := newLines(text)
	for _, tt := range tests {
		if got := l.position(tt.off, tt.enc); got != tt.want {
			t.Errorf("position(%d, %v) = %+v, want %+v", tt.off, tt.enc, got, tt.want)
		}
		if tt.off <= len(text) {
			if got := l.offset(tt.want, tt.enc); got != tt.off {
				t.Errorf("offset(%+v, %v) = %d, want %d", tt.want, tt.enc, got, tt.off)
			}
		}
	}
	// Positions past the end of a line or of the text clamp; one inside
	// a surrogate pair means the pair's start.
	for _, tt := range []struct {
		p    protocol.Position
		want int
	}{
		{protocol.Position{Line: 0, Character: 9}, 2},
		{protocol.Position{Line: 1, Character: 3}, 9},
		{protocol.Position{Line: 7, Character: 0}, len(text)},
		{protocol.Position{Line: -1, Character: 0}, 0},
	} {
		if got := l.offset(tt.p, utf16); got != tt.want {
			t.Errorf("offset(%+v) = %d, want %d", tt.p, got, tt.want)
		}
	}
}

func TestApplyChange(t *testing.T) {
	text := "model 🌧 {\n}\n"
	l := newLines(text)
	r := &protocol.Range{Start: protocol.Position{Line: 0, Character: 6}, End: protocol.Position{Line: 0, Character: 8}}
	got := applyChange(text, l, protocol.TextDocumentContentChangeEvent{Range: r, Text: "Rain"}, utf16)
	if want := "model Rain {\n}\n"; got != want {
		t.Errorf("applyChange = %q, want %q", got, want)
	}
	if got := applyChange(text, l, protocol.TextDocumentContentChangeEvent{Text: "x"}, utf16); got != "x" {
		t.Errorf("a change without a range replaces the text; got %q", got)
	}
}

func TestURIs(t *testing.T) {
	for _, path := range []string{"/tmp/a b/c.clo", "/home/x/é.clo", "/p/100%.clo"} {
		uri := pathToURI(path)
		back, err := uriToPath(uri)
		if err != nil || back != path {
			t.Errorf("uriToPath(pathToURI(%q)) = %q, %v (URI %s)", path, back, err, uri)
		}
	}
	if got, _ := uriToPath("file:///tmp/a%20b/c.clo"); got != "/tmp/a b/c.clo" {
		t.Errorf("uriToPath decodes escapes: got %q", got)
	}
	if _, err := uriToPath("untitled:Untitled-1"); err == nil {
		t.Error("an untitled: URI is not a file")
	}
}
