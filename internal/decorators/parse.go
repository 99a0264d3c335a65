package decorators

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
)

// parser reads the TypeScript subset of a .cloesce.ts file. After a
// syntax error it skips to where the next class member or top-level
// declaration may start and goes on, so that one file reports its
// independent errors together. A lexical error, or skipping that reaches
// the end of the file, ends the file instead: what follows would be
// misread, and its errors would be noise.
type parser struct {
	s     scanner
	tok   tok
	last  tok // the token before tok
	depth int // brackets ( [ { open before tok
	diags *diag.List
}

// syntaxError is the panic value that abandons the member or declaration
// being read after a reported error; fatal abandons the file.
type (
	syntaxError struct{}
	fatal       struct{}
)

// parse returns the classes of src, and whether it reads without errors.
// After an error the classes read are still returned, but they have
// holes: lowering them would report the same mistakes again in other
// words.
func parse(src *source.File, diags *diag.List) (classes []*class, ok bool) {
	p := &parser{s: scanner{src: src, text: src.Text, diags: diags}, diags: diags}
	errs := diags.ErrorCount()
	defer func() {
		if r := recover(); r != nil {
			if _, isFatal := r.(fatal); !isFatal {
				panic(r)
			}
		}
		ok = diags.ErrorCount() == errs
	}()
	p.advance()
	for p.tok.kind != tEOF {
		start := p.tok
		p.attempt(func() {
			if c := p.topLevel(); c != nil {
				classes = append(classes, c)
			}
		}, func() { p.syncTopLevel(start) })
	}
	return classes, ok
}

// attempt runs read; after a syntax error, sync skips to where reading
// may resume.
func (p *parser) attempt(read, sync func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, isSyntax := r.(syntaxError); !isSyntax {
				panic(r)
			}
			sync()
		}
	}()
	read()
}

// declStarts are the tokens that start a top-level declaration.
var declStarts = map[string]bool{"@": true, "export": true, "class": true, "import": true, "function": true, "async": true}

// startsDecl reports whether the token may start a top-level declaration,
// one of the subset or one it reports.
func (p *parser) startsDecl() bool {
	return p.tok.kind != tString && (declStarts[p.tok.text] || otherDecls[p.tok.text] != "")
}

// syncTopLevel skips the rest of the declaration that began at start, up
// to a line that starts a declaration outside any bracket: the rest of a
// broken declaration is never read as another one.
func (p *parser) syncTopLevel(start tok) {
	p.skipUntil(start, func() bool { return p.depth <= 0 && p.tok.nl && p.startsDecl() })
}

// syncMember skips the rest of the member that began at start, in a
// class body at bracket depth body, up to the next line or ";" at that
// depth, or the class's closing brace.
func (p *parser) syncMember(start tok, body int) {
	p.skipUntil(start, func() bool {
		return p.depth <= body && (p.tok.nl || p.last.kind == tPunct && p.last.text == ";" || p.is("}"))
	})
}

// skipUntil advances until at holds, past start at least. Reaching the
// end of the file ends it: brackets left open swallowed the rest, and
// what is missing there (a class's "}") is a consequence.
func (p *parser) skipUntil(start tok, at func() bool) {
	if p.tok.start == start.start {
		p.advance()
	}
	for p.tok.kind != tEOF {
		if at() {
			return
		}
		p.advance()
	}
	panic(fatal{})
}

// advance moves to the next token, counting the brackets it leaves
// behind. After a lexical error the tokens that follow may be misread,
// so the file ends there.
func (p *parser) advance() {
	if p.tok.kind == tPunct {
		switch p.tok.text {
		case "(", "[", "{":
			p.depth++
		case ")", "]", "}":
			p.depth--
		}
	}
	n := p.s.errs
	p.last, p.tok = p.tok, p.s.next()
	if p.s.errs > n {
		panic(fatal{})
	}
}

func (p *parser) span(t tok) source.Span { return p.s.span(t.start, t.end) }

func (p *parser) is(text string) bool { return p.tok.kind != tString && p.tok.text == text }

func (p *parser) got(text string) bool {
	if p.is(text) {
		p.advance()
		return true
	}
	return false
}

// fail reports an unexpected token and abandons the member or
// declaration.
func (p *parser) fail(want, help string) {
	d := p.diags.Errorf(diag.TSSyntax, p.span(p.tok), "expected %s, found %s", want, describe(p.tok))
	if help != "" {
		d.Helpf("%s", help)
	}
	panic(syntaxError{})
}

