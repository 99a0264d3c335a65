package client

import (
	"github.com/cloesce-go/cloesce/internal/idl"
)

// resultType spells T of the HttpResult<T> a method returns: a stream
// result is the Response itself.
func (g *generator) resultType(t *idl.Type) string {
	if t.Kind == idl.Stream {
		return g.sp.Global("Response")
	}
	return g.sp.Type(t)
}

// decoders decode the JSON form of the primitives JSON cannot carry.
var decoders = map[idl.Kind]string{idl.Date: "$decodeDate", idl.Blob: "$decodeBlob", idl.R2Object: "R2Object.fromJson"}

// decoder returns a TypeScript function turning the JSON form of a value
// of type t into its client form, or "" when the JSON form is already it.
func (g *generator) decoder(t *idl.Type) string {
	if d, ok := decoders[t.Kind]; ok {
		return d
	}
	switch t.Kind {
	case idl.Object, idl.Partial:
		return t.Name + ".fromJson"
	case idl.Array, idl.Option:
		if d := g.decoder(t.Elem); d != "" {
			wrap := map[idl.Kind]string{idl.Array: "$arrayOf", idl.Option: "$optionOf"}[t.Kind]
			return wrap + "(" + d + ")"
		}
	case idl.KVObject:
		// Always a KValue instance, so that value works.
		if d := g.decoder(t.Elem); d != "" {
			return "$kvalueOf(" + d + ")"
		}
		return "$kvalueOf<" + g.sp.Type(t.Elem) + ">()"
	}
	return ""
}

// reader returns the expression reading a method's successful response:
// none for void, the Response itself for a stream, else the JSON.
func (g *generator) reader(result *idl.Type) string {
	if r, ok := map[idl.Kind]string{idl.Void: "$asVoid", idl.Stream: "$asResponse"}[result.Kind]; ok {
		return r
	}
	if d := g.decoder(result); d != "" {
		return "$asJson(" + d + ")"
	}
	return "$asJson<" + g.sp.Type(result) + ">()"
}

// encoder returns the TypeScript function writing a value of type t (not
// an option) as text, for a query parameter or a path segment.
func (g *generator) encoder(t *idl.Type) string {
	switch t.Kind {
	case idl.Int, idl.Real, idl.String, idl.Bool:
		return g.sp.Global("String")
	case idl.Date:
		return "$encodeDate"
	case idl.Blob:
		return "$toBase64"
	}
	return g.sp.Global("JSON") + ".stringify" // json, and anything else a GET cannot carry better
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
	enc := g.encoder(t.Elem)
	if enc[0] == '$' {
		return expr + ` === null ? "null" : ` + enc + "(" + expr + ")"
	}
	return enc + "(" + expr + ")"
}

// queryArgs returns the values and the encoder that $addQuery takes for a
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
