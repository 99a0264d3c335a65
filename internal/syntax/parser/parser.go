// Package parser builds the syntax tree of a schema file.
//
// It is a recursive-descent parser over the scanner's tokens. It never stops
// at the first error: a bad item is reported, skipped up to the next line or
// closing brace, and parsing goes on, so one run reports every independent
// syntax error of a file. A node is only added to the tree once it is
// complete; consumers never see half-parsed nodes.
package parser

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/scanner"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// Parse parses f, reporting problems into diags. It always returns a file,
// holding every declaration that parsed.
func Parse(f *source.File, diags *diag.List) *ast.File {
	toks, comments := scanner.Scan(f, diags)
	p := &parser{file: f, src: f.Text, toks: toks, diags: diags, lastErr: -1}
	file := &ast.File{Src: f, Comments: comments}
	file.S = p.span(0, len(f.Text))
	for p.tok().Kind != token.EOF {
		start := p.i
		if d := p.decl(); d != nil {
			file.Decls = append(file.Decls, d)
			continue
		}
		p.skipToDecl(start)
	}
	return file
}

type parser struct {
	file    *source.File
	src     string
	toks    []token.Token
	i       int
	diags   *diag.List
	lastErr int // index of the token of the last error, to stop cascades
	depth   int // how many bodies enclose the current token

	// The most numerous nodes, allocated a block at a time.
	idents slab[ast.Ident]
	types  slab[ast.TypeExpr]
	fields slab[ast.Field]
}

// A slab hands out zeroed values of T, allocated a block at a time: a
// 1,000-model schema has 80,000 names, and one allocation per name costs
// more than parsing it.
type slab[T any] struct{ free []T }

func (s *slab[T]) alloc() *T {
	if len(s.free) == 0 {
		s.free = make([]T, 128)
	}
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}

// ---------------------------------------------------------------------------
// Token access

func (p *parser) tok() token.Token { return p.toks[p.i] }

func (p *parser) peek(n int) token.Token {
	return p.toks[min(p.i+n, len(p.toks)-1)]
}

func (p *parser) next() token.Token {
	t := p.toks[p.i]
	if t.Kind != token.EOF {
		p.i++
	}
	return t
}

func (p *parser) text(t token.Token) string { return p.src[t.Start:t.End] }

// is reports whether the token n ahead is the identifier or keyword word.
func (p *parser) is(n int, word string) bool {
	t := p.peek(n)
	return t.Kind == token.Ident && p.text(t) == word
}

func (p *parser) span(start, end int) source.Span {
	return source.Span{File: p.file, Start: start, End: end}
}

func (p *parser) tokSpan(t token.Token) source.Span { return p.span(t.Start, t.End) }

// from returns the span from byte offset start to the end of the last
// consumed token.
func (p *parser) from(start int) ast.Pos {
	end := start
	if p.i > 0 {
		end = max(start, p.toks[p.i-1].End)
	}
	return ast.Pos{S: p.span(start, end)}
}

// describe names a token for "found ..." messages.
func (p *parser) describe(t token.Token) string {
	switch t.Kind {
	case token.EOF:
		return "end of file"
	case token.Ident:
		return fmt.Sprintf("'%s'", p.text(t))
	case token.Int, token.Real:
		return fmt.Sprintf("number '%s'", p.text(t))
	case token.String, token.Template, token.Regex:
		return "a " + t.Kind.String()
	}
	return t.Kind.String()
}

// ---------------------------------------------------------------------------
// Errors

// errorf reports an error at the current token, unless an error was already
// reported there: the first message about a place is the useful one.
func (p *parser) errorf(code diag.Code, format string, args ...any) *diag.Diagnostic {
	return p.errorAt(code, p.tokSpan(p.tok()), format, args...)
}

func (p *parser) errorAt(code diag.Code, span source.Span, format string, args ...any) *diag.Diagnostic {
	if p.lastErr == p.i || p.tok().Bad || p.i > 0 && p.toks[p.i-1].Bad {
		// Already explained, by an earlier error here or by the scanner.
		p.lastErr = p.i
		return &diag.Diagnostic{} // discarded
	}
	p.lastErr = p.i
	return p.diags.Errorf(code, span, format, args...)
}

// expected reports that the current token is not what the grammar needs.
func (p *parser) expected(what, context string) *diag.Diagnostic {
	msg := "expected " + what
	if context != "" {
		msg += " " + context
	}
	return p.errorAt(diag.UnexpectedToken, p.missingSpan(), "%s, found %s", msg, p.describe(p.tok())).
		Labelled("expected %s", what)
}

// missingSpan is where a missing token belongs: the current token, or,
// when that starts a later line, the end of the line before, where the
// reader's eye is.
func (p *parser) missingSpan() source.Span {
	t := p.tok()
	if t.LineStart && p.i > 0 {
		end := p.toks[p.i-1].End
		return p.span(end, end)
	}
	return p.tokSpan(t)
}

// expect consumes a token of kind k or reports it missing.
func (p *parser) expect(k token.Kind, context string) (token.Token, bool) {
	if t := p.tok(); t.Kind == k {
		return p.next(), true
	}
	p.expected(k.String(), context)
	return token.Token{}, false
}

