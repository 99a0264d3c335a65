package backend

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/gen/ts"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// model writes one model: a namespace of its types (Self, Include, Api,
// GeneratedSource, the sources the user completes, Orm) and a const object
// of the same name with its values (Tag, Meta, GeneratedSource, those
// sources' impl, Orm, impl). A namespace holding only types is erased, so
// the pair is plain JavaScript.
func (g *gen) model(m *idl.Model) {
	p := &g.p
	stubbed := slices.DeleteFunc(slices.Clone(m.Sources), func(src *idl.Source) bool { return !stub(src) })
	p.Line("")
	p.Block("export namespace "+m.Name+" {", func() {
		if len(m.Sources) > 0 {
			shape := ts.ModelShape(m)
			g.self(shape)
			g.include(shape)
			ts.FilterTypes(&g.p, g.sp, m, "$rt.Filter")
		}
		g.api(m)
		if len(m.Sources) == 0 {
			return
		}
		p.Gap()
		p.Block("export namespace GeneratedSource {", func() {
			for _, src := range m.Sources {
				g.generatedSource(m, src)
			}
		}, "}")
		for _, src := range stubbed {
			g.stubSource(m, src)
		}
		filters := ""
		if len(m.Filters) > 0 {
			filters = ", Where, OrderBy"
		}
		p.Gap()
		p.Line("export type Orm = $rt.ModelOrm<Self, %s, Include%s>;", g.ormEnv(m), filters)
	}, "}")

	name := ts.Quote(m.Name)
	p.Line("")
	p.Block("export const "+m.Name+" = {", func() {
		p.Line("Tag: %s,", name)
		if len(m.Sources) == 0 {
			p.Line("Meta: $rt.modelMeta($cidl, %s),", name)
			p.Line("impl: $rt.modelImpl<%s.Api, {}>($cidl, %s),", m.Name, name)
			return
		}
		p.Line("Meta: $rt.modelMeta<%s.Include>($cidl, %s),", m.Name, name)
		p.Block("GeneratedSource: {", func() {
			for _, src := range m.Sources {
				p.Line("%s: $rt.dataSource<%s.GeneratedSource.%s>($cidl, %s, %s),", ts.Prop(src.Name), m.Name, src.Name, name, ts.Quote(src.Name))
			}
		}, "},")
		api := m.Name + ".Api"
		var impls []string
		for _, src := range stubbed {
			ns := m.Name + "." + src.Name
			p.Line("%s: $rt.sourceImpl<%s.Crud, %s.Impl>($cidl, %s, %s),", ts.Prop(src.Name), ns, ns, name, ts.Quote(src.Name))
			impls = append(impls, ts.Prop(src.Name)+": "+ns+".Impl")
		}
		if len(impls) > 0 {
			api += " & { " + strings.Join(impls, "; ") + " }"
		}
		p.Line("Orm: $rt.modelOrm<%s.Orm>($cidl, %s),", m.Name, name)
		// `this` in impl reaches the Orm and the data sources.
		this := []string{"Orm: " + m.Name + ".Orm"}
		for _, src := range m.Sources {
			this = append(this, ts.Prop(src.Name)+": "+m.Name+".GeneratedSource."+src.Name)
		}
		p.List("impl: $rt.modelImpl<"+api+", { ", this, "; ", ";", " }>($cidl, "+name+"),")
	}, "} as const;")
}

// stub reports whether the user writes some of src's methods.
func stub(src *idl.Source) bool {
	return src.Get.Stub || src.Save.Stub || src.List != nil && src.List.Stub
}

// self writes the interface of a hydrated object, of a model's shape
// (ts.ModelShape). An R2 field holds the object with its body, so a
// method can stream it.
func (g *gen) self(shape []ts.Property) {
	g.p.Gap()
	g.p.Block("export interface Self {", func() {
		for _, prop := range shape {
			t := g.sp.Type(prop.Type)
			if prop.Kind == ts.R2 {
				t = g.global("R2ObjectBody") + " | null"
			}
			optional := ""
			if prop.Optional {
				optional = "?"
			}
			g.p.Line("%s%s: %s;", ts.Prop(prop.Name), optional, t)
		}
	}, "}")
}

