package client

import (
	"bytes"
	"fmt"
	"strings"
)

// maxWidth is the line length past which calls and signatures are broken
// one argument per line, as a formatter such as Prettier would.
const maxWidth = 100

// A printer builds indented TypeScript. It writes to memory and cannot
// fail, so the generator reads as straight-line code.
type printer struct {
	buf   bytes.Buffer
	depth int
}

// line writes one line at the current indentation; an empty line has none.
func (p *printer) line(format string, args ...any) {
	if format != "" {
		p.buf.WriteString(strings.Repeat("  ", p.depth))
		fmt.Fprintf(&p.buf, format, args...)
	}
	p.buf.WriteByte('\n')
}

// block writes open, body one level deeper, then close.
func (p *printer) block(open string, body func(), close string) {
	p.line("%s", open)
	p.depth++
	body()
	p.depth--
	p.line("%s", close)
}

// text writes lines of already formatted code at the current indentation.
func (p *printer) text(code string) {
	for _, l := range strings.Split(strings.TrimSuffix(code, "\n"), "\n") {
		p.line("%s", l)
	}
}

// list writes head + items joined by ", " + tail on one line when it fits,
// else head, one item per line with a trailing comma, and tail, without
// the spaces that pad braces on one line ("{ a, b }").
func (p *printer) list(head string, items []string, tail string) {
	one := head + strings.Join(items, ", ") + tail
	if 2*p.depth+len(one) <= maxWidth || len(items) == 0 {
		p.line("%s", one)
		return
	}
	p.line("%s", strings.TrimRight(head, " "))
	p.depth++
	for _, it := range items {
		p.line("%s,", it)
	}
	p.depth--
	p.line("%s", strings.TrimLeft(tail, " "))
}
