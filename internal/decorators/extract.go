// Package decorators extracts the schema of the TypeScript-decorator
// edition of Cloesce from *.cloesce.ts files: decorated classes (@Model,
// @Service, @WranglerEnv) become the declarations of the schema tree that
// .clo files parse into, with spans into the .ts text, so that semantic
// analysis and everything after it work unchanged.
//
// It reads a TypeScript subset with its own scanner, and skips method
// bodies token by token. Extraction is a whole-program pass: a navigation's
// key is inferred from the class at its other end, which may be in another
// file. docs/decorators.md has the subset and the mapping.
package decorators

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// IsSource reports whether path names a file of the decorator edition.
func IsSource(path string) bool { return strings.HasSuffix(path, ".cloesce.ts") }

// role is what a class's decorator makes of it.
type role int

const (
	poo role = iota // no decorator and no methods
	model
	service
	wranglerEnv
	code       // no decorator, with methods: not extracted
	injectable // no decorator, and injected: see markInjected
)

var classDecorators = map[string]role{"Model": model, "Service": service, "WranglerEnv": wranglerEnv}

// An info is a class of the program with what extraction learns of it.
type info struct {
	c    *class
	role role
	out  *ast.File
	crud *decorator

	pk      *member
	fks     map[string]fkey    // by local column name
	members map[string]*member // properties by name
	selects map[*member]string // the key a navigation's decorator selects, "" if reported wrong
	dropped map[string]bool    // properties left out with a warning (W0609)
	lists   []KVList           // KV prefix lists, which the edition's Orm fills
	manys   []ManyToMany       // many-to-many navigations, which the edition's Orm reads
}

// An fkey is a column referencing the primary key of model target.
type fkey struct {
	target string
	span   source.Span
}

type extractor struct {
	diags     *diag.List
	infos     map[string]*info
	order     []*info
	envName   string                    // the @WranglerEnv class, injected as Env
	stores    map[string]*ast.StoreDecl // KV and R2 bindings by name
	d1        string                    // the D1 binding
	mains     []*name                   // default-exported functions
	junctions map[string]bool           // many-to-many junction tables declared
}

// Extract reads the .cloesce.ts files and returns a schema tree for each
// and the linkage of their classes (link.go), reporting what lies outside
// the subset, cannot be mapped, or keeps the Worker from calling a class.
func Extract(srcs []*source.File, diags *diag.List) ([]*ast.File, *Linkage) {
	x := &extractor{diags: diags, infos: map[string]*info{}, stores: map[string]*ast.StoreDecl{}, junctions: map[string]bool{}}
	files := x.run(srcs)
	return files, x.linkage()
}

// run extracts srcs, a whole program.
func (x *extractor) run(srcs []*source.File) []*ast.File {
	files := make([]*ast.File, len(srcs))
	parsed := make([][]*class, len(srcs))
	clean := true
	for i, src := range srcs {
		files[i] = &ast.File{Pos: ast.Pos{S: source.Span{File: src, End: len(src.Text)}}, Src: src}
		var ok bool
		parsed[i], ok = parse(src, x.diags)
		clean = clean && ok
	}
	if !clean {
		// Syntax errors leave holes in the classes; lowering them would
		// report the same mistakes again in other words.
		return files
	}
	for i, classes := range parsed {
		for _, c := range classes {
			if c.main {
				x.mains = append(x.mains, &c.name)
				continue
			}
			x.declare(c, files[i])
		}
	}
	x.markInjected()
	for _, in := range x.order {
		if in.role == wranglerEnv {
			x.env(in)
		}
	}
	for _, in := range x.order {
		if in.role == model {
			x.keys(in)
		}
	}
	for _, in := range x.order {
		switch in.role {
		case model:
			x.model(in)
		case service:
			x.service(in)
		case poo:
			x.poo(in)
		case injectable:
			x.injectDecl(in, nil)
		}
	}
	for _, in := range x.order {
		if in.role == model {
			x.sources(in)
		}
	}
	return files
}

