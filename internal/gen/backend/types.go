package backend

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// tsType spells t as the backend sees it: models as M.Self, poos by name,
// streams as ReadableStream, KV values as KValue<T>.
func (g *gen) tsType(t *idl.Type) string {
	switch t.Kind {
	case idl.Void:
		return "void"
	case idl.Int, idl.Real:
		return "number"
	case idl.String:
		return "string"
	case idl.Bool:
		return "boolean"
	case idl.Date:
		return "Date"
	case idl.Blob:
		return "Uint8Array"
	case idl.JSONValue:
		return "unknown"
	case idl.Stream:
		return "ReadableStream"
	case idl.R2Object:
		return "R2Object"
	case idl.Object:
		return g.objectType(t.Name)
	case idl.Partial:
		g.use("DeepPartial")
		return "DeepPartial<" + g.objectType(t.Name) + ">"
	case idl.Array:
		return g.elemType(t.Elem) + "[]"
	case idl.Option:
		return g.tsType(t.Elem) + " | null"
	case idl.KVObject:
		g.use("KValue")
		return "KValue<" + g.tsType(t.Elem) + ">"
	}
	return "unknown" // not reached: the IR has no other kinds
}

// elemType parenthesises union element types of arrays.
func (g *gen) elemType(t *idl.Type) string {
	s := g.tsType(t)
	if strings.Contains(s, " | ") {
		return "(" + s + ")"
	}
	return s
}

func (g *gen) objectType(name string) string {
	if g.models[name] != nil {
		return name + ".Self"
	}
	return name
}

// varType spells a variable's type as wrangler passes it.
func varType(t *idl.Type) string {
	switch t.Kind {
	case idl.Int, idl.Real:
		return "number"
	case idl.Bool:
		return "boolean"
	case idl.JSONValue:
		return "unknown"
	}
	return "string"
}