// ---------------------------------------------------------------------------
// Recovery

// looksLikeDecl reports whether the tokens at i start a top-level
// declaration. Keywords are contextual, so the shape decides: "kv Name {"
// declares a namespace while "kv Ns::t" inside a model is a field.
func (p *parser) looksLikeDecl(i int) bool {
	t := p.toks[i]
	if t.Kind != token.Ident {
		return false
	}
	at := func(n int) token.Token { return p.toks[min(i+n, len(p.toks)-1)] }
	isWord := func(n int, w string) bool { return at(n).Kind == token.Ident && p.text(at(n)) == w }
	switch p.text(t) {
	case "model":
		return at(1).Kind == token.Ident
	case "source":
		return at(1).Kind == token.Ident && isWord(2, "for")
	case "api", "poo", "kv", "r2", "durable":
		return at(1).Kind == token.Ident && at(2).Kind == token.LBrace
	case "d1", "vars", "inject":
		return at(1).Kind == token.LBrace
	}
	return false
}

// atColumnOneDecl reports whether the current token starts a declaration in
// the first column. Inside a block this means the block was left unclosed:
// stopping here keeps one missing '}' from swallowing the rest of the file.
func (p *parser) atColumnOneDecl() bool {
	t := p.tok()
	return t.LineStart && p.atColumnOne(t) && p.looksLikeDecl(p.i)
}

// skipToDecl skips tokens after a failed declaration up to the next one,
// stepping over nested blocks. It always makes progress.
func (p *parser) skipToDecl(start int) {
	if p.i == start {
		p.next()
	}
	depth := 0
	for {
		t := p.tok()
		switch t.Kind {
		case token.EOF:
			return
		case token.LBrace:
			depth++
		case token.RBrace:
			depth = max(0, depth-1)
		}
		if (depth == 0 || p.atColumnOneDecl()) && (p.looksLikeDecl(p.i) || t.Kind == token.LBrack && t.LineStart) {
			return
		}
		p.next()
	}
}

// skipItem skips the rest of a failed block item: up to the next token that
// starts a line, or the '}' closing the block, stepping over nested blocks.
func (p *parser) skipItem(start int) {
	depth := 0
	for {
		t := p.tok()
		switch {
		case t.Kind == token.EOF:
			return
		case depth == 0 && p.i != start && t.LineStart:
			return
		case depth == 0 && t.Kind == token.RBrace:
			return
		case p.atColumnOneDecl():
			return
		case t.Kind == token.LBrace:
			depth++
		case t.Kind == token.RBrace:
			depth--
		}
		p.next()
	}
}

// body parses "{ item* }". item parses one item and reports whether it did;
// after a failure the rest of the item is skipped.
func (p *parser) body(what string, item func() bool) ast.Braces {
	br := ast.Braces{Open: -1, Close: -1}
	open, ok := p.expect(token.LBrace, "to open "+what)
	if !ok {
		p.skipBody()
		return br
	}
	br.Open = open.Start
	p.depth++
	defer func() { p.depth-- }()
	for {
		t := p.tok()
		if t.Kind == token.RBrace {
			if p.atColumnOne(t) && p.depth > 1 {
				// A '}' in the first column closes a top-level block, not
				// this nested one: this one was left open.
				p.unclosed(open, what)
				return br
			}
			br.Close = p.next().Start
			return br
		}
		if t.Kind == token.EOF || p.atColumnOneDecl() {
			p.unclosed(open, what)
			return br
		}
		start := p.i
		if !item() || p.i == start {
			p.skipItem(start)
		}
	}
}

// skipBody skips what was meant as a block body whose '{' is missing: the
// indented lines that follow, and a '}' in the first column.
func (p *parser) skipBody() {
	for t := p.tok(); t.Kind != token.EOF && !(t.LineStart && p.atColumnOne(t)); t = p.tok() {
		p.next()
	}
	if t := p.tok(); t.Kind == token.RBrace {
		p.next()
	}
}

func (p *parser) atColumnOne(t token.Token) bool {
	return t.Start == 0 || p.src[t.Start-1] == '\n'
}

func (p *parser) unclosed(open token.Token, what string) {
	d := p.errorAt(diag.UnclosedDelimiter, p.tokSpan(open), "unclosed '{' of %s", what).
		Labelled("this '{' is never closed")
	switch t := p.tok(); t.Kind {
	case token.EOF:
	case token.RBrace:
		d.Also(p.tokSpan(t), "this '}' is taken to close the enclosing block")
	default:
		d.Also(p.tokSpan(t), "expected '}' before this declaration")
	}
}

// ---------------------------------------------------------------------------
// Names and lists

// ident consumes a name. Reserved words are reported but accepted, so that
// one misuse does not derail the rest of the declaration.
func (p *parser) ident(what, context string) *ast.Ident {
	t := p.tok()
	if t.Kind != token.Ident {
		p.expected(what, context)
		return nil
	}
	p.next()
	id := p.idents.alloc()
	*id = ast.Ident{Pos: ast.Pos{S: p.tokSpan(t)}, Name: p.text(t)}
	if token.Reserved(id.Name) {
		p.diags.Errorf(diag.ReservedWord, id.Span(), "'%s' is a reserved word and cannot be used as a name", id.Name).
			Labelled("reserved")
	}
	return id
}