// unsupported reports a construct outside the subset and abandons the
// member or declaration.
func (p *parser) unsupported(span source.Span, what, instead string) {
	p.diags.Errorf(diag.TSUnsupported, span, "%s is not supported in a .cloesce.ts file", what).Helpf("%s", instead)
	panic(syntaxError{})
}

func describe(t tok) string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tString, tTemplate:
		return "a string"
	case tNumber:
		return "a number"
	case tRegex:
		return "a regular expression"
	}
	return "'" + t.text + "'"
}

func (p *parser) expect(text string) tok {
	t := p.tok
	if !p.got(text) {
		p.fail("'"+text+"'", "")
	}
	return t
}

func (p *parser) ident(what string) name {
	t := p.tok
	if t.kind != tIdent {
		p.fail(what, "")
	}
	p.advance()
	return name{t.text, p.span(t)}
}

// otherDecls are the declarations a .cloesce.ts file may not hold, with
// what to write instead.
var otherDecls = map[string]string{
	"interface": "describe the data as an exported class without decorators (a plain old object)",
	"type":      "use the class or primitive type itself; type aliases are not extracted",
	"enum":      "use string or Integer",
	"const":     "move it to another .ts file and import it; only classes, functions and imports are read here",
	"let":       "move it to another .ts file and import it; only classes, functions and imports are read here",
	"var":       "move it to another .ts file and import it; only classes, functions and imports are read here",
	"namespace": "declare the classes at the top level",
	"declare":   "move ambient declarations to a .d.ts file",
	"abstract":  "remove 'abstract': models and services are concrete classes",
}

// topLevel reads one top-level statement, returning the class it declares.
func (p *parser) topLevel() *class {
	start := p.tok
	switch {
	case p.got(";"):
		return nil
	case p.is("import"):
		p.skipImport()
		return nil
	case p.is("@"):
		decos := p.decorators()
		exported := p.got("export")
		if exported && p.is("default") {
			p.unsupported(p.span(p.tok), "a default-exported class", "export the class by name: export class Name { ... }")
		}
		if !p.is("class") {
			p.fail("'class' after the decorators", "decorators are extracted only from classes and their members")
		}
		c := p.class(start, decos)
		c.exported = exported
		return c
	case p.got("export"):
		if p.is("default") {
			return p.defaultExport()
		}
		c := p.declaration(start)
		if c != nil {
			c.exported = true
		}
		return c
	}
	return p.declaration(start)
}

// defaultExport reads "export default", which only the custom main may
// be: a function, returned as a declaration marked main.
func (p *parser) defaultExport() *class {
	p.advance()
	if !p.is("function") && !p.is("async") {
		p.unsupported(p.span(p.tok), "a default export other than a function", "export classes by name; export default only the main function")
	}
	fn := p.skipFunction()
	return &class{span: fn.span, name: *fn, main: true}
}

// declaration reads a class or function, after any "export".
func (p *parser) declaration(start tok) *class {
	switch {
	case p.is("class"):
		return p.class(start, nil)
	case p.is("function"), p.is("async"):
		p.skipFunction()
		return nil
	case p.tok.kind == tIdent && otherDecls[p.tok.text] != "":
		p.unsupported(p.span(p.tok), "a top-level '"+p.tok.text+"'", otherDecls[p.tok.text])
	case p.is("{") || p.is("*"):
		p.unsupported(p.span(p.tok), "this export form", "export each class where it is declared: export class Name { ... }")
	}
	p.fail("a class, function or import", "")
	return nil
}

// skipImport skips "import ... from "m";" or "import "m";": the imported
// names are not needed, since decorators are known by name.
func (p *parser) skipImport() {
	p.advance()
	for p.tok.kind != tString {
		if p.tok.kind == tEOF || p.is(";") {
			p.fail("the module name of the import", "write: import { Model } from \"cloesce/backend\";")
		}
		p.advance()
	}
	p.advance()
	p.got(";")
}

