package openapi

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// Component names that are not the schema's: the schema's own are
// identifiers, and these hold a dot or are names sema reserves, so none
// can clash with a model, a poo or one another.
const (
	partialPrefix = "DeepPartial." // DeepPartial.M: partial<M>, as client.ts names it
	r2Object      = "R2Object"
	paramProblem  = "ParamProblem"
	problemDoc    = "cloesce.Problem"
)

// safeRange keeps an int of a request to the integers a JSON number
// carries exactly: the router refuses any other (Number.isSafeInteger).
// A response may hold a larger one: D1 stores 64-bit integers (a key
// after 2^53 - 1 from AUTOINCREMENT, say).
var safeRange = []constraint{{key: "minimum", arg: "-9007199254740991"}, {key: "maximum", arg: "9007199254740991"}}

// base64Pattern matches padded standard base64 whose unused bits are
// zero: the blobs the router decodes.
const base64Pattern = `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$`

// A place is where a value travels, which bends its schema.
type place uint8

const (
	response place = iota // a response's body: whatever is stored
	body                  // a request's body: the router refuses unsafe ints, and null where a type has none
	text                  // a query string, a path or a header: json is JSON text, null is absence
)

// A value is what a schema describes: a type, the validators at its root
// and where it travels.
type value struct {
	t        *idl.Type
	vs       []idl.Validator
	at       place
	partial  bool   // objects in their DeepPartial form, at any depth
	nullable bool   // null allowed (option<T>, a KV or R2 field without a value)
	desc     string // the schema's description, if any
}

// jsonTypes are the JSON Schema types of the kinds that have one.
var jsonTypes = [idl.KVObject + 1]string{
	idl.Int: "integer", idl.Real: "number", idl.String: "string", idl.Bool: "boolean",
	idl.Date: "string", idl.Blob: "string", idl.Array: "array", idl.KVObject: "object",
}

// schema writes the JSON Schema of v: validators become constraints
// (minLength, pattern, minimum, exclusiveMinimum, ...) at the type's root,
// below array, option and kvobject, where the router applies them.
func (g *gen) schema(v value) {
	w := &g.w
	t := v.t
	switch {
	case t.Kind == idl.Option:
		v.t, v.nullable = t.Elem, v.at != text // in text, null is a parameter left out
		g.schema(v)
		return
	case t.Kind == idl.JSONValue && v.at == text:
		w.begin('{')
		g.describe(v.desc)
		w.field("type", "string")
		w.field("contentMediaType", "application/json")
		w.end('}')
		return
	case jsonTypes[t.Kind] == "":
		g.special(v)
		return
	case t.Elem == nil && len(v.vs) == 0 && v.desc == "":
		// A primitive without validators: the same bytes every time.
		w.memo(&g.prims[t.Kind][boolIndex(v.nullable)][v.at], func() { g.typed(v) })
		return
	}
	g.typed(v)
}

// typed writes the schema of a value whose kind has a JSON type.
func (g *gen) typed(v value) {
	w := &g.w
	t := v.t
	w.begin('{')
	g.describe(v.desc)
	w.key("type")
	if v.nullable {
		w.strings([]string{jsonTypes[t.Kind], "null"})
	} else {
		w.str(jsonTypes[t.Kind])
	}
	switch t.Kind {
	case idl.Array:
		w.key("items")
		g.schema(value{t: t.Elem, vs: v.vs, at: v.at, partial: v.partial})
	case idl.KVObject:
		w.key("properties")
		w.begin('{')
		w.key("raw")
		g.schema(value{t: t.Elem, vs: v.vs, at: v.at, partial: v.partial})
		w.key("metadata")
		w.begin('{')
		w.end('}')
		w.end('}')
		if required(t.Elem) {
			w.key("required")
			w.strings([]string{"raw"})
		}
	case idl.Date:
		w.field("format", "date-time")
	case idl.Blob:
		w.field("contentEncoding", "base64")
		w.field("pattern", base64Pattern)
	case idl.Int, idl.Real, idl.String:
		g.constraints(t.Kind == idl.Int && v.at != response, v.vs)
	}
	w.end('}')
}