// nameBody parses "{ a b c }": names separated by whitespace.
func (p *parser) nameBody(what, itemWhat string) ([]*ast.Ident, ast.Braces) {
	var names []*ast.Ident
	br := p.body(what, func() bool {
		if p.tok().Kind == token.Comma {
			p.errorf(diag.UnexpectedToken, "unexpected ',' in %s", what).
				Labelled("names here are separated by whitespace, not commas")
			p.next()
			return true
		}
		id := p.ident(itemWhat, "in "+what)
		if id == nil {
			return false
		}
		names = append(names, id)
		return true
	})
	return names, br
}

// injectBody parses the entries of an inject block, separated by
// whitespace: "[tags] Name", a class, or "[tags] Name: Type", a value.
func (p *parser) injectBody() ([]*ast.Field, ast.Braces) {
	const what = "inject block"
	var entries []*ast.Field
	br := p.body(what, func() bool {
		if p.tok().Kind == token.Comma {
			p.errorf(diag.UnexpectedToken, "unexpected ',' in %s", what).
				Labelled("entries here are separated by whitespace, not commas")
			p.next()
			return true
		}
		start := p.tok().Start
		tags, ok := p.tags()
		if !ok {
			return false
		}
		name := p.ident("an injectable name", "in "+what)
		if name == nil {
			return false
		}
		f := p.fields.alloc()
		*f = ast.Field{Tags: tags, Name: name}
		if p.tok().Kind == token.Colon {
			p.next()
			if f.Type = p.typeExpr("after '" + name.Name + ":'"); f.Type == nil {
				return false
			}
		}
		f.Pos = p.from(start)
		entries = append(entries, f)
		return true
	})
	return entries, br
}

// list parses "( item {, item} [,] )", calling item for each element.
func (p *parser) list(context string, item func() bool) (start int, ok bool) {
	open, ok := p.expect(token.LParen, context)
	if !ok {
		return 0, false
	}
	for p.tok().Kind != token.RParen {
		if !item() {
			p.skipParen()
			return open.Start, false
		}
		if p.tok().Kind != token.Comma {
			break
		}
		p.next()
	}
	if p.tok().Kind != token.RParen {
		p.expected("',' or ')'", context).Also(p.tokSpan(open), "list opened here")
		p.skipParen()
		return open.Start, false
	}
	p.next()
	return open.Start, true
}

// skipParen skips to the ')' closing the current list and consumes it if
// found. It stops at a brace, and at a new line unless the list plainly
// goes on there (the line before ended in '(' or ','), since such a line
// starts the next item.
func (p *parser) skipParen() {
	depth := 0
	for {
		t := p.tok()
		prev := p.toks[max(p.i-1, 0)].Kind
		newItem := t.LineStart && depth == 0 && prev != token.LParen && prev != token.Comma
		switch {
		case t.Kind == token.EOF, t.Kind == token.LBrace, t.Kind == token.RBrace, newItem:
			return
		case t.Kind == token.LParen:
			depth++
		case t.Kind == token.RParen:
			if depth == 0 {
				p.next()
				return
			}
			depth--
		}
		p.next()
	}
}

// identList parses "(a, b)".
func (p *parser) identList(what, context string) *ast.IdentList {
	var names []*ast.Ident
	start, ok := p.list(context, func() bool {
		id := p.ident(what, context)
		if id != nil {
			names = append(names, id)
		}
		return id != nil
	})
	if !ok {
		return nil
	}
	return &ast.IdentList{Pos: p.from(start), Names: names}
}

// ---------------------------------------------------------------------------
// Types, fields, parameters

var generics = []string{"option", "array", "kvobject", "partial"}

var primitives = []string{"string", "int", "real", "date", "bool", "json", "blob", "stream", "r2object"}

func (p *parser) typeExpr(context string) *ast.TypeExpr {
	if t := p.tok(); t.Kind == token.Ident && t.LineStart && p.peek(1).Kind == token.Colon {
		p.expected("a type", context) // the next line's field; leave it
		return nil
	}
	name := p.ident("a type", context)
	if name == nil {
		return nil
	}
	te := p.types.alloc()
	te.Name = name
	if lt := p.tok(); lt.Kind == token.Lt {
		if !slices.Contains(generics, name.Name) {
			d := p.errorf(diag.UnexpectedToken, "type '%s' takes no type argument", name.Name).
				Labelled("unexpected '<'")
			if lower := strings.ToLower(name.Name); slices.Contains(generics, lower) {
				d.Helpf("type names are case-sensitive: did you mean '%s'?", lower)
			} else {
				d.Helpf("the generic types are %s", strings.Join(generics, ", "))
			}
			return nil
		}
		p.next()
		te.Arg = p.typeExpr("inside '" + name.Name + "<>'")
		if te.Arg == nil {
			return nil
		}
		if p.tok().Kind != token.Gt {
			p.errorAt(diag.UnclosedDelimiter, p.tokSpan(lt), "unclosed '<' of '%s<'", name.Name).
				Labelled("this '<' is never closed").
				Helpf("write %s<%s>", name.Name, typeString(te.Arg))
			return nil
		}
		p.next()
		if name.Name == "partial" && (te.Arg.Arg != nil || slices.Contains(primitives, te.Arg.Name.Name)) {
			p.diags.Errorf(diag.PartialNeedsObject, te.Arg.Span(), "partial<T> expects a model or poo name").
				Labelled("not an object type")
			return nil
		}
	}
	te.Pos = p.from(name.Span().Start)
	return te
}