// skipFunction skips a function declaration, signature and body, and
// returns its name.
func (p *parser) skipFunction() *name {
	p.got("async")
	p.expect("function")
	p.got("*")
	fn := p.ident("a function name")
	if !p.is("(") {
		p.fail("'('", "")
	}
	p.skipBalanced()
	if p.got(":") {
		for depth := 0; !(depth == 0 && p.is("{")); p.advance() {
			switch {
			case p.tok.kind == tEOF:
				p.fail("the function body", "")
			case p.is("(") || p.is("<") || p.is("["):
				depth++
			case p.is(")") || p.is(">") || p.is("]"):
				depth--
			}
		}
	}
	if !p.is("{") {
		p.fail("the function body", "")
	}
	p.skipBalanced()
	return &fn
}

// skipBalanced skips from an opening bracket to its match, over whatever
// tokens lie between.
func (p *parser) skipBalanced() {
	open := p.tok
	depth := 0
	for {
		switch {
		case p.tok.kind == tEOF:
			p.diags.Errorf(diag.TSSyntax, p.span(open), "'%s' is never closed", open.text).Labelled("opened here")
			panic(fatal{})
		case p.is("{") || p.is("(") || p.is("["):
			depth++
		case p.is("}") || p.is(")") || p.is("]"):
			depth--
		}
		p.advance()
		if depth == 0 {
			return
		}
	}
}

func (p *parser) decorators() []*decorator {
	var ds []*decorator
	for p.is("@") {
		start := p.tok
		p.advance()
		d := &decorator{name: p.ident("a decorator name")}
		if p.got("<") {
			d.typeArgs = p.typeList(">")
		}
		if p.got("(") {
			d.called = true
			p.list(")", func() { d.args = append(d.args, p.expr()) })
		}
		d.span = p.s.span(start.start, p.last.end)
		ds = append(ds, d)
	}
	return ds
}

func (p *parser) class(start tok, decos []*decorator) *class {
	p.expect("class")
	c := &class{name: p.ident("a class name"), decos: decos}
	switch {
	case p.is("<"):
		p.unsupported(p.span(p.tok), "a generic class", "declare the class without type parameters")
	case p.is("extends") || p.is("implements"):
		p.unsupported(p.span(p.tok), "'"+p.tok.text+"'", "declare every property in the class itself")
	}
	open := p.expect("{")
	body := p.depth
	for !p.got("}") {
		switch {
		case p.tok.kind == tEOF:
			p.fail("'}' closing the class", "")
		case p.got(";"):
			continue
		case p.atDeclaration():
			p.diags.Errorf(diag.TSSyntax, p.span(open), "the body of class '%s' is never closed", c.name.text).
				Labelled("opened here").Helpf("end it with } before the next declaration")
			c.span = p.s.span(start.start, p.last.end)
			return c
		}
		mstart := p.tok
		p.attempt(func() { c.members = append(c.members, p.member()) }, func() { p.syncMember(mstart, body) })
	}
	c.span = p.s.span(start.start, p.last.end)
	return c
}

// atDeclaration reports whether a top-level declaration starts here, in
// the first column, rather than a member: members are indented, and
// there the class's "}" is missing. The class ends before it, rather
// than swallowing what follows. A member may be named like a keyword, so
// the token after the word tells them apart.
func (p *parser) atDeclaration() bool {
	if p.tok.kind == tString || p.tok.start > 0 && p.s.text[p.tok.start-1] != '\n' {
		return false
	}
	next := p.peek()
	switch p.tok.text {
	case "@":
		_, ok := classDecorators[next.text]
		return ok
	case "async":
		return next.text == "function"
	}
	return declWords[p.tok.text] && !memberFollowers[next.text]
}

// declWords start a declaration and never a member; memberFollowers
// follow a member's name.
var (
	declWords       = map[string]bool{"export": true, "class": true, "import": true, "function": true, "interface": true, "enum": true, "namespace": true, "type": true, "const": true, "let": true, "var": true}
	memberFollowers = map[string]bool{":": true, "(": true, "?": true, "!": true, ";": true, "=": true, "<": true}
)

// peek returns the token after tok without moving. Its lexical errors
// are left for advance to report.
func (p *parser) peek() tok {
	s := p.s
	s.diags = &diag.List{}
	return s.next()
}

// modifiers are the words that may precede a member name; only static
// changes what is extracted.
var modifiers = map[string]bool{"static": true, "readonly": true, "async": true, "public": true, "private": true, "protected": true, "override": true, "declare": true}

