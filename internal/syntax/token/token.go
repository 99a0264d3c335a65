// Package token defines the lexical tokens of the Cloesce schema language.
//
// Keywords are contextual: apart from the reserved words self, ctx and env,
// every keyword is an ordinary identifier that the parser matches by its
// text, so a field may be called "list" and a template "get".
package token

// Kind is the lexical class of a token.
type Kind int

const (
	EOF     Kind = iota
	Illegal      // text that starts no token; always Bad

	Ident    // name or contextual keyword
	Int      // 42, -7
	Real     // 3.14, -0.5
	String   // "key/{id}": no escapes, no newlines
	Template // `key/${id}`: a key format in JavaScript template style
	Regex    // /^[a-z]+$/: \ escapes the next character

	LBrace     // {
	RBrace     // }
	LParen     // (
	RParen     // )
	LBrack     // [
	RBrack     // ]
	Lt         // <
	Gt         // >
	Colon      // :
	ColonColon // ::
	Comma      // ,
	Arrow      // ->
)

var names = [...]string{
	EOF:        "end of file",
	Illegal:    "illegal token",
	Ident:      "identifier",
	Int:        "integer",
	Real:       "real number",
	String:     "string",
	Template:   "template string",
	Regex:      "regex",
	LBrace:     "'{'",
	RBrace:     "'}'",
	LParen:     "'('",
	RParen:     "')'",
	LBrack:     "'['",
	RBrack:     "']'",
	Lt:         "'<'",
	Gt:         "'>'",
	Colon:      "':'",
	ColonColon: "'::'",
	Comma:      "','",
	Arrow:      "'->'",
}

// String describes the kind as it appears in messages: punctuation quoted,
// classes by name.
func (k Kind) String() string {
	if int(k) < len(names) {
		return names[k]
	}
	return "unknown token"
}

// IsLiteral reports whether the kind is a literal value.
func (k Kind) IsLiteral() bool {
	switch k {
	case Int, Real, String, Template, Regex:
		return true
	}
	return false
}

// Reserved reports whether name can never be an identifier. Generated code
// uses these names for its own parameters.
func Reserved(name string) bool {
	return name == "self" || name == "ctx" || name == "env"
}

// A Token is one lexeme: its kind and the byte range [Start, End) of the
// source it was read from.
type Token struct {
	Kind       Kind
	Start, End int
	// LineStart is true when the token is the first on its line. The parser
	// uses it to resynchronise after an error at the next line's item.
	LineStart bool
	// Bad is true when the scanner reported the token as malformed. The
	// parser reports nothing more about it: one mistake, one error.
	Bad bool
}

// A Comment is a "//" comment; Start and End cover the slashes through the
// end of the line, without the newline.
type Comment struct {
	Start, End int
}

// IsIdentifier reports whether s is an identifier of the schema language:
// an ASCII letter or '_', then letters, digits or '_'.
func IsIdentifier(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}
