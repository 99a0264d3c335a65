package client

// reserved are the words a JavaScript module cannot use as a parameter
// name: keywords, strict-mode reserved words, and names strict mode
// forbids binding.
var reserved = []string{
	"arguments", "await", "break", "case", "catch", "class", "const", "continue",
	"debugger", "default", "delete", "do", "else", "enum", "eval", "export",
	"extends", "false", "finally", "for", "function", "if", "implements",
	"import", "in", "instanceof", "interface", "let", "new", "null", "package",
	"private", "protected", "public", "return", "static", "super", "switch",
	"this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
	"yield",
}

// bodyNames are the names a method's signature and body refer to besides
// its parameters. A parameter with one of these names would shadow it.
var bodyNames = []string{"fetchImpl", "fetch", "url", "BASE_URL", "String", "JSON",
	"HttpResult", "KValue", "R2Object", "MediaType"}

// A scope hands out a method's parameter names: the schema's names where
// possible, with "_" appended until a name is neither reserved, nor
// shadowing a name the body uses, nor already taken.
type scope struct {
	avoid map[string]bool // shared by every method of the file
	taken map[string]bool // this method's parameters
}

// avoided returns the names no parameter may take: reserved words, every
// helper name, and classes (the schema's model and poo names, which method
// bodies refer to). It is built once per file: per method it would make
// generation quadratic in the number of models.
func avoided(classes []string) map[string]bool {
	s := map[string]bool{}
	for _, list := range [][]string{reserved, bodyNames, classes} {
		for _, name := range list {
			s[name] = true
		}
	}
	for _, h := range helpers {
		s[h.name] = true
	}
	return s
}

// newScope returns a scope with no parameter taken yet.
func newScope(avoid map[string]bool) scope {
	return scope{avoid: avoid, taken: map[string]bool{}}
}

// fresh returns a free name derived from name and takes it.
func (s scope) fresh(name string) string {
	for s.avoid[name] || s.taken[name] {
		name += "_"
	}
	s.taken[name] = true
	return name
}
