package backend

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// model writes the namespace of one model: Self, Api, GeneratedSource,
// the namespaces of sources with user-written methods, Orm and impl.
func (g *gen) model(m *idl.Model) {
	g.use("modelMeta")
	service := len(m.Sources) == 0
	g.w.line("")
	g.w.open("export namespace %s {", m.Name)
	g.w.line("export const Tag = %s;", jsString(m.Name))
	g.w.line("export const Meta = modelMeta(cidl, Tag);")
	if !service {
		g.self(m)
	}
	g.api(m)
	var stubbed []*idl.Source
	if !service {
		g.use("dataSource")
		g.w.line("")
		g.w.open("export namespace GeneratedSource {")
		for i, src := range m.Sources {
			if i > 0 {
				g.w.line("")
			}
			g.generatedSource(m, src)
			if stub(src) {
				stubbed = append(stubbed, src)
			}
		}
		g.w.close("}")
		for _, src := range stubbed {
			g.stubSource(m, src)
		}
		g.orm(m)
	}
	g.impl(m, stubbed)
	g.w.close("}")
}

// stub reports whether the user writes some of src's methods.
func stub(src *idl.Source) bool {
	return src.Get.Stub || src.Save.Stub || src.List != nil && src.List.Stub
}

// self writes the interface of a hydrated object: keys, columns and route
// fields always; navigations and store fields when the include tree
// reaches them.
func (g *gen) self(m *idl.Model) {
	g.w.line("")
	g.w.open("export interface Self {")
	for _, f := range m.PrimaryKey {
		g.w.line("%s: %s;", propName(f.Name), g.tsType(f.Type))
	}
	for _, f := range m.Columns {
		g.w.line("%s: %s;", propName(f.Name), g.tsType(f.Type))
	}
	for _, f := range m.Routes {
		g.w.line("%s: %s;", propName(f.Name), g.tsType(f.Type))
	}
	for _, n := range m.Navigations {
		g.w.line("%s?: %s;", propName(n.Name), g.tsType(n.Type))
	}
	for _, f := range m.KV {
		// Null when the key is absent (KV or Durable Object storage alike).
		g.w.line("%s?: %s;", propName(f.Name), g.tsType(idl.Wrap(idl.Option, f.Type)))
	}
	for _, f := range m.R2 {
		// Hydrated with its body, so a method can stream self.<field>.body.
		g.w.line("%s?: R2ObjectBody | null;", propName(f.Name))
	}
	g.w.close("}")
}

// api writes the interface the user implements: one signature per method
// they declared (CRUD methods are generated).
func (g *gen) api(m *idl.Model) {
	g.w.line("")
	if !slices.ContainsFunc(m.APIs, func(a *idl.Method) bool { return a.Crud == nil }) {
		g.w.line("export interface Api {}")
		return
	}
	g.w.open("export interface Api {")
	for _, a := range m.APIs {
		if a.Crud != nil {
			continue
		}
		var params []string
		if !a.Static {
			params = append(params, "self: Self")
		}
		if e := g.envParam(a.Injected, a.Durable); e != "" {
			params = append(params, e)
		}
		for _, p := range a.Params {
			params = append(params, p.Name+": "+g.tsType(p.Type))
		}
		g.w.line("%s(%s): ApiResult<%s>;", propName(a.Name), strings.Join(params, ", "), g.resultType(a.Result))
	}
	g.w.close("}")
}

// resultType is what a method may return for t; a stream may be any body.
func (g *gen) resultType(t *idl.Type) string {
	if t.Kind == idl.Stream {
		return "ReadableStream | ArrayBuffer | Uint8Array | Blob"
	}
	return g.tsType(t)
}

// envParam writes the env parameter of a method that injects names or
// runs in a Durable Object, or "" when it takes none.
func (g *gen) envParam(injected []string, durable *idl.DurableTarget) string {
	if len(injected) == 0 && durable == nil {
		return ""
	}
	var members []string
	if durable != nil {
		members = append(members, "ctx: "+durable.Binding)
	}
	for _, name := range injected {
		t := "Env." + name
		if g.kinds[name] == "inject" {
			t = name
		}
		members = append(members, propName(name)+": "+t)
	}
	return "env: { " + strings.Join(members, "; ") + " }"
}

