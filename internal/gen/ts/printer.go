// Package ts is the TypeScript emission layer the generators of backend.ts
// and client.ts share: a printer with one line-width policy, string and
// property spelling, reserved words and parameter scopes, an import set,
// how interface-description types are spelt, ModelShape, the one
// description of a model's properties both files declare, and
// FilterTypes, the types of what its lists and counts filter on.
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
	"strconv"
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
	start int // where the output starts for Gap (see Restart)
}

// Gap writes a blank line, unless at the start of the output or of a
// block: what separates declarations.
func (p *Printer) Gap() {
	if b := p.buf.Bytes()[p.start:]; len(b) > 1 && !bytes.HasSuffix(b, []byte("{\n")) && !bytes.HasSuffix(b, []byte("\n\n")) {
		p.buf.WriteByte('\n')
	}
}

// Restart makes what follows a new start of the output for Gap, which
// writes no blank line before it: code appended to a printer is spaced
// as it would be printed alone.
func (p *Printer) Restart() { p.start = p.buf.Len() }

// Bytes returns what was printed.
func (p *Printer) Bytes() []byte { return p.buf.Bytes() }

// Grow makes room for n more bytes.
func (p *Printer) Grow(n int) { p.buf.Grow(n) }

// spaces indent lines: p.depth levels of two spaces are its first
// 2*p.depth bytes, for depths up to len(spaces)/2.
const spaces = "                                                                "

// Line writes one line at the current indentation; an empty line has none.
func (p *Printer) Line(format string, args ...any) {
	if format != "" {
		p.indent()
		if !p.printf(format, args) {
			fmt.Fprintf(&p.buf, format, args...)
		}
	}
	p.buf.WriteByte('\n')
}

// indent writes the current indentation.
func (p *Printer) indent() {
	if n := 2 * p.depth; n <= len(spaces) {
		p.buf.WriteString(spaces[:n])
	} else {
		p.buf.WriteString(strings.Repeat("  ", p.depth))
	}
}

// printf writes what fmt.Fprintf would for the formats generators use
// most, verbs %s of strings and %d of ints, without fmt's cost (a large
// client.ts prints 100,000 lines). Given anything else it writes nothing
// and returns false.
func (p *Printer) printf(format string, args []any) bool {
	mark := p.buf.Len()
	for {
		i := strings.IndexByte(format, '%')
		if i < 0 {
			p.buf.WriteString(format)
			if len(args) == 0 {
				return true
			}
			break // fmt reports extra arguments
		}
		p.buf.WriteString(format[:i])
		if i+1 == len(format) {
			break
		}
		verb := format[i+1]
		format = format[i+2:]
		if verb == '%' {
			p.buf.WriteByte('%')
			continue
		}
		if len(args) == 0 {
			break
		}
		switch a := args[0].(type) {
		case string:
			if verb != 's' {
				p.buf.Truncate(mark)
				return false
			}
			p.buf.WriteString(a)
		case int:
			if verb != 'd' {
				p.buf.Truncate(mark)
				return false
			}
			p.buf.WriteString(strconv.Itoa(a))
		default:
			p.buf.Truncate(mark)
			return false
		}
		args = args[1:]
	}
	p.buf.Truncate(mark)
	return false
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
	width := 2*p.depth + len(head) + len(tail)
	for i, it := range items {
		if i > 0 {
			width += len(sep)
		}
		width += len(it)
	}
	if width <= MaxWidth || len(items) == 0 {
		p.indent()
		p.buf.WriteString(head)
		for i, it := range items {
			if i > 0 {
				p.buf.WriteString(sep)
			}
			p.buf.WriteString(it)
		}
		p.buf.WriteString(tail)
		p.buf.WriteByte('\n')
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

// Union writes head + items joined by " | " + tail on one line when it
// fits, else head, then each item on a line of its own after "| ", the
// last followed by tail, as Prettier breaks a union type.
func (p *Printer) Union(head string, items []string, tail string) {
	width := 2*p.depth + len(head) + len(tail) + 3*(len(items)-1)
	for _, it := range items {
		width += len(it)
	}
	if width <= MaxWidth {
		p.Line("%s%s%s", head, strings.Join(items, " | "), tail)
		return
	}
	p.Line("%s", strings.TrimRight(head, " "))
	p.depth++
	for i, it := range items {
		if i == len(items)-1 {
			it += tail
		}
		p.Line("| %s", it)
	}
	p.depth--
}

// Args writes a call or a parameter list: head, items, tail (see List).
func (p *Printer) Args(head string, items []string, tail string) {
	p.List(head, items, ", ", ",", tail)
}
