// Package diag represents problems in the user's input as values.
//
// Every stage of the compiler reports into a [List] and keeps going; the CLI
// renders the list at the end (see render.go). Internal failures are ordinary
// Go errors and never become diagnostics.
//
// Messages follow rustc's guide: lower case, no trailing period, user
// identifiers quoted; the primary span is the smallest wrong thing; "help"
// suggests a fix and "note" states a fact.
package diag

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/cloesce-go/cloesce/internal/source"
)

// Severity says whether a diagnostic stops compilation.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// A Label attaches a message to a span. The primary label is drawn with
// carets, secondary ones with dashes.
type Label struct {
	Span    source.Span
	Message string
}

// A Diagnostic is one problem in the input.
type Diagnostic struct {
	Severity  Severity
	Code      Code
	Message   string
	Span      source.Span // primary span: the smallest range that is wrong
	Label     string      // shown under the primary span; optional
	Secondary []Label     // related places, e.g. "first defined here"
	Notes     []string    // facts, rendered as "= note: ..."
	Help      []string    // suggestions, rendered as "= help: ..."
}

// Also adds a secondary label and returns d, so that a report reads as one
// expression.
func (d *Diagnostic) Also(span source.Span, format string, args ...any) *Diagnostic {
	d.Secondary = append(d.Secondary, Label{Span: span, Message: fmt.Sprintf(format, args...)})
	return d
}

// Labelled sets the message under the primary span.
func (d *Diagnostic) Labelled(format string, args ...any) *Diagnostic {
	d.Label = fmt.Sprintf(format, args...)
	return d
}

// Helpf adds a suggestion.
func (d *Diagnostic) Helpf(format string, args ...any) *Diagnostic {
	d.Help = append(d.Help, fmt.Sprintf(format, args...))
	return d
}

// Notef adds a fact.
func (d *Diagnostic) Notef(format string, args ...any) *Diagnostic {
	d.Notes = append(d.Notes, fmt.Sprintf(format, args...))
	return d
}

// A List collects diagnostics. The zero value is ready to use.
type List struct {
	diags []*Diagnostic
}

// Errorf records an error with the given code at span.
func (l *List) Errorf(code Code, span source.Span, format string, args ...any) *Diagnostic {
	return l.add(Error, code, span, format, args...)
}

// Warnf records a warning with the given code at span.
func (l *List) Warnf(code Code, span source.Span, format string, args ...any) *Diagnostic {
	return l.add(Warning, code, span, format, args...)
}

func (l *List) add(sev Severity, code Code, span source.Span, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Severity: sev, Code: code, Span: span, Message: fmt.Sprintf(format, args...)}
	l.diags = append(l.diags, d)
	return d
}

// Append adds diagnostics reported elsewhere.
func (l *List) Append(ds ...*Diagnostic) { l.diags = append(l.diags, ds...) }

// Len reports the number of diagnostics.
func (l *List) Len() int { return len(l.diags) }

// HasErrors reports whether any diagnostic is an error.
func (l *List) HasErrors() bool { return l.ErrorCount() > 0 }

// ErrorCount reports the number of errors.
func (l *List) ErrorCount() int {
	n := 0
	for _, d := range l.diags {
		if d.Severity == Error {
			n++
		}
	}
	return n
}

// Sorted returns the diagnostics ordered by file, position and then the
// order in which they were reported. Diagnostics without a span come first.
func (l *List) Sorted() []*Diagnostic {
	out := slices.Clone(l.diags)
	slices.SortStableFunc(out, func(a, b *Diagnostic) int {
		return cmp.Or(
			cmp.Compare(fileName(a.Span), fileName(b.Span)),
			cmp.Compare(a.Span.Start, b.Span.Start),
		)
	})
	return out
}

func fileName(s source.Span) string {
	if s.File == nil {
		return ""
	}
	return s.File.Name
}

// Error formats the first error and the count of the rest, in the
// "file:line:col: message" form of go/scanner.ErrorList.
func (l *List) Error() string {
	var first *Diagnostic
	for _, d := range l.Sorted() {
		if d.Severity == Error {
			first = d
			break
		}
	}
	if first == nil {
		return "no errors"
	}
	msg := fmt.Sprintf("%s: %s", first.Span, first.Message)
	if n := l.ErrorCount() - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more errors)", n)
	}
	return msg
}
