package sema

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// validators checks the validator tags of a symbol of type t and returns
// those that are sound, in source order. Other tags are left to the
// placement check. With t nil (unresolved) only the arguments are checked.
func (c *checker) validators(tags []ast.Tag, t *idl.Type) []idl.Validator {
	var out []idl.Validator
	for _, tag := range tags {
		v, ok := tag.(*ast.ValidatorTag)
		if !ok || v.Value == nil {
			continue
		}
		kind := v.Name.Name
		numeric := kind == "gt" || kind == "gte" || kind == "lt" || kind == "lte" || kind == "step"
		if t != nil {
			root := t.Root().Kind
			fits := root == idl.String
			if numeric {
				fits = root == idl.Int || root == idl.Real
			}
			if !fits {
				want := "string"
				if numeric {
					want = "int or real"
				}
				c.diags.Errorf(diag.ValidatorType, v.Span(), "validator '%s' does not apply to type %s", kind, t).
					Labelled("needs a value of type %s", want)
				continue
			}
		}
		if reason := validatorArgProblem(kind, v.Value); reason != "" {
			c.diags.Errorf(diag.ValidatorArgument, v.Value.Span(), "invalid argument for validator '%s'", kind).
				Labelled("%s", reason)
			continue
		}
		out = append(out, idl.Validator{Kind: kind, Arg: canonicalNumber(v.Value)})
	}
	return out
}

// appendNew appends the validators of more that vs lacks: a field that
// inherits the same rule twice checks it once.
func appendNew(vs, more []idl.Validator) []idl.Validator {
	for _, v := range more {
		if !slices.Contains(vs, v) {
			vs = append(vs, v)
		}
	}
	return vs
}

// validatorArgProblem says what is wrong with a validator's argument, or
// returns "".
func validatorArgProblem(kind string, lit *ast.Literal) string {
	raw := lit.Value()
	switch kind {
	case "gt", "gte", "lt", "lte":
		switch lit.Kind {
		case token.Int:
			if _, err := strconv.ParseInt(raw, 10, 64); err != nil {
				return "'" + raw + "' does not fit in a 64-bit integer"
			}
			return ""
		case token.Real:
			if f, err := strconv.ParseFloat(raw, 64); err != nil || math.IsInf(f, 0) {
				return "'" + raw + "' is not a finite number"
			}
			return ""
		}
		return "expected a number"
	case "step":
		if lit.Kind != token.Int {
			return "expected a positive integer"
		}
		if n, err := strconv.ParseInt(raw, 10, 64); err != nil || n <= 0 {
			return "'" + raw + "' is not a positive 64-bit integer"
		}
		return ""
	case "len", "minlen", "maxlen":
		if lit.Kind != token.Int {
			return "expected a character count"
		}
		if _, err := strconv.ParseUint(raw, 10, 32); err != nil {
			return "'" + raw + "' is not a character count (0 to 4294967295)"
		}
		return ""
	case "regex":
		if lit.Kind != token.Regex {
			return "expected a regex, written /pattern/"
		}
		return regexProblem(raw)
	}
	return "unknown validator"
}

// canonicalNumber spells a validated argument so that it is valid JSON:
// "007" becomes "7", while "100.0" stays a real. Patterns pass unchanged.
func canonicalNumber(lit *ast.Literal) string {
	raw := lit.Value()
	switch lit.Kind {
	case token.Int:
		n, _ := strconv.ParseInt(raw, 10, 64)
		return strconv.FormatInt(n, 10)
	case token.Real:
		if !json.Valid([]byte(raw)) {
			f, _ := strconv.ParseFloat(raw, 64)
			raw = strconv.FormatFloat(f, 'f', -1, 64)
			if !strings.ContainsAny(raw, ".eE") {
				raw += ".0"
			}
		}
	}
	return raw
}

