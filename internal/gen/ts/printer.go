// Package ts is the TypeScript emission layer the generators of backend.ts
// and client.ts share: a printer with one line-width policy, string and
// property spelling, reserved words and parameter scopes, an import set,
// how interface-description types are spelt, and ModelShape, the one
// description of a model's properties both files declare.
//
// Generated files reach the runtime, their helpers and the platform
// through names a schema cannot take: `$`-prefixed names (schema names
// have no `$`), and globalThis.X for a platform global X the schema
// declares itself. So only reserved words and the documented surface are
// refused as schema names (sema).
package ts

import (
	"bytes"
	"fmt"
	"strings"
)

// MaxWidth is the line length past which lists (arguments, parameters,
// object members) are broken one item per line, as Prettier would.
const MaxWidth = 100

// A Printer builds indented TypeScript. It writes to memory and cannot
// fail, so generators read as straight-line code.
type Printer struct {
	buf   bytes.Buffer
	depth int
}

// Gap writes a blank line, unless at the start of the output or of a
// block: what separates declarations.
func (p *Printer) Gap() {
	if b := p.buf.Bytes(); len(b) > 1 && !bytes.HasSuffix(b, []byte("{\n")) && !bytes.HasSuffix(b, []byte("\n\n")) {
		p.buf.WriteByte('\n')
	}
}

// Bytes returns what was printed.
func (p *Printer) Bytes() []byte { return p.buf.Bytes() }

// Line writes one line at the current indentation; an empty line has none.
func (p *Printer) Line(format string, args ...any) {
	if format != "" {
		p.buf.WriteString(strings.Repeat("  ", p.depth))
		fmt.Fprintf(&p.buf, format, args...)
	}
	p.buf.WriteByte('\n')
}

// Block writes open, body one level deeper, then close; a block whose
// body writes nothing is written on one line: `interface Api {}`.
func (p *Printer) Block(open string, body func(), close string) {
	p.Line("%s", open)
	n := p.buf.Len()
	p.Indent(body, close)
	if p.buf.Len() == n+2*p.depth+len(close)+1 { // the body wrote nothing
		p.buf.Truncate(n - 1)
		p.buf.WriteString(close + "\n")
	}
}

// Indent writes body one level deeper, then close: the rest of a block
// whose opening line was printed (by Args) already.
func (p *Printer) Indent(body func(), close string) {
	p.depth++
	body()
	p.depth--
	p.Line("%s", close)
}

// Text writes lines of already formatted code at the current indentation.
func (p *Printer) Text(code string) {
	for _, l := range strings.Split(strings.TrimSuffix(code, "\n"), "\n") {
		p.Line("%s", l)
	}
}

// List writes head + items joined by sep + tail on one line when it fits,
// else head, one item per line each followed by end, and tail, without
// the spaces that pad braces on one line ("{ a, b }"). Calls and
// parameter lists use ", " and ","; object types "; " and ";".
func (p *Printer) List(head string, items []string, sep, end, tail string) {
	one := head + strings.Join(items, sep) + tail
	if 2*p.depth+len(one) <= MaxWidth || len(items) == 0 {
		p.Line("%s", one)
		return
	}
	p.Line("%s", strings.TrimRight(head, " "))
	p.depth++
	for _, it := range items {
		p.Line("%s%s", it, end)
	}
	p.depth--
	p.Line("%s", strings.TrimLeft(tail, " "))
}

// Args writes a call or a parameter list: head, items, tail (see List).
func (p *Printer) Args(head string, items []string, tail string) {
	p.List(head, items, ", ", ",", tail)
}
