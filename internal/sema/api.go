package sema

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// apis analyses the api blocks. Blocks for the same model merge, so
// method names are unique across them.
func (c *checker) apis() {
	methods := map[string]*scope{}
	for _, a := range c.apiDecls {
		name := a.Name.Name
		if methods[name] == nil {
			methods[name] = newScope(c.diags, "api '"+name+"'")
		}
		mi := c.infos[name]
		if mi == nil {
			d := c.diags.Errorf(diag.APIModel, a.Name.Span(), "api block for '%s', which is not a model", name)
			if c.poos[name] != nil {
				d.Labelled("a plain old object has no endpoints").Helpf("declare `model %s { }` to group methods without data", name)
			} else {
				d.Labelled("unknown model")
				c.suggest(d, name, c.modelNames())
			}
		}
		for _, m := range a.Methods {
			fresh := methods[name].add(m.Name, "method")
			c.methodName(mi, m.Name)
			c.tags(m.Tags, "an api method", injectTag)
			method := c.method(mi, m)
			if fresh && mi != nil && mi.built != nil && method != nil {
				mi.built.APIs = append(mi.built.APIs, method)
			}
		}
	}
}

// methodName reports a method name the model's generated code already
// uses: one of its members, fields or data sources.
func (c *checker) methodName(mi *modelInfo, id *ast.Ident) {
	if c.reserved(id, ReservedModelMembers, "an API method", "in the model's namespace and client class") || mi == nil {
		return
	}
	taken := func(what string) *diag.Diagnostic {
		return c.diags.Errorf(diag.GeneratedName, id.Span(), "API method '%s' has the name of a %s of '%s'", id.Name, what, mi.decl.Name.Name).
			Labelled("a method and a %s share one namespace in the generated code", what).
			Helpf("rename the method")
	}
	if e, ok := mi.names.names[id.Name]; ok {
		taken(e.what).Also(e.id.Span(), "the %s '%s' is declared here", e.what, id.Name)
		return
	}
	// By model: scanning every source per method made analysis quadratic.
	for _, s := range c.srcsOf[mi.decl.Name.Name] {
		if s.Name.Name == id.Name {
			taken("data source").Also(s.Name.Span(), "the data source '%s' is declared here", id.Name)
			return
		}
	}
	if id.Name == DefaultSource {
		taken("data source")
	}
}

// method analyses one api method of model mi (nil when unknown).
func (c *checker) method(mi *modelInfo, md *ast.Method) *idl.Method {
	verb := strings.ToUpper(md.Verb.Name)
	m := &idl.Method{Name: md.Name.Name, Static: true, Verb: verb, Params: []*idl.Param{},
		ParamsMedia: idl.JSON, Result: idl.Prim(idl.Void), ResultMedia: idl.JSON}
	if md.Result != nil {
		if t := c.resolve(md.Result); t != nil {
			m.Result = t
		}
		if m.Result.Root().Kind == idl.Stream {
			if m.Result.Kind != idl.Stream {
				c.diags.Errorf(diag.APIReturn, md.Result.Span(), "method '%s' returns a stream inside %s", m.Name, m.Result).
					Labelled("a stream is the whole response body").
					Helpf("return `stream` itself")
			}
			m.ResultMedia = idl.Octet
		}
	}
	names := newScope(c.diags, "method '"+m.Name+"'")
	headers := map[string]header{} // by lower-case name
	var stream *ast.Field
	others := 0
	for _, p := range md.Params.List {
		fresh := names.add(p.Name, "parameter")
		if p.IsSelf() {
			c.tags(p.Tags, "'self'", sourceTag)
			if fresh {
				c.self(mi, m, p)
			}
			continue
		}
		c.tags(p.Tags, "a method parameter", validatorTag, headerTag)
		inHeader := slices.ContainsFunc(p.Tags, func(t ast.Tag) bool { return kindOf(t) == headerTag })
		if !inHeader {
			others++ // a stream method may take headers beside the stream
		}
		t := c.resolve(p.Type)
		if t == nil || !fresh {
			continue
		}
		param := &idl.Param{Field: idl.Field{Name: p.Name.Name, Type: t}, Header: inHeader}
		if inHeader {
			if c.header(m, p, param, headers) {
				param.Validators = c.validators(p.Tags, t)
				m.Params = append(m.Params, param)
			}
			continue
		}
		root := t.Root().Kind
		if verb == "GET" && (root == idl.Object || root == idl.Partial || root == idl.R2Object || root == idl.Stream) {
			c.diags.Errorf(diag.APIParam, p.Type.Span(), "GET method '%s' cannot take parameter '%s' of type %s", m.Name, p.Name.Name, t).
				Labelled("a GET request has no body").
				Helpf("GET parameters travel in the query string: use scalars, or make the method a POST")
			continue
		}
		if root == idl.Stream {
			if t.Kind != idl.Stream {
				c.diags.Errorf(diag.APIParam, p.Type.Span(), "parameter '%s' of method '%s' wraps a stream in %s", p.Name.Name, m.Name, t).
					Labelled("a stream is the whole request body").
					Helpf("take `stream` itself")
				continue
			}
			stream = p
			m.ParamsMedia = idl.Octet
		}
		param.Validators = c.validators(p.Tags, t)
		m.Params = append(m.Params, param)
	}
	if stream != nil && others > 1 {
		c.diags.Errorf(diag.APIParam, stream.Span(), "method '%s' takes a stream and other parameters", m.Name).
			Labelled("the stream is the whole request body").
			Helpf("a stream must be the only parameter besides self and [header] parameters")
	}
	m.Injected, m.Durable = c.inject(md.Tags, m.Params)
	if mi == nil || mi.built == nil || m.Static || m.Source == "" {
		return m
	}
	// An instance method runs where its data source fetches self.
	src := mi.built.Source(m.Source)
	if src == nil || src.Get == nil || src.Get.Durable == nil {
		return m
	}
	if m.Durable != nil {
		c.diags.Errorf(diag.DurableConflict, md.Name.Span(), "method '%s' injects a Durable Object context, but already runs in one", m.Name).
			Labelled("its data source '%s' fetches self inside Durable Object '%s'", m.Source, src.Get.Durable.Binding).
			Helpf("drop the context from [inject]: the method already runs there")
	}
	m.Durable = src.Get.Durable
	return m
}

