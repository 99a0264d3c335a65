package sema

import (
	"strings"
	"testing"
)

// TestRegexProblem checks patterns against the two engines that run them:
// Go's RE2 and JavaScript's RegExp in unicode mode.
func TestRegexProblem(t *testing.T) {
	tests := []struct {
		pattern string
		want    string // substring of the problem; "" when both accept it
	}{
		{`^[a-z0-9-]+$`, ""},
		{`^[^@\/]+@[^@]+$`, ""},
		{`\d{3}-\d{4}`, ""},
		{`^\p{L}+$`, ""},
		{`(?<year>\d{4})`, ""},
		{`(?:ab)+`, ""},
		{`[\-\]]`, ""},
		{`a\.b\*c\?`, ""},
		{`[]a]`, ""},
		{`(a`, "invalid regex: missing closing )"},
		{`a**`, "invalid regex"},
		{`(?=a)`, "invalid regex"},
		{`(?i)abc`, "inline flags"},
		{`(?P<year>\d+)`, "(?<name>...)"},
		{`\Aabc\z`, `'\A' is not supported`},
		{`\pL`, `'\p{Name}'`},
		{`[[:alpha:]]`, "POSIX classes"},
		{`a\-b`, `'\-' is an invalid escape`},
		{`\x{41}`, `'\u{...}'`},
		{`\Qa.b\E`, `'\Q' is not supported`},
		{`a{2,3}b{4}c{1,}`, ""},
		{`[{}]`, ""},
		{`\{\}`, ""},
		{`a{`, `'\{'`},
		{`a{,3}`, `'\{'`},
		{`x}`, `'\}'`},
		{`x]`, `'\]'`},
		{`\_`, `'\_' is an invalid escape`},
		{`\01`, "octal"},
		{`\p{Greek}`, "Unicode scripts"},
		{`\p{Lu}`, ""},
	}
	for _, tt := range tests {
		got := regexProblem(tt.pattern)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("regexProblem(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}
