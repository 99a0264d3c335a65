package client

import (
	"github.com/cloesce-go/cloesce/internal/gen/tstype"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// tsType spells the client type of t: the type of a parameter, a property
// or, wrapped in HttpResult, a result. A stream is a body fetch accepts;
// stream results are Responses (resultType).
func tsType(t *idl.Type) string {
	return tstype.Spell(t, tstype.Names{Object: func(name string) string { return name }, Stream: "Uint8Array | Blob | ArrayBuffer"})
}

// resultType spells T of the HttpResult<T> a method returns: a stream
// result is the Response itself.
func resultType(t *idl.Type) string {
	if t.Kind == idl.Stream {
		return "Response"
	}
	return tsType(t)
}

// decoder returns a TypeScript function turning the JSON form of a value
// of type t into its client form, or "" when the JSON form is already it.
func (g *generator) decoder(t *idl.Type) string {
	switch t.Kind {
	case idl.Date:
		return g.use("decodeDate")
	case idl.Blob:
		return g.use("decodeBlob")
	case idl.Object, idl.Partial:
		return t.Name + ".fromJson"
	case idl.R2Object:
		return "R2Object.fromJson"
	case idl.Array, idl.Option:
		if d := g.decoder(t.Elem); d != "" {
			wrap := map[idl.Kind]string{idl.Array: "arrayOf", idl.Option: "optionOf"}[t.Kind]
			return g.use(wrap) + "(" + d + ")"
		}
	case idl.KVObject:
		// Always a KValue instance, so that value works.
		if d := g.decoder(t.Elem); d != "" {
			return g.use("kvalueOf") + "(" + d + ")"
		}
		return g.use("kvalueOf") + "<" + tsType(t.Elem) + ">()"
	}
	return ""
}

// reader returns the expression reading a method's successful response.
func (g *generator) reader(result *idl.Type) string {
	switch result.Kind {
	case idl.Void:
		return g.use("asVoid")
	case idl.Stream:
		return g.use("asResponse")
	}
	if d := g.decoder(result); d != "" {
		return g.use("asJson") + "(" + d + ")"
	}
	return g.use("asJson") + "<" + tsType(result) + ">()"
}

// encoder returns the TypeScript function writing a value of type t (not
// an option) as text, for a query parameter or a path segment.
func (g *generator) encoder(t *idl.Type) string {
	switch t.Kind {
	case idl.Int, idl.Real, idl.String, idl.Bool:
		return "String"
	case idl.Date:
		return g.use("encodeDate")
	case idl.Blob:
		return g.use("toBase64")
	}
	return "JSON.stringify" // json, and anything else a GET cannot carry better
}

// keyText returns the text of the path segment holding expr, of type t. A
// null key value is the text "null", as String(null) spells it.
func (g *generator) keyText(t *idl.Type, expr string) string {
	if t.Kind == idl.String {
		return expr
	}
	if t.Kind != idl.Option {
		return g.encoder(t) + "(" + expr + ")"
	}
	switch enc := g.encoder(t.Elem); enc {
	case "String", "JSON.stringify":
		return enc + "(" + expr + ")"
	default:
		return expr + ` === null ? "null" : ` + enc + "(" + expr + ")"
	}
}

// queryArgs returns the values and the encoder that addQuery takes for a
// GET parameter named name, of type t: an array gives one query
// parameter per element.
func (g *generator) queryArgs(name string, t *idl.Type) (values, encode string) {
	values = "[" + name + "]"
	switch {
	case t.Kind == idl.Array:
		values, t = name, t.Elem
	case t.Kind == idl.Option && t.Elem.Kind == idl.Array:
		values, t = name+" ?? []", t.Elem.Elem
	}
	if t.Kind == idl.Option {
		t = t.Elem
	}
	return values, g.encoder(t)
}
