package client

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/gen/ts"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// A call is what a method's two forms share: its route, its parameters
// (renamed off reserved words and the names its body uses) and its
// result.
type call struct {
	doc     string   // "/** GET /M/{id}/m */"
	params  []string // "name: type": api's, then its source's get's that the object does not hold, then a count's query
	args    []string // their names, in order
	keys    []string // for an instance method, the path segments' text
	promise string   // the return type
	// init is the last parameter, which holds the call's options: "init?:
	// CallOptions", or a list's query, which holds them beside its where,
	// order and after; initArg is its name.
	init, initArg string
	// query names the parameter holding a list's or count's where (and
	// order and after), or is "".
	query string
}

// call works out the call of api, an endpoint of model m. Its parameters
// are api's, then, for an instance method, the parameters of its source's
// get that the object does not hold. An instance method's URL carries the
// source's get parameters as path segments, in order, between the model
// and the method.
func (g *generator) call(m *idl.Model, api *idl.Method) *call {
	if c := g.calls[api]; c != nil {
		return c
	}
	c := &call{}
	g.calls[api] = c
	names := ts.NewScope(g.avoid)
	for _, param := range api.Params {
		name := names.Fresh(param.Name)
		c.args = append(c.args, name)
		c.params = append(c.params, name+": "+g.sp.Type(param.Type))
	}
	route := "/" + m.Name
	if src := m.Source(api.Source); !api.Static && src != nil && src.Get != nil {
		for _, kp := range src.Get.Params {
			expr := "self." + kp.Name
			if !kp.Instance {
				expr = names.Fresh(kp.Name)
				c.args = append(c.args, expr)
				c.params = append(c.params, expr+": "+g.sp.Type(kp.Type))
			}
			c.keys = append(c.keys, g.keyText(kp.Type, expr))
			route += "/{" + kp.Name + "}"
		}
	}
	c.init, c.initArg = "init?: CallOptions", "init"
	if filters(m, api) {
		c.query = names.Fresh("query")
		if api.Crud.Kind == idl.CrudList {
			c.init = c.query + "?: $ListQuery<" + m.Name + ".Where, " + m.Name + ".OrderBy, " + m.Name + "> & CallOptions"
			c.initArg = c.query
		} else {
			c.args = append(c.args, c.query)
			c.params = append(c.params, c.query+"?: { where?: "+m.Name+".Where }")
		}
	}
	// Callers append to these: clipped, each append copies.
	c.params, c.args = slices.Clip(c.params), slices.Clip(c.args)
	c.doc = "/** " + api.Verb + " " + route + "/" + api.Name + " */"
	c.promise = g.sp.Global("Promise") + "<HttpResult<" + g.resultType(api.Result) + ">>"
	return c
}

// shim writes the method of m's class: static unless it takes self, it
// calls the default client ($client).
func (g *generator) shim(p *ts.Printer, m *idl.Model, api *idl.Method) {
	c := g.call(m, api)
	static, args := "static ", c.args
	if !api.Static {
		static, args = "", append([]string{"this"}, args...)
	}
	p.Line("%s", c.doc)
	p.Args(static+ts.Prop(api.Name)+"(", append(c.params, c.init), "): "+c.promise+" {")
	p.Indent(func() {
		p.Args("return $client"+member(m.Name)+member(api.Name)+"(", append(args, c.initArg), ");")
	}, "}")
}