// headerKinds are the types a [header] parameter may have, as an option
// too: those a GET query parameter carries as one text value.
var headerKinds = []idl.Kind{idl.String, idl.Int, idl.Real, idl.Bool, idl.Date}

// forbiddenHeaders are the request headers a browser's fetch refuses to
// set (the Fetch standard's forbidden request-header names, lower case,
// with the prefixes "proxy-" and "sec-"), and the body's Content-Type,
// which the client and the runtime own: a generated client could not
// send such a parameter.
var forbiddenHeaders = []string{
	"accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
	"connection", "content-length", "content-type", "cookie", "cookie2", "date", "dnt", "expect", "host",
	"keep-alive", "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
}

// A header is the header a [header] parameter, named id, is read from.
type header struct {
	id   *ast.Ident
	name string
}

// header checks [header] parameter p of method m, analysed as param: a
// type one header value carries, a header of its own (headers holds the
// method's others, by lower-case name) that a client may send. It reports
// whether the parameter is sound.
func (c *checker) header(m *idl.Method, p *ast.Field, param *idl.Param, headers map[string]header) bool {
	t := param.Type
	kind := t.Kind
	if kind == idl.Option {
		kind = t.Elem.Kind
	}
	if !slices.Contains(headerKinds, kind) {
		c.diags.Errorf(diag.APIParam, p.Type.Span(), "[header] parameter '%s' of method '%s' cannot be of type %s", p.Name.Name, m.Name, t).
			Labelled("a header carries one text value").
			Helpf("a header parameter is a string, int, real, bool or date, or an option of one")
		return false
	}
	name := param.HeaderName()
	lower := strings.ToLower(name)
	if first, ok := headers[lower]; ok {
		c.diags.Errorf(diag.HeaderName, p.Name.Span(), "parameters '%s' and '%s' of method '%s' are both read from the header %s", first.id.Name, p.Name.Name, m.Name, name).
			Labelled("header %s", name).
			Also(first.id.Span(), "header %s", first.name).
			Notef("header names are case-insensitive, and each '_' of a parameter's name is a '-' of its header's").
			Helpf("rename one of the parameters")
		return false
	}
	headers[lower] = header{p.Name, name}
	if slices.Contains(forbiddenHeaders, lower) || strings.HasPrefix(lower, "proxy-") || strings.HasPrefix(lower, "sec-") {
		c.diags.Errorf(diag.HeaderName, p.Name.Span(), "[header] parameter '%s' of method '%s' would be the header %s, which a client cannot set", p.Name.Name, m.Name, name).
			Labelled("header %s", name).
			Notef("browsers refuse to let scripts set %s (a forbidden request header), or it is the body's own", name).
			Helpf("rename the parameter, e.g. 'X_%s'", p.Name.Name)
		return false
	}
	return true
}

