package lsp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

func (s *server) hover(params json.RawMessage) (any, *protocol.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, pf, off, occ, ok, rerr := s.symbolAt(params)
	if rerr != nil {
		return nil, rerr
	}
	h := &hoverer{snap: snap}
	var text string
	var span source.Span
	if ok {
		text, span = h.symbol(occ.sym), occ.span
	} else {
		text, span = h.syntax(pf, off)
	}
	if text == "" {
		return nil, nil
	}
	r := s.rangeOf(snap, span)
	return protocol.Hover{Contents: protocol.MarkupContent{Kind: "markdown", Value: text}, Range: &r}, nil
}

// A hoverer writes the markdown shown for a name.
type hoverer struct {
	snap *snapshot
	b    strings.Builder
}

func (h *hoverer) code(format string, args ...any) {
	fmt.Fprintf(&h.b, "```cloesce\n"+format+"\n```\n", args...)
}

func (h *hoverer) para(format string, args ...any) {
	h.b.WriteString("\n")
	fmt.Fprintf(&h.b, format, args...)
	h.b.WriteString("\n")
}

func (h *hoverer) model(name string) *idl.Model {
	if h.snap.schema == nil {
		return nil
	}
	for _, m := range h.snap.schema.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// inject describes an injectable: a value of a type, a class, or a
// service with what its init receives.
func (h *hoverer) inject(sym *symbol) {
	e := sym.node.(*ast.Field)
	var deps []string
	for _, t := range e.Tags {
		if it, ok := t.(*ast.InjectTag); ok {
			for _, d := range it.Entries {
				deps = append(deps, d.Name.Name)
			}
		}
	}
	switch {
	case e.Type != nil:
		h.code("inject { %s: %s }", sym.name, typeText(e.Type, "?"))
		h.para("Value injectable `%s`: a hook sets it for each request (`di.set(%s, value)`), and `[inject %s]` passes it to methods.", sym.name, sym.name, sym.name)
	case len(deps) > 0:
		h.code("inject { [inject %s] %s }", strings.Join(deps, ", "), sym.name)
		h.para("Service `%s`: a class your Worker extends and registers (`app.register`); once per request, before a method that `[inject %s]` runs, its `init(env, request)` receives %s.", sym.name, sym.name, fieldList(deps))
	default:
		h.code("inject { %s }", sym.name)
		h.para("Injectable `%s`: a class your Worker extends and registers (`app.register`), which `[inject %s]` passes to methods.", sym.name, sym.name)
	}
}

func (h *hoverer) symbol(sym *symbol) string {
	switch sym.kind {
	case symModel:
		h.modelHover(sym)
	case symPoo:
		h.poo(sym)
	case symD1:
		h.code("d1 { %s }", sym.name)
		h.para("D1 database `%s`, a binding of the Worker.", sym.name)
		h.tables(sym.name)
	case symKV, symR2, symDurable:
		h.store(sym)
	case symVar:
		f := sym.node.(*ast.Field)
		h.code("%s: %s", sym.name, typeText(f.Type, "?"))
		h.para("Environment variable `%s`, read from the Worker's `env` (wrangler `vars`).", sym.name)
	case symInject:
		h.inject(sym)
	case symField:
		h.field(sym)
	case symPooField:
		f := sym.node.(*ast.Field)
		h.code("%s: %s", sym.name, typeText(f.Type, "?"))
		h.para("Field of plain old object `%s`.", sym.owner)
	case symShard:
		f := sym.node.(*ast.Field)
		h.code("%s: %s", sym.name, typeText(f.Type, "?"))
		h.para("Shard field of Durable Object `%s`: part of the name that addresses one instance.", sym.owner)
	case symTemplate:
		h.template(sym)
	case symTemplateParam:
		f := sym.node.(*ast.Field)
		h.code("%s: %s", sym.name, typeText(f.Type, "?"))
		h.para("Parameter of template `%s`, filling `{%s}` in its key.", sym.owner, sym.name)
	case symSource:
		h.source(sym)
	case symMethod:
		h.method(sym)
	case symParam:
		f := sym.node.(*ast.Field)
		h.code("%s: %s", sym.name, typeText(f.Type, "?"))
		h.para("Parameter of `%s`.", sym.owner)
	case symPrimitive:
		h.code("%s", sym.name)
		h.para("%s", primitiveDocs[sym.name])
	}
	return strings.TrimRight(h.b.String(), "\n")
}

// sqlType is the SQLite storage type of a column type.
var sqlType = map[idl.Kind]string{
	idl.Int: "INTEGER", idl.Bool: "INTEGER", idl.Real: "REAL",
	idl.String: "TEXT", idl.Date: "TEXT", idl.JSONValue: "TEXT", idl.Blob: "BLOB",
}

var primitiveDocs = map[string]string{
	"string":   "Text. SQLite `TEXT`; TypeScript `string`.",
	"int":      "An integer. SQLite `INTEGER`; TypeScript `number`.",
	"real":     "A floating-point number. SQLite `REAL`; TypeScript `number`.",
	"bool":     "A boolean. SQLite `INTEGER` (0 or 1); TypeScript `boolean`.",
	"date":     "A point in time. SQLite `TEXT` (ISO 8601); TypeScript `Date`.",
	"json":     "Any JSON value. SQLite `TEXT`; TypeScript `unknown`.",
	"blob":     "Binary data. SQLite `BLOB`; TypeScript `Uint8Array`, base64 in JSON.",
	"stream":   "A request or response body streamed as raw bytes (`application/octet-stream`); only a whole parameter or result.",
	"r2object": "The metadata of an object in an R2 bucket.",
}

func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// storage describes where a model's table lives.
func storage(m *idl.Model) string {
	switch {
	case m.Backing == nil:
		return "served by the Worker (no table)"
	case m.Backing.Kind == idl.DurableBacking:
		return "stored in the SQLite of Durable Object `" + m.Backing.Binding + "`"
	}
	return "stored in D1 database `" + m.Backing.Binding + "`"
}

func (h *hoverer) modelHover(sym *symbol) {
	d, ok := sym.node.(*ast.ModelDecl)
	if !ok {
		return
	}
	head := "model " + sym.name
	if d.Backing != nil {
		head += " " + collapse(d.Backing.Span().Text())
	}
	h.code("%s", head)
	m := h.model(sym.name)
	if m == nil {
		h.para("Model `%s`; the schema has errors that keep it from being analysed.", sym.name)
		return
	}
	switch {
	case m.HasSQL():
		keys := make([]string, len(m.PrimaryKey))
		for i, k := range m.PrimaryKey {
			keys[i] = "`" + k.Name + "`"
		}
		h.para("Table `%s`, %s, keyed by %s.", m.Name, strings.TrimPrefix(storage(m), "stored "), strings.Join(keys, ", "))
	case m.Backing != nil:
		h.para("Model %s, without a table.", storage(m))
	default:
		h.para("Model served by the Worker, found by its route fields; it has no table.")
	}
	if len(m.Sources) > 0 {
		names := make([]string, len(m.Sources))
		for i, src := range m.Sources {
			names[i] = "`" + src.Name + "`"
		}
		h.para("Data sources: %s.", strings.Join(names, ", "))
	}
	h.endpoints(m, func(*idl.Method) bool { return true })
}

// endpoints lists a model's HTTP endpoints that keep says to show.
func (h *hoverer) endpoints(m *idl.Model, keep func(*idl.Method) bool) {
	var lines []string
	for _, api := range m.APIs {
		if keep(api) {
			lines = append(lines, "- "+h.endpoint(m, api))
		}
	}
	if len(lines) == 0 {
		return
	}
	base := strings.TrimRight(h.snap.cfg.WorkersURL, "/")
	h.para("Endpoints (under %s):\n%s", base, strings.Join(lines, "\n"))
}

// endpoint describes one method: verb, path, parameters and result.
func (h *hoverer) endpoint(m *idl.Model, api *idl.Method) string {
	path := "/" + m.Name
	if !api.Static {
		if src := m.Source(api.Source); src != nil && src.Get != nil {
			for _, p := range src.Get.Params {
				path += "/{" + p.Name + "}"
			}
		}
	}
	path += "/" + api.Name
	params := make([]string, len(api.Params))
	for i, p := range api.Params {
		params[i] = p.Name + ": " + p.Type.String()
	}
	line := fmt.Sprintf("`%s %s` `(%s) -> %s`", api.Verb, path, strings.Join(params, ", "), api.Result)
	if api.Crud != nil {
		line += fmt.Sprintf(" (generated: %s of source %s)", api.Crud.Kind, api.Crud.Source)
	}
	return line
}

func (h *hoverer) poo(sym *symbol) {
	d, ok := sym.node.(*ast.PooDecl)
	if !ok {
		return
	}
	var fields []string
	for _, f := range d.Fields {
		fields = append(fields, "    "+f.Name.Name+": "+typeText(f.Type, "?"))
	}
	h.code("poo %s {\n%s\n}", sym.name, strings.Join(fields, "\n"))
	h.para("Plain old object: a structured value without storage, sent as JSON.")
}

// tables lists the models a binding stores.
func (h *hoverer) tables(binding string) {
	if h.snap.schema == nil {
		return
	}
	var names []string
	for _, m := range h.snap.schema.Models {
		if m.Backing != nil && m.Backing.Binding == binding {
			names = append(names, "`"+m.Name+"`")
		}
	}
	if len(names) == 0 {
		return
	}
	const most = 10
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(" and %d more", len(names)-most)
		names = names[:most]
	}
	h.para("Models stored here: %s%s.", strings.Join(names, ", "), more)
}

