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
	params  []string // "name: type": api's, then its source's get's that the object does not hold
	args    []string // their names, in order
	keys    []string // for an instance method, the path segments' text
	promise string   // the return type
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
	p.Args(static+ts.Prop(api.Name)+"(", append(c.params, "init?: CallOptions"), "): "+c.promise+" {")
	p.Indent(func() {
		p.Args("return $client"+member(m.Name)+member(api.Name)+"(", append(args, "init"), ");")
	}, "}")
}

// method writes the method sending api's request, a member of the
// object createClient gives for m.
func (g *generator) method(p *ts.Printer, m *idl.Model, api *idl.Method) {
	c := g.call(m, api)
	params := append(c.params, "init?: CallOptions")
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
		send := []string{"$c", ts.Quote(api.Verb), "$url", "init", g.reader(api.Result)}
		switch {
		case api.Verb == "GET":
			for i, param := range api.Params {
				values, encode := g.queryArgs(c.args[i], param.Type)
				p.Args("$addQuery(", []string{"$url", ts.Quote(param.Name), values, encode}, ");")
			}
		case api.ParamsMedia == idl.Octet && len(api.Params) == 1:
			send = append(send, "$octetBody("+c.args[0]+")")
		default:
			fields := make([]string, len(api.Params))
			for i, param := range api.Params {
				fields[i] = c.args[i]
				if c.args[i] != param.Name {
					fields[i] = ts.Prop(param.Name) + ": " + c.args[i]
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