// include writes the include tree type of a model's shape: per
// navigation the tree of its model, KV and R2 fields as leaves.
func (g *gen) include(shape []ts.Property) {
	g.p.Gap()
	g.p.Line("/** An include tree: the navigations, KV and R2 fields to load, each with the tree below it. */")
	g.p.Block("export interface Include {", func() {
		for _, prop := range shape {
			switch prop.Kind {
			case ts.Navigation:
				if target := prop.Type.Root().Name; len(g.models[target].Sources) > 0 {
					g.p.Line("%s?: %s.Include;", ts.Prop(prop.Name), target)
					continue
				}
				fallthrough
			case ts.KV, ts.R2:
				g.p.Line("%s?: $rt.Leaf;", ts.Prop(prop.Name))
			}
		}
	}, "}")
}

// api writes the interface the user implements: one signature per method
// they declared (CRUD methods are generated).
func (g *gen) api(m *idl.Model) {
	g.p.Gap()
	g.p.Block("export interface Api {", func() {
		for _, a := range m.APIs {
			if a.Crud != nil {
				continue
			}
			var params []string
			if !a.Static {
				params = append(params, "self: Self")
			}
			params = append(params, g.signature(a.Injected, a.Durable, fields(a.Params))...)
			result := g.sp.Type(a.Result)
			if a.Result.Kind == idl.Stream { // any body will do
				result = strings.Join([]string{g.sp.Stream, g.global("ArrayBuffer"), g.global("Uint8Array"), g.global("Blob")}, " | ")
			}
			g.p.Line("%s(%s): $rt.ApiResult<%s>;", ts.Prop(a.Name), strings.Join(params, ", "), result)
		}
	}, "}")
}

// fields returns the fields of parameters.
func fields(params []*idl.Param) []*idl.Field {
	out := make([]*idl.Field, len(params))
	for i, p := range params {
		out[i] = &p.Field
	}
	return out
}

// signature writes a method's parameters: env when it injects names or
// runs in a Durable Object, then params, then more.
func (g *gen) signature(injected []string, durable *idl.DurableTarget, params []*idl.Field, more ...optional) []string {
	var out []string
	if len(injected) > 0 || durable != nil {
		out = append(out, "env: "+g.envType(injected, durable))
	}
	return append(out, g.params(params, more...)...)
}

// envType writes the env argument of a method, a data-source method or
// a service's init: ctx, the Durable Object it runs in, then each name
// injected.
func (g *gen) envType(injected []string, durable *idl.DurableTarget) string {
	var members []string
	if durable != nil {
		members = append(members, "ctx: "+durable.Binding)
	}
	for _, name := range injected {
		members = append(members, ts.Prop(name)+": "+g.injectedType(name))
	}
	return "{ " + strings.Join(members, "; ") + " }"
}

// injectedType spells the type of an injected name: the request, the
// whole Env, an injectable's class or value type, or a binding with its
// helpers.
func (g *gen) injectedType(name string) string {
	switch {
	case name == idl.InjectRequest:
		return g.global("Request")
	case name == idl.InjectEnv, g.s.Inject(name) != nil:
		return name
	}
	return "Env." + name
}

// sourceMethod writes a source method's parameter list.
func (g *gen) sourceMethod(sm *idl.SourceMethod, more ...optional) string {
	return strings.Join(g.signature(sm.Injected, sm.Durable, fields(sm.Params), more...), ", ")
}