func (h *hoverer) store(sym *symbol) {
	d, ok := sym.node.(*ast.StoreDecl)
	if !ok {
		return
	}
	var lines []string
	for _, b := range d.Shards {
		var fs []string
		for _, f := range b.Fields {
			fs = append(fs, f.Name.Name+": "+typeText(f.Type, "?"))
		}
		lines = append(lines, "    shard { "+strings.Join(fs, ", ")+" }")
	}
	for _, t := range d.Templates {
		lines = append(lines, "    "+templateHead(t))
	}
	h.code("%s %s {\n%s\n}", d.Kind, sym.name, strings.Join(lines, "\n"))
	switch d.Kind {
	case ast.KV:
		h.para("KV namespace `%s`, a binding of the Worker.", sym.name)
	case ast.R2:
		h.para("R2 bucket `%s`, a binding of the Worker.", sym.name)
	default:
		h.para("Durable Object `%s`: one instance per shard value, each with its own SQLite and key-value storage.", sym.name)
		h.tables(sym.name)
	}
}

// templateHead is a template as declared, on one line.
func templateHead(t *ast.Template) string {
	s := t.Name.Name + paramsText(t.Params)
	if t.Result != nil {
		s += " -> " + typeText(t.Result, "")
	}
	if t.Key != nil {
		s += " { " + keyText(t.Key) + " }"
	}
	return s
}

