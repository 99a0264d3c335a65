package sema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// builtinInjects are the injectables every [inject] may name without
// declaring them.
var builtinInjects = []string{idl.InjectRequest, idl.InjectEnv}

// injectables analyses the entries of the inject blocks into the
// schema's Injects, by name: a value injectable's type, a class
// injectable's dependencies (a service's [inject] tag), and reports
// services whose dependencies lead back to them.
func (c *checker) injectables(decls []ast.Decl) {
	var deps []injectArc
	for _, d := range decls {
		id, ok := d.(*ast.InjectDecl)
		if !ok {
			continue
		}
		for _, e := range id.Entries {
			in := &idl.Inject{Name: e.Name.Name, Deps: []string{}}
			kept := c.globals.holds(e.Name) // not a duplicate
			if e.Type != nil {
				c.tags(e.Tags, "a value injectable")
				in.Type = c.resolve(e.Type)
				kept = kept && in.Type != nil
			} else {
				c.tags(e.Tags, "a class injectable", injectTag)
				for _, t := range e.Tags {
					if it, ok := t.(*ast.InjectTag); ok {
						for _, dep := range it.Entries {
							if n := len(in.Deps); c.dep(e, dep, &in.Deps) && len(in.Deps) > n && kept {
								deps = append(deps, injectArc{from: e.Name.Name, to: dep.Name})
							}
						}
					}
				}
			}
			if kept {
				c.out.Injects = append(c.out.Injects, in)
			}
		}
	}
	slices.SortFunc(c.out.Injects, func(a, b *idl.Inject) int { return strings.Compare(a.Name, b.Name) })
	cycles(c.globalNames("injectable"), deps, c.injectCycle)
}

// dep resolves one entry of a class injectable's [inject] tag into deps;
// it reports whether the entry named a dependency.
func (c *checker) dep(e *ast.Field, dep *ast.InjectEntry, deps *[]string) bool {
	if dep.Context {
		c.diags.Errorf(diag.TagNotAllowed, dep.Span(), "injectable '%s' cannot run inside a Durable Object", e.Name.Name).
			Labelled("a Durable Object context").
			Helpf("inject the namespace, `%s`, and reach the object from init", dep.Name.Name)
		return false
	}
	return c.injectName(dep.Name, deps)
}

// injectName adds the binding, variable or injectable id names to list,
// once, reporting a name that is none; it reports whether the name is
// one.
func (c *checker) injectName(id *ast.Ident, list *[]string) bool {
	if !slices.Contains(c.injectable, id.Name) {
		c.unresolved(id, "binding, variable or injectable", c.injectable)
		return false
	}
	if !slices.Contains(*list, id.Name) {
		*list = append(*list, id.Name)
	}
	return true
}

// An injectArc is a dependency of a service: from's init receives to.
type injectArc struct {
	from string
	to   *ast.Ident // in from's [inject] tag
}

func (a injectArc) ends() (string, string) { return a.from, a.to.Name }

// injectCycle reports services whose dependencies lead back to them:
// each is initialised after what it injects, so none could be first.
func (c *checker) injectCycle(cycle []injectArc) {
	first := cycle[0]
	label := func(a injectArc) string { return fmt.Sprintf("'%s' injects '%s'", a.from, a.to.Name) }
	if len(cycle) == 1 {
		c.diags.Errorf(diag.InjectCycle, first.to.Span(), "injectable '%s' injects itself", first.from).
			Labelled("%s", label(first)).
			Helpf("remove '%s' from its [inject] tag: a service is initialised after what it injects", first.from)
		return
	}
	names := []string{"'" + first.from + "' injects '" + first.to.Name + "'"}
	for _, a := range cycle[1:] {
		names = append(names, "which injects '"+a.to.Name+"'")
	}
	d := c.diags.Errorf(diag.InjectCycle, first.to.Span(), "injectables depend on each other in a cycle: %s", strings.Join(names, ", ")).
		Labelled("%s", label(first))
	for _, a := range cycle[1:] {
		d.Also(a.to.Span(), "%s", label(a))
	}
	d.Helpf("remove one of these from its [inject] tag: a service is initialised after what it injects, so none of them could be first")
}

// inject resolves the [inject] tags of a method or data-source stub:
// plain names of bindings, variables and injectables (Request and Env
// included), and at most one Durable Object context D(args) whose
// arguments name params.
func (c *checker) inject(tags []ast.Tag, params []*idl.Param) ([]string, *idl.DurableTarget) {
	injected := []string{}
	var target *idl.DurableTarget
	var first *ast.InjectEntry
	for _, t := range tags {
		it, ok := t.(*ast.InjectTag)
		if !ok {
			continue
		}
		for _, e := range it.Entries {
			if !e.Context {
				c.injectName(e.Name, &injected)
				continue
			}
			if first != nil {
				c.diags.Errorf(diag.DurableConflict, e.Span(), "a method runs in one Durable Object, but this is its second").
					Labelled("second context").
					Also(first.Span(), "first context").
					Helpf("keep one `%s(...)` entry; inject other objects' namespaces by name and call them yourself", first.Name.Name)
				continue
			}
			first = e
			target = c.context(e, params)
		}
	}
	return injected, target
}

// context resolves a Durable Object context entry D(a, b).
func (c *checker) context(e *ast.InjectEntry, params []*idl.Param) *idl.DurableTarget {
	s := c.stores[e.Name.Name]
	if s == nil || s.decl.Kind != ast.Durable {
		c.unresolved(e.Name, "Durable Object", c.storeNames(ast.Durable))
		return nil
	}
	if want := shardCount(s); len(e.Args) != want {
		c.argCount(e, "Durable Object '"+e.Name.Name+"'", "shard argument", want, len(e.Args)).
			Also(s.decl.Name.Span(), "declared here")
		return nil
	} else if len(s.shard) != want {
		return nil // a shard field has an error, reported with the binding
	}
	target := &idl.DurableTarget{Binding: e.Name.Name, Args: []string{}}
	for i, a := range e.Args {
		shard := s.shard[i]
		j := slices.IndexFunc(params, func(p *idl.Param) bool { return p.Name == a.Name })
		if j < 0 {
			names := make([]string, len(params))
			for k, p := range params {
				names[k] = p.Name
			}
			d := c.unresolved(a, "parameter of this method", names)
			if len(d.Help) == 0 {
				d.Helpf("add a parameter for the shard field '%s: %s'", shard.Name, shard.Type)
			}
			return nil
		}
		p := params[j]
		if !c.fillsKey(a, "parameter '"+a.Name+"'", p.Type, "shard field '"+shard.Name+"'", shard) {
			return nil
		}
		if p.Type.Equal(shard.Type) {
			p.Validators = appendNew(p.Validators, shard.Validators)
		}
		target.Args = append(target.Args, a.Name)
	}
	return target
}