// self makes the method an instance method hydrated by a data source.
func (c *checker) self(mi *modelInfo, m *idl.Method, p *ast.Field) {
	m.Static = false
	m.Source = DefaultSource
	var named *ast.Ident
	for _, t := range p.Tags {
		if s, ok := t.(*ast.SourceTag); ok {
			named, m.Source = s.Source, s.Source.Name
		}
	}
	if mi == nil || mi.built == nil || mi.built.Source(m.Source) != nil {
		return
	}
	if named == nil {
		c.diags.Errorf(diag.APIParam, p.Span(), "method '%s' takes 'self', but '%s' has no data to fetch it with", m.Name, mi.decl.Name.Name).
			Labelled("nothing to hydrate").
			Helpf("make the method static by removing 'self', or give '%s' a data source", mi.decl.Name.Name)
		return
	}
	var names []string
	for _, s := range mi.built.Sources {
		names = append(names, s.Name)
	}
	c.unresolved(named, "data source of '"+mi.decl.Name.Name+"'", names)
}

// cruds appends the generated CRUD endpoints: for each kind in the
// model's [crud] tag, one per public data source, except $delete and
// $count, which act on the model's table whatever its sources.
func (c *checker) cruds(m *idl.Model) {
	for _, kind := range m.Cruds {
		if kind == idl.CrudDelete || kind == idl.CrudCount {
			if m.HasSQL() {
				m.APIs = append(m.APIs, c.tableCrud(m, kind))
			}
			continue
		}
		for _, src := range m.Sources {
			if src.Internal {
				continue
			}
			name := "$" + kind
			if src.Name != DefaultSource {
				name += "_" + src.Name
			}
			method := &idl.Method{Name: name, Static: true, Verb: idl.VerbGet, Params: []*idl.Param{}, ParamsMedia: idl.JSON,
				Result: idl.Named(idl.Object, m.Name), ResultMedia: idl.JSON, Crud: &idl.Crud{Kind: kind, Source: src.Name}}
			var from *idl.SourceMethod
			switch kind {
			case idl.CrudGet:
				from = src.Get
			case idl.CrudList:
				from, method.Result = src.List, idl.Wrap(idl.Array, method.Result)
			case idl.CrudSave:
				from, method.Verb = src.Save, idl.VerbPost
			}
			if from == nil {
				continue
			}
			method.Injected, method.Durable = from.Injected, from.Durable
			for _, p := range from.Params {
				method.Params = append(method.Params, &idl.Param{Field: p.Field})
			}
			m.APIs = append(m.APIs, method)
		}
	}
}

// tableCrud returns the $delete or $count endpoint of a model with a
// table. Both run where the model's rows are, inside its Durable Object
// when it has one, addressed by the shard fields; $delete takes the key
// after them, as the generated $get does, and $count its filters in the
// query string, as the generated $list does.
func (c *checker) tableCrud(m *idl.Model, kind string) *idl.Method {
	method := &idl.Method{Name: "$" + kind, Static: true, Verb: idl.VerbGet, Params: []*idl.Param{}, ParamsMedia: idl.JSON,
		Result: idl.Prim(idl.Int), ResultMedia: idl.JSON, Crud: &idl.Crud{Kind: kind}}
	if b := m.Backing; b != nil && b.Kind == idl.DurableBacking {
		method.Durable = &idl.DurableTarget{Binding: b.Binding, Args: b.Shard}
		for _, name := range b.Shard {
			method.Params = append(method.Params, param(m.Route(name), false))
		}
	}
	tree := idl.Tree{} // $count reads the table alone
	if kind == idl.CrudDelete {
		method.Verb, method.Result = idl.VerbDelete, idl.Prim(idl.Void)
		for _, pk := range m.PrimaryKey {
			method.Params = append(method.Params, param(pk, false))
		}
		tree = c.cascadeTree(m, map[string]bool{})
	}
	method.Injected = c.treeBindings(m, tree)
	return method
}

// cascadeTree is the include tree of what a delete of m removes besides
// its row: its KV and R2 fields, and its [cascade] navigations with
// theirs, each model once on a path (cascade cycles are errors of their
// own). Its bindings are those the delete touches.
func (c *checker) cascadeTree(m *idl.Model, path map[string]bool) idl.Tree {
	path[m.Name] = true
	defer delete(path, m.Name)
	tree := idl.Tree{}
	for _, f := range slices.Concat(m.KV, m.R2) {
		tree = append(tree, &idl.Include{Name: f.Name, Children: idl.Tree{}})
	}
	for _, nav := range m.Navigations {
		if target := c.infos[nav.Model].built; nav.Cascade && target != nil && !path[nav.Model] {
			tree = append(tree, &idl.Include{Name: nav.Name, Children: c.cascadeTree(target, path)})
		}
	}
	return tree
}
