package sema

import (
	"slices"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// inject resolves the [inject] tags of a method or data-source stub:
// plain names of bindings, variables and injectables, and at most one
// Durable Object context D(args) whose arguments name params.
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
				if !slices.Contains(c.injectable, e.Name.Name) {
					c.unresolved(e.Name, "binding, variable or injectable", c.injectable)
				} else if !slices.Contains(injected, e.Name.Name) {
					injected = append(injected, e.Name.Name)
				}
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
