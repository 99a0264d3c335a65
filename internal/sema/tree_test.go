package sema

import (
	"encoding/json"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// analyze parses and analyses one schema given as text, failing the test
// on any diagnostic.
func analyze(t *testing.T, text string) *idl.Schema {
	t.Helper()
	return analyzeNamed(t, "test.clo", text)
}

func analyzeNamed(t *testing.T, name, text string) *idl.Schema {
	t.Helper()
	var diags diag.List
	f := parser.Parse(source.NewFile(name, text), &diags)
	s := Analyze([]*ast.File{f}, &diags)
	if diags.Len() > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", diags.Text())
	}
	return s
}

func model(s *idl.Schema, name string) *idl.Model {
	for _, m := range s.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// TestDefaultTree checks the include tree of Default sources: one-to-one
// navigations are followed, one-to-many ones are leaves, a model already
// on the path is not entered again, KV and R2 fields are leaves.
func TestDefaultTree(t *testing.T) {
	const people = `
d1 { Db }
model Person for Db {
    primary { id: int }
    nav Dog::ownerId { dogs }
}
model Dog for Db {
    primary { id: int }
    foreign Person::id { ownerId }
    foreign Toy::id { toyId }
    nav Person::id(ownerId) { owner }
    nav Toy::id(toyId) { toy }
}
model Toy for Db {
    primary { id: int }
    foreign Maker::id { makerId }
    nav Maker::id(makerId) { maker }
}
model Maker for Db {
    primary { id: int }
}
`
	const school = `
d1 { Db }
kv Notes { note(id: int) -> string { "notes/{id}" } }
r2 Photos { photo(id: int) { "photos/{id}" } }
model Class for Db {
    primary { id: int }
    nav Student::classId { students }
    kv Notes::note(id) { note }
    r2 Photos::photo(id) { photo }
}
model Student for Db {
    primary { id: int }
    foreign Class::id { classId }
    nav Grade::studentId { grades }
}
model Grade for Db {
    primary { id: int }
    foreign Student::id { studentId }
}
`
	const diamond = `
d1 { Db }
model Team for Db {
    primary { id: int }
}
model Department for Db {
    primary { id: int }
    foreign Team::id { teamId }
    nav Team::id(teamId) { team }
}
model Employee for Db {
    primary { id: int }
    foreign Department::id { departmentId }
    foreign Team::id { teamId }
    nav Department::id(departmentId) { department }
    nav Team::id(teamId) { team }
}
`
	const selfAndRoutes = `
d1 { Db }
model Node for Db {
    primary { id: int }
    foreign Node::id optional { parentId }
    nav Node::id(parentId) { parent }
    nav Node::parentId { children }
}
model Banner {
    route { lang: string }
}
model Page {
    route { lang: string }
    nav Banner::lang(lang) { banner }
}
`
	tests := []struct {
		name, schema, model, want string
	}{
		{"one-to-many is a leaf", people, "Person", `{"dogs":{}}`},
		{"one-to-one chain is followed, cycle cut", people, "Dog", `{"owner":{"dogs":{}},"toy":{"maker":{}}}`},
		{"one-to-one chain from the middle", people, "Toy", `{"maker":{}}`},
		{"model without navigations", people, "Maker", `{}`},
		{"nothing below a one-to-many", school, "Class", `{"students":{},"note":{},"photo":{}}`},
		{"diamond includes both paths", diamond, "Employee", `{"department":{"team":{}},"team":{}}`},
		{"self reference is a leaf", selfAndRoutes, "Node", `{"parent":{},"children":{}}`},
		{"route navigation is followed", selfAndRoutes, "Page", `{"banner":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := model(analyze(t, tt.schema), tt.model)
			if m == nil || m.Source(DefaultSource) == nil {
				t.Fatalf("model %s has no Default source", tt.model)
			}
			got, err := json.Marshal(m.Source(DefaultSource).Tree)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Default tree of %s = %s, want %s", tt.model, got, tt.want)
			}
		})
	}
}
