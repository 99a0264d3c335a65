package client

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// method writes the client method calling api, an endpoint of model m.
//
// Its parameters are api's, then, for an instance method, the parameters
// of its source's get that the object does not hold, then fetchImpl. An
// instance method's URL carries the source's get parameters as path
// segments, in order, between the model and the method.
func (g *generator) method(p *printer, m *idl.Model, api *idl.Method) {
	names := newScope(g.avoid)
	var sig, args []string // signature, and the names of api's parameters in it
	for _, param := range api.Params {
		name := names.fresh(param.Name)
		args = append(args, name)
		sig = append(sig, name+": "+tsType(param.Type))
	}
	route := "/" + m.Name
	var key []string
	if src := m.Source(api.Source); !api.Static && src != nil && src.Get != nil {
		for _, kp := range src.Get.Params {
			expr := "this." + kp.Name
			if !kp.Instance {
				expr = names.fresh(kp.Name)
				sig = append(sig, expr+": "+tsType(kp.Type))
			}
			key = append(key, g.keyText(kp.Type, expr))
			route += "/{" + kp.Name + "}"
		}
	}
	sig = append(sig, "fetchImpl: typeof fetch = fetch")

	static := ""
	if api.Static {
		static = "static "
	}
	p.line("/** %s %s/%s */", api.Verb, route, api.Name)
	p.list(static+"async "+api.Name+"(", sig, "): Promise<HttpResult<"+resultType(api.Result)+">> {")
	p.depth++
	if url := "const url = " + g.use("endpoint") + "(" + quote(m.Name) + ", " + quote(api.Name); len(key) > 0 {
		p.list(url+", [", key, "]);")
	} else {
		p.line("%s);", url)
	}
	send := []string{"fetchImpl", quote(api.Verb), "url", g.reader(api.Result)}
	switch {
	case api.Verb == "GET":
		for i, param := range api.Params {
			values, encode := g.queryArgs(args[i], param.Type)
			p.list(g.use("addQuery")+"(", []string{"url", quote(param.Name), values, encode}, ");")
		}
	case api.ParamsMedia == idl.Octet && len(args) == 1:
		send = append(send, g.use("octetBody")+"("+args[0]+")")
	default:
		var fields []string
		for i, param := range api.Params {
			if args[i] == param.Name {
				fields = append(fields, args[i])
			} else {
				fields = append(fields, param.Name+": "+args[i])
			}
		}
		body := "{}"
		if len(fields) > 0 {
			body = "{ " + strings.Join(fields, ", ") + " }"
		}
		send = append(send, g.use("jsonBody")+"("+body+")")
	}
	p.list("return "+g.use("send")+"(", send, ");")
	p.depth--
	p.line("}")
}
