// Package scanner splits schema source text into tokens and comments.
//
// The scanner never stops at a bad character: it reports a diagnostic, skips
// the character and goes on, so that the parser sees as much of the file as
// possible.
package scanner

import (
	"fmt"
	"unicode/utf8"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// Scan returns the tokens of f, ending with an EOF token, and its comments.
//
// A file whose first line starts with ">" is read as a Markdown block quote,
// the way the documentation shows schema snippets: a run of ">" markers at
// the start of each line is whitespace.
func Scan(f *source.File, diags *diag.List) ([]token.Token, []token.Comment) {
	s := &scanner{file: f, src: f.Text, diags: diags, lineStart: true}
	s.quoted = isQuoted(f.Text)
	for {
		tok := s.next()
		s.toks = append(s.toks, tok)
		if tok.Kind == token.EOF {
			return s.toks, s.comments
		}
	}
}

type scanner struct {
	file     *source.File
	src      string
	off      int
	diags    *diag.List
	quoted   bool
	toks     []token.Token
	comments []token.Comment
	// lineStart is true until the first token of the current line is read.
	lineStart bool
}

func isQuoted(src string) bool {
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case '>':
			return isQuoteMarker(src, i)
		}
		return false
	}
	return false
}

// isQuoteMarker reports whether the ">" at i is followed by a blank, a line
// end or the end of the text, as a Markdown quote marker is.
func isQuoteMarker(src string, i int) bool {
	if i+1 == len(src) {
		return true
	}
	switch src[i+1] {
	case ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func (s *scanner) span(start, end int) source.Span {
	return source.Span{File: s.file, Start: start, End: end}
}

// skipTrivia skips whitespace, comments and, in quoted files, the quote
// markers at the start of lines.
func (s *scanner) skipTrivia() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == '\n':
			s.off++
			s.lineStart = true
		case c == ' ' || c == '\t' || c == '\r':
			s.off++
		case c == '>' && s.quoted && s.lineStart && isQuoteMarker(s.src, s.off):
			s.off++
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '/':
			start := s.off
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.off++
			}
			end := s.off
			if end > start && s.src[end-1] == '\r' {
				end--
			}
			s.comments = append(s.comments, token.Comment{Start: start, End: end})
		default:
			return
		}
	}
}

func (s *scanner) next() token.Token {
	for {
		s.skipTrivia()
		tok := token.Token{Start: s.off, LineStart: s.lineStart}
		if s.off >= len(s.src) {
			tok.Kind, tok.End = token.EOF, s.off
			return tok
		}
		kind, ok := s.scanToken()
		if !ok {
			continue // the bad character was reported and skipped
		}
		s.lineStart = false
		tok.Kind, tok.End = kind, s.off
		return tok
	}
}

var punct = map[byte]token.Kind{
	'{': token.LBrace, '}': token.RBrace,
	'(': token.LParen, ')': token.RParen,
	'[': token.LBrack, ']': token.RBrack,
	'<': token.Lt, '>': token.Gt,
	',': token.Comma,
}

// scanToken reads one token at s.off. It returns false, having reported
// it, when the text there starts no token.
func (s *scanner) scanToken() (token.Kind, bool) {
	start := s.off
	c := s.src[s.off]
	switch {
	case isLetter(c):
		for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
			s.off++
		}
		return token.Ident, true
	case isDigit(c):
		return s.number(start), true
	case c == '-':
		if s.off+1 < len(s.src) && s.src[s.off+1] == '>' {
			s.off += 2
			return token.Arrow, true
		}
		if s.off+1 < len(s.src) && isDigit(s.src[s.off+1]) {
			s.off++
			return s.number(start), true
		}
		s.off++
		s.diags.Errorf(diag.MalformedNumber, s.span(start, s.off), "unexpected '-'").
			Labelled("expected a number or '->'")
		return 0, false
	case c == ':':
		if s.off+1 < len(s.src) && s.src[s.off+1] == ':' {
			s.off += 2
			return token.ColonColon, true
		}
		s.off++
		return token.Colon, true
	case c == '"' || c == '`':
		return s.quoted1(c), true
	case c == '/':
		return s.regex(), true
	}
	if k, ok := punct[c]; ok {
		s.off++
		return k, true
	}
	r, size := utf8.DecodeRuneInString(s.src[s.off:])
	s.off += size
	d := s.diags.Errorf(diag.UnexpectedChar, s.span(start, s.off), "unexpected character %s", quoteRune(r)).
		Labelled("not a valid token")
	switch r {
	case ';':
		d.Helpf("statements are not terminated; remove the ';'")
	case '\'':
		d.Helpf("strings are written with double quotes")
	case '=':
		d.Helpf("fields are written `name: type`")
	}
	return 0, false
}

func quoteRune(r rune) string {
	if r == utf8.RuneError {
		return "(invalid UTF-8)"
	}
	if r < ' ' || r == 0x7f {
		return fmt.Sprintf("%U", r)
	}
	return "'" + string(r) + "'"
}

func (s *scanner) number(start int) token.Kind {
	for s.off < len(s.src) && isDigit(s.src[s.off]) {
		s.off++
	}
	if s.off >= len(s.src) || s.src[s.off] != '.' {
		return token.Int
	}
	s.off++ // '.'
	if s.off >= len(s.src) || !isDigit(s.src[s.off]) {
		s.diags.Errorf(diag.MalformedNumber, s.span(start, s.off), "real number %q has no digits after '.'", s.src[start:s.off]).
			Labelled("expected a digit after '.'").
			Helpf("write %s0", s.src[start:s.off])
		return token.Real
	}
	for s.off < len(s.src) && isDigit(s.src[s.off]) {
		s.off++
	}
	return token.Real
}

// quoted1 reads a string delimited by q. Strings hold key formats and
// never span lines, so a newline ends an unterminated one.
func (s *scanner) quoted1(q byte) token.Kind {
	start := s.off
	s.off++
	for s.off < len(s.src) {
		switch s.src[s.off] {
		case q:
			s.off++
			if q == '`' {
				return token.Template
			}
			return token.String
		case '\n':
			return s.unterminated(start, q)
		}
		s.off++
	}
	return s.unterminated(start, q)
}

func (s *scanner) unterminated(start int, q byte) token.Kind {
	end := s.off
	if end > start && s.src[end-1] == '\r' {
		end--
	}
	s.diags.Errorf(diag.UnterminatedString, s.span(start, start+1), "unterminated string").
		Labelled("this string is never closed").
		Helpf("add the closing %c before the end of the line", q)
	if q == '`' {
		return token.Template
	}
	return token.String
}

// regex reads /pattern/. A backslash escapes the next character, so a
// pattern may contain "\/".
func (s *scanner) regex() token.Kind {
	start := s.off
	s.off++
	for s.off < len(s.src) {
		switch s.src[s.off] {
		case '/':
			s.off++
			return token.Regex
		case '\n':
			return s.unterminatedRegex(start)
		case '\\':
			if s.off+1 < len(s.src) && s.src[s.off+1] != '\n' {
				s.off++
			}
		}
		s.off++
	}
	return s.unterminatedRegex(start)
}

func (s *scanner) unterminatedRegex(start int) token.Kind {
	s.diags.Errorf(diag.UnterminatedRegex, s.span(start, start+1), "unterminated regex").
		Labelled("this regex is never closed").
		Helpf("end the pattern with '/' on the same line; write '\\/' for a slash inside it")
	return token.Regex
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