func typeString(t *ast.TypeExpr) string {
	if t.Arg == nil {
		return t.Name.Name
	}
	return t.Name.Name + "<" + typeString(t.Arg) + ">"
}

// field parses "[tags] name: type".
func (p *parser) field(what string) *ast.Field {
	start := p.tok().Start
	tags, ok := p.tags()
	if !ok {
		return nil
	}
	return p.fieldAfterTags(start, tags, what)
}

func (p *parser) fieldAfterTags(start int, tags []ast.Tag, what string) *ast.Field {
	expected := "" // what ident reports missing: spelt out only then, as fields are many
	if p.tok().Kind != token.Ident {
		expected = "a " + what
	}
	name := p.ident(expected, "")
	if name == nil {
		return nil
	}
	if p.tok().Kind != token.Colon {
		d := p.expected("':'", "after "+what+" '"+name.Name+"'")
		if p.tok().Kind == token.Ident {
			d.Helpf("fields are written `name: type`, e.g. `%s: %s`", name.Name, p.text(p.tok()))
		}
		return nil
	}
	p.next()
	typ := p.typeExpr("after '" + name.Name + ":'")
	if typ == nil {
		return nil
	}
	f := p.fields.alloc()
	*f = ast.Field{Pos: p.from(start), Tags: tags, Name: name, Type: typ}
	return f
}

// fieldBody parses "{ field* }".
func (p *parser) fieldBody(what, itemWhat string) ([]*ast.Field, ast.Braces) {
	var fields []*ast.Field
	br := p.body(what, func() bool {
		f := p.field(itemWhat)
		if f != nil {
			fields = append(fields, f)
		}
		return f != nil
	})
	return fields, br
}

// params parses a parameter list; "self" is allowed when self is true.
func (p *parser) params(context string, self bool) *ast.Params {
	var list []*ast.Field
	start, ok := p.list(context, func() bool {
		pstart := p.tok().Start
		tags, ok := p.tags()
		if !ok {
			return false
		}
		if p.is(0, "self") && p.peek(1).Kind != token.Colon {
			t := p.next()
			if !self {
				p.errorAt(diag.UnexpectedToken, p.tokSpan(t), "'self' is only a parameter of api methods").
					Labelled("not allowed here")
				return false
			}
			list = append(list, &ast.Field{Pos: p.from(pstart), Tags: tags,
				Name: &ast.Ident{Pos: ast.Pos{S: p.tokSpan(t)}, Name: "self"}})
			return true
		}
		f := p.fieldAfterTags(pstart, tags, "parameter name")
		if f != nil {
			list = append(list, f)
		}
		return f != nil
	})
	if !ok {
		return nil
	}
	return &ast.Params{Pos: p.from(start), List: list}
}

// ---------------------------------------------------------------------------
// Declarations

func (p *parser) decl() ast.Decl {
	start := p.tok().Start
	tags, ok := p.tags()
	if !ok {
		return nil
	}
	if item, ok := p.fragment(start, tags); ok {
		if item == nil {
			return nil
		}
		return &ast.Fragment{Pos: p.from(start), Item: item}
	}
	t := p.tok()
	word := ""
	if t.Kind == token.Ident {
		word = p.text(t)
	}
	if t.Kind == token.RBrace {
		p.errorf(diag.ExpectedDeclaration, "unmatched '}'").Labelled("no '{' to close")
		return nil
	}
	switch word {
	case "model":
		return p.model(start, tags)
	case "source":
		return p.source(start, tags)
	case "api":
		return p.api(start, tags)
	case "poo":
		return p.poo(start, tags)
	case "d1":
		p.next()
		names, br := p.nameBody("d1 block", "a D1 binding name")
		return &ast.D1Decl{Pos: p.from(start), Tags: tags, Names: names, Braces: br}
	case "inject":
		p.next()
		entries, br := p.injectBody()
		return &ast.InjectDecl{Pos: p.from(start), Tags: tags, Entries: entries, Braces: br}
	case "vars":
		p.next()
		fields, br := p.fieldBody("vars block", "variable name")
		return &ast.VarsDecl{Pos: p.from(start), Tags: tags, Fields: fields, Braces: br}
	case "kv":
		return p.store(start, tags, ast.KV)
	case "r2":
		return p.store(start, tags, ast.R2)
	case "durable":
		return p.store(start, tags, ast.Durable)
	}
	s, typo := suggest.Closest(word, declKeywords)
	if t.Kind == token.Ident && !typo && p.peek(1).Kind == token.Ident && !p.looksLikeDecl(p.i+1) {
		// "email string": a field fragment missing its colon.
		p.fieldAfterTags(start, tags, "field name")
		return nil
	}
	d := p.errorf(diag.ExpectedDeclaration, "expected a declaration, found %s", p.describe(t)).
		Labelled("not a declaration").
		Helpf("a schema is made of model, source, api, poo, d1, kv, r2, durable, vars and inject blocks")
	if typo {
		d.Help = []string{fmt.Sprintf("did you mean '%s'?", s)}
	}
	return nil
}