// declare classifies a class by its decorator.
func (x *extractor) declare(c *class, out *ast.File) {
	in := &info{c: c, out: out, role: poo, fks: map[string]fkey{}, members: map[string]*member{}, selects: map[*member]string{}, dropped: map[string]bool{}}
	if slices.ContainsFunc(c.members, func(m *member) bool { return m.method }) {
		in.role = code
	}
	for _, d := range c.decos {
		r, ok := classDecorators[d.name.text]
		if !ok {
			x.unknownDecorator(d, "a class", "@Model(), @Service or @WranglerEnv")
			continue
		}
		in.role = r
		if r == model {
			in.crud = d
		} else if d.called {
			x.diags.Errorf(diag.TSArguments, d.span, "@%s takes no arguments", d.name.text).
				Helpf("write @%s", d.name.text)
		}
	}
	for _, m := range c.members {
		if !m.method && !m.static {
			in.members[m.name.text] = m
		}
	}
	if _, dup := x.infos[c.name.text]; !dup { // a duplicate is sema's to report
		x.infos[c.name.text] = in
	}
	x.order = append(x.order, in)
}

func (x *extractor) unknownDecorator(d *decorator, where, known string) {
	x.diags.Errorf(diag.TSDecorator, d.name.span, "@%s has no meaning on %s", d.name.text, where).
		Helpf("decorators here: %s", known)
}

// envBindings maps the types of @WranglerEnv fields to the store they
// declare.
var envBindings = map[string]ast.StoreKind{"KVNamespace": ast.KV, "R2Bucket": ast.R2}

// env declares the bindings and variables of the @WranglerEnv class.
func (x *extractor) env(in *info) {
	if x.envName != "" {
		x.diags.Errorf(diag.TSDecorator, in.c.name.span, "a second @WranglerEnv class").
			Helpf("declare every binding in the class %s", x.envName)
		return
	}
	x.envName = in.c.name.text
	var vars *ast.VarsDecl
	for _, m := range in.c.members {
		if m.method || m.static || m.typ == nil {
			x.diags.Errorf(diag.TSType, m.name.span, "'%s' is not a binding or variable", m.name.text).
				Helpf("a @WranglerEnv class holds typed properties only: D1Database, KVNamespace, R2Bucket, string or number")
			continue
		}
		id := ident(m.name)
		sp := ast.Pos{S: m.span}
		kind, store := envBindings[m.typ.name.text]
		switch {
		case m.typ.name.text == "D1Database":
			if x.d1 != "" {
				x.diags.Errorf(diag.TSNotMapped, m.name.span, "a second D1 database '%s'", m.name.text).
					Helpf("models are stored in the only D1 database; remove '%s' or '%s'", x.d1, m.name.text)
			}
			x.d1 = m.name.text
			in.out.Decls = append(in.out.Decls, &ast.D1Decl{Pos: sp, Names: []*ast.Ident{id}, Braces: ast.Braces{Close: -1}})
		case store:
			s := &ast.StoreDecl{Pos: sp, Kind: kind, Name: id, Braces: ast.Braces{Close: -1}}
			x.stores[m.name.text] = s
			in.out.Decls = append(in.out.Decls, s)
		default:
			t := x.typ(m.typ)
			if t == nil {
				continue
			}
			if vars == nil {
				vars = &ast.VarsDecl{Pos: ast.Pos{S: in.c.span}, Braces: ast.Braces{Close: -1}}
				in.out.Decls = append(in.out.Decls, vars)
			}
			vars.Fields = append(vars.Fields, &ast.Field{Pos: sp, Name: id, Type: t})
		}
	}
}

func ident(n name) *ast.Ident { return &ast.Ident{Pos: ast.Pos{S: n.span}, Name: n.text} }

func identAt(text string, span source.Span) *ast.Ident {
	return &ast.Ident{Pos: ast.Pos{S: span}, Name: text}
}

// fold compares names the way the edition infers keys: in any casing,
// underscores ignored (dog matches dogId, dog_id and DogID).
func fold(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// decorated returns m's decorator called dname, if any.
func decorated(ds []*decorator, dname string) *decorator {
	for _, d := range ds {
		if d.name.text == dname {
			return d
		}
	}
	return nil
}
