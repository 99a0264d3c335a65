package lsp

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
)

// An encoding says what an LSP character offset counts within a line:
// UTF-16 code units (the protocol's default), bytes or code points. The
// compiler's spans are byte offsets; lines converts between the two.
type encoding int

const (
	utf16 encoding = iota
	utf8Bytes
	utf32
)

func (e encoding) String() string {
	return [...]string{protocol.UTF16, protocol.UTF8, protocol.UTF32}[e]
}

// negotiate picks the position encoding from those the client offers:
// UTF-8 when offered, as it costs no conversion, else the mandatory
// UTF-16.
func negotiate(offered []string) encoding {
	if slices.Contains(offered, protocol.UTF8) {
		return utf8Bytes
	}
	return utf16
}

// lines indexes a text's line starts, converting between byte offsets and
// LSP positions. Lines end at "\n"; a "\r" before it belongs to the line
// terminator.
type lines struct {
	text   string
	starts []int
}

func newLines(text string) *lines {
	starts := make([]int, 1, strings.Count(text, "\n")+1)
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lines{text: text, starts: starts}
}

// lineEnd is the offset just past the content of 0-based line n.
func (l *lines) lineEnd(n int) int {
	end := len(l.text)
	if n+1 < len(l.starts) {
		end = l.starts[n+1] - 1
	}
	if end > l.starts[n] && l.text[end-1] == '\r' {
		end--
	}
	return end
}

// position converts a byte offset, clamped to the text, to a position.
func (l *lines) position(off int, enc encoding) protocol.Position {
	off = max(0, min(off, len(l.text)))
	n, found := slices.BinarySearch(l.starts, off)
	if !found {
		n--
	}
	start := l.starts[n]
	return protocol.Position{Line: n, Character: units(l.text[start:off], enc)}
}

// offset converts a position to a byte offset. As the protocol says, a
// character past the end of its line means the end of the line; a line
// past the end of the text means the end of the text.
func (l *lines) offset(p protocol.Position, enc encoding) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(l.starts) {
		return len(l.text)
	}
	start, end := l.starts[p.Line], l.lineEnd(p.Line)
	count := 0
	for i := start; i < end; {
		if count >= p.Character {
			return i
		}
		r, size := utf8.DecodeRuneInString(l.text[i:])
		count += runeUnits(r, size, enc)
		if count > p.Character {
			return i // inside a surrogate pair: its start
		}
		i += size
	}
	return end
}

func (l *lines) rangeOf(start, end int, enc encoding) protocol.Range {
	return protocol.Range{Start: l.position(start, enc), End: l.position(end, enc)}
}

// units counts what s measures in enc.
func units(s string, enc encoding) int {
	switch enc {
	case utf8Bytes:
		return len(s)
	case utf32:
		return utf8.RuneCountInString(s)
	}
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		n += runeUnits(r, size, enc)
		i += size
	}
	return n
}

func runeUnits(r rune, size int, enc encoding) int {
	switch enc {
	case utf8Bytes:
		return size
	case utf32:
		return 1
	}
	if r >= 0x10000 {
		return 2 // a surrogate pair
	}
	return 1
}

// applyChange returns text with one content change applied.
func applyChange(text string, l *lines, c protocol.TextDocumentContentChangeEvent, enc encoding) string {
	if c.Range == nil {
		return c.Text
	}
	start, end := l.offset(c.Range.Start, enc), l.offset(c.Range.End, enc)
	if end < start {
		start, end = end, start
	}
	return text[:start] + c.Text + text[end:]
}

// uriToPath returns the file path of a file: URI.
func uriToPath(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", err
	}
	if u.Scheme != "file" {
		return "", fmt.Errorf("unsupported URI scheme %q in %s", u.Scheme, uri)
	}
	path := u.Path
	if len(path) >= 3 && path[0] == '/' && path[2] == ':' { // /C:/... on Windows
		path = path[1:]
	}
	return filepath.Clean(filepath.FromSlash(path)), nil
}

// pathToURI returns the file: URI of an absolute path, escaped as VS Code
// escapes it.
func pathToURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
