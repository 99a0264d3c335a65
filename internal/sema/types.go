package sema

import (
	"slices"
	"sort"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

var primitives = []string{"string", "int", "real", "date", "bool", "json", "blob", "stream", "r2object"}

var generics = map[string]idl.Kind{"option": idl.Option, "array": idl.Array, "kvobject": idl.KVObject}

// sqlKinds are the primitives a SQLite column can hold. json is stored as
// TEXT.
var sqlKinds = []idl.Kind{idl.Int, idl.Real, idl.String, idl.Blob, idl.Bool, idl.Date, idl.JSONValue}

// resolve turns a written type into its meaning, reporting names that are
// no primitive, model or poo. It returns nil after an error. Primitive
// names always win over a model of the same name.
func (c *checker) resolve(t *ast.TypeExpr) *idl.Type {
	if t.Arg != nil {
		if t.Name.Name == "partial" {
			if c.isObject(t.Arg.Name.Name) {
				return idl.Named(idl.Partial, t.Arg.Name.Name)
			}
			c.unknownType(t.Arg.Name)
			return nil
		}
		elem := c.resolve(t.Arg)
		if elem == nil {
			return nil
		}
		return idl.Wrap(generics[t.Name.Name], elem)
	}
	name := t.Name.Name
	if slices.Contains(primitives, name) {
		k, _ := idl.KindNamed(name)
		return idl.Prim(k)
	}
	if c.isObject(name) {
		return idl.Named(idl.Object, name)
	}
	c.unknownType(t.Name)
	return nil
}

func (c *checker) isObject(name string) bool {
	return c.models[name] != nil || c.poos[name] != nil
}

func (c *checker) unknownType(id *ast.Ident) {
	d := c.diags.Errorf(diag.UnknownType, id.Span(), "unknown type '%s'", id.Name).
		Labelled("not a primitive, model or poo")
	if s, ok := suggest.Closest(id.Name, c.typeNames()); ok {
		d.Helpf("did you mean '%s'?", s)
	}
}

// typeNames lists every name a type may use, sorted so that suggestions
// are deterministic.
func (c *checker) typeNames() []string {
	names := slices.Clone(primitives)
	names = append(names, "option", "array", "kvobject", "partial")
	fixed := len(names)
	for n := range c.models {
		names = append(names, n)
	}
	for n := range c.poos {
		names = append(names, n)
	}
	sort.Strings(names[fixed:])
	return names
}

// isSQL reports whether t can be stored in a SQLite column: a SQL
// primitive, or option<> of one when nullable is allowed.
func isSQL(t *idl.Type, nullable bool) bool {
	if nullable && t.Kind == idl.Option {
		t = t.Elem
	}
	return slices.Contains(sqlKinds, t.Kind)
}

// sqlField resolves the type of a field that must be stored in SQLite,
// reporting any other type. It returns nil after an error.
func (c *checker) sqlField(f *ast.Field, what string, nullable bool) *idl.Type {
	t := c.resolveQuiet(f.Type)
	if t != nil && isSQL(t, nullable) {
		return t
	}
	d := c.diags.Errorf(diag.InvalidColumnType, f.Type.Span(), "%s '%s' has a type SQLite cannot store", what, f.Name.Name).
		Labelled("not a SQLite type")
	if nullable {
		d.Helpf("use string, int, real, bool, date, blob or json, or option<...> of one of them")
	} else {
		d.Helpf("use string, int, real, bool, date, blob or json")
	}
	return nil
}

// resolveQuiet resolves t without reporting unknown names, for places
// where any non-SQL type is one error, whatever its name.
func (c *checker) resolveQuiet(t *ast.TypeExpr) (out *idl.Type) {
	c.quietly(func() { out = c.resolve(t) })
	return out
}
