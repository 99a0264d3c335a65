// Package scanner splits schema source text into tokens and comments.
//
// The scanner never stops at a bad character: it reports a diagnostic and
// hands the parser a token marked Bad, so that the parser can recover
// without reporting the same mistake again.
package scanner

import (
	"fmt"
	"strings"
	"unicode"
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
	// Schemas run at 5 to 6 bytes a token: room for all of them up front
	// saves regrowing the slice (a 1,000-model schema has 120,000).
	s := &scanner{file: f, src: f.Text, diags: diags, lineStart: true, toks: make([]token.Token, 0, len(f.Text)/5+16)}
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
	bad       bool // the token being read was reported
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
		case c == '#':
			start := s.off
			s.skipLine()
			s.diags.Errorf(diag.UnexpectedChar, s.span(start, start+1), "'#' does not start a comment").
				Labelled("not a comment").
				Helpf("comments start with //")
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '*':
			start := s.off
			end := strings.Index(s.src[start+2:], "*/")
			if end < 0 {
				s.off = len(s.src)
			} else {
				s.off = start + 2 + end + 2
			}
			s.lineStart = s.lineStart || strings.Contains(s.src[start:s.off], "\n")
			s.diags.Errorf(diag.UnexpectedChar, s.span(start, start+2), "block comments are not supported").
				Labelled("comment starts here").
				Helpf("start each line of the comment with //")
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '/':
			start := s.off
			s.skipLine()
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
	s.skipTrivia()
	tok := token.Token{Start: s.off, LineStart: s.lineStart}
	if s.off >= len(s.src) {
		tok.Kind, tok.End = token.EOF, s.off
		return tok
	}
	s.bad = false
	tok.Kind = s.scanToken()
	tok.End, tok.Bad = s.off, s.bad || tok.Kind == token.Illegal
	s.lineStart = false
	return tok
}

// errorf reports a malformed token at [start, s.off) unless a span is
// given, and marks the token Bad.
func (s *scanner) errorf(code diag.Code, span source.Span, format string, args ...any) *diag.Diagnostic {
	s.bad = true
	return s.diags.Errorf(code, span, format, args...)
}

// skipLine moves to the end of the line, before its newline.
func (s *scanner) skipLine() {
	for s.off < len(s.src) && s.src[s.off] != '\n' {
		s.off++
	}
}

// punct holds the kinds of one-character tokens; EOF for other bytes.
var punct = [256]token.Kind{
	'{': token.LBrace, '}': token.RBrace,
	'(': token.LParen, ')': token.RParen,
	'[': token.LBrack, ']': token.RBrack,
	'<': token.Lt, '>': token.Gt,
	',': token.Comma,
}

// scanToken reads one token at s.off and returns its kind. Malformed
// text is reported and read as far as it plausibly goes.
func (s *scanner) scanToken() token.Kind {
	start := s.off
	c := s.src[s.off]
	switch {
	case isLetter(c) || c >= utf8.RuneSelf && startsLetter(s.src[s.off:]):
		return s.ident(start)
	case isDigit(c):
		return s.number(start)
	case c == '-':
		if s.off+1 < len(s.src) && s.src[s.off+1] == '>' {
			s.off += 2
			return token.Arrow
		}
		if s.off+1 < len(s.src) && isDigit(s.src[s.off+1]) {
			s.off++
			return s.number(start)
		}
		s.off++
		s.errorf(diag.MalformedNumber, s.span(start, s.off), "unexpected '-'").
			Labelled("expected a number or '->'").
			Helpf("write a negative number without a space, as in -40")
		return token.Illegal
	case c == ':':
		if s.off+1 < len(s.src) && s.src[s.off+1] == ':' {
			s.off += 2
			return token.ColonColon
		}
		s.off++
		return token.Colon
	case c == '"' || c == '`':
		return s.quoted1(c)
	case c == '/':
		return s.regex()
	}
	if k := punct[c]; k != token.EOF {
		s.off++
		return k
	}
	return s.illegal(start)
}

// misquotes maps quotation marks people type by mistake to the one that
// closes them.
var misquotes = map[rune]rune{'\'': '\'', '“': '”', '”': '”', '‘': '’'}