// fragment parses a block item written at the top level. It reports false
// when the tokens do not look like one.
func (p *parser) fragment(start int, tags []ast.Tag) (ast.Node, bool) {
	t := p.tok()
	if t.Kind != token.Ident {
		return nil, false
	}
	word, next := p.text(t), p.peek(1).Kind
	switch {
	case next == token.Colon:
		return nilIfNone(p.fieldAfterTags(start, tags, "field name")), true
	case slices.Contains(verbs, word) && next == token.Ident && p.peek(2).Kind == token.LParen:
		return nilIfNone(p.methodAfterTags(start, tags)), true
	case word == "get" || word == "list" || word == "save":
		if next == token.LParen {
			return nilIfNone(p.sourceItemAfterTags(start, tags)), true
		}
	case word == "include" && next == token.LBrace:
		if len(tags) > 0 {
			p.errorAt(diag.UnexpectedToken, tags[0].Span(), "'include' takes no tags").
				Labelled("tag before 'include'")
			return nil, true
		}
		return nilIfNone(p.include()), true
	case (word == "primary" || word == "column" || word == "route") && next == token.LBrace,
		(word == "foreign" || word == "nav") && (next == token.Ident || next == token.LParen),
		(word == "unique" || word == "index") && next == token.LParen,
		(word == "kv" || word == "r2") && (next == token.LParen || p.peek(2).Kind == token.ColonColon):
		return nilIfNone(p.modelItemAfterTags(start, tags)), true
	}
	return nil, false
}

// nilIfNone turns a typed nil into a nil interface, so that callers can test
// a parsed node against nil.
func nilIfNone[T comparable](n T) ast.Node {
	var zero T
	if n == zero {
		return nil
	}
	return any(n).(ast.Node)
}

var declKeywords = []string{"model", "source", "api", "poo", "d1", "kv", "r2", "durable", "vars", "inject"}

func (p *parser) poo(start int, tags []ast.Tag) ast.Decl {
	p.next()
	name := p.ident("a name", "after 'poo'")
	if name == nil {
		return nil
	}
	fields, br := p.fieldBody("poo '"+name.Name+"'", "field name")
	return &ast.PooDecl{Pos: p.from(start), Tags: tags, Name: name, Fields: fields, Braces: br}
}

// store parses kv, r2 and durable blocks.
func (p *parser) store(start int, tags []ast.Tag, kind ast.StoreKind) ast.Decl {
	p.next()
	name := p.ident("a binding name", "after '"+kind.String()+"'")
	if name == nil {
		return nil
	}
	d := &ast.StoreDecl{Tags: tags, Kind: kind, Name: name}
	what := fmt.Sprintf("%s '%s'", kind, name.Name)
	d.Braces = p.body(what, func() bool {
		if kind == ast.Durable && p.is(0, "shard") && p.peek(1).Kind == token.LBrace {
			kw := p.ident("", "")
			fields, br := p.fieldBody("shard block", "shard field name")
			d.Shards = append(d.Shards, &ast.FieldBlock{Pos: p.from(kw.Span().Start), Keyword: kw, Fields: fields, Braces: br})
			return true
		}
		tpl := p.template(kind)
		if tpl != nil {
			d.Templates = append(d.Templates, tpl)
		}
		return tpl != nil
	})
	d.Pos = p.from(start)
	return d
}

// template parses "[tags] name(params) [-> T] { "key" }".
func (p *parser) template(kind ast.StoreKind) *ast.Template {
	start := p.tok().Start
	tags, ok := p.tags()
	if !ok {
		return nil
	}
	name := p.ident("a template name", "in "+kind.String()+" block")
	if name == nil {
		return nil
	}
	tpl := &ast.Template{Tags: tags, Name: name}
	if p.tok().Kind == token.LBrace {
		d := p.expected("'('", "after template name '"+name.Name+"'")
		if s, ok := suggest.Closest(name.Name, []string{"shard"}); ok && kind == ast.Durable {
			d.Helpf("did you mean '%s'?", s)
		}
		return nil
	}
	if tpl.Params = p.params("in the parameters of '"+name.Name+"'", false); tpl.Params == nil {
		return nil
	}
	switch {
	case kind == ast.R2 && p.tok().Kind == token.Arrow:
		span := p.tokSpan(p.tok())
		if t := p.peek(1); t.Kind == token.Ident {
			span.End = t.End
		}
		p.errorAt(diag.UnexpectedToken, span, "r2 templates have no value type").
			Labelled("remove the '-> type'").
			Notef("an R2 field always holds the object's metadata (r2object)")
		return nil
	case kind != ast.R2:
		if _, ok := p.expect(token.Arrow, "and the value type after the parameters of '"+name.Name+"'"); !ok {
			return nil
		}
		if tpl.Result = p.typeExpr("after '->'"); tpl.Result == nil {
			return nil
		}
	}
	var key *ast.KeyFormat
	seen := false // a key string was read, even if malformed
	tpl.Braces = p.body("template '"+name.Name+"'", func() bool {
		t := p.tok()
		if t.Kind != token.String && t.Kind != token.Template {
			p.expected("a key format string", "in template '"+name.Name+"'")
			return false
		}
		if seen {
			p.errorf(diag.UnexpectedToken, "template '%s' has more than one key format", name.Name).
				Labelled("second key format")
			return false
		}
		p.next()
		seen = true
		if !t.Bad {
			key = p.keyFormat(t)
		}
		return true
	})
	if key == nil {
		if !seen && tpl.Braces.Open >= 0 && tpl.Braces.Close >= 0 {
			example := name.Name
			if ps := tpl.Params.List; len(ps) > 0 {
				example += "/{" + ps[0].Name.Name + "}"
			}
			p.errorAt(diag.UnexpectedToken, p.span(tpl.Braces.Open, tpl.Braces.Close+1), "template '%s' has no key format", name.Name).
				Labelled("expected a string such as \"%s\"", example)
		}
		return nil
	}
	tpl.Key = key
	tpl.Pos = p.from(start)
	return tpl
}

