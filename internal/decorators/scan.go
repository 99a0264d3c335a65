package decorators

import (
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
)

// kind is the lexical class of a token of the TypeScript subset.
type kind int

const (
	tEOF kind = iota
	tIdent
	tString   // '...' or "..."
	tTemplate // `...`, substitutions included
	tNumber
	tRegex
	tPunct // one character, or => ... ?. ?? and the like
)

// A tok is one token; text is as written.
type tok struct {
	kind  kind
	text  string
	start int
	end   int
	nl    bool // a line break precedes it
}

// scanner splits a .cloesce.ts file into tokens. Method bodies are skipped
// by counting braces over these tokens, so strings, template literals,
// regexes and comments must be recognised exactly, even though the
// extractor reads none of them.
type scanner struct {
	src   *source.File
	text  string
	off   int
	prev  tok // the last token, to tell a regex from a division
	diags *diag.List
	errs  int // lexical errors reported
}

// regexAfter are the punctuators after which "/" starts a regex.
const regexAfter = "(,=:[!&|?{};+-*%<>~^"

// regexKeywords are the words after which "/" starts a regex.
var regexKeywords = map[string]bool{"return": true, "typeof": true, "case": true, "do": true, "else": true, "in": true, "of": true, "new": true, "delete": true, "void": true, "throw": true, "await": true, "yield": true}

func (s *scanner) span(start, end int) source.Span {
	return source.Span{File: s.src, Start: start, End: end}
}

// next returns the next token, skipping whitespace and comments.
func (s *scanner) next() tok {
	nl := s.skipSpace()
	t := s.scan()
	t.nl = nl
	s.prev = t
	return t
}

func (s *scanner) skipSpace() (nl bool) {
	for s.off < len(s.text) {
		switch c := s.text[s.off]; {
		case c == '\n':
			nl = true
			s.off++
		case c == ' ' || c == '\t' || c == '\r':
			s.off++
		case c == '/' && s.peek(1) == '/':
			for s.off < len(s.text) && s.text[s.off] != '\n' {
				s.off++
			}
		case c == '/' && s.peek(1) == '*':
			start := s.off
			s.off += 2
			for s.off < len(s.text) && !(s.text[s.off] == '*' && s.peek(1) == '/') {
				if s.text[s.off] == '\n' {
					nl = true
				}
				s.off++
			}
			if s.off >= len(s.text) {
				s.errs++
				s.diags.Errorf(diag.TSLexical, s.span(start, start+2), "block comment is never closed").
					Labelled("opened here").Helpf("end it with */")
				return nl
			}
			s.off += 2
		default:
			return nl
		}
	}
	return nl
}

func (s *scanner) peek(n int) byte {
	if s.off+n < len(s.text) {
		return s.text[s.off+n]
	}
	return 0
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (s *scanner) scan() tok {
	start := s.off
	if s.off >= len(s.text) {
		return tok{kind: tEOF, start: start, end: start}
	}
	c := s.text[s.off]
	k := tPunct
	switch {
	case isIdentStart(c):
		for s.off < len(s.text) && (isIdentStart(s.text[s.off]) || isDigit(s.text[s.off])) {
			s.off++
		}
		k = tIdent
	case isDigit(c):
		for s.off < len(s.text) && (isIdentStart(s.text[s.off]) || isDigit(s.text[s.off]) || s.text[s.off] == '.') {
			s.off++
		}
		k = tNumber
	case c == '"' || c == '\'':
		s.quoted(c)
		k = tString
	case c == '`':
		s.template()
		k = tTemplate
	case c == '/' && s.regexAllowed():
		s.regex()
		k = tRegex
	default:
		s.off++
		for _, p := range []string{"=>", "...", "?.", "??"} {
			if len(s.text)-start >= len(p) && s.text[start:start+len(p)] == p {
				s.off = start + len(p)
				break
			}
		}
	}
	return tok{kind: k, text: s.text[start:s.off], start: start, end: s.off}
}

func (s *scanner) regexAllowed() bool {
	switch s.prev.kind {
	case tEOF:
		return true
	case tIdent:
		return regexKeywords[s.prev.text]
	case tPunct:
		return len(s.prev.text) == 1 && contains(regexAfter, s.prev.text[0]) || s.prev.text == "=>"
	}
	return false
}

func contains(set string, c byte) bool {
	for i := range len(set) {
		if set[i] == c {
			return true
		}
	}
	return false
}

// quoted scans a string literal; a line break or the end ends it early.
func (s *scanner) quoted(q byte) {
	start := s.off
	s.off++
	for s.off < len(s.text) {
		switch s.text[s.off] {
		case q:
			s.off++
			return
		case '\\':
			s.off += 2
			continue
		case '\n':
			s.unterminated(start, "string literal", string(q))
			return
		}
		s.off++
	}
	s.off = len(s.text)
	s.unterminated(start, "string literal", string(q))
}

// template scans a template literal, substitutions and nested literals
// included.
func (s *scanner) template() {
	start := s.off
	s.off++
	for s.off < len(s.text) {
		switch s.text[s.off] {
		case '`':
			s.off++
			return
		case '\\':
			s.off += 2
			continue
		case '$':
			if s.peek(1) == '{' {
				s.off += 2
				s.substitution()
				continue
			}
		}
		s.off++
	}
	s.off = len(s.text)
	s.unterminated(start, "template literal", "`")
}

// substitution skips the expression of "${...}" up to its closing brace.
func (s *scanner) substitution() {
	s.prev = tok{kind: tPunct, text: "{"}
	for depth := 0; ; {
		s.skipSpace()
		t := s.scan()
		s.prev = t
		switch {
		case t.kind == tEOF:
			return
		case t.text == "{":
			depth++
		case t.text == "}":
			if depth == 0 {
				return
			}
			depth--
		}
	}
}

func (s *scanner) regex() {
	start := s.off
	s.off++
	inClass := false
	for s.off < len(s.text) {
		switch c := s.text[s.off]; {
		case c == '\\':
			s.off += 2
			continue
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			s.off++
			for s.off < len(s.text) && isIdentStart(s.text[s.off]) {
				s.off++
			}
			return
		case c == '\n':
			s.unterminated(start, "regular expression", "/")
			return
		}
		s.off++
	}
	s.off = len(s.text)
	s.unterminated(start, "regular expression", "/")
}

func (s *scanner) unterminated(start int, what, closer string) {
	s.errs++
	s.diags.Errorf(diag.TSLexical, s.span(start, start+1), "%s is never closed", what).
		Labelled("starts here").Helpf("end it with %s", closer)
}
