// Package sema turns parsed schema files into the interface description
// (package idl): it checks that every name is declared once and resolves,
// that types, tags, keys and relations make sense, and expands what the
// schema leaves implicit (default data sources and include trees,
// generated data-source methods, CRUD endpoints, SQL).
//
// Like the parser it never stops at the first problem: each check reports
// into the diagnostic list and analysis carries on with what did build, so
// one run shows every error of a schema.
package sema

import (
	"maps"
	"slices"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/ts"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sqlgen"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/version"
)

// Analyze analyses the files of one project, reporting problems into
// diags. The description it returns is complete only when no error was
// reported.
func Analyze(files []*ast.File, diags *diag.List) *idl.Schema {
	s, finish := AnalyzeDeferringSQL(files, diags)
	finish()
	return s
}

// AnalyzeDeferringSQL is Analyze with its last stage, which reports
// nothing, left to finish: the data sources' SQL (sqlgen.Fill) and the
// hashes (SetHashes). Until finish returns they are being written, and
// everything else in the description is final, so that code reading
// neither, such as the generators of backend.ts and client.ts, can run
// meanwhile: cloesce compile runs them on another core.
func AnalyzeDeferringSQL(files []*ast.File, diags *diag.List) (s *idl.Schema, finish func()) {
	var decls []ast.Decl
	for _, f := range files {
		decls = append(decls, f.Decls...)
	}
	// Maps by name, sized for every declaration (a model comes with its
	// api and its sources, so this is ample) rather than grown.
	n := len(decls)
	c := &checker{
		diags:   diags,
		globals: newScope(diags, ""),
		models:  make(map[string]*ast.ModelDecl, n),
		poos:    map[string]*ast.PooDecl{},
		infos:   make(map[string]*modelInfo, n),
		stores:  map[string]*store{},
		srcsOf:  make(map[string][]*ast.SourceDecl, n),
		out: &idl.Schema{Compiler: version.Version, Env: idl.Env{D1: []string{}, KV: []*idl.Store{}, R2: []*idl.Store{},
			Durable: []*idl.Durable{}, Vars: []*idl.Field{}}, Models: make([]*idl.Model, 0, n), Poos: []*idl.Poo{}, Injects: []*idl.Inject{}},
	}
	c.globals.names = make(map[string]entry, n)
	for _, d := range decls {
		c.declare(d)
	}
	c.env(decls)
	c.injectable = c.globalNames("D1 binding", storeWhat[ast.KV], storeWhat[ast.R2], storeWhat[ast.Durable], "variable", "injectable")
	c.injectable = slices.Concat(c.injectable, builtinInjects)
	slices.Sort(c.injectable)
	c.injectables(decls)
	for _, d := range decls {
		c.check(d)
	}
	c.poosOut()
	for _, name := range c.modelNames() {
		c.build(c.infos[name])
	}
	c.cascadeCycles()
	sorted := c.order()
	c.sources()
	c.apis()
	for _, mi := range sorted {
		if mi.built != nil {
			c.cruds(mi.built)
			c.out.Models = append(c.out.Models, mi.built)
		}
	}
	return c.out, func() {
		sqlgen.Fill(c.out)
		c.out.SetHashes()
	}
}

type checker struct {
	diags     *diag.List
	discarded diag.List // where quietly sends diagnostics
	globals   *scope    // models, poos, bindings, vars and injects share one namespace
	out       *idl.Schema

	models     map[string]*ast.ModelDecl
	poos       map[string]*ast.PooDecl
	infos      map[string]*modelInfo
	stores     map[string]*store
	injectable []string // names [inject] accepts, sorted, Request and Env included
	edges      []edge   // required foreign keys
	cascades   []cascadeEdge
	apiDecls   []*ast.APIDecl
	srcs       []*ast.SourceDecl
	srcsOf     map[string][]*ast.SourceDecl // srcs by model name
}

// declare enters the global names of a declaration.
func (c *checker) declare(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		if c.global(d.Name, "model") {
			c.models[d.Name.Name] = d
		}
	case *ast.PooDecl:
		if c.global(d.Name, "plain old object") {
			c.poos[d.Name.Name] = d
		}
	case *ast.D1Decl:
		for _, n := range d.Names {
			c.global(n, "D1 binding")
		}
	case *ast.StoreDecl:
		c.global(d.Name, storeWhat[d.Kind])
	case *ast.VarsDecl:
		for _, f := range d.Fields {
			c.global(f.Name, "variable")
		}
	case *ast.InjectDecl:
		for _, e := range d.Entries {
			c.global(e.Name, "injectable")
		}
	case *ast.APIDecl:
		c.apiDecls = append(c.apiDecls, d)
	case *ast.SourceDecl:
		c.srcs = append(c.srcs, d)
		c.srcsOf[d.Model.Name] = append(c.srcsOf[d.Model.Name], d)
	}
}

