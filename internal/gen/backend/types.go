package backend

import (
	"github.com/cloesce-go/cloesce/internal/gen/tstype"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// tsType spells t as the backend sees it: models as M.Self, poos by name,
// streams as ReadableStream, KV values as KValue<T>.
func (g *gen) tsType(t *idl.Type) string {
	return tstype.Spell(t, tstype.Names{Object: g.objectType, Stream: "ReadableStream", Use: func(h string) { g.use(h) }})
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