func (p *parser) member() *member {
	start := p.tok
	m := &member{decos: p.decorators()}
	for p.tok.kind == tIdent && modifiers[p.tok.text] {
		word, last := p.tok, p.last
		p.advance()
		if p.is(":") || p.is("(") || p.is("?") || p.is(";") || p.is("=") || p.is("!") {
			p.unread(word, last) // the modifier was the member's name
			break
		}
		m.static = m.static || word.text == "static"
	}
	switch {
	case p.is("[") || p.is("#"):
		p.unsupported(p.span(p.tok), "a computed or private (#) member name", "use a plain identifier")
	case (p.is("get") || p.is("set") || p.is("constructor")) && !m.static:
		word, last := p.tok, p.last
		p.advance()
		if word.text == "constructor" {
			p.unsupported(p.span(word), "a constructor", "remove it: models are created by the ORM, and services initialise in init()")
		}
		if p.tok.kind == tIdent {
			p.unsupported(p.span(word), "an accessor ('"+word.text+"')", "declare a property, or a method decorated with @GET")
		}
		p.unread(word, last)
	}
	m.name = p.ident("a property or method name")
	m.optional = p.got("?")
	p.got("!")
	switch {
	case p.is("<"):
		p.unsupported(p.span(p.tok), "a generic method", "declare the method without type parameters")
	case p.got("("):
		m.method = true
		p.list(")", func() { m.params = append(m.params, p.param()) })
		if p.got(":") {
			m.typ = p.typ()
		}
		if p.is("{") {
			m.hasBody = true
			p.skipBalanced()
		} else {
			p.endMember()
		}
	default:
		if p.got(":") {
			m.typ = p.typ()
		}
		if p.got("=") {
			m.init = p.expr()
		}
		p.endMember()
	}
	m.span = p.s.span(start.start, p.last.end)
	return m
}

// unread goes back to word, the identifier just read, which follows
// last: a modifier or keyword that turns out to be the member's name.
func (p *parser) unread(word, last tok) {
	p.tok, p.last = word, last
	p.s.prev, p.s.off = word, word.end
}

// endMember accepts the end of a property or a signature: ";", a line
// break, or the class's closing brace.
func (p *parser) endMember() {
	if !p.got(";") && !p.tok.nl && !p.is("}") {
		p.fail("';' or a line break after the member", "")
	}
}

func (p *parser) param() *param {
	start := p.tok
	pr := &param{decos: p.decorators()}
	switch {
	case p.is("{") || p.is("["):
		p.unsupported(p.span(p.tok), "a destructured parameter", "name the parameter: (input: MyType)")
	case p.is("..."):
		p.unsupported(p.span(p.tok), "a rest parameter", "take an array: (items: string[])")
	case p.tok.kind == tIdent && modifiers[p.tok.text]:
		p.unsupported(p.span(p.tok), "a parameter property", "declare the property in the class body")
	}
	pr.name = p.ident("a parameter name")
	if p.is("?") {
		p.unsupported(p.span(p.tok), "an optional parameter", "make its type nullable: name: string | null")
	}
	if !p.is(":") {
		p.diags.Errorf(diag.TSType, pr.name.span, "parameter '%s' has no type", pr.name.text).
			Helpf("write its type: %s: string", pr.name.text)
		panic(syntaxError{})
	}
	p.advance()
	pr.typ = p.typ()
	if p.is("=") {
		p.unsupported(p.span(p.tok), "a default parameter value", "make its type nullable and default it in the body")
	}
	pr.span = p.s.span(start.start, p.last.end)
	return pr
}

func (p *parser) typeList(closer string) []*tsType {
	var ts []*tsType
	for {
		ts = append(ts, p.typ())
		if !p.got(",") {
			break
		}
	}
	p.expect(closer)
	return ts
}

// typ reads a union of type references.
func (p *parser) typ() *tsType {
	start := p.tok
	p.got("|")
	t := p.primaryType()
	if !p.is("|") {
		return t
	}
	u := &tsType{union: []*tsType{t}}
	for p.got("|") {
		u.union = append(u.union, p.primaryType())
	}
	u.span = p.s.span(start.start, p.last.end)
	return u
}

