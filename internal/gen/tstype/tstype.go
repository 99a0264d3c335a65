// Package tstype spells interface-description types in TypeScript for the
// generators of backend.ts and client.ts, which differ only in how they
// name objects and streams.
package tstype

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// Names is what a generator decides itself.
type Names struct {
	// Object names the type of a model or poo.
	Object func(name string) string
	// Stream is the type of a stream value.
	Stream string
	// Use, when set, is told each helper type the spelling refers to
	// ("DeepPartial", "KValue"), so the generator can import it.
	Use func(helper string)
}

// Spell returns t in TypeScript.
func Spell(t *idl.Type, n Names) string {
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
		return n.Stream
	case idl.R2Object:
		return "R2Object"
	case idl.Object:
		return n.Object(t.Name)
	case idl.Partial:
		n.use("DeepPartial")
		return "DeepPartial<" + n.Object(t.Name) + ">"
	case idl.Option:
		if t.Elem.Kind == idl.Option {
			return Spell(t.Elem, n) // option<option<T>> is still T | null
		}
		return Spell(t.Elem, n) + " | null"
	case idl.KVObject:
		n.use("KValue")
		return "KValue<" + Spell(t.Elem, n) + ">"
	}
	// Array: union elements need parentheses.
	elem := Spell(t.Elem, n)
	if strings.Contains(elem, " | ") {
		elem = "(" + elem + ")"
	}
	return elem + "[]"
}

func (n Names) use(helper string) {
	if n.Use != nil {
		n.Use(helper)
	}
}