// generatedSource writes the type of one generated source.
func (g *gen) generatedSource(m *idl.Model, src *idl.Source) {
	p := &g.p
	promise := g.global("Promise")
	p.Gap()
	p.Block("export interface "+src.Name+" {", func() {
		p.Line("readonly tree: Include;")
		if m.HasSQL() {
			p.Line("readonly selectQuery: string;")
			key := m.PrimaryKey
			lastSeen := make([]*idl.Field, len(key))
			for i, f := range key {
				lastSeen[i] = &idl.Field{Name: "lastSeen_" + f.Name, Type: idl.Wrap(idl.Option, f.Type)}
			}
			list := append(lastSeen, &idl.Field{Name: "limit", Type: idl.Prim(idl.Int)})
			stmt := "$rt.SqlStatement"
			var env []string
			if m.Backing.Kind != idl.DurableBacking {
				stmt = g.global("D1PreparedStatement")
				env = []string{"env: { " + ts.Prop(m.Backing.Binding) + ": Env." + m.Backing.Binding + " }"}
			}
			p.Line("getQuery(%s): %s;", strings.Join(append(env, g.params(key)...), ", "), stmt)
			p.Line("listQuery(%s): %s;", strings.Join(append(env, g.params(list)...), ", "), stmt)
		}
		g.crud(m, src, false, promise)
	}, "}")
}

// crud writes the signatures of src's get, list and save that the user
// writes (stub) or that are generated (!stub), their results in wrap.
func (g *gen) crud(m *idl.Model, src *idl.Source, stub bool, wrap string) {
	for _, c := range []struct {
		name, result string
		sm           *idl.SourceMethod
	}{{"get", "Self | null", src.Get}, {"list", "Self[]", src.List}, {"save", "Self", src.Save}} {
		// A model without a table has no generated list.
		if c.sm == nil || c.sm.Stub != stub || !stub && c.name == "list" && !m.HasSQL() {
			continue
		}
		// A generated list filters; one the user writes is given only its
		// own parameters (the router leaves the others unread).
		var more []optional
		if c.name == "list" && !stub && len(m.Filters) > 0 {
			more = append(more, listQuery)
		}
		g.p.Line("%s(%s): %s<%s>;", c.name, g.sourceMethod(c.sm, more...), wrap, c.result)
	}
}

// stubSource writes the types of a source whose methods the user writes:
// Crud, the methods to supply, and Impl, them joined to the generated
// members (reachable through `this`).
func (g *gen) stubSource(m *idl.Model, src *idl.Source) {
	p := &g.p
	p.Gap()
	p.Block("export namespace "+src.Name+" {", func() {
		p.Block("export interface Crud {", func() { g.crud(m, src, true, "$rt.ApiResult") }, "}")
		p.Line("export type Impl = GeneratedSource.%s & Crud;", src.Name)
	}, "}")
}

// isBinding reports whether an injected name is a binding or variable of
// the environment, not an injectable.
func (g *gen) isBinding(name string) bool {
	return name != idl.InjectRequest && name != idl.InjectEnv && g.s.Inject(name) == nil
}

// ormEnv writes the env argument of the model's Orm: its Durable Object
// for a model stored in one, else the model's database and, optionally,
// the bindings the Default tree reaches (a narrower include tree needs
// fewer, and a missing one the tree does need is a clear error at run
// time).
func (g *gen) ormEnv(m *idl.Model) string {
	if m.Backing != nil && m.Backing.Kind == idl.DurableBacking {
		return m.Backing.Binding
	}
	d := m.Source("Default")
	if d == nil {
		return "{}"
	}
	var members []string
	for _, name := range d.Get.Injected {
		if !g.isBinding(name) {
			continue // a user-written get's injectable: the Orm reads bindings alone
		}
		optional := "?"
		if m.Backing != nil && name == m.Backing.Binding {
			optional = ""
		}
		members = append(members, ts.Prop(name)+optional+": Env."+name)
	}
	if len(members) == 0 {
		return "{}"
	}
	return "{ " + strings.Join(members, "; ") + " }"
}