// ---------------------------------------------------------------------------
// Model

func (p *parser) model(start int, tags []ast.Tag) ast.Decl {
	p.next()
	name := p.ident("a model name", "after 'model'")
	if name == nil {
		return nil
	}
	m := &ast.ModelDecl{Tags: tags, Name: name}
	if p.is(0, "for") {
		fstart := p.next().Start
		binding := p.ident("a binding name", "after 'for'")
		if binding == nil {
			return nil
		}
		m.Backing = &ast.Backing{Binding: binding}
		if p.tok().Kind == token.LParen {
			if m.Backing.Args = p.identList("a shard field alias", "in the backing of '"+name.Name+"'"); m.Backing.Args == nil {
				return nil
			}
		}
		m.Backing.Pos = p.from(fstart)
	}
	m.Braces = p.body("model '"+name.Name+"'", func() bool {
		item := p.modelItem()
		if item != nil {
			m.Items = append(m.Items, item)
		}
		return item != nil
	})
	m.Pos = p.from(start)
	return m
}

var modelItems = []string{"primary", "column", "route", "foreign", "nav", "kv", "r2", "unique", "index"}

// modelItem parses "[tags] item". Tags are accepted before any item and
// judged by semantic analysis, which knows which one it means something on.
func (p *parser) modelItem() ast.ModelItem {
	start := p.tok().Start
	tags, ok := p.tags()
	if !ok {
		return nil
	}
	return p.modelItemAfterTags(start, tags)
}

func (p *parser) modelItemAfterTags(start int, tags []ast.Tag) ast.ModelItem {
	t := p.tok()
	word := ""
	if t.Kind == token.Ident {
		word = p.text(t)
	}
	switch word {
	case "primary":
		return p.primary(start, tags)
	case "column", "route":
		kw := p.ident("", "")
		fields, br := p.fieldBody(word+" block", word+" name")
		return &ast.FieldBlock{Pos: p.from(start), Tags: tags, Keyword: kw, Fields: fields, Braces: br}
	case "foreign":
		if f := p.foreign(start, tags); f != nil {
			return f
		}
		return nil
	case "nav":
		return p.nav(start, tags)
	case "kv":
		return p.storeField(start, tags, ast.KV)
	case "r2":
		return p.storeField(start, tags, ast.R2)
	case "unique", "index":
		p.next()
		list := p.identList("a field name", "in '"+word+"'")
		if list == nil {
			return nil
		}
		if len(list.Names) == 0 {
			p.errorAt(diag.UnexpectedToken, list.Span(), "%s needs at least one field", word).
				Labelled("empty list")
			return nil
		}
		if word == "index" {
			return &ast.IndexDecl{Pos: p.from(start), Tags: tags, Fields: list}
		}
		return &ast.UniqueDecl{Pos: p.from(start), Tags: tags, Fields: list}
	}
	d := p.errorf(diag.ExpectedItem, "expected a model item, found %s", p.describe(t)).
		Labelled("not a model item").
		Helpf("a model holds primary, column, route, foreign, nav, kv, r2, unique and index items")
	switch {
	case t.Kind == token.Ident && p.peek(1).Kind == token.Colon:
		d.Help = []string{fmt.Sprintf("fields go inside a block: `column { %s: ... }`", word)}
	case t.Kind == token.Ident:
		if s, ok := suggest.Closest(word, modelItems); ok {
			d.Help = []string{fmt.Sprintf("did you mean '%s'?", s)}
		}
	}
	return nil
}

func (p *parser) primary(start int, tags []ast.Tag) ast.ModelItem {
	kw := p.ident("", "")
	pb := &ast.PrimaryBlock{Tags: tags, Keyword: kw}
	pb.Braces = p.body("primary block", func() bool {
		if p.is(0, "foreign") && p.peek(1).Kind != token.Colon {
			f := p.foreign(p.tok().Start, nil)
			if f != nil {
				pb.Items = append(pb.Items, f)
			}
			return f != nil
		}
		f := p.field("primary key name")
		if f != nil {
			pb.Items = append(pb.Items, f)
		}
		return f != nil
	})
	pb.Pos = p.from(start)
	return pb
}

