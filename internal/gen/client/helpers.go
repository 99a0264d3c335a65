package client

import (
	_ "embed"
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

// sharedHelpers are the declarations of shared.ts that client.ts takes
// as helpers, spelt with a `$`: the types of $list's and $count's
// queries are made of them, and at the top level of client.ts their
// names would collide with a model called Order or Filter.
var sharedHelpers = []string{"Filter", "ListQuery", "Order"}

func splitHelpers() (string, map[string]string, []string) {
	var pre []string
	helpers := map[string]string{}
	var order []string
	for _, code := range declarations(dollar(tsruntime.Shared, sharedHelpers) + "\n\n" + helperSource) {
		export, name, ok := declHead(code)
		switch {
		case !ok: // a file's opening comment, or its imports
		case name[0] != '$':
			pre = append(pre, code)
		default: // internal to client.ts: exported only for the helpers' tests
			if export >= 0 {
				code = code[:export] + code[export+len("export "):]
			}
			helpers[name] = code
			order = append(order, name)
		}
	}
	return strings.Join(pre, "\n\n"), helpers, order
}

// declHead reads the start of a declaration, after its doc comment: where
// its `export ` is (-1 without), and the name it declares. It matches
// what the regular expression
//
//	^(?:/\*\*(?s:.*?)\*/\n)?(export )?(?:async )?(?:function|const|class|interface|type) ([\w$]+)
//
// does (TestDeclHead), without compiling it when the program starts.
func declHead(code string) (export int, name string, ok bool) {
	if !strings.HasPrefix(code, "/**") {
		return declAt(code, 0)
	}
	// As the lazy .*? does: the first end of the comment after which a
	// declaration follows.
	for i := 3; ; {
		end := strings.Index(code[i:], "*/\n")
		if end < 0 {
			return -1, "", false
		}
		i += end + 3
		if export, name, ok := declAt(code, i); ok {
			return export, name, true
		}
	}
}

// declAt is declHead after the doc comment, at i.
func declAt(code string, i int) (export int, name string, ok bool) {
	export = -1
	if strings.HasPrefix(code[i:], "export ") {
		export, i = i, i+len("export ")
	}
	i += len(prefixOf(code[i:], "async "))
	kw := prefixOf(code[i:], "function ", "const ", "class ", "interface ", "type ")
	if kw == "" {
		return -1, "", false
	}
	i += len(kw)
	end := i
	for end < len(code) && (isWord(code[end]) || code[end] == '$') {
		end++
	}
	if end == i {
		return -1, "", false
	}
	return export, code[i:end], true
}

// prefixOf returns the first of words that s starts with, or "".
func prefixOf(s string, words ...string) string {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
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

// preludeUses holds the helpers the prelude names, with those they name
// in turn.
var preludeUses = uses(map[string]bool{}, prelude)

// helpersUsed returns the helpers code names, with those they name in
// turn, in file order.
func helpersUsed[T string | []byte](code T) []string {
	return inOrder(uses(map[string]bool{}, code))
}

// inOrder returns the helpers of a set in file order.
func inOrder(used map[string]bool) []string {
	return slices.DeleteFunc(slices.Clone(order), func(n string) bool { return !used[n] })
}

// uses adds to used the helpers code names, and those they name in turn,
// and returns used. A name is a `$` followed by a letter or '_' and any
// letters, digits and '_' (code is scanned once: clients are large).
func uses[T string | []byte](used map[string]bool, code T) map[string]bool {
	for i := 0; i < len(code); i++ {
		if code[i] != '$' || i+1 == len(code) || !isWord(code[i+1]) || '0' <= code[i+1] && code[i+1] <= '9' {
			continue
		}
		end := i + 2
		for end < len(code) && isWord(code[end]) {
			end++
		}
		if h, ok := helpers[string(code[i:end])]; ok && !used[string(code[i:end])] {
			used[string(code[i:end])] = true
			uses(used, h)
		}
		i = end - 1
	}
	return used
}

// dollar returns code with a `$` before each identifier that is one of
// names (in comments too, where they name the same declarations).
func dollar(code string, names []string) string {
	var b strings.Builder
	b.Grow(len(code) + 64)
	for i := 0; i < len(code); {
		end := i
		for end < len(code) && (isWord(code[end]) || code[end] == '$') {
			end++
		}
		if end == i {
			b.WriteByte(code[i])
			i++
			continue
		}
		if slices.Contains(names, code[i:end]) {
			b.WriteByte('$')
		}
		b.WriteString(code[i:end])
		i = end
	}
	return b.String()
}

// isWord reports whether c is a letter, a digit or '_' (regexp's \w).
func isWord(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
