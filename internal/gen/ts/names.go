package ts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Quote spells s as a string literal. JSON's string syntax is a subset of
// JavaScript's, and encoding/json escapes U+2028 and U+2029.
func Quote(s string) string {
	for i := 0; i < len(s); i++ {
		// What encoding/json escapes, or may: the rest is copied.
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always encodes
			return string(b)
		}
	}
	return `"` + s + `"`
}

// Prop spells name as a property key: as is when it is an identifier,
// else quoted. __proto__ is computed, since as a plain (or quoted) key of
// an object literal it would set the prototype instead.
func Prop(name string) string {
	if name == "__proto__" {
		return `["__proto__"]`
	}
	for i, r := range name {
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return Quote(name)
		}
	}
	return name
}

// Reserved are the words a generated declaration or parameter cannot be
// called: JavaScript's keywords and strict-mode reserved words, names
// strict mode forbids binding, TypeScript's predefined type names (a class
// or namespace may not take them), and globalThis, which generated code
// reaches platform globals through.
var Reserved = []string{
	"any", "arguments", "await", "bigint", "boolean", "break", "case", "catch", "class", "const",
	"continue", "debugger", "default", "delete", "do", "else", "enum", "eval", "export", "extends",
	"false", "finally", "for", "function", "globalThis", "if", "implements", "import", "in",
	"instanceof", "interface", "let", "never", "new", "null", "number", "object", "package",
	"private", "protected", "public", "return", "static", "string", "super", "switch", "symbol",
	"this", "throw", "true", "try", "typeof", "undefined", "unknown", "var", "void", "while",
	"with", "yield",
}

// A Scope hands out the parameter names of one function: the schema's
// names where possible, with "_" appended until a name is neither
// reserved, nor one the function's body refers to, nor already taken.
type Scope struct {
	avoid map[string]bool // shared by every function of a file
	taken []string        // a function has few parameters: a list beats a map
}

// Avoid returns the set of names no parameter may take: the reserved
// words and the given names (those the bodies refer to). Build it once
// per file: per function it would make generation quadratic.
func Avoid(names ...[]string) map[string]bool {
	s := map[string]bool{}
	for _, list := range append(names, Reserved) {
		for _, n := range list {
			s[n] = true
		}
	}
	return s
}

// NewScope returns a scope with no name taken yet.
func NewScope(avoid map[string]bool) Scope {
	return Scope{avoid: avoid}
}

// Fresh returns a free name derived from name and takes it.
func (s *Scope) Fresh(name string) string {
	for s.avoid[name] || slices.Contains(s.taken, name) {
		name += "_"
	}
	s.taken = append(s.taken, name)
	return name
}

// Imports are the import statements of a file: per module, what it
// binds ("* as $rt", "cidl as $cidl", "type Schema", or alone "default as
// main"). A type-only name is erased from the JavaScript; a module whose
// names all are is imported with `import type`.
type Imports map[string][]string

// Print writes the statements, packages then relative modules, each
// sorted, names as added.
func (im Imports) Print(p *Printer) {
	modules := make([]string, 0, len(im))
	for m := range im {
		modules = append(modules, m)
	}
	slices.SortFunc(modules, func(a, b string) int {
		return strings.Compare(fmt.Sprint(a[0] == '.', a), fmt.Sprint(b[0] == '.', b))
	})
	for _, m := range modules {
		names := im[m]
		switch {
		case len(names) == 1 && strings.HasPrefix(names[0], "* as "):
			p.Line("import %s from %s;", names[0], Quote(m))
		case len(names) == 1 && strings.HasPrefix(names[0], "default as "):
			p.Line("import %s from %s;", strings.TrimPrefix(names[0], "default as "), Quote(m))
		case !slices.ContainsFunc(names, func(n string) bool { return !strings.HasPrefix(n, "type ") }):
			types := make([]string, len(names))
			for i, n := range names {
				types[i] = strings.TrimPrefix(n, "type ")
			}
			p.Args("import type { ", types, " } from "+Quote(m)+";")
		default:
			p.Args("import { ", names, " } from "+Quote(m)+";")
		}
	}
}
