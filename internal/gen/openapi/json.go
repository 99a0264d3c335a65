package openapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// A writer appends compact JSON to a buffer in the order it is written,
// placing the commas itself: the document's key order is meaningful to
// readers (openapi, info, paths, ...), which maps would lose, and one
// buffer is several times faster than building a tree to marshal.
type writer struct {
	buf   []byte
	more  []bool // per open object or array: whether it holds an element yet
	keyed bool   // a key was written: its value comes next, without a comma
}

// sep writes the comma before an element when its container has one.
func (w *writer) sep() {
	if w.keyed {
		w.keyed = false
		return
	}
	if n := len(w.more); n > 0 {
		if w.more[n-1] {
			w.buf = append(w.buf, ',')
		}
		w.more[n-1] = true
	}
}

// begin opens an object ('{') or an array ('[').
func (w *writer) begin(c byte) {
	w.sep()
	w.buf = append(w.buf, c)
	w.more = append(w.more, false)
}

// end closes the innermost object ('}') or array (']').
func (w *writer) end(c byte) {
	w.more = w.more[:len(w.more)-1]
	w.buf = append(w.buf, c)
}

// key writes an object member's key; its value is written next.
func (w *writer) key(k string) {
	w.sep()
	w.buf = appendString(w.buf, k)
	w.buf = append(w.buf, ':')
	w.keyed = true
}

func (w *writer) str(s string) {
	w.sep()
	w.buf = appendString(w.buf, s)
}

// text writes a string made of parts, without joining them first.
func (w *writer) text(parts ...string) {
	w.sep()
	w.buf = append(w.buf, '"')
	for _, p := range parts {
		w.buf = appendText(w.buf, p)
	}
	w.buf = append(w.buf, '"')
}

// num writes a number token as it is: validators keep their arguments
// as written (1 and 1.0 stay apart).
func (w *writer) num(token string) {
	w.sep()
	w.buf = append(w.buf, token...)
}

func (w *writer) int(n int) { w.num(strconv.Itoa(n)) }

func (w *writer) boolean(b bool) {
	w.sep()
	w.buf = strconv.AppendBool(w.buf, b)
}

// memo writes a value as write does the first time, keeping its bytes in
// *b, and copies them every later time: a value starts with no comma of
// its own, so its bytes are the same wherever it is.
func (w *writer) memo(b *[]byte, write func()) {
	w.sep()
	if *b != nil {
		w.buf = append(w.buf, *b...)
		return
	}
	w.keyed = true // the comma, if any, is written: write adds none
	start := len(w.buf)
	write()
	*b = bytes.Clone(w.buf[start:])
}

// field writes a member whose value is a string.
func (w *writer) field(k, v string) {
	w.key(k)
	w.str(v)
}

// strings writes an array of strings.
func (w *writer) strings(list []string) {
	w.begin('[')
	for _, s := range list {
		w.str(s)
	}
	w.end(']')
}

// ref writes the member "$ref" of the component name under kind
// ("schemas", "responses").
func (w *writer) ref(kind, name string) {
	w.key("$ref")
	w.sep()
	w.buf = append(w.buf, `"#/components/`...)
	w.buf = append(w.buf, kind...)
	w.buf = append(w.buf, '/')
	w.buf = append(appendText(w.buf, name), '"')
}

// appendString appends s as a JSON string.
func appendString(dst []byte, s string) []byte {
	return append(appendText(append(dst, '"'), s), '"')
}

// appendText appends s escaped for a JSON string, without the quotes.
// Names and most text need no escaping and are copied; anything else
// (quotes, backslashes in patterns, control characters, non-ASCII) is
// escaped by encoding/json, without its HTML escaping, so patterns keep
// their < and >.
func appendText(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes, as "...", then a newline
			return append(dst, b.Bytes()[1:b.Len()-2]...)
		}
	}
	return append(dst, s...)
}
