package decorators

import (
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// method lowers a method decorated with an HTTP verb to an API method;
// undecorated methods are the class's own code and are skipped. deps are
// injected into every method (a service's injected properties).
func (x *extractor) method(in *info, m *member, deps []*ast.InjectEntry) *ast.Method {
	var verb *decorator
	for _, d := range m.decos {
		if verbs[d.name.text] == "" {
			x.unknownDecorator(d, "a method", "@GET, @POST, @PUT, @PATCH or @DELETE")
			return nil
		}
		verb = d
	}
	if verb == nil {
		return nil
	}
	meth := &ast.Method{Pos: ast.Pos{S: m.span}, Verb: identAt(verbs[verb.name.text], verb.span), Name: ident(m.name), Params: &ast.Params{Pos: ast.Pos{S: m.name.span}}}
	if !m.static && in.role == model {
		meth.Params.List = append(meth.Params.List, &ast.Field{Pos: ast.Pos{S: m.name.span}, Name: identAt("self", m.name.span)})
	}
	inject := &ast.InjectTag{Pos: ast.Pos{S: verb.span}, Name: identAt("inject", verb.span), Entries: deps}
	for _, p := range m.params {
		if p.name.text == "self" && len(meth.Params.List) > 0 && meth.Params.List[0].Name.Name == "self" {
			x.diags.Errorf(diag.TSUnsupported, p.name.span, "a parameter named 'self' in an instance method").
				Helpf("rename it: the schema calls the object the method runs on self (this, in the class)")
			return nil
		}
		if d := decorated(p.decos, "Inject"); d != nil {
			inject.Entries = append(inject.Entries, x.injectEntry(p.typ))
			continue
		}
		for _, d := range p.decos {
			x.unknownDecorator(d, "a parameter", "@Inject")
		}
		t := x.typ(p.typ)
		if t == nil {
			return nil
		}
		meth.Params.List = append(meth.Params.List, &ast.Field{Pos: ast.Pos{S: p.span}, Name: ident(p.name), Type: t})
	}
	if len(inject.Entries) > 0 {
		meth.Tags = []ast.Tag{inject}
	}
	if m.typ != nil {
		meth.Result = x.result(m.typ)
	}
	return meth
}

// result maps a method's declared result type. void and undefined, alone
// or in a Promise, an HttpResult or a union with undefined, are no
// result; anything else is a value type.
func (x *extractor) result(t *tsType) *ast.TypeExpr {
	if isVoid(t) {
		return nil
	}
	return x.typ(t)
}

// isVoid reports whether a result type t stands for no value.
func isVoid(t *tsType) bool {
	t = stripUndefined(t)
	if t.union != nil || t.array {
		return false
	}
	if w, ok := wrappers[t.name.text]; ok && w == "" && len(t.args) == 1 {
		return isVoid(t.args[0])
	}
	return len(t.args) == 0 && (t.name.text == "void" || t.name.text == "undefined")
}

// injectEntry names what a parameter or service property of type t
// injects: the @WranglerEnv class is the built-in Env.
func (x *extractor) injectEntry(t *tsType) *ast.InjectEntry {
	return &ast.InjectEntry{Pos: ast.Pos{S: t.span}, Name: identAt(x.injectName(t), t.span)}
}

// injectName is the injected name of type t.
func (x *extractor) injectName(t *tsType) string {
	if t.name.text == x.envName {
		return "Env"
	}
	return t.name.text
}

// serviceProps returns a service's typed properties that are injected:
// the environment, the request, other services.
func (x *extractor) serviceProps(in *info) []*member {
	var out []*member
	for _, m := range in.c.members {
		if m.method || m.static || m.typ == nil {
			continue
		}
		if n := m.typ.name.text; n == x.envName || n == "Request" || x.infos[n] != nil && (x.infos[n].role == service || x.infos[n].role == injectable) {
			out = append(out, m)
		}
	}
	return out
}

// service lowers a @Service class. One with HTTP methods is a model
// without data served by the Worker, with an api; one without is an
// injectable service. Its typed properties (the environment, the request,
// other services) are what its methods depend on; properties of other
// types are its own state and are skipped.
func (x *extractor) service(in *info) {
	var deps []*ast.InjectEntry
	for _, m := range x.serviceProps(in) {
		deps = append(deps, x.injectEntry(m.typ))
	}
	api := &ast.APIDecl{Pos: ast.Pos{S: in.c.span}, Name: ident(in.c.name), Braces: ast.Braces{Close: -1}}
	for _, m := range in.c.members {
		if m.method {
			if meth := x.method(in, m, deps); meth != nil {
				api.Methods = append(api.Methods, meth)
			}
		}
	}
	if len(api.Methods) > 0 {
		in.out.Decls = append(in.out.Decls, &ast.ModelDecl{Pos: ast.Pos{S: in.c.span}, Name: ident(in.c.name), Braces: ast.Braces{Close: -1}}, api)
		return
	}
	x.injectDecl(in, deps)
}

// injectDecl declares class in as an injectable, built with deps.
func (x *extractor) injectDecl(in *info, deps []*ast.InjectEntry) {
	entry := &ast.Field{Pos: ast.Pos{S: in.c.span}, Name: ident(in.c.name)}
	if len(deps) > 0 {
		at := in.c.name.span
		if len(in.c.decos) > 0 {
			at = in.c.decos[0].span
		}
		entry.Tags = []ast.Tag{&ast.InjectTag{Pos: ast.Pos{S: at}, Name: identAt("inject", at), Entries: deps}}
	}
	in.out.Decls = append(in.out.Decls, &ast.InjectDecl{Pos: ast.Pos{S: in.c.span}, Entries: []*ast.Field{entry}, Braces: ast.Braces{Close: -1}})
}

// markInjected turns into injectables the undecorated classes that the
// dependency injection container provides, rather than the request: those
// an @Inject parameter or a service's property names (middleware puts
// them there, with di.set). The schema declares them in an inject block.
func (x *extractor) markInjected() {
	for _, in := range x.order {
		if in.role != model && in.role != service {
			continue
		}
		for _, m := range in.c.members {
			switch {
			case m.method:
				for _, p := range m.params {
					if decorated(p.decos, "Inject") != nil {
						x.markInjectedType(p.typ)
					}
				}
			case in.role == service && !m.static && m.typ != nil:
				x.markInjectedType(m.typ)
			}
		}
	}
}

func (x *extractor) markInjectedType(t *tsType) {
	if in := x.infos[t.name.text]; in != nil && len(t.args) == 0 && (in.role == poo || in.role == code) {
		in.role = injectable
	}
}

// poo lowers an undecorated class of properties to a plain old object.
func (x *extractor) poo(in *info) {
	p := &ast.PooDecl{Pos: ast.Pos{S: in.c.span}, Name: ident(in.c.name), Braces: ast.Braces{Close: -1}}
	for _, m := range in.c.members {
		if m.static {
			continue
		}
		if f := x.field(m); f != nil {
			p.Fields = append(p.Fields, f)
		}
	}
	in.out.Decls = append(in.out.Decls, p)
}

// primitiveTypes maps the edition's TypeScript types to schema types.
var primitiveTypes = map[string]string{
	"Integer": "int", "string": "string", "String": "string", "number": "real", "boolean": "bool",
	"Date": "date", "Uint8Array": "blob", "unknown": "json", "ReadableStream": "stream",
	"R2Object": "r2object", "R2ObjectBody": "r2object",
}

// wrappers are the generics that map to a schema generic; Promise and
// HttpResult stand for their argument.
var wrappers = map[string]string{"KValue": "kvobject", "DeepPartial": "partial", "Promise": "", "HttpResult": ""}

// noSchemaType are TypeScript types with no equivalent, with what to use.
var noSchemaType = map[string]string{
	"any": "unknown", "object": "unknown, or a class", "bigint": "Integer", "symbol": "string",
	"never": "void", "Record": "unknown, or a class", "Map": "unknown, or a class", "Set": "an array",
	"DataSourceOf": "a data source parameter is not extracted yet; take the key and load the model",
}

// typ maps a TypeScript type to a schema type of a value; nil after a
// diagnostic.
func (x *extractor) typ(t *tsType) *ast.TypeExpr {
	pos := ast.Pos{S: t.span}
	switch {
	case t.union != nil:
		var rest []*tsType
		null := false
		for _, u := range t.union {
			switch u.name.text {
			case "null":
				null = true
			case "undefined":
			default:
				rest = append(rest, u)
			}
		}
		if len(rest) != 1 {
			x.diags.Errorf(diag.TSType, t.span, "a union other than T | null or T | undefined").
				Helpf("use one type, nullable with | null, or unknown")
			return nil
		}
		inner := x.typ(rest[0])
		if inner == nil || !null {
			return inner
		}
		return &ast.TypeExpr{Pos: pos, Name: identAt("option", t.span), Arg: inner}
	case t.array:
		inner := x.typ(t.args[0])
		if inner == nil {
			return nil
		}
		return &ast.TypeExpr{Pos: pos, Name: identAt("array", t.span), Arg: inner}
	}
	n := t.name.text
	if w, ok := wrappers[n]; ok {
		if len(t.args) != 1 {
			x.diags.Errorf(diag.TSType, t.span, "%s takes one type argument", n).Helpf("write %s<string>", n)
			return nil
		}
		inner := x.typ(t.args[0])
		if inner == nil || w == "" {
			return inner
		}
		return &ast.TypeExpr{Pos: pos, Name: identAt(w, t.name.span), Arg: inner}
	}
	if len(t.args) > 0 {
		x.diags.Errorf(diag.TSType, t.span, "type '%s' takes no type arguments here", n).Helpf("write %s", n)
		return nil
	}
	if n == "void" || n == "undefined" {
		x.diags.Errorf(diag.TSType, t.span, "type '%s' holds no value", n).
			Helpf("only a method's result may be void; give the parameter or property a type, such as unknown")
		return nil
	}
	if alt, ok := noSchemaType[n]; ok {
		x.diags.Errorf(diag.TSType, t.span, "type '%s' has no schema equivalent", n).Helpf("use %s", alt)
		return nil
	}
	if p, ok := primitiveTypes[n]; ok {
		n = p
	}
	return &ast.TypeExpr{Pos: pos, Name: identAt(n, t.name.span)}
}
