package sema

import (
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// A scope is a set of names that must be unique, such as the fields of a
// model or the parameters of a method.
type scope struct {
	diags *diag.List
	owner string // "model 'User'", for messages; empty for the global scope
	names map[string]entry
}

type entry struct {
	id   *ast.Ident
	what string // "model", "column", ...
}

func newScope(diags *diag.List, owner string) *scope {
	return &scope{diags: diags, owner: owner, names: map[string]entry{}}
}

// add declares id as a what, reporting a duplicate. It reports whether the
// name was new.
func (s *scope) add(id *ast.Ident, what string) bool {
	first, dup := s.names[id.Name]
	if !dup {
		s.names[id.Name] = entry{id: id, what: what}
		return true
	}
	where := ""
	if s.owner != "" {
		where = " in " + s.owner
	}
	d := s.diags.Errorf(diag.DuplicateSymbol, id.Span(), "'%s' is defined more than once%s", id.Name, where).
		Labelled("%s '%s' defined again here", what, id.Name).
		Also(first.id.Span(), "first defined here as a %s", first.what)
	if s.owner == "" && first.what != what {
		d.Notef("models, plain old objects, bindings, variables and injectables share one namespace")
	}
	return false
}

// holds reports whether id is the declaration the scope kept for its
// name, that is, not a duplicate.
func (s *scope) holds(id *ast.Ident) bool { return s.names[id.Name].id == id }
