package sema

import (
	"slices"
	"sort"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

var primitives = []string{"string", "int", "real", "date", "bool", "json", "blob", "stream", "r2object"}

var generics = []string{"option", "array", "kvobject", "partial"}

// sqlTypes are the primitives a SQLite column can hold. json is stored as
// TEXT.
var sqlTypes = []string{"int", "real", "string", "blob", "bool", "date", "json"}

// resolve checks that every name in a type is a primitive, a model or a
// poo. Primitive names always win over a model of the same name.
func (c *checker) resolve(t *ast.TypeExpr) {
	if t.Arg != nil && slices.Contains(generics, t.Name.Name) {
		c.resolve(t.Arg)
		return
	}
	name := t.Name.Name
	if slices.Contains(primitives, name) || c.models[name] != nil || c.poos[name] != nil {
		return
	}
	d := c.diags.Errorf(diag.UnknownType, t.Name.Span(), "unknown type '%s'", name).
		Labelled("not a primitive, model or poo")
	if s, ok := suggest.Closest(name, c.typeNames()); ok {
		d.Helpf("did you mean '%s'?", s)
	}
}

// typeNames lists every name a type may use, sorted so that suggestions
// are deterministic.
func (c *checker) typeNames() []string {
	names := slices.Clone(primitives)
	names = append(names, generics...)
	for n := range c.models {
		names = append(names, n)
	}
	for n := range c.poos {
		names = append(names, n)
	}
	sort.Strings(names[len(primitives)+len(generics):])
	return names
}

// sqlType checks that a field's type can be stored in SQLite: a SQL
// primitive, wrapped in option<> when nullable is allowed.
func (c *checker) sqlType(f *ast.Field, what string, nullable bool) {
	t := f.Type
	if nullable && t.Name.Name == "option" && t.Arg != nil {
		t = t.Arg
	}
	if t.Arg == nil && slices.Contains(sqlTypes, t.Name.Name) {
		return
	}
	d := c.diags.Errorf(diag.InvalidColumnType, f.Type.Span(), "%s '%s' has a type SQLite cannot store", what, f.Name.Name).
		Labelled("not a SQLite type")
	if nullable {
		d.Helpf("use string, int, real, bool, date, blob or json, or option<...> of one of them")
	} else {
		d.Helpf("use string, int, real, bool, date, blob or json")
	}
}