func (h *hoverer) template(sym *symbol) {
	t, ok := sym.node.(*ast.Template)
	if !ok {
		return
	}
	h.code("%s", templateHead(t))
	var what string
	if d := h.snap.index.stores[sym.owner]; d != nil {
		what = map[ast.StoreKind]string{ast.KV: "KV namespace", ast.R2: "R2 bucket", ast.Durable: "Durable Object"}[d.Kind]
	}
	h.para("Key template of %s `%s`.", what, sym.owner)
	if it := h.irTemplate(sym.owner, sym.name); it != nil {
		h.para("Value type `%s`; key `%s`, listed by the prefix %q.", it.Type, it.Key, it.Prefix)
	}
}

func (h *hoverer) irTemplate(binding, name string) *idl.Template {
	if h.snap.schema == nil {
		return nil
	}
	env := h.snap.schema.Env
	var ts []*idl.Template
	for _, s := range slices.Concat(env.KV, env.R2) {
		if s.Name == binding {
			ts = s.Templates
		}
	}
	for _, d := range env.Durable {
		if d.Name == binding {
			ts = d.Templates
		}
	}
	for _, t := range ts {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func validatorsText(vs []idl.Validator) string {
	var parts []string
	for _, v := range vs {
		arg := v.Arg
		if v.IsRegex() {
			arg = "/" + arg + "/"
		}
		parts = append(parts, "`["+v.Kind+" "+arg+"]`")
	}
	return strings.Join(parts, " ")
}

func (h *hoverer) field(sym *symbol) {
	m := h.model(sym.owner)
	var f *idl.Field
	if m != nil {
		for _, c := range slices.Concat(m.PrimaryKey, m.Columns, m.Routes) {
			if c.Name == sym.name {
				f = c
			}
		}
	}
	written := ""
	if af, ok := sym.node.(*ast.Field); ok {
		written = typeText(af.Type, "?")
	}
	switch sym.member {
	case columnMember, primaryMember, foreignMember:
		typ := written
		if f != nil {
			typ = f.Type.String()
		}
		h.code("%s: %s", sym.name, typ)
		what := "Column"
		if sym.member == primaryMember || sym.member == foreignMember && h.inPrimary(sym) {
			what = "Primary-key column"
		}
		h.para("%s of `%s`.", what, sym.owner)
		if sym.member == foreignMember {
			fb := sym.block.(*ast.ForeignBlock)
			if sym.pos < len(fb.Refs) {
				opt := ""
				if fb.Optional != nil {
					opt = " (optional)"
				}
				h.para("Foreign key to `%s`%s.", collapse(refText(fb.Refs[sym.pos])), opt)
			}
		}
		if f != nil && m != nil && m.Backing != nil {
			h.para("SQL column of table `%s` (%s):\n```sql\n%s\n```", m.Name, strings.TrimPrefix(storage(m), "stored "), columnSQL(m, f))
		}
		if f != nil && len(f.Validators) > 0 {
			h.para("Validated: %s.", validatorsText(f.Validators))
		}
	case routeMember, aliasMember:
		typ := written
		if f != nil {
			typ = f.Type.String()
		}
		h.code("%s: %s", sym.name, typ)
		if sym.member == aliasMember {
			b := sym.block.(*ast.Backing)
			shard := ""
			if d := h.snap.index.stores[identName(b.Binding)]; d != nil {
				var fs []*ast.Field
				for _, sb := range d.Shards {
					fs = append(fs, sb.Fields...)
				}
				if sym.pos < len(fs) {
					shard = " `" + fs[sym.pos].Name.Name + "`"
				}
			}
			h.para("Shard alias of `%s`: holds the shard field%s of Durable Object `%s`, and addresses the model in URLs.", sym.owner, shard, identName(b.Binding))
		} else {
			h.para("Route field of `%s`: a model served by the Worker is found by its route fields, which its URLs carry.", sym.owner)
		}
	case navMember:
		nb := sym.block.(*ast.NavBlock)
		var nav *idl.Navigation
		if m != nil {
			nav = m.Navigation(sym.name)
		}
		target := navTarget(nb)
		typ := target
		if nav != nil {
			typ = nav.Type.String()
		}
		h.code("%s: %s", sym.name, typ)
		switch {
		case nav == nil:
			h.para("Navigation of `%s` to `%s`.", sym.owner, target)
		case nav.Many:
			h.para("Navigation of `%s`: every `%s` whose %s equals this one's %s (one to many).", sym.owner, target, fieldList(nav.Remote), fieldList(nav.Local))
		case len(nav.Local) == 0:
			h.para("Navigation of `%s` to the singleton `%s`.", sym.owner, target)
		default:
			h.para("Navigation of `%s`: the `%s` whose %s equals this one's %s (one to one).", sym.owner, target, fieldList(nav.Remote), fieldList(nav.Local))
		}
	case kvMember, r2Member:
		var sf *idl.StoreField
		if m != nil {
			for _, x := range slices.Concat(m.KV, m.R2) {
				if x.Name == sym.name {
					sf = x
				}
			}
		}
		st := sym.block.(*ast.StoreField)
		if sf == nil {
			h.code("%s", sym.name)
			h.para("%s field of `%s`, held in `%s`.", strings.ToUpper(st.Kind.String()), sym.owner, identName(st.Binding))
			return
		}
		h.code("%s: %s", sym.name, sf.Type)
		where := "KV namespace `" + sf.Binding + "`"
		switch {
		case sf.Durable:
			where = "the key-value storage of Durable Object `" + sf.Binding + "`"
		case sym.member == r2Member:
			where = "R2 bucket `" + sf.Binding + "`"
		}
		h.para("Held in %s at key `%s` (template `%s`).", where, sf.Key, sf.Template)
	}
}

func fieldList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return strings.Join(q, ", ")
}

// inPrimary reports whether a foreign-key field is part of its model's
// primary key.
func (h *hoverer) inPrimary(sym *symbol) bool {
	m := h.model(sym.owner)
	return m != nil && slices.ContainsFunc(m.PrimaryKey, func(f *idl.Field) bool { return f.Name == sym.name })
}

// columnSQL is the column's definition in the CREATE TABLE statement
// cloesce migrate writes.
func columnSQL(m *idl.Model, f *idl.Field) string {
	t := f.Type
	nullable := t.Kind == idl.Option
	if nullable {
		t = t.Elem
	}
	def := quoteIdent(f.Name) + " " + sqlType[t.Kind]
	rowid := len(m.PrimaryKey) == 1 && m.PrimaryKey[0] == f && t.Kind == idl.Int
	switch {
	case rowid:
		def += " PRIMARY KEY AUTOINCREMENT"
	case !nullable:
		def += " NOT NULL"
	}
	for _, fk := range m.ForeignKeys {
		if i := slices.Index(fk.Columns, f.Name); i >= 0 {
			def += " REFERENCES " + quoteIdent(fk.Model) + " (" + quoteIdent(fk.References[i]) + ")"
		}
	}
	return def
}

func (h *hoverer) source(sym *symbol) {
	h.code("source %s for %s", sym.name, sym.owner)
	m := h.model(sym.owner)
	var src *idl.Source
	if m != nil {
		src = m.Source(sym.name)
	}
	if !sym.decl.IsValid() {
		h.para("The default data source of `%s`, which every model with data has: it includes every one-to-one navigation, and one-to-many navigations, KV and R2 fields one level deep.", sym.owner)
	} else {
		h.para("Data source of `%s`: how to fetch, list and save it, with which related data.", sym.owner)
	}
	if src == nil {
		return
	}
	tree, _ := json.Marshal(src.Tree)
	h.para("Include tree: `%s`%s.", tree, map[bool]string{true: "; internal: no generated endpoints", false: ""}[src.Internal])
	h.endpoints(m, func(api *idl.Method) bool {
		return api.Crud != nil && api.Crud.Source == sym.name || api.Crud == nil && !api.Static && api.Source == sym.name
	})
}

func (h *hoverer) method(sym *symbol) {
	md, ok := sym.node.(*ast.Method)
	if !ok {
		return
	}
	head := identName(md.Verb) + " " + md.Name.Name + paramsText(md.Params)
	if md.Result != nil {
		head += " -> " + typeText(md.Result, "")
	}
	h.code("%s", head)
	m := h.model(sym.owner)
	if m == nil {
		h.para("API method of `%s`.", sym.owner)
		return
	}
	for _, api := range m.APIs {
		if api.Name == sym.name && api.Crud == nil {
			if api.Static {
				h.para("Static method of `%s`.", m.Name)
			} else {
				h.para("Instance method of `%s`: `self` is fetched by data source `%s`.", m.Name, api.Source)
			}
			h.para("Endpoint: %s", h.endpoint(m, api))
			if len(api.Injected) > 0 {
				h.para("Injected: %s.", fieldList(api.Injected))
			}
			if d := api.Durable; d != nil {
				h.para("Runs inside the instance of Durable Object `%s` that %s addresses.", d.Binding, fieldList(d.Args))
			}
			return
		}
	}
	h.para("API method of `%s`.", sym.owner)
}

// Tags and keywords.

var tagDocs = map[string]string{
	"gt":       "Validator: the number must be greater than the argument.",
	"gte":      "Validator: the number must be at least the argument.",
	"lt":       "Validator: the number must be less than the argument.",
	"lte":      "Validator: the number must be at most the argument.",
	"step":     "Validator: the number must be a multiple of the argument, a positive integer.",
	"len":      "Validator: the string must have exactly this many characters.",
	"minlen":   "Validator: the string must have at least this many characters.",
	"maxlen":   "Validator: the string must have at most this many characters.",
	"regex":    "Validator: the string must match the regular expression (JavaScript, `u` flag).",
	"crud":     "Generates CRUD endpoints: `$get`, `$list` and `$save` for each public data source of the model (`$get_<Source>` for a source other than Default), `$delete` and `$count` for the model.",
	"inject":   "Passes bindings, variables and injectables to the method, by name, `Request` and `Env` included; `D(a, b)` runs it inside the Durable Object instance that parameters `a` and `b` address. Before an injectable of an inject block, what its `init(env, request)` receives.",
	"internal": "The data source has no generated endpoints: it is for your own code.",
	"instance": "The parameter is filled by the client from the object it holds: it names a column or route field of the model.",
	"source":   "Hydrates `self` with this data source instead of Default.",
	"index":    "Indexes the column in migrations, so that generated lists and `$count` can filter and order on it.",
	"cascade":  "Deleting an object deletes the objects this navigation reaches, in the same batch, instead of being refused while they exist.",
	"header":   "The parameter is read from the HTTP header of its name, each `_` a `-` (`X_Tenant`: `X-Tenant`); the generated client sends it as that header.",
}

var keywordDocs = map[string]string{
	"model":    "Declares a model: a table in D1 or a Durable Object's SQLite (`for Binding`), or an object served by the Worker.",
	"poo":      "Declares a plain old object: a structured value without storage.",
	"source":   "Declares a data source: how a model is fetched, listed and saved, with an include tree.",
	"api":      "Declares API methods of a model: each is an HTTP endpoint.",
	"d1":       "Declares D1 database bindings.",
	"kv":       "A KV namespace binding with key templates, or (in a model) a field held in one: `kv Ns::template(args) { field }`.",
	"r2":       "An R2 bucket binding with key templates, or (in a model) a field held in one: `r2 Bucket::template(args) { field }`.",
	"durable":  "Declares a Durable Object: shard fields address an instance; key templates name its storage.",
	"vars":     "Declares the Worker's environment variables and their types.",
	"inject":   "Declares injectables: classes your Worker registers (services, with `[inject]` before them) and values a hook sets per request (`Name: type`), for methods that `[inject]` them.",
	"primary":  "The primary-key columns of the model's table.",
	"column":   "Columns of the model's table.",
	"route":    "Route fields of a model served by the Worker: they address it in URLs.",
	"foreign":  "A foreign key: `foreign Model::key { localField }` stores the key of another model's row.",
	"nav":      "A navigation field: `nav T::id(localFk) { f }` follows a foreign key of this model (one to one), `nav T::fk { f }` a foreign key of T (one to many).",
	"unique":   "A unique group: no two rows may share these columns' values.",
	"index":    "An index on these columns, in order: generated lists and `$count` can filter and order on the first.",
	"optional": "The foreign key may be null.",
	"shard":    "The fields that address one instance of the Durable Object.",
	"include":  "The include tree: navigation, KV and R2 fields fetched with the model, nested as deep as written.",
	"for":      "Names the model of a data source, or the binding storing a model's table.",
	"get":      "A GET endpoint; in a data source, the method fetching one object.",
	"list":     "In a data source, the method listing objects a page at a time.",
	"save":     "In a data source, the method saving an object graph (a partial update).",
	"post":     "A POST endpoint: parameters in a JSON body.",
	"put":      "A PUT endpoint.",
	"patch":    "A PATCH endpoint.",
	"delete":   "A DELETE endpoint.",
	"self":     "The object an instance method runs on, fetched by a data source (Default unless `[source X] self`).",
	"option":   "`option<T>`: a T or null (a nullable column).",
	"array":    "`array<T>`: a list of T.",
	"kvobject": "`kvobject<T>`: a value of T stored in KV, with its metadata.",
	"partial":  "`partial<M>`: M with any fields left out, at any depth.",
}

// syntax describes what stands at off when it is no name: a tag or a
// keyword. In a .cloesce.ts file, only what its text writes: a CRUD kind
// of @Model(["GET"]); the tags extraction makes stand at decorators of
// other meanings, and its keywords are TypeScript's.
func (h *hoverer) syntax(pf *parsedFile, off int) (string, source.Span) {
	// A tag's name, or a crud kind.
	var found string
	var span source.Span
	ast.Inspect(pf.file, func(n ast.Node) bool {
		if n == nil || !contains(n.Span(), off) {
			return false
		}
		if t, ok := n.(ast.Tag); ok && t.TagName() != nil && !extracted(t) && contains(t.TagName().Span(), off) {
			found, span = tagDocs[t.TagName().Name], t.TagName().Span()
			if found != "" {
				found = "```cloesce\n[" + t.TagName().Name + "]\n```\n\n" + found
			}
			return false
		}
		if t, ok := n.(*ast.CrudTag); ok {
			for _, k := range t.Kinds {
				if contains(k.Span(), off) {
					found, span = "Generates the `$"+k.Name+"` endpoint of each public data source.", k.Span()
					if k.Name == "delete" || k.Name == "count" {
						found = "Generates the model's `$" + k.Name + "` endpoint."
					}
				}
			}
		}
		return true
	})
	if found != "" || !isCloesce(pf.path) {
		return found, span
	}
	// A keyword: an identifier that is no name of the index.
	toks, _ := pf.tokens()
	i, _ := slices.BinarySearchFunc(toks, off, func(t token.Token, off int) int { return t.Start - off })
	for _, j := range []int{i, i - 1} {
		if j < 0 || j >= len(toks) || toks[j].Kind != token.Ident || off < toks[j].Start || off > toks[j].End {
			continue
		}
		word := pf.text[toks[j].Start:toks[j].End]
		if doc := keywordDocs[word]; doc != "" {
			return "```cloesce\n" + word + "\n```\n\n" + doc, source.Span{File: pf.file.Src, Start: toks[j].Start, End: toks[j].End}
		}
	}
	return "", source.Span{}
}

func contains(s source.Span, off int) bool { return s.Start <= off && off <= s.End }
