package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/cloesce-go/cloesce/internal/source"
)

// Format selects how diagnostics are printed.
type Format int

const (
	Human Format = iota // rustc-style, the default
	Short               // one line per diagnostic: file:line:col: error[E0005]: message
	JSON                // machine readable
)

var formatNames = [...]string{Human: "human", Short: "short", JSON: "json"}

func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return "Format(" + strconv.Itoa(int(f)) + ")"
	}
	return formatNames[f]
}

// ParseFormat maps "human", "short", "json" to a Format; anything else is
// an error naming the valid values.
func ParseFormat(s string) (Format, error) {
	if i := slices.Index(formatNames[:], s); i >= 0 {
		return Format(i), nil
	}
	return 0, fmt.Errorf("unknown diagnostic format %q (valid: %s)", s, strings.Join(formatNames[:], ", "))
}

// Options control rendering.
type Options struct {
	Format Format
	Color  bool   // ANSI colour; the CLI sets it only when stderr is a terminal and NO_COLOR is unset
	Cwd    string // when non-empty, file names are shown relative to it (if they are inside it), always with forward slashes
}

// UseColor reports whether output to f should be coloured: f is a
// terminal, NO_COLOR (https://no-color.org) is unset or empty, and TERM is
// not "dumb".
func UseColor(f *os.File) bool {
	return f != nil && colorWanted(os.Getenv) && term.IsTerminal(int(f.Fd()))
}