// signature writes a source method's parameter list: env when it takes
// one, then its parameters.
func (g *gen) signature(sm *idl.SourceMethod) string {
	var params []string
	if e := g.envParam(sm.Injected, sm.Durable); e != "" {
		params = append(params, e)
	}
	for _, p := range sm.Params {
		params = append(params, p.Name+": "+g.tsType(p.Type))
	}
	return strings.Join(params, ", ")
}

// keyParams writes the primary key as parameters, with a prefix and an
// optional null (the lastSeen parameters of list).
func (g *gen) keyParams(m *idl.Model, prefix, suffix string) []string {
	out := make([]string, len(m.PrimaryKey))
	for i, f := range m.PrimaryKey {
		out[i] = prefix + f.Name + ": " + g.tsType(f.Type) + suffix
	}
	return out
}

// generatedSource writes the type of one generated source and its value.
func (g *gen) generatedSource(m *idl.Model, src *idl.Source) {
	g.use("IncludeTree")
	g.w.open("export interface %s {", src.Name)
	g.w.line("readonly tree: IncludeTree;")
	if m.HasSQL() {
		g.w.line("readonly selectQuery: string;")
		get := g.keyParams(m, "", "")
		list := append(g.keyParams(m, "lastSeen_", " | null"), "limit: number")
		if m.Backing.Kind == idl.DurableBacking {
			g.use("SqlStatement")
			g.w.line("getQuery(%s): SqlStatement;", strings.Join(get, ", "))
			g.w.line("listQuery(%s): SqlStatement;", strings.Join(list, ", "))
		} else {
			env := "env: { " + propName(m.Backing.Binding) + ": Env." + m.Backing.Binding + " }"
			g.w.line("getQuery(%s): D1PreparedStatement;", strings.Join(append([]string{env}, get...), ", "))
			g.w.line("listQuery(%s): D1PreparedStatement;", strings.Join(append([]string{env}, list...), ", "))
		}
	}
	if !src.Get.Stub {
		g.w.line("get(%s): Promise<Self | null>;", g.signature(src.Get))
	}
	if src.List != nil && !src.List.Stub && m.HasSQL() {
		g.w.line("list(%s): Promise<Self[]>;", g.signature(src.List))
	}
	if !src.Save.Stub {
		g.w.line("save(%s): Promise<Self>;", g.signature(src.Save))
	}
	g.w.close("}")
	g.w.line("export const %s = dataSource<%s>(Meta, %s);", src.Name, src.Name, jsString(src.Name))
}

// stubSource writes the namespace of a source whose methods the user
// writes: Crud, the methods to supply, and impl, which joins them to the
// generated members (reachable through `this`).
func (g *gen) stubSource(m *idl.Model, src *idl.Source) {
	g.use("implementSource")
	g.w.line("")
	g.w.open("export namespace %s {", src.Name)
	g.w.open("export interface Crud {")
	if src.Get.Stub {
		g.w.line("get(%s): ApiResult<Self | null>;", g.signature(src.Get))
	}
	if src.List != nil && src.List.Stub {
		g.w.line("list(%s): ApiResult<Self[]>;", g.signature(src.List))
	}
	if src.Save.Stub {
		g.w.line("save(%s): ApiResult<Self>;", g.signature(src.Save))
	}
	g.w.close("}")
	g.w.line("export type Impl = GeneratedSource.%s & Crud;", src.Name)
	g.w.line("")
	g.w.open("export function impl(methods: Crud & ThisType<Impl>): Impl {")
	g.w.line("return implementSource(GeneratedSource.%s, methods) as Impl;", src.Name)
	g.w.close("}")
	g.w.close("}")
}