// special writes the schema of a kind without a JSON type of its own: a
// reference to a component, any JSON value, or null (void).
func (g *gen) special(v value) {
	w := &g.w
	var target string
	switch v.t.Kind {
	case idl.Object:
		target = v.t.Name
		if v.partial {
			target = partialPrefix + target
		}
	case idl.Partial:
		target = partialPrefix + v.t.Name
	case idl.R2Object:
		target = r2Object
	}
	w.begin('{')
	g.describe(v.desc)
	switch {
	case v.t.Kind == idl.Void:
		w.field("type", "null")
	case target == "": // json, which null is already one of; a stream has no JSON form
	case v.nullable:
		w.key("anyOf")
		w.begin('[')
		w.begin('{')
		w.ref("schemas", target)
		w.end('}')
		w.begin('{')
		w.field("type", "null")
		w.end('}')
		w.end(']')
	default:
		w.ref("schemas", target)
	}
	w.end('}')
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (g *gen) describe(desc string) {
	if desc != "" {
		g.w.field("description", desc)
	}
}

// required reports whether a value of type t must be given: the router
// takes an absent option as null, an absent array as [] and an absent
// json as null.
func required(t *idl.Type) bool {
	return t.Kind != idl.Option && t.Kind != idl.Array && t.Kind != idl.JSONValue
}

// A constraint is one JSON Schema keyword on a number or a string.
type constraint struct {
	key, arg string
	text     bool // arg is a string (a pattern), else a number token
}

// keywords are the JSON Schema keywords of the validators; len gives two.
var keywords = map[string][]string{
	"gt": {"exclusiveMinimum"}, "gte": {"minimum"}, "lt": {"exclusiveMaximum"}, "lte": {"maximum"},
	"step": {"multipleOf"}, "len": {"minLength", "maxLength"}, "minlen": {"minLength"}, "maxlen": {"maxLength"},
	"regex": {"pattern"},
}

// constraints writes the keywords of the validators vs, within the safe
// range when safe, where no validator sets that bound. A keyword given
// twice (a validator written and one inherited, or len beside minlen)
// cannot be one member twice: the later ones go into allOf, so that every
// one holds.
func (g *gen) constraints(safe bool, vs []idl.Validator) {
	if safe {
		for _, c := range safeRange {
			if !slices.ContainsFunc(vs, func(v idl.Validator) bool { return slices.Contains(keywords[v.Kind], c.key) }) {
				g.constraint(c)
			}
		}
	}
	var more []constraint
	for i, v := range vs {
		for _, key := range keywords[v.Kind] {
			c := constraint{key: key, arg: v.Arg, text: v.IsRegex()}
			if slices.ContainsFunc(vs[:i], func(o idl.Validator) bool { return slices.Contains(keywords[o.Kind], key) }) {
				more = append(more, c)
			} else {
				g.constraint(c)
			}
		}
	}
	if len(more) == 0 {
		return
	}
	g.w.key("allOf")
	g.w.begin('[')
	for _, c := range more {
		g.w.begin('{')
		g.constraint(c)
		g.w.end('}')
	}
	g.w.end(']')
}

func (g *gen) constraint(c constraint) {
	g.w.key(c.key)
	if c.text {
		g.w.str(c.arg)
	} else {
		g.w.num(c.arg)
	}
}

// A prop is a property of an object schema: a field of a model or poo.
type prop struct {
	name     string
	t        *idl.Type
	vs       []idl.Validator
	extra    bool // may be absent whatever its type: navigations, KV and R2 fields
	nullable bool
	desc     string
}

// modelProps are the properties of a model's JSON form: its key,
// columns and route fields, which it always has, then its navigations,
// KV and R2 fields, which come only when the include tree loads them.
func modelProps(m *idl.Model) []prop {
	var out []prop
	for _, fs := range [][]*idl.Field{m.PrimaryKey, m.Columns, m.Routes} {
		for _, f := range fs {
			out = append(out, prop{name: f.Name, t: f.Type, vs: f.Validators})
		}
	}
	for _, n := range m.Navigations {
		what := "one " + n.Model
		if n.Many {
			what = "the " + n.Model + " objects"
		}
		out = append(out, prop{name: n.Name, t: n.Type, extra: true,
			desc: "Navigation to " + what + "; present only when the include tree loads it."})
	}
	for _, f := range m.KV {
		where := "KV namespace " + f.Binding
		if f.Durable {
			where = "the storage of Durable Object " + f.Binding
		}
		out = append(out, prop{name: f.Name, t: f.Type, vs: f.Validators, extra: true, nullable: true,
			desc: "The value at " + f.Key + " in " + where + ", null when there is none; present only when the include tree loads it."})
	}
	for _, f := range m.R2 {
		out = append(out, prop{name: f.Name, t: f.Type, extra: true, nullable: true,
			desc: "The metadata of the object at " + f.Key + " in R2 bucket " + f.Binding + ", null when there is none; present only when the include tree loads it."})
	}
	return out
}

func pooProps(p *idl.Poo) []prop {
	out := make([]prop, len(p.Fields))
	for i, f := range p.Fields {
		out[i] = prop{name: f.Name, t: f.Type, vs: f.Validators}
	}
	return out
}

// object writes an object schema of props, travelling at. Under partial
// every property may be left out (and objects below are partial too);
// otherwise those whose value must be given are required.
func (g *gen) object(desc string, props []prop, at place, partial bool) {
	w := &g.w
	w.begin('{')
	g.describe(desc)
	w.field("type", "object")
	var req []string
	if len(props) > 0 {
		w.key("properties")
		w.begin('{')
		for _, p := range props {
			w.key(p.name)
			v := value{t: p.t, vs: p.vs, at: at, partial: partial, nullable: p.nullable, desc: p.desc}
			if at == body {
				// The router refuses a KV or R2 field that is null, and the
				// descriptions are of loaded objects.
				v.nullable, v.desc = false, ""
			}
			g.schema(v)
			if !partial && !p.extra && required(p.t) {
				req = append(req, p.name)
			}
		}
		w.end('}')
	}
	if len(req) > 0 {
		w.key("required")
		w.strings(req)
	}
	w.end('}')
}

// components writes the schemas, by name, and the problem responses the
// operations use, in status order.
func (g *gen) components() {
	type component struct {
		name  string
		write func()
	}
	var list []component
	for _, m := range g.s.Models {
		list = append(list, component{m.Name, func() { g.object(modelDescription(m), g.props(m.Name), response, false) }})
	}
	for _, p := range g.s.Poos {
		list = append(list, component{p.Name, func() { g.object("", g.props(p.Name), response, false) }})
	}
	partials, r2 := g.reachable()
	for _, name := range partials {
		desc := "partial<" + name + ">: any of the fields of " + name + ", at any depth, may be left out."
		list = append(list, component{partialPrefix + name, func() { g.object(desc, g.props(name), body, true) }})
	}
	if r2 {
		list = append(list, component{r2Object, g.r2Object})
	}
	list = append(list, component{paramProblem, g.paramProblem}, component{problemDoc, g.problem})
	slices.SortFunc(list, func(a, b component) int { return strings.Compare(a.name, b.name) })

	w := &g.w
	w.begin('{')
	w.key("schemas")
	w.begin('{')
	for _, c := range list {
		w.key(c.name)
		c.write()
	}
	w.end('}')
	w.key("responses")
	w.begin('{')
	for i, p := range problems {
		if g.used&(1<<i) != 0 {
			w.key(p.name)
			g.problemResponse(p)
		}
	}
	w.end('}')
	w.end('}')
}

// modelDescription says where a model's objects live.
func modelDescription(m *idl.Model) string {
	durable := m.Backing != nil && m.Backing.Kind == idl.DurableBacking
	switch {
	case m.HasSQL() && durable:
		return "Stored in the SQLite storage of Durable Object " + m.Backing.Binding + perShard(m.Backing)
	case m.HasSQL():
		return "Stored in D1 database " + m.Backing.Binding + "."
	case durable:
		return "Served by the Worker from Durable Object " + m.Backing.Binding + perShard(m.Backing)
	case len(m.Routes) > 0:
		return "Served by the Worker, addressed by its route fields."
	case len(m.Navigations) > 0 || len(m.KV) > 0 || len(m.R2) > 0:
		return "Served by the Worker: a single object, without route fields."
	}
	return "A service: it has no data, only methods."
}

// perShard ends a sentence on the objects of a Durable Object backing.
func perShard(b *idl.Backing) string {
	if len(b.Shard) == 0 {
		return " (a global object)."
	}
	return ", an object per " + strings.Join(b.Shard, ", ") + "."
}

// reachable returns the models and poos whose partial form a schema
// names, by name, and whether R2Object is: partial<X> anywhere, and
// below it every model or poo X's fields name (partial too).
func (g *gen) reachable() (partials []string, r2 bool) {
	seen := map[string]bool{}
	var visit func(t *idl.Type, partial bool)
	visit = func(t *idl.Type, partial bool) {
		for ; t != nil; t = t.Elem {
			switch t.Kind {
			case idl.R2Object:
				r2 = true
			case idl.Partial:
				partial = true
				fallthrough
			case idl.Object:
				if !partial || seen[t.Name] {
					continue
				}
				seen[t.Name] = true
				partials = append(partials, t.Name)
				for _, p := range g.props(t.Name) {
					visit(p.t, true)
				}
			}
		}
	}
	for _, m := range g.s.Models {
		for _, p := range g.props(m.Name) {
			visit(p.t, false)
		}
		for _, a := range m.APIs {
			for _, p := range a.Params {
				visit(p.Type, false)
			}
			visit(a.Result, false)
		}
	}
	for _, p := range g.s.Poos {
		for _, f := range p.Fields {
			visit(f.Type, false)
		}
	}
	slices.Sort(partials)
	return partials, r2
}

// props are the properties of the model or poo called name, made once.
func (g *gen) props(name string) []prop {
	props, ok := g.propsOf[name]
	if !ok {
		if m := g.models[name]; m != nil {
			props = modelProps(m)
		} else {
			props = pooProps(g.poos[name])
		}
		g.propsOf[name] = props
	}
	return props
}

// r2Object writes the JSON form of an R2 object: its metadata, camelCase,
// as the router writes and reads it.
func (g *gen) r2Object() {
	w := &g.w
	str := value{t: idl.Prim(idl.String)}
	w.begin('{')
	w.field("type", "object")
	w.field("description", "The metadata of an R2 object (not its body); uploaded is when it was written.")
	w.key("properties")
	w.begin('{')
	w.key("key")
	g.schema(str)
	w.key("version")
	g.schema(str)
	w.key("size")
	g.schema(value{t: idl.Prim(idl.Int), vs: []idl.Validator{{Kind: "gte", Arg: "0"}}})
	w.key("etag")
	g.schema(str)
	w.key("httpEtag")
	g.schema(str)
	w.key("uploaded")
	g.schema(value{t: idl.Prim(idl.Date)})
	w.key("customMetadata")
	w.begin('{')
	w.field("type", "object")
	w.key("additionalProperties")
	g.schema(str)
	w.end('}')
	w.end('}')
	w.key("required")
	w.strings([]string{"key", "version", "size", "etag", "httpEtag", "uploaded"})
	w.end('}')
}