// illegal reads text that starts no token, with advice for common slips.
func (s *scanner) illegal(start int) token.Kind {
	r, size := utf8.DecodeRuneInString(s.src[s.off:])
	if closing, ok := misquotes[r]; ok {
		s.off += size
		for s.off < len(s.src) && s.src[s.off] != '\n' {
			r, size := utf8.DecodeRuneInString(s.src[s.off:])
			s.off += size
			if r == closing {
				break
			}
		}
		s.errorf(diag.UnexpectedChar, s.span(start, start+size), "strings are written with double quotes").
			Labelled("not a string delimiter").
			Helpf("write %s", "\""+strings.Trim(s.src[start:s.off], "'“”‘’")+"\"")
		return token.String
	}
	s.off += size
	if r == '=' && s.off < len(s.src) && s.src[s.off] == '>' {
		s.off++
		s.errorf(diag.UnexpectedChar, s.span(start, s.off), "unexpected '=>'").
			Labelled("not a token").
			Helpf("a return type follows '->'")
		return token.Illegal
	}
	d := s.errorf(diag.UnexpectedChar, s.span(start, s.off), "unexpected character %s", quoteRune(r)).
		Labelled("not a valid token")
	switch r {
	case ';':
		d.Helpf("items are not terminated; remove the ';'")
	case '=':
		d.Helpf("fields are written `name: type`")
	case '.':
		d.Helpf("a binding and its template are joined with '::', as in Cache::settings")
	}
	return token.Illegal
}

// ident reads a name. Names are ASCII; a name with other letters is read
// whole and reported once.
func (s *scanner) ident(start int) token.Kind {
	ascii := true
	for s.off < len(s.src) {
		c := s.src[s.off]
		if isLetter(c) || isDigit(c) {
			s.off++
			continue
		}
		if c < utf8.RuneSelf || !startsLetter(s.src[s.off:]) {
			break
		}
		_, size := utf8.DecodeRuneInString(s.src[s.off:])
		s.off += size
		ascii = false
	}
	if !ascii {
		s.errorf(diag.UnexpectedChar, s.span(start, s.off), "name %q has a letter outside ASCII", s.src[start:s.off]).
			Labelled("not an ASCII name").
			Notef("names use the letters A-Z and a-z, digits and '_'; generated TypeScript and SQL rely on it")
	}
	return token.Ident
}

func startsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func quoteRune(r rune) string {
	switch {
	case r == utf8.RuneError:
		return "(invalid UTF-8)"
	case r < ' ' || r == 0x7f:
		return fmt.Sprintf("%U", r)
	case r == '\'':
		return "`'`"
	}
	return "'" + string(r) + "'"
}

func (s *scanner) number(start int) token.Kind {
	for s.off < len(s.src) && isDigit(s.src[s.off]) {
		s.off++
	}
	if s.off < len(s.src) && isLetter(s.src[s.off]) {
		s.ident(s.off)
		s.errorf(diag.MalformedNumber, s.span(start, s.off), "a name cannot start with a digit").
			Labelled("neither a number nor a name")
		return token.Ident
	}
	if s.off >= len(s.src) || s.src[s.off] != '.' {
		return token.Int
	}
	s.off++ // '.'
	if s.off >= len(s.src) || !isDigit(s.src[s.off]) {
		s.errorf(diag.MalformedNumber, s.span(start, s.off), "real number '%s' has no digits after '.'", s.src[start:s.off]).
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
		if s.src[s.off] >= utf8.RuneSelf {
			// Keys are UTF-8 text: a byte that is not would be garbled in every key built from it.
			r, size := utf8.DecodeRuneInString(s.src[s.off:])
			if r == utf8.RuneError && size == 1 {
				s.errorf(diag.UnexpectedChar, s.span(s.off, s.off+1), "byte 0x%02x in a string is not UTF-8", s.src[s.off]).
					Labelled("not UTF-8").
					Helpf("save the file as UTF-8")
			}
			s.off += size
			continue
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
	s.errorf(diag.UnterminatedString, s.span(start, start+1), "unterminated string").
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
	s.errorf(diag.UnterminatedRegex, s.span(start, start+1), "unterminated regex").
		Labelled("this regex is never closed").
		Helpf("end the pattern with '/' on the same line; write '\\/' for a slash inside it")
	return token.Regex
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