// method writes the method sending api's request, a member of the
// object createClient gives for m.
func (g *generator) method(p *ts.Printer, m *idl.Model, api *idl.Method) {
	c := g.call(m, api)
	params := append(c.params, c.init)
	if !api.Static {
		params = append([]string{"self: " + m.Name}, params...)
	}
	p.Line("%s", c.doc)
	p.Args(ts.Prop(api.Name)+"(", params, "): "+c.promise+" {")
	p.Indent(func() {
		url := "const $url = $endpoint($c, " + ts.Quote(m.Name) + ", " + ts.Quote(api.Name)
		if len(c.keys) > 0 {
			p.Args(url+", [", c.keys, "]);")
		} else {
			p.Line("%s);", url)
		}
		init := c.initArg
		var headers []string
		for i, param := range api.Params {
			if param.Header {
				headers = append(headers, ts.Quote(param.HeaderName())+": "+c.args[i])
			}
		}
		if len(headers) > 0 {
			init = "$withHeaders(" + init + ", { " + strings.Join(headers, ", ") + " })"
		}
		send := []string{"$c", ts.Quote(api.Verb), "$url", init, g.reader(api.Result)}
		switch {
		case api.Verb == "GET" || crudKind(api) == idl.CrudDelete: // $delete: the key, and no body
			for i, param := range api.Params {
				if param.Header {
					continue
				}
				values, encode := g.queryArgs(c.args[i], param.Type)
				p.Args("$addQuery(", []string{"$url", ts.Quote(param.Name), values, encode}, ");")
			}
			if c.query != "" {
				g.addListQuery(p, m, api, c.query)
			}
		case api.ParamsMedia == idl.Octet:
			for i, param := range api.Params {
				if !param.Header { // the stream
					send = append(send, "$octetBody("+c.args[i]+")")
				}
			}
		case api.Bodyless():
			// No body, and so no Content-Type (docs/backend.md, "Header parameters").
		default:
			var fields []string
			for i, param := range api.Params {
				switch {
				case param.Header:
				case c.args[i] != param.Name:
					fields = append(fields, ts.Prop(param.Name)+": "+c.args[i])
				default:
					fields = append(fields, c.args[i])
				}
			}
			body := "{}"
			if len(fields) > 0 {
				body = "{ " + strings.Join(fields, ", ") + " }"
			}
			send = append(send, "$jsonBody("+body+")")
		}
		p.Args("return $send(", send, ");")
	}, "},")
}

// member spells the access of property name: .name, or ["name"].
func member(name string) string {
	if p := ts.Prop(name); p == name {
		return "." + name
	}
	return "[" + ts.Quote(name) + "]"
}

// filters reports whether api, an endpoint of m, filters: $count, or
// $list of a generated list (the router gives one the user writes only
// its own parameters), of a model with filterable columns.
func filters(m *idl.Model, api *idl.Method) bool {
	if len(m.Filters) == 0 {
		return false
	}
	switch crudKind(api) {
	case idl.CrudCount:
		return true
	case idl.CrudList:
		src := m.Source(api.Crud.Source)
		return src != nil && src.List != nil && !src.List.Stub
	}
	return false
}

// crudKind returns the kind of CRUD endpoint api is, or "".
func crudKind(api *idl.Method) string {
	if api.Crud == nil {
		return ""
	}
	return api.Crud.Kind
}

// addListQuery writes the statement adding a list's or count's query,
// held by the parameter query, to $url: for a list, the key, which after
// continues from; and the writers of the columns it may name whose values
// are not sent as text (String).
func (g *generator) addListQuery(p *ts.Printer, m *idl.Model, api *idl.Method, query string) {
	columns := ts.Filters(m)
	var key []string
	if api.Crud.Kind == idl.CrudList {
		for _, f := range m.PrimaryKey {
			if !slices.Contains(m.Filters, f.Name) {
				columns = append(columns, f)
			}
			key = append(key, ts.Quote(f.Name))
		}
	}
	var writers []string
	for _, f := range columns {
		t := f.Type
		if t.Kind == idl.Option {
			t = t.Elem
		}
		if w := g.encoder(t); w != g.sp.Global("String") {
			writers = append(writers, ts.Prop(f.Name)+": "+w)
		}
	}
	args := []string{"$url", query}
	if len(key) > 0 || len(writers) > 0 {
		args = append(args, "["+strings.Join(key, ", ")+"]")
	}
	if len(writers) > 0 {
		args = append(args, "{ "+strings.Join(writers, ", ")+" }")
	}
	p.Args("$addListQuery(", args, ");")
}
