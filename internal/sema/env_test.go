package sema

import (
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestKeysOverlap checks when two key formats of one binding can produce
// the same key. Parameters stand for one or more bytes other than '/'
// (the runtime rejects the rest); int parameters for digits and '-'.
func TestKeysOverlap(t *testing.T) {
	tmpl := func(key string, intParams ...string) *idl.Template {
		t := &idl.Template{Key: key}
		for _, p := range intParams {
			t.Params = append(t.Params, &idl.Field{Name: p, Type: idl.Prim(idl.Int)})
		}
		return t
	}
	tests := []struct {
		a, b *idl.Template
		want bool
	}{
		{tmpl("foo"), tmpl("foo"), true},
		{tmpl("foo/{id}"), tmpl("foo/{name}"), true},
		{tmpl("foo/{id}"), tmpl("foo/bar"), true},
		{tmpl("foo/bar"), tmpl("foo/{id}"), true},
		{tmpl("{id}"), tmpl("{other}"), true},
		{tmpl("users/{a}-{b}"), tmpl("users/{c}"), true},
		{tmpl("foo"), tmpl("foo/{id}"), false},
		{tmpl("foo/a"), tmpl("foo/b"), false},
		{tmpl("foo/{id}"), tmpl("foo/{id}/bar"), false},
		{tmpl("avatars/{id}.png"), tmpl("avatars/{id}.jpg"), false},
		{tmpl("users/admin"), tmpl("users/{id}", "id"), false},
		{tmpl("users/42"), tmpl("users/{id}", "id"), true},
		{tmpl("a/{x}"), tmpl("b/{x}"), false},
	}
	for _, tt := range tests {
		if got := overlapping([]*idl.Template{tt.a}, tt.b) == 0; got != tt.want {
			t.Errorf("%q and %q overlap = %v, want %v", tt.a.Key, tt.b.Key, got, tt.want)
		}
	}
}