// global declares a global name as a what, reporting duplicates and names
// the generated code takes; it reports whether the name was new.
func (c *checker) global(id *ast.Ident, what string) bool {
	fresh := c.globals.add(id, what)
	how := "as a documented name of backend.ts or client.ts, or a type in each model's namespace"
	if slices.Contains(ts.Reserved, id.Name) {
		how = "as a reserved word"
	}
	kind := article(what) + " " + what
	if !c.reserved(id, ReservedGlobals, kind, how) && what != "model" && what != "plain old object" {
		// Bindings, variables and injectables are what [inject] names.
		c.reserved(id, builtinInjects, kind, "for the built-in injectable every [inject] may name")
	}
	return fresh
}

var storeWhat = map[ast.StoreKind]string{ast.KV: "KV namespace", ast.R2: "R2 bucket", ast.Durable: "Durable Object"}

// globalNames lists, sorted, the global names declared as any of whats.
func (c *checker) globalNames(whats ...string) []string {
	var names []string
	for n, e := range c.globals.names {
		if slices.Contains(whats, e.what) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// check analyses the parts of one declaration that stand on their own.
func (c *checker) check(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		c.tags(d.Tags, "a model", crudTag)
		if c.globals.holds(d.Name) {
			c.infos[d.Name.Name] = c.collect(d)
		}
	case *ast.PooDecl:
		c.tags(d.Tags, "a poo block")
	case *ast.StoreDecl:
		c.tags(d.Tags, "a "+d.Kind.String()+" block")
	case *ast.VarsDecl:
		c.tags(d.Tags, "a vars block")
		for _, f := range d.Fields {
			c.tags(f.Tags, "a variable")
		}
	case *ast.D1Decl:
		c.tags(d.Tags, "a d1 block")
	case *ast.InjectDecl:
		c.tags(d.Tags, "an inject block")
	case *ast.APIDecl:
		c.tags(d.Tags, "an api block")
	case *ast.SourceDecl:
		c.tags(d.Tags, "a data source", internalTag)
	case *ast.Fragment:
		c.fragment(d)
	}
}

func (c *checker) fragment(f *ast.Fragment) {
	what, where := "this item", "the block it belongs to"
	switch f.Item.(type) {
	case *ast.Field:
		what, where = "a field", "a model's column, primary or route block, a poo, or vars"
	case *ast.Method:
		what, where = "an api method", "an `api Model { ... }` block"
	case *ast.Stub, *ast.IncludeBlock:
		what, where = "a data-source item", "a `source Name for Model { ... }` block"
	case ast.ModelItem:
		what, where = "a model item", "a `model Name { ... }` block"
	}
	c.diags.Errorf(diag.StrayFragment, f.Span(), "%s cannot stand at the top level", what).
		Labelled("outside any block").
		Helpf("move it into %s", where)
}

// poosOut analyses plain old objects, in name order.
func (c *checker) poosOut() {
	for _, n := range sortedKeys(c.poos) {
		d := c.poos[n]
		poo := &idl.Poo{Name: n, Fields: []*idl.Field{}}
		fields := newScope(c.diags, "poo '"+n+"'")
		for _, f := range d.Fields {
			fresh := fields.add(f.Name, "field")
			c.tags(f.Tags, "a poo field", validatorTag)
			t := c.resolve(f.Type)
			if t != nil && t.Root().Kind == idl.Stream {
				c.diags.Errorf(diag.PooFieldType, f.Type.Span(), "poo field '%s' cannot be a stream", f.Name.Name).
					Labelled("a stream is a whole request or response body").
					Helpf("use blob for binary data inside an object")
				continue
			}
			if t != nil && fresh {
				poo.Fields = append(poo.Fields, &idl.Field{Name: f.Name.Name, Type: t, Validators: c.validators(f.Tags, t)})
			}
		}
		c.out.Poos = append(c.out.Poos, poo)
	}
}

// params analyses a template's parameter list. It reports whether every
// parameter resolved.
func (c *checker) params(ps *ast.Params, owner, what string, allowed ...tagKind) ([]*idl.Field, bool) {
	names := newScope(c.diags, owner)
	out := []*idl.Field{}
	ok := true
	for _, p := range ps.List {
		fresh := names.add(p.Name, "parameter")
		c.tags(p.Tags, what, allowed...)
		if p.IsSelf() {
			ok = false
			continue
		}
		t := c.resolve(p.Type)
		if t == nil || !fresh {
			ok = false
			continue
		}
		out = append(out, &idl.Field{Name: p.Name.Name, Type: t, Validators: c.validators(p.Tags, t)})
	}
	return out, ok
}

// sortedKeys returns a map's keys in order, so that output built from the
// map is deterministic.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// suggest adds a did-you-mean to d when a candidate is close to name.
func (c *checker) suggest(d *diag.Diagnostic, name string, candidates []string) {
	if s, ok := suggest.Closest(name, candidates); ok {
		d.Helpf("did you mean '%s'?", s)
	}
}

// quietly runs f with diagnostics discarded, to compute facts about
// declarations whose errors are reported where they are analysed.
func (c *checker) quietly(f func()) {
	saved := c.diags
	c.diags = &c.discarded
	defer func() { c.diags, c.discarded = saved, diag.List{} }()
	f()
}
