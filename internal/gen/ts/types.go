package ts

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// A Spelling says how a file spells interface-description types: what
// backend.ts and client.ts decide differently.
type Spelling struct {
	// Object names the type of a model or poo.
	Object func(name string) string
	// Stream is the type of a stream value.
	Stream string
	// Lib prefixes DeepPartial and KValue: "$rt." when they are the
	// runtime's, "" when the file declares them.
	Lib string
	// Taken holds the schema's global names, which hide the platform's
	// globals of the same name (see Global).
	Taken map[string]bool
}

// Globals returns the global names s declares.
func Globals(s *idl.Schema) map[string]bool {
	taken := map[string]bool{}
	for _, in := range s.Injects {
		taken[in.Name] = true
	}
	for _, n := range s.Env.D1 {
		taken[n] = true
	}
	for _, p := range s.Poos {
		taken[p.Name] = true
	}
	for _, m := range s.Models {
		taken[m.Name] = true
	}
	for _, st := range append(s.Env.KV, s.Env.R2...) {
		taken[st.Name] = true
	}
	for _, d := range s.Env.Durable {
		taken[d.Name] = true
	}
	for _, v := range s.Env.Vars {
		taken[v.Name] = true
	}
	return taken
}

// Global spells the platform global name: as is, or through globalThis
// when the schema declares a global of that name (a model Response).
func (s Spelling) Global(name string) string {
	if s.Taken[name] {
		return "globalThis." + name
	}
	return name
}

// Type spells t.
func (s Spelling) Type(t *idl.Type) string {
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
		return s.Global("Date")
	case idl.Blob:
		return s.Global("Uint8Array")
	case idl.JSONValue:
		return "unknown"
	case idl.Stream:
		return s.Stream
	case idl.R2Object:
		return s.Global("R2Object")
	case idl.Object:
		return s.Object(t.Name)
	case idl.Partial:
		return s.Lib + "DeepPartial<" + s.Object(t.Name) + ">"
	case idl.Option:
		if t.Elem.Kind == idl.Option {
			return s.Type(t.Elem) // option<option<T>> is still T | null
		}
		return s.Type(t.Elem) + " | null"
	case idl.KVObject:
		return s.Lib + "KValue<" + s.Type(t.Elem) + ">"
	}
	// Array: union elements need parentheses.
	elem := s.Type(t.Elem)
	if strings.Contains(elem, " | ") {
		elem = "(" + elem + ")"
	}
	return elem + "[]"
}

// A Property is one property of a model's objects. backend.ts (the
// model's Self) and client.ts (its class) declare the same properties,
// from ModelShape.
type Property struct {
	Name string
	Kind PropertyKind
	// Type is the value's type: option<T> when it may be null, an array
	// for a one-to-many navigation.
	Type *idl.Type
	// Optional is set for properties absent until loaded along an include
	// tree: navigations, KV and R2 fields.
	Optional bool
}

// PropertyKind says where a property's value comes from.
type PropertyKind uint8

const (
	Data       PropertyKind = iota // a key column, column or route field
	Navigation                     // another model's objects
	KV                             // a KV value, or a value in Durable Object storage
	R2                             // an object in an R2 bucket
)

// ModelShape returns the properties of m's objects: keys, columns and
// route fields, then navigations, KV fields and R2 fields. A KV field is
// null when its key does not exist, an R2 field when its object does not.
func ModelShape(m *idl.Model) []Property {
	out := make([]Property, 0, len(m.PrimaryKey)+len(m.Columns)+len(m.Routes)+len(m.Navigations)+len(m.KV)+len(m.R2))
	for _, list := range [][]*idl.Field{m.PrimaryKey, m.Columns, m.Routes} {
		for _, f := range list {
			out = append(out, Property{Name: f.Name, Kind: Data, Type: f.Type})
		}
	}
	for _, n := range m.Navigations {
		out = append(out, Property{Name: n.Name, Kind: Navigation, Type: n.Type, Optional: true})
	}
	for _, f := range m.KV {
		out = append(out, Property{Name: f.Name, Kind: KV, Type: idl.Wrap(idl.Option, f.Type), Optional: true})
	}
	for _, f := range m.R2 {
		out = append(out, Property{Name: f.Name, Kind: R2, Type: idl.Wrap(idl.Option, f.Type), Optional: true})
	}
	return out
}

// Filters returns the fields of m's filterable columns (m.Filters), in
// order: what a generated list's where and order, and a count's where,
// name.
func Filters(m *idl.Model) []*idl.Field {
	out := make([]*idl.Field, 0, len(m.Filters))
	for _, f := range slices.Concat(m.PrimaryKey, m.Columns) {
		if slices.Contains(m.Filters, f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// FilterTypes writes into a model's namespace the types of what its lists
// filter and order on and its count filters on, its filterable columns:
// Where, a condition (filter, shared.ts's Filter as the file spells it)
// per column, and OrderBy, their names. A column missing from them is a
// compile error where code names it, as it is a 400 at run time. A model
// without filterable columns (without a table) gets neither.
func FilterTypes(p *Printer, sp Spelling, m *idl.Model, filter string) {
	columns := Filters(m)
	if len(columns) == 0 {
		return
	}
	names := make([]string, len(columns))
	p.Gap()
	p.Line("/** Conditions on the columns an index leads, which lists and counts filter on: all must hold. */")
	p.Block("export interface Where {", func() {
		for i, f := range columns {
			p.Line("%s?: %s<%s>;", Prop(f.Name), filter, sp.Type(f.Type))
			names[i] = Quote(f.Name)
		}
	}, "}")
	p.Gap()
	p.Line(`/** The columns a list orders by ("-column" for descending), the key breaking ties. */`)
	p.Union("export type OrderBy = ", names, ";")
}