// regexProblem checks a pattern against both engines that run it: Go's
// RE2 (the compiler and tests) and JavaScript's RegExp with the "u" flag
// (the runtime and the client). It returns "" when both accept it.
func regexProblem(p string) string {
	// Schemas repeat patterns (a slug's on every model): each is checked
	// once, while the cache lasts.
	regexProblems.Lock()
	r, ok := regexProblems.m[p]
	regexProblems.Unlock()
	if ok {
		return r
	}
	r = checkRegex(p)
	regexProblems.Lock()
	if len(regexProblems.m) >= 1024 || regexProblems.m == nil {
		// Bounded: a language server sees every pattern as it is typed.
		regexProblems.m = map[string]string{}
	}
	regexProblems.m[p] = r
	regexProblems.Unlock()
	return r
}

// regexProblems caches regexProblem by pattern.
var regexProblems struct {
	sync.Mutex
	m map[string]string
}

func checkRegex(p string) string {
	if _, err := regexp.Compile(p); err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "error parsing regexp") {
			msg = msg[len("error parsing regexp: "):]
		}
		return "invalid regex: " + msg
	}
	return jsRegexProblem(p)
}

// jsRegexProblem finds constructs RE2 accepts but JavaScript rejects or
// reads differently. p has already compiled in Go.
func jsRegexProblem(p string) string {
	inClass := false
	for i := 0; i < len(p); i++ {
		switch ch := p[i]; {
		case ch == '\\' && i+1 < len(p):
			i++
			e := p[i]
			switch {
			case strings.IndexByte("AzQEa123456789", e) >= 0:
				return `'\` + string(e) + `' is not supported by JavaScript regexes`
			case e == 'x' && i+1 < len(p) && p[i+1] == '{':
				return `write '\u{...}' for a code point: JavaScript has no '\x{...}'`
			case (e == 'p' || e == 'P') && (i+1 >= len(p) || p[i+1] != '{'):
				return `write '\` + string(e) + `{Name}': JavaScript needs the braces`
			case e == 'p' || e == 'P':
				end := strings.IndexByte(p[i:], '}')
				if end > 4 {
					return "Unicode scripts such as " + p[i-1:i+end+1] + " are written differently in Go and JavaScript; use a category such as \\p{L} or a range"
				}
				i += end
			case e == '0' && i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9':
				return `octal escapes are not supported by JavaScript regexes; write \x41`
			case e < 0x80 && !isAlnum(e) && strings.IndexByte(`^$\.*+?()[]{}|/`, e) < 0 && !(inClass && e == '-'):
				return `'\` + string(e) + `' is an invalid escape in JavaScript; write '` + string(e) + `' without the backslash`
			}
		case ch == '[' && !inClass:
			if strings.HasPrefix(p[i:], "[[:") || strings.HasPrefix(p[i:], "[^[:") {
				return "POSIX classes such as [[:alpha:]] are not supported by JavaScript regexes"
			}
			inClass = true
			if i+1 < len(p) && p[i+1] == ']' {
				i++ // a leading ']' is literal in RE2
			}
		case ch == ']' && inClass:
			inClass = false
		case !inClass && (ch == ']' || ch == '}'):
			return "write '\\" + string(ch) + "' for a literal '" + string(ch) + "': JavaScript rejects it unescaped"
		case ch == '{' && !inClass:
			n := quantifierLen(p[i:])
			if n == 0 {
				return "write '\\{' for a literal '{': JavaScript rejects it unescaped"
			}
			i += n - 1
		case ch == '(' && !inClass && strings.HasPrefix(p[i:], "(?"):
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, ":"):
			case strings.HasPrefix(rest, "P<"):
				return "write named groups as (?<name>...): JavaScript has no (?P<name>...)"
			case strings.HasPrefix(rest, "<"):
			default:
				return "inline flags such as (?i) are not supported by JavaScript regexes"
			}
		}
	}
	return ""
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// quantifierLen returns the length of the repetition "{n}", "{n,}" or
// "{n,m}" at the start of s, or 0 when s starts with some other brace.
func quantifierLen(s string) int {
	digits := func(i int) int {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	i := digits(1)
	if i == 1 {
		return 0
	}
	if i < len(s) && s[i] == ',' {
		i = digits(i + 1)
	}
	if i < len(s) && s[i] == '}' {
		return i + 1
	}
	return 0
}