// fieldRef parses "Model::field" and, when key is true, an optional
// "(localKey)".
func (p *parser) fieldRef(context string, key bool) *ast.FieldRef {
	start := p.tok().Start
	model := p.ident("a model name", context)
	if model == nil {
		return nil
	}
	if p.tok().Kind != token.ColonColon {
		p.expected("'::'", "after '"+model.Name+"'").
			Helpf("refer to a field as %s::field", model.Name)
		return nil
	}
	p.next()
	field := p.ident("a field name", "after '"+model.Name+"::'")
	if field == nil {
		return nil
	}
	ref := &ast.FieldRef{Model: model, Field: field}
	if key && p.tok().Kind == token.LParen {
		p.next()
		if ref.Key = p.ident("the local key field", "in '"+model.Name+"::"+field.Name+"(...)'"); ref.Key == nil {
			p.skipParen()
			return nil
		}
		if _, ok := p.expect(token.RParen, "after the local key"); !ok {
			p.skipParen()
			return nil
		}
	}
	ref.Pos = p.from(start)
	return ref
}

// refs parses "Ref" or "(Ref, Ref)" and reports whether parentheses were
// used.
func (p *parser) refs(context string, key bool) ([]*ast.FieldRef, bool, bool) {
	if p.tok().Kind != token.LParen {
		ref := p.fieldRef(context, key)
		return []*ast.FieldRef{ref}, false, ref != nil
	}
	var refs []*ast.FieldRef
	open, ok := p.list(context, func() bool {
		ref := p.fieldRef(context, key)
		if ref != nil {
			refs = append(refs, ref)
		}
		return ref != nil
	})
	if ok && len(refs) == 0 {
		p.errorAt(diag.UnexpectedToken, p.span(open, p.toks[p.i-1].End), "expected at least one 'Model::field' %s", context).
			Labelled("empty list")
		ok = false
	}
	return refs, true, ok
}

func (p *parser) foreign(start int, tags []ast.Tag) *ast.ForeignBlock {
	p.next()
	refs, paren, ok := p.refs("after 'foreign'", false)
	if !ok {
		return nil
	}
	f := &ast.ForeignBlock{Tags: tags, Refs: refs, Paren: paren}
	if p.is(0, "optional") {
		f.Optional = p.ident("", "")
	}
	f.Fields, f.Braces = p.nameBody("foreign key block", "a local field name")
	f.Pos = p.from(start)
	return f
}

func (p *parser) nav(start int, tags []ast.Tag) ast.ModelItem {
	p.next()
	n := &ast.NavBlock{Tags: tags}
	if p.tok().Kind == token.Ident && p.peek(1).Kind != token.ColonColon {
		n.Model = p.ident("", "")
	} else {
		var ok bool
		if n.Refs, n.Paren, ok = p.refs("after 'nav'", true); !ok {
			return nil
		}
	}
	n.Fields, n.Braces = p.nameBody("navigation block", "a navigation field name")
	n.Pos = p.from(start)
	return n
}

// storeField parses "kv Ns::tmpl(args) { field }" and the form wrapped in
// parentheses, "kv (Ns::tmpl(args)) { field }".
func (p *parser) storeField(start int, tags []ast.Tag, kind ast.StoreKind) ast.ModelItem {
	p.next()
	sf := &ast.StoreField{Tags: tags, Kind: kind}
	if p.tok().Kind == token.LParen {
		p.next()
		sf.Paren = true
	}
	context := "after '" + kind.String() + "'"
	if sf.Binding = p.ident("a binding name", context); sf.Binding == nil {
		return nil
	}
	if _, ok := p.expect(token.ColonColon, "after '"+sf.Binding.Name+"'"); !ok {
		return nil
	}
	if sf.Template = p.ident("a template name", "after '"+sf.Binding.Name+"::'"); sf.Template == nil {
		return nil
	}
	if p.tok().Kind == token.LParen {
		if sf.Args = p.identList("a field name", "in the template arguments"); sf.Args == nil {
			return nil
		}
	}
	if sf.Paren {
		if _, ok := p.expect(token.RParen, "to close '"+kind.String()+" ('"); !ok {
			return nil
		}
	}
	sf.Fields, sf.Braces = p.nameBody(kind.String()+" field block", "a field name")
	sf.Pos = p.from(start)
	return sf
}

// ---------------------------------------------------------------------------
// Data sources

func (p *parser) source(start int, tags []ast.Tag) ast.Decl {
	p.next()
	name := p.ident("a data source name", "after 'source'")
	if name == nil {
		return nil
	}
	if !p.is(0, "for") {
		p.expected("'for'", "after the data source name '"+name.Name+"'").
			Helpf("data sources are written `source %s for Model { ... }`", name.Name)
		return nil
	}
	p.next()
	model := p.ident("a model name", "after 'for'")
	if model == nil {
		return nil
	}
	s := &ast.SourceDecl{Tags: tags, Name: name, Model: model}
	s.Braces = p.body("data source '"+name.Name+"'", func() bool {
		item := p.sourceItem()
		if item != nil {
			s.Items = append(s.Items, item)
		}
		return item != nil
	})
	s.Pos = p.from(start)
	return s
}