// colorWanted applies the user's settings: NO_COLOR (no-color.org) and a
// dumb terminal turn colour off.
func colorWanted(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// Render writes the diagnostics (already in the order to print: the caller
// passes list.Sorted()) to w.
func Render(w io.Writer, diags []*Diagnostic, opts Options) error {
	p := &printer{opts: opts}
	switch opts.Format {
	case Human:
		p.human(diags)
	case Short:
		p.short(diags)
	case JSON:
		if err := p.json(diags); err != nil {
			return err
		}
	default:
		return fmt.Errorf("diag: unknown format %v", opts.Format)
	}
	_, err := w.Write(p.buf.Bytes())
	return err
}

// ANSI styles, the ones rustc uses.
const (
	bold   = "\x1b[1m"
	red    = "\x1b[1;31m"
	yellow = "\x1b[1;33m"
	blue   = "\x1b[1;34m"
	reset  = "\x1b[0m"
)

// A seg is a piece of an output line in one style ("" for none).
type seg struct {
	style, text string
}

// A printer accumulates the whole output so that Render makes a single
// write and reports a single error.
type printer struct {
	opts Options
	buf  bytes.Buffer
}

// line writes segs as one line. Trailing blanks are dropped so that golden
// files and editors do not trip over them.
func (p *printer) line(segs ...seg) {
	n := len(segs)
	last := ""
	for ; n > 0; n-- {
		if last = strings.TrimRight(segs[n-1].text, " \t"); last != "" {
			break
		}
	}
	for i, s := range segs[:n] {
		text := s.text
		if i == n-1 {
			text = last
		}
		if p.opts.Color && s.style != "" {
			p.buf.WriteString(s.style + text + reset)
		} else {
			p.buf.WriteString(text)
		}
	}
	p.buf.WriteByte('\n')
}

// name is how a file is shown: relative to Options.Cwd when inside it.
func (p *printer) name(file string) string {
	if p.opts.Cwd != "" {
		if rel, err := filepath.Rel(p.opts.Cwd, file); err == nil && filepath.IsLocal(rel) {
			file = rel
		}
	}
	return filepath.ToSlash(file)
}

func (p *printer) pos(pos source.Position) string {
	pos.Filename = p.name(pos.Filename)
	return pos.String()
}

func severityStyle(s Severity) string {
	if s == Warning {
		return yellow
	}
	return red
}

func (p *printer) header(sev Severity, code Code, msg string, prefix ...seg) {
	title := sev.String()
	if code != "" {
		title += "[" + string(code) + "]"
	}
	p.line(append(prefix, seg{severityStyle(sev), title}, seg{bold, ": " + msg})...)
}

func (p *printer) human(diags []*Diagnostic) {
	errs, warns := 0, 0
	for i, d := range diags {
		if i > 0 {
			p.buf.WriteByte('\n')
		}
		p.diagnostic(d)
		if d.Severity == Warning {
			warns++
		} else {
			errs++
		}
	}
	switch {
	case errs > 0:
		msg := "aborting due to " + plural(errs, "previous error")
		if warns > 0 {
			msg += "; " + plural(warns, "warning") + " emitted"
		}
		p.buf.WriteByte('\n')
		p.header(Error, "", msg)
	case warns > 0:
		p.buf.WriteByte('\n')
		p.header(Warning, "", plural(warns, "warning")+" emitted")
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// A mark is a label as drawn under a source line.
type mark struct {
	start   source.Position
	span    source.Span
	message string
	primary bool
}

// A section is the part of a snippet that shows one file.
type section struct {
	file  *source.File
	pos   source.Position // printed after the arrow
	marks []mark          // ordered by line and column
}

func (p *printer) diagnostic(d *Diagnostic) {
	p.header(d.Severity, d.Code, d.Message)
	if !d.Span.IsValid() {
		p.trailer(d, 0)
		return
	}
	secs := sections(d)
	maxLine := 0
	for _, s := range secs {
		maxLine = max(maxLine, s.marks[len(s.marks)-1].start.Line)
	}
	width := len(strconv.Itoa(maxLine))
	gutter := seg{blue, strings.Repeat(" ", width+1) + "|"}
	for i, s := range secs {
		arrow := "--> "
		if i > 0 {
			// rustc's separation from the snippet above.
			p.line(gutter)
			arrow = "::: "
		}
		p.line(seg{"", strings.Repeat(" ", width)}, seg{blue, arrow}, seg{"", p.pos(s.pos)})
		p.line(gutter)
		p.snippet(s, width, severityStyle(d.Severity))
	}
	if len(d.Notes)+len(d.Help) > 0 {
		p.line(gutter)
		p.trailer(d, width)
	}
}

// sections groups the labels of d by file, the primary file first and the
// others in the order their labels were added. Labels without a span
// cannot be drawn and are left out.
func sections(d *Diagnostic) []*section {
	primary := &section{
		file:  d.Span.File,
		pos:   d.Span.Pos(),
		marks: []mark{{start: d.Span.Pos(), span: d.Span, message: d.Label, primary: true}},
	}
	secs := []*section{primary}
	for _, l := range d.Secondary {
		if !l.Span.IsValid() {
			continue
		}
		i := slices.IndexFunc(secs, func(s *section) bool { return s.file == l.Span.File })
		if i < 0 {
			i = len(secs)
			secs = append(secs, &section{file: l.Span.File})
		}
		secs[i].marks = append(secs[i].marks, mark{start: l.Span.Pos(), span: l.Span, message: l.Message})
	}
	for _, s := range secs {
		// Stable, so that the primary label comes first among equals.
		slices.SortStableFunc(s.marks, func(a, b mark) int {
			if a.start.Line != b.start.Line {
				return a.start.Line - b.start.Line
			}
			return a.start.Column - b.start.Column
		})
		if s != primary {
			s.pos = s.marks[0].start
		}
	}
	return secs
}

// snippet prints the lines of s that carry marks, each followed by its
// underlines, and bridges gaps between them.
func (p *printer) snippet(s *section, width int, sevStyle string) {
	prev := 0
	for i := 0; i < len(s.marks); {
		n := s.marks[i].start.Line
		j := i + 1
		for j < len(s.marks) && s.marks[j].start.Line == n {
			j++
		}
		if prev > 0 {
			switch n - prev {
			case 1:
			case 2:
				p.source(s.file, prev+1, width)
			default:
				p.line(seg{"", "..."})
			}
		}
		p.source(s.file, n, width)
		for _, m := range s.marks[i:j] {
			p.underline(s.file, m, width, sevStyle)
		}
		prev, i = n, j
	}
}

func (p *printer) source(f *source.File, n, width int) {
	text := strings.ReplaceAll(f.Line(n), "\t", "    ")
	p.line(seg{blue, fmt.Sprintf("%*d |", width, n)}, seg{"", " " + text})
}

// underline draws m under its source line. A span running past the end of
// its first line is underlined to the end of that line; an empty one gets a
// single mark.
func (p *printer) underline(f *source.File, m mark, width int, sevStyle string) {
	line := []rune(f.Line(m.start.Line))
	from := min(m.start.Column-1, len(line))
	to := len(line)
	if end := m.span.EndPos(); end.Line == m.start.Line {
		to = min(end.Column-1, len(line))
	}
	to = max(from, to)
	char, style := "-", blue
	if m.primary {
		char, style = "^", sevStyle
	}
	text := strings.Repeat(char, max(1, displayWidth(line[from:to])))
	if m.message != "" {
		text += " " + m.message
	}
	p.line(
		seg{blue, strings.Repeat(" ", width+1) + "|"},
		seg{"", " " + strings.Repeat(" ", displayWidth(line[:from]))},
		seg{style, text},
	)
}

// displayWidth is the number of columns rs takes once tabs are expanded
// to four spaces, as source lines are printed.
func displayWidth(rs []rune) int {
	w := 0
	for _, r := range rs {
		if r == '\t' {
			w += 4
		} else {
			w++
		}
	}
	return w
}

func (p *printer) trailer(d *Diagnostic, width int) {
	indent := seg{"", strings.Repeat(" ", width+1)}
	for _, n := range d.Notes {
		p.line(indent, seg{blue, "="}, seg{bold, " note"}, seg{"", ": " + n})
	}
	for _, h := range d.Help {
		p.line(indent, seg{blue, "="}, seg{bold, " help"}, seg{"", ": " + h})
	}
}

func (p *printer) short(diags []*Diagnostic) {
	for _, d := range diags {
		var prefix []seg
		if d.Span.IsValid() {
			prefix = append(prefix, seg{"", p.pos(d.Span.Pos()) + ": "})
		}
		msg := d.Message
		if len(d.Help) > 0 {
			msg += " (help: " + d.Help[0] + ")"
		}
		p.header(d.Severity, d.Code, msg, prefix...)
	}
}

type jsonDiagnostic struct {
	Severity  string      `json:"severity"`
	Code      Code        `json:"code"`
	Message   string      `json:"message"`
	File      string      `json:"file,omitempty"`
	Start     jsonPos     `json:"start,omitzero"`
	End       jsonPos     `json:"end,omitzero"`
	Label     string      `json:"label,omitempty"`
	Secondary []jsonLabel `json:"secondary"`
	Notes     []string    `json:"notes"`
	Help      []string    `json:"help"`
}

type jsonLabel struct {
	File    string  `json:"file,omitempty"`
	Start   jsonPos `json:"start,omitzero"`
	End     jsonPos `json:"end,omitzero"`
	Message string  `json:"message"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Offset int `json:"offset"`
}

// where fills in the location fields for span; they stay empty, and are
// omitted, when span is invalid.
func (p *printer) where(span source.Span) (file string, start, end jsonPos) {
	if !span.IsValid() {
		return "", jsonPos{}, jsonPos{}
	}
	s, e := span.Pos(), span.EndPos()
	return p.name(span.File.Name), jsonPos{s.Line, s.Column, s.Offset}, jsonPos{e.Line, e.Column, e.Offset}
}

func (p *printer) json(diags []*Diagnostic) error {
	out := make([]jsonDiagnostic, 0, len(diags))
	for _, d := range diags {
		j := jsonDiagnostic{
			Severity:  d.Severity.String(),
			Code:      d.Code,
			Message:   d.Message,
			Label:     d.Label,
			Secondary: make([]jsonLabel, 0, len(d.Secondary)),
			// Never null, so that consumers need not check.
			Notes: append([]string{}, d.Notes...),
			Help:  append([]string{}, d.Help...),
		}
		j.File, j.Start, j.End = p.where(d.Span)
		for _, l := range d.Secondary {
			jl := jsonLabel{Message: l.Message}
			jl.File, jl.Start, jl.End = p.where(l.Span)
			j.Secondary = append(j.Secondary, jl)
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(&p.buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // messages mention types like partial<T>
	return enc.Encode(out)
}

// Text renders the list sorted, in the human format without colour: the
// form golden tests record.
func (l *List) Text() string {
	var b strings.Builder
	Render(&b, l.Sorted(), Options{}) // cannot fail: Human is valid and b never errs
	return b.String()
}
