package backend

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// env writes CfEnv (the bindings as wrangler gives them), the Env
// namespace (each binding with its template helpers) and upgradeEnv.
func (g *gen) env() {
	s := g.s
	g.w.line("")
	g.w.line("/** The Worker's bindings and variables, as wrangler provides them. */")
	g.w.open("export interface CfEnv {")
	for _, d := range s.Env.D1 {
		g.w.line("%s: D1Database;", propName(d))
	}
	for _, st := range s.Env.KV {
		g.w.line("%s: KVNamespace;", propName(st.Name))
	}
	for _, st := range s.Env.R2 {
		g.w.line("%s: R2Bucket;", propName(st.Name))
	}
	for _, d := range s.Env.Durable {
		g.w.line("%s: DurableObjectNamespace<%s>;", propName(d.Name), d.Name)
	}
	for _, v := range s.Env.Vars {
		g.w.line("%s: %s;", propName(v.Name), varType(v.Type))
	}
	g.w.close("}")

	g.w.line("")
	g.w.line("/** Each binding with its template helpers (env.Bucket.photos.get(id)). */")
	g.w.open("export namespace Env {")
	for _, d := range s.Env.D1 {
		g.w.line("export type %s = CfEnv[%s];", d, jsString(d))
	}
	for _, st := range s.Env.KV {
		g.use("KvTemplate")
		g.helperType(st.Name, st.Templates, func(t *idl.Template) string {
			return "KvTemplate<" + g.tuple(t.Params) + ", " + g.tsType(t.Type.Elem) + ">"
		})
	}
	for _, st := range s.Env.R2 {
		g.use("R2Template")
		g.helperType(st.Name, st.Templates, func(t *idl.Template) string {
			return "R2Template<" + g.tuple(t.Params) + ">"
		})
	}
	for _, d := range s.Env.Durable {
		g.use("DurableHelpers")
		ns := "CfEnv[" + jsString(d.Name) + "]"
		g.w.line("export type %s = %s & DurableHelpers<%s, %s>;", d.Name, ns, g.tuple(d.Shard), ns)
	}
	for _, v := range s.Env.Vars {
		g.w.line("export type %s = CfEnv[%s];", v.Name, jsString(v.Name))
	}
	g.w.close("}")

	g.w.line("")
	g.w.line("/** The Worker's environment with every binding's helpers. */")
	var helpers []string
	for _, st := range s.Env.KV {
		helpers = append(helpers, st.Name)
	}
	for _, st := range s.Env.R2 {
		helpers = append(helpers, st.Name)
	}
	for _, d := range s.Env.Durable {
		helpers = append(helpers, d.Name)
	}
	if len(helpers) == 0 {
		g.w.line("export type Env = CfEnv;")
	} else {
		g.w.open("export type Env = CfEnv & {")
		for _, h := range helpers {
			g.w.line("%s: Env.%s;", propName(h), h)
		}
		g.w.close("};")
	}

	g.use("upgradeEnv as upgradeBindings")
	g.w.line("")
	g.w.line("/** Attaches the template helpers to env's bindings and returns it as Env. */")
	g.w.open("export function upgradeEnv(env: CfEnv): Env {")
	g.w.line("return upgradeBindings(env, cidl) as Env;")
	g.w.close("}")
}

// helperType writes the Env type of a KV namespace or R2 bucket: the
// binding and one helper property per template.
func (g *gen) helperType(name string, templates []*idl.Template, helper func(*idl.Template) string) {
	base := "CfEnv[" + jsString(name) + "]"
	if len(templates) == 0 {
		g.w.line("export type %s = %s;", name, base)
		return
	}
	g.w.open("export type %s = %s & {", name, base)
	for _, t := range templates {
		g.w.line("%s: %s;", propName(t.Name), helper(t))
	}
	g.w.close("};")
}

// tuple writes parameters as a labelled tuple type: [id: number, name: string].
func (g *gen) tuple(params []*idl.Field) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p.Name + ": " + g.tsType(p.Type)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// injects writes a base class per custom injectable, which the user
// extends and registers.
func (g *gen) injects() {
	for _, name := range g.s.Injects {
		g.w.line("")
		g.w.line("/** Injected as %s: extend it and register an instance with app.register. */", name)
		g.w.open("export abstract class %s {", name)
		g.w.line("readonly tag = %s;", jsString(name))
		g.w.close("}")
	}
}

// poos writes an interface per plain old object.
func (g *gen) poos() {
	for _, p := range g.s.Poos {
		g.w.line("")
		g.w.open("export interface %s {", p.Name)
		for _, f := range p.Fields {
			g.w.line("%s: %s;", propName(f.Name), g.tsType(f.Type))
		}
		g.w.close("}")
	}
}

// durables writes the abstract class of each Durable Object, which the
// user extends: typed accessors for its storage templates and cloesce(env),
// the app that serves requests forwarded to it.
func (g *gen) durables() {
	for i, d := range g.s.Env.Durable {
		g.use("DurableMigration", "applyDurableMigrations")
		g.w.line("")
		g.w.line("/** The %s Durable Object: extend it, build the app in the constructor and serve it from fetch. */", d.Name)
		g.w.open("export abstract class %s extends DurableObject<CfEnv> {", d.Name)
		if len(d.Templates) > 0 {
			g.use("DurableKvTemplate")
		}
		for _, t := range d.Templates {
			g.w.line("readonly %s: DurableKvTemplate<%s, %s>;", propName(t.Name), g.tuple(t.Params), g.tsType(t.Type))
		}
		g.w.line("")
		g.w.open("constructor(")
		g.w.line("readonly state: DurableObjectState,")
		g.w.line("env: CfEnv,")
		g.w.indent--
		g.w.open(") {")
		g.w.line("super(state, env);")
		if len(d.Templates) > 0 {
			g.use("durableStorageHelpers")
			g.w.line("const storage = durableStorageHelpers(state.storage, cidl.env.durable[%d]!);", i)
			for _, t := range d.Templates {
				g.w.line("this.%s = storage[%s] as %s[%s];", t.Name, jsString(t.Name), d.Name, jsString(t.Name))
			}
		}
		g.w.close("}")
		g.w.line("")
		g.w.line("/** The app serving this object: applies migrations (each once) and routes forwarded requests. */")
		g.w.open("protected cloesce(env: CfEnv, migrations: DurableMigration[] = []): CloesceApp {")
		g.w.line("applyDurableMigrations(this.state.storage, migrations);")
		g.w.line("const host = { binding: %s, object: this, storage: { env: upgradeEnv(env), durable: this.state.storage } };", jsString(d.Name))
		g.w.line("return new CloesceApp(cidl, WORKERS_URL, host.storage.env, { durable: host, defaults });")
		g.w.close("}")
		g.w.close("}")
	}
}
