package client

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"

	tsruntime "github.com/cloesce-go/cloesce/runtime"
)

// helperSource is the TypeScript client.ts is made of besides its
// classes, type-checked and unit-tested where it lives.
//
//go:embed helpers/client.ts
var helperSource string

// prelude is what every client.ts declares first: the declarations of the
// runtime's shared.ts (so HttpResult, KValue and DeepPartial are the
// runtime's own) and of helpers/client.ts whose names have no `$`, the
// documented surface. helpers are those named `$...`, included when
// used; order is theirs in the files.
var prelude, helpers, order = splitHelpers()

// declName matches the start of a declaration, doc comment included, and
// captures its `export` and its name.
var declName = regexp.MustCompile(`^(?:/\*\*(?s:.*?)\*/\n)?(export )?(?:async )?(?:function|const|class|interface|type) ([\w$]+)`)

// dollarNames matches the names of helpers in code.
var dollarNames = regexp.MustCompile(`\$[A-Za-z_]\w*`)

func splitHelpers() (string, map[string]string, []string) {
	var pre []string
	helpers := map[string]string{}
	var order []string
	for _, code := range declarations(tsruntime.Shared + "\n\n" + helperSource) {
		m := declName.FindStringSubmatchIndex(code)
		switch {
		case m == nil: // a file's opening comment, or its imports
		case code[m[4]] != '$':
			pre = append(pre, code)
		default: // internal to client.ts: exported only for the helpers' tests
			name := code[m[4]:m[5]]
			if m[2] >= 0 {
				code = code[:m[2]] + code[m[3]:]
			}
			helpers[name] = code
			order = append(order, name)
		}
	}
	return strings.Join(pre, "\n\n"), helpers, order
}

// declarations splits TypeScript into its top-level parts, each
// declaration with its doc comment: a part starts at an unindented line
// after a blank one.
func declarations(code string) []string {
	var out, cur []string
	blank := false
	for _, l := range strings.Split(code, "\n") {
		if blank && l != "" && l[0] != ' ' && l[0] != '}' && len(cur) > 0 {
			out = append(out, strings.TrimSpace(strings.Join(cur, "\n")))
			cur = nil
		}
		cur = append(cur, l)
		blank = strings.TrimSpace(l) == ""
	}
	return append(out, strings.TrimSpace(strings.Join(cur, "\n")))
}

// helpersUsed returns the helpers code names, with those they name in
// turn, in file order.
func helpersUsed(code string) []string {
	used := map[string]bool{}
	var visit func(code string)
	visit = func(code string) {
		for _, n := range dollarNames.FindAllString(code, -1) {
			if h, ok := helpers[n]; ok && !used[n] {
				used[n] = true
				visit(h)
			}
		}
	}
	visit(code)
	return slices.DeleteFunc(slices.Clone(order), func(n string) bool { return !used[n] })
}