func (p *parser) sourceItem() ast.SourceItem {
	start := p.tok().Start
	tags, ok := p.tags()
	if !ok {
		return nil
	}
	return p.sourceItemAfterTags(start, tags)
}

func (p *parser) sourceItemAfterTags(start int, tags []ast.Tag) ast.SourceItem {
	t := p.tok()
	word := ""
	if t.Kind == token.Ident {
		word = p.text(t)
	}
	switch word {
	case "include":
		if len(tags) > 0 {
			p.errorAt(diag.UnexpectedToken, tags[0].Span(), "an include block takes no tags").
				Labelled("tag before 'include'")
			return nil
		}
		return p.include()
	case "get", "list", "save":
		kind := p.ident("", "")
		params := p.params("in the parameters of '"+word+"'", false)
		if params == nil {
			return nil
		}
		return &ast.Stub{Pos: p.from(start), Tags: tags, Kind: kind, Params: params}
	}
	d := p.errorf(diag.ExpectedItem, "expected 'include', 'get', 'list' or 'save' in a data source, found %s", p.describe(t)).
		Labelled("not a data source item")
	if s, ok := suggest.Closest(word, []string{"include", "get", "list", "save"}); ok {
		d.Helpf("did you mean '%s'?", s)
	}
	return nil
}

func (p *parser) include() ast.SourceItem {
	kw := p.ident("", "")
	b := &ast.IncludeBlock{Keyword: kw}
	b.Entries, b.Braces = p.includeEntries("include block")
	b.Pos = p.from(kw.Span().Start)
	return b
}

func (p *parser) includeEntries(what string) ([]*ast.IncludeEntry, ast.Braces) {
	var entries []*ast.IncludeEntry
	br := p.body(what, func() bool {
		name := p.ident("a field name", "in "+what)
		if name == nil {
			return false
		}
		e := &ast.IncludeEntry{Name: name, Braces: ast.Braces{Open: -1, Close: -1}}
		if p.tok().Kind == token.LBrace {
			e.HasBody = true
			e.Children, e.Braces = p.includeEntries("include entry '" + name.Name + "'")
		}
		e.Pos = p.from(name.Span().Start)
		entries = append(entries, e)
		return true
	})
	return entries, br
}

// ---------------------------------------------------------------------------
// APIs

var verbs = []string{"get", "post", "put", "patch", "delete"}

// verbSynonyms maps words people reach for to the verb they mean, so that
// "fetch" is not corrected to its nearest spelling, "patch".
var verbSynonyms = map[string]string{
	"fetch": "get", "read": "get", "find": "get", "list": "get", "head": "get",
	"create": "post", "add": "post", "new": "post", "insert": "post",
	"update": "put", "replace": "put", "set": "put",
	"modify": "patch", "edit": "patch",
	"remove": "delete", "del": "delete", "destroy": "delete",
}

func (p *parser) api(start int, tags []ast.Tag) ast.Decl {
	p.next()
	name := p.ident("a model name", "after 'api'")
	if name == nil {
		return nil
	}
	a := &ast.APIDecl{Tags: tags, Name: name}
	a.Braces = p.body("api '"+name.Name+"'", func() bool {
		mstart := p.tok().Start
		tags, ok := p.tags()
		if !ok {
			return false
		}
		m := p.methodAfterTags(mstart, tags)
		if m != nil {
			a.Methods = append(a.Methods, m)
		}
		return m != nil
	})
	a.Pos = p.from(start)
	return a
}

func (p *parser) methodAfterTags(start int, tags []ast.Tag) *ast.Method {
	t := p.tok()
	if t.Kind != token.Ident || !slices.Contains(verbs, p.text(t)) {
		d := p.errorf(diag.ExpectedItem, "expected an HTTP verb (get, post, put, patch or delete), found %s", p.describe(t)).
			Labelled("expected a verb")
		if t.Kind == token.Ident {
			word := strings.ToLower(p.text(t))
			if v, ok := verbSynonyms[word]; ok {
				d.Helpf("HTTP verbs name the request method: use '%s'", v)
			} else if s, ok := suggest.Closest(word, verbs); ok {
				d.Helpf("did you mean '%s'?", s)
			} else if p.peek(1).Kind == token.LParen {
				d.Helpf("methods are written `verb name(params) -> type`, e.g. `get %s(...)`", p.text(t))
			}
		}
		return nil
	}
	m := &ast.Method{Tags: tags, Verb: p.ident("", "")}
	if m.Name = p.ident("a method name", "after '"+m.Verb.Name+"'"); m.Name == nil {
		return nil
	}
	if p.tok().Kind != token.LParen {
		p.expected("'('", "after method name '"+m.Name.Name+"'").
			Helpf("methods are written `%s %s(params) -> type`", m.Verb.Name, m.Name.Name)
		return nil
	}
	if m.Params = p.params("in the parameters of '"+m.Name.Name+"'", true); m.Params == nil {
		return nil
	}
	if p.tok().Kind == token.Arrow {
		p.next()
		if m.Result = p.typeExpr("after '->'"); m.Result == nil {
			return nil
		}
	}
	m.Pos = p.from(start)
	return m
}
