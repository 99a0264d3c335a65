// Package sema checks parsed schema files for meaning: that every name is
// declared once in its scope, that types name real models and objects, and
// that tags stand where they mean something.
//
// Like the parser it never stops at the first problem: each check reports
// into the diagnostic list and analysis carries on with what is left, so a
// run shows every error of a schema.
//
// This is the first stage of semantic analysis (symbols, types, tags); the
// model, data-source and API rules and the interface description it will
// produce are built on the symbol tables collected here.
package sema

import (
	"fmt"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// Check analyses the files of one project, reporting problems into diags.
func Check(files []*ast.File, diags *diag.List) {
	c := &checker{diags: diags, globals: newScope(diags, "")}
	for _, f := range files {
		for _, d := range f.Decls {
			c.declare(d)
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			c.check(d)
		}
	}
	c.checkAPIs()
	c.checkSources()
}

type checker struct {
	diags   *diag.List
	globals *scope // models, poos, bindings, vars and injects share one namespace

	models map[string]*ast.ModelDecl
	poos   map[string]*ast.PooDecl
	apis   []*ast.APIDecl
	srcs   []*ast.SourceDecl
}

// declare enters the global names of a declaration.
func (c *checker) declare(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		if c.globals.add(d.Name, "model") {
			c.setModel(d)
		}
	case *ast.PooDecl:
		if c.globals.add(d.Name, "plain old object") {
			if c.poos == nil {
				c.poos = map[string]*ast.PooDecl{}
			}
			c.poos[d.Name.Name] = d
		}
	case *ast.D1Decl:
		for _, n := range d.Names {
			c.globals.add(n, "D1 binding")
		}
	case *ast.StoreDecl:
		c.globals.add(d.Name, storeWhat[d.Kind])
	case *ast.VarsDecl:
		for _, f := range d.Fields {
			c.globals.add(f.Name, "variable")
		}
	case *ast.InjectDecl:
		for _, n := range d.Names {
			c.globals.add(n, "injectable")
		}
	case *ast.APIDecl:
		c.apis = append(c.apis, d)
	case *ast.SourceDecl:
		c.srcs = append(c.srcs, d)
	}
}

func (c *checker) setModel(m *ast.ModelDecl) {
	if c.models == nil {
		c.models = map[string]*ast.ModelDecl{}
	}
	c.models[m.Name.Name] = m
}

var storeWhat = map[ast.StoreKind]string{ast.KV: "KV namespace", ast.R2: "R2 bucket", ast.Durable: "Durable Object"}

// check analyses one declaration on its own.
func (c *checker) check(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		c.tags(d.Tags, "a model", crudTag)
		c.model(d)
	case *ast.PooDecl:
		c.tags(d.Tags, "a poo block")
		fields := newScope(c.diags, "poo '"+d.Name.Name+"'")
		for _, f := range d.Fields {
			fields.add(f.Name, "field")
			c.tags(f.Tags, "a poo field", validatorTag)
			c.resolve(f.Type)
		}
	case *ast.StoreDecl:
		c.tags(d.Tags, "a "+d.Kind.String()+" block")
		c.store(d)
	case *ast.VarsDecl:
		c.tags(d.Tags, "a vars block")
		for _, f := range d.Fields {
			c.tags(f.Tags, "a variable")
			c.sqlType(f, "variable", false)
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

func (c *checker) store(d *ast.StoreDecl) {
	what := fmt.Sprintf("%s '%s'", d.Kind, d.Name.Name)
	shard := newScope(c.diags, "the shard of "+what)
	for _, b := range d.Shards {
		for _, f := range b.Fields {
			shard.add(f.Name, "shard field")
			c.tags(f.Tags, "a shard field", validatorTag)
			c.sqlType(f, "shard field", false)
		}
	}
	templates := newScope(c.diags, what)
	for _, t := range d.Templates {
		templates.add(t.Name, "template")
		c.tags(t.Tags, "a template", validatorTag)
		c.params(t.Params, "template '"+t.Name.Name+"'", "a template parameter", validatorTag)
		if t.Result != nil {
			c.resolve(t.Result)
		}
	}
}

// params checks a parameter list: unique names, tags, types.
func (c *checker) params(ps *ast.Params, owner, what string, allowed ...tagKind) {
	names := newScope(c.diags, owner)
	for _, p := range ps.List {
		names.add(p.Name, "parameter")
		if p.IsSelf() {
			c.tags(p.Tags, "'self'", sourceTag)
			continue
		}
		c.tags(p.Tags, what, allowed...)
		c.resolve(p.Type)
	}
}

// checkAPIs checks methods across every api block of a namespace, since
// blocks for the same model merge.
func (c *checker) checkAPIs() {
	methods := map[string]*scope{}
	for _, a := range c.apis {
		s := methods[a.Name.Name]
		if s == nil {
			s = newScope(c.diags, "api '"+a.Name.Name+"'")
			methods[a.Name.Name] = s
		}
		for _, m := range a.Methods {
			s.add(m.Name, "method")
			c.tags(m.Tags, "an api method", injectTag)
			c.params(m.Params, "method '"+m.Name.Name+"'", "a method parameter", validatorTag)
			if m.Result != nil {
				c.resolve(m.Result)
			}
		}
	}
}

// checkSources checks data sources. Names are scoped by model, so that two
// models may each have a source called ById.
func (c *checker) checkSources() {
	names := map[string]*scope{}
	for _, s := range c.srcs {
		model := s.Model.Name
		if names[model] == nil {
			names[model] = newScope(c.diags, "the data sources of '"+model+"'")
		}
		names[model].add(s.Name, "data source")
		stubs := newScope(c.diags, "data source '"+s.Name.Name+"'")
		for _, it := range s.Items {
			switch it := it.(type) {
			case *ast.IncludeBlock:
				stubs.add(it.Keyword, "include tree")
			case *ast.Stub:
				stubs.add(it.Kind, "method")
				c.tags(it.Tags, "a data-source method", injectTag)
				allowed := []tagKind{validatorTag}
				if it.Kind.Name == "get" {
					allowed = append(allowed, instanceTag)
				}
				c.params(it.Params, s.Name.Name+"."+it.Kind.Name, "a "+it.Kind.Name+" parameter", allowed...)
			}
		}
	}
}
