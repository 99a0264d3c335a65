// Package source holds schema source texts and the spans that point into them.
//
// Positions are stored as byte offsets; line and column are computed only
// when something is printed, from a line index built on first use.
// Lines and columns are 1-based; columns count Unicode code points, which is
// what editors show.
package source

import (
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"
)

// A File is an immutable source text with the name used in messages.
type File struct {
	Name string
	Text string

	once  sync.Once
	lines []int // byte offset at which each line starts; lines[0] == 0
}

// NewFile returns a File for text, reported under name.
func NewFile(name, text string) *File {
	return &File{Name: name, Text: text}
}

func (f *File) indexLines() {
	f.lines = []int{0}
	for i := 0; i < len(f.Text); i++ {
		if f.Text[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
}

// Position reports the line and column of byte offset off, which is
// clamped to the text.
func (f *File) Position(off int) Position {
	f.once.Do(f.indexLines)
	off = max(0, min(off, len(f.Text)))
	n, found := slices.BinarySearch(f.lines, off)
	if !found {
		n-- // off lies inside line n-1 (0-based)
	}
	start := f.lines[n]
	return Position{
		Filename: f.Name,
		Offset:   off,
		Line:     n + 1,
		Column:   utf8.RuneCountInString(f.Text[start:off]) + 1,
	}
}

// Offset converts a 1-based line and byte column (as JSON and TOML
// parsers report them) to a byte offset, clamped to the text.
func (f *File) Offset(line, col int) int {
	f.once.Do(f.indexLines)
	if line < 1 {
		return 0
	}
	if line > len(f.lines) {
		return len(f.Text)
	}
	return max(0, min(f.lines[line-1]+col-1, len(f.Text)))
}

// Line returns the text of 1-based line n without its line terminator.
func (f *File) Line(n int) string {
	f.once.Do(f.indexLines)
	if n < 1 || n > len(f.lines) {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.Text)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	if end > start && f.Text[end-1] == '\r' {
		end--
	}
	return f.Text[start:end]
}

// A Position is a printable location in a file.
type Position struct {
	Filename string
	Offset   int // byte offset, 0-based
	Line     int // 1-based
	Column   int // 1-based, in code points
}

// String formats the position as "file:line:col", or "line:col" when the
// file has no name.
func (p Position) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// A Span is the half-open byte range [Start, End) of File.
// The zero Span means "no position".
type Span struct {
	File       *File
	Start, End int
}

// IsValid reports whether the span points into a file.
func (s Span) IsValid() bool { return s.File != nil }

// Pos returns the start position of the span.
func (s Span) Pos() Position { return s.File.Position(s.Start) }

// EndPos is the position just after the span.
func (s Span) EndPos() Position { return s.File.Position(s.End) }

// Text returns the source text the span covers.
func (s Span) Text() string { return s.File.Text[s.Start:s.End] }

// To returns the span from the start of s to the end of t, which follows
// it in the same file.
func (s Span) To(t Span) Span {
	return Span{File: s.File, Start: s.Start, End: max(s.End, t.End)}
}

// String formats the start of the span as "file:line:col", or "-" when the
// span is not valid.
func (s Span) String() string {
	if !s.IsValid() {
		return "-"
	}
	return s.Pos().String()
}