// orm writes the model's Orm: env-first wrappers of the runtime's Orm, or
// object-first for models stored in a Durable Object. The env holds the
// model's database and, optionally, the bindings the Default tree reaches:
// a narrower include tree needs fewer, and a missing one the tree does
// need is a clear error at run time.
func (g *gen) orm(m *idl.Model) {
	g.use("modelOrm")
	env := "{}"
	if m.Backing != nil && m.Backing.Kind == idl.DurableBacking {
		env = m.Backing.Binding
	} else if d := m.Source("Default"); d != nil && len(d.Get.Injected) > 0 {
		members := make([]string, len(d.Get.Injected))
		for i, name := range d.Get.Injected {
			optional := "?"
			if m.Backing != nil && name == m.Backing.Binding {
				optional = ""
			}
			members[i] = propName(name) + optional + ": Env." + name
		}
		env = "{ " + strings.Join(members, "; ") + " }"
	}
	g.w.line("")
	g.w.line("export const Orm = modelOrm<Self, %s>(Meta);", env)
}

// impl writes impl, which makes the registrable implementation of the
// model from the user's methods and source implementations.
func (g *gen) impl(m *idl.Model, stubbed []*idl.Source) {
	members := []string{}
	if len(m.Sources) > 0 {
		members = append(members, "Orm: typeof Orm")
		for _, src := range m.Sources {
			members = append(members, src.Name+": GeneratedSource."+src.Name)
		}
	}
	if len(stubbed) > 0 {
		g.w.line("")
		g.w.open("export interface Sources {")
		for _, src := range stubbed {
			g.w.line("%s: %s.Impl;", src.Name, src.Name)
		}
		g.w.close("}")
	}
	// Any subset: a declared method left out answers 501 naming it.
	methods := "Partial<Api>"
	if len(stubbed) > 0 {
		methods = "Partial<Api & Sources>"
	}
	this := "I"
	if len(members) > 0 {
		this = "I & { " + strings.Join(members, "; ") + " }"
	}
	g.w.line("")
	g.w.line("/** The implementation to register: your methods, with `this` reaching the data sources and Orm. */")
	g.w.open("export function impl<I extends %s>(methods: I & ThisType<%s>): I & { tag: typeof Tag } {", methods, this)
	g.w.line("return implement(Tag, %s, methods) as unknown as I & { tag: typeof Tag };", generated(m, ""))
	g.w.close("}")
}

// app writes the implementations used for unregistered models (their
// generated data sources, so CRUD works without registering anything),
// cloesce(env) and a default export serving the API.
func (g *gen) app() {
	g.w.line("")
	g.w.line("/** Models nobody registered are served by their generated data sources. */")
	g.w.open("const defaults = new Map<string, { tag: string }>([")
	for _, m := range g.s.Models {
		if len(m.Sources) > 0 {
			g.w.line("[%s.Tag, implement(%s.Tag, %s, {})],", m.Name, m.Name, generated(m, m.Name+"."))
		}
	}
	g.w.close("]);")
	g.w.line("")
	g.w.line("/** The app: register implementations and injectables, then run it (given env here, or to run). */")
	g.w.open("export function cloesce(env?: CfEnv): CloesceApp {")
	g.w.line("return new CloesceApp(cidl, WORKERS_URL, env && upgradeEnv(env), { defaults });")
	g.w.close("}")
	g.w.line("")
	g.w.open("export default {")
	g.w.open("fetch(request: Request, env: CfEnv): Promise<Response> {")
	g.w.line("return cloesce(env).run(request);")
	g.w.close("},")
	g.w.close("};")
}

// generated writes the object of m's generated members (Orm and its
// data sources), names qualified by prefix outside m's namespace.
func generated(m *idl.Model, prefix string) string {
	if len(m.Sources) == 0 {
		return "{}"
	}
	parts := []string{"Orm"}
	if prefix != "" {
		parts[0] = "Orm: " + prefix + "Orm"
	}
	for _, src := range m.Sources {
		parts = append(parts, src.Name+": "+prefix+"GeneratedSource."+src.Name)
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
