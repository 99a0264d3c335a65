package scanner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// tokens renders the tokens of src as "kind:text" words, marking tokens
// that start a line with "^", followed by the comments and the codes of
// any diagnostics.
func tokens(src string) string {
	var diags diag.List
	toks, comments := Scan(source.NewFile("t.clo", src), &diags)
	var words []string
	for _, t := range toks {
		w := fmt.Sprintf("%s:%s", t.Kind, src[t.Start:t.End])
		if t.Kind == token.EOF {
			w = "EOF"
		}
		if t.LineStart {
			w = "^" + w
		}
		words = append(words, w)
	}
	for _, c := range comments {
		words = append(words, "comment:"+src[c.Start:c.End])
	}
	for _, d := range diags.Sorted() {
		words = append(words, fmt.Sprintf("%s@%d-%d", d.Code, d.Span.Start, d.Span.End))
	}
	return strings.Join(words, " ")
}

func TestScan(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", "^EOF"},
		{"punctuation", "{}()[]<>:,::->",
			"^'{':{ '}':} '(':( ')':) '[':[ ']':] '<':< '>':> ':':: ',':, '::'::: '->':-> EOF"},
		{"identifiers and keywords", "model _x9 self",
			"^identifier:model identifier:_x9 identifier:self EOF"},
		{"numbers", "0 42 3.14 -7 -0.5",
			"^integer:0 integer:42 real number:3.14 integer:-7 real number:-0.5 EOF"},
		{"real without fraction", "1.", "^real number:1. EOF E0004@0-2"},
		{"lone minus", "- x", "^illegal token:- identifier:x EOF E0004@0-1"},
		{"digits then letters", "1st", "^identifier:1st EOF E0004@0-3"},
		{"non-ASCII letters stay in the name", "prénom x", "^identifier:prénom identifier:x EOF E0001@0-7"},
		{"single quotes read as a string", "'a/{b}' x", "^string:'a/{b}' identifier:x EOF E0001@0-1"},
		{"fat arrow", "=> x", "^illegal token:=> identifier:x EOF E0001@0-2"},
		{"hash comment", "# note\nx", "^identifier:x EOF E0001@0-1"},
		{"block comment", "/* a\nb */ x", "^identifier:x EOF E0001@0-2"},
		{"strings", `"a/{b}" ` + "`c/${d}`", "^string:\"a/{b}\" template string:`c/${d}` EOF"},
		{"strings are UTF-8", "\"café/{x}\" \"a\xffb\xc3\"", "^string:\"café/{x}\" string:\"a\xffb\xc3\" EOF E0001@14-15 E0001@16-17"},
		{"unterminated string ends at the line", "\"abc\nx", "^string:\"abc ^identifier:x EOF E0002@0-1"},
		{"regex with escaped slash", `/^a\/b$/`, "^regex:/^a\\/b$/ EOF"},
		{"unterminated regex", "/abc\nx", "^regex:/abc ^identifier:x EOF E0003@0-1"},
		{"comment is not a regex", "//x/ y\nz", "^identifier:z EOF comment://x/ y"},
		{"comments keep no carriage return", "a // c\r\nb", "^identifier:a ^identifier:b EOF comment:// c"},
		{"bad characters become illegal tokens", "a ; b = @", "^identifier:a illegal token:; identifier:b illegal token:= illegal token:@ EOF E0001@2-3 E0001@6-7 E0001@8-9"},
		{"line starts", "a b\n  c\n\nd", "^identifier:a identifier:b ^identifier:c ^identifier:d EOF"},
		{"quote markers are trivia in a quoted file", "> a\n> > b\n>\n>", "^identifier:a ^identifier:b ^EOF"},
		{"'>' is a token in an unquoted file", "a\n> b", "^identifier:a ^'>':> identifier:b EOF"},
		{"quote marker needs a blank after it", "> a\n>b", "^identifier:a ^'>':> identifier:b EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tokens(tt.src); got != tt.want {
				t.Errorf("Scan(%q)\n got: %s\nwant: %s", tt.src, got, tt.want)
			}
		})
	}
}