func (p *parser) primaryType() *tsType {
	start := p.tok
	var t *tsType
	switch {
	case p.got("("):
		t = p.typ()
		p.expect(")")
		if p.is("=>") {
			p.unsupported(p.s.span(start.start, p.tok.end), "a function type", "declare a method instead")
		}
	case p.tok.kind == tIdent:
		t = &tsType{name: p.ident("a type")}
		for p.got(".") {
			n := p.ident("a type name")
			t.name.text += "." + n.text
		}
		if p.got("<") {
			t.args = p.typeList(">")
		}
	case p.is("{"):
		p.unsupported(p.span(p.tok), "an object type literal", "declare an exported class with those properties and name it")
	default:
		if p.tok.kind == tString || p.tok.kind == tNumber {
			p.unsupported(p.span(p.tok), "a literal type", "use string, number or Integer")
		}
		p.fail("a type", "")
	}
	t.span = p.s.span(start.start, p.last.end)
	for p.is("[") {
		p.advance()
		p.expect("]")
		t = &tsType{array: true, args: []*tsType{t}, span: p.s.span(start.start, p.last.end)}
	}
	return t
}

func (p *parser) expr() expr {
	t := p.tok
	sp := p.span(t)
	switch {
	case t.kind == tString:
		p.advance()
		return &strLit{span: sp, value: unquote(t.text)}
	case t.kind == tTemplate:
		p.advance()
		if strings.Contains(t.text, "${") {
			p.unsupported(sp, "a template literal with substitutions", "write the key with {field} placeholders: \"user/{id}\"")
		}
		return &strLit{span: sp, value: unquote(t.text)}
	case t.kind == tNumber || p.is("-") || p.is("true") || p.is("false") || p.is("null") || p.is("undefined"):
		p.advance()
		if t.text == "-" {
			p.advance()
		}
		return &otherExpr{span: p.s.span(t.start, p.last.end)}
	case p.is("["):
		p.advance()
		a := &arrayLit{}
		p.list("]", func() { a.elems = append(a.elems, p.expr()) })
		a.span = p.s.span(t.start, p.last.end)
		return a
	case p.is("{"):
		p.advance()
		o := &objectLit{}
		for !p.is("}") {
			var key name
			if p.tok.kind == tString {
				key = name{unquote(p.tok.text), p.span(p.tok)}
				p.advance()
			} else {
				key = p.ident("a property name")
			}
			if !p.is(":") {
				p.unsupported(key.span, "a shorthand or method property", "write it as "+key.text+": {}")
			}
			p.advance()
			o.props = append(o.props, &prop{key: key, value: p.expr()})
			if !p.got(",") {
				break
			}
		}
		p.expect("}")
		o.span = p.s.span(t.start, p.last.end)
		return o
	case p.is("("):
		p.advance()
		param := p.ident("the arrow function's parameter")
		p.expect(")")
		return p.arrow(t, param)
	case t.kind == tIdent:
		param := p.ident("an expression")
		if p.is("=>") {
			return p.arrow(t, param)
		}
		return p.path(t, param)
	}
	p.fail("a string, array, object, name or arrow function", "")
	return nil
}

func (p *parser) path(start tok, first name) *pathExpr {
	e := &pathExpr{names: []name{first}}
	for p.got(".") {
		e.names = append(e.names, p.ident("a property name"))
	}
	if p.is("(") {
		p.unsupported(p.span(p.tok), "a call in a decorator argument", "write the value itself")
	}
	e.span = p.s.span(start.start, p.last.end)
	return e
}

func (p *parser) arrow(start tok, param name) *arrowFn {
	p.expect("=>")
	if p.is("{") {
		p.unsupported(p.span(p.tok), "an arrow function with a body", "select the key directly: "+param.text+" => "+param.text+".ownerId")
	}
	bodyStart := p.tok
	body := p.path(bodyStart, p.ident("the selected property, as in "+param.text+" => "+param.text+".ownerId"))
	return &arrowFn{span: p.s.span(start.start, p.last.end), param: param, body: body}
}

// unquote strips the delimiters of a string literal. Escapes are kept:
// key formats and CRUD kinds hold none.
func unquote(s string) string {
	if len(s) >= 2 && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s[1:]
}

// list parses a comma-separated list up to closer, a trailing comma
// allowed, calling item for each element, and consumes closer.
func (p *parser) list(closer string, item func()) {
	for !p.is(closer) {
		item()
		if !p.got(",") {
			break
		}
	}
	p.expect(closer)
}
