package tstype

import (
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
)

func TestSpell(t *testing.T) {
	prim := func(k idl.Kind) *idl.Type { return &idl.Type{Kind: k} }
	wrap := func(k idl.Kind, e *idl.Type) *idl.Type { return &idl.Type{Kind: k, Elem: e} }
	obj := &idl.Type{Kind: idl.Object, Name: "User"}
	tests := []struct {
		t    *idl.Type
		want string
		uses string
	}{
		{prim(idl.Void), "void", ""},
		{prim(idl.Int), "number", ""},
		{prim(idl.Real), "number", ""},
		{prim(idl.String), "string", ""},
		{prim(idl.Bool), "boolean", ""},
		{prim(idl.Date), "Date", ""},
		{prim(idl.Blob), "Uint8Array", ""},
		{prim(idl.JSONValue), "unknown", ""},
		{prim(idl.Stream), "S", ""},
		{prim(idl.R2Object), "R2Object", ""},
		{obj, "User.Self", ""},
		{&idl.Type{Kind: idl.Partial, Name: "User"}, "DeepPartial<User.Self>", "DeepPartial"},
		{wrap(idl.Array, obj), "User.Self[]", ""},
		{wrap(idl.Array, wrap(idl.Option, prim(idl.Int))), "(number | null)[]", ""},
		{wrap(idl.KVObject, wrap(idl.Array, prim(idl.String))), "KValue<string[]>", "KValue"},
	}
	for _, tt := range tests {
		var used string
		n := Names{Object: func(name string) string { return name + ".Self" }, Stream: "S", Use: func(h string) { used += h }}
		if got := Spell(tt.t, n); got != tt.want || used != tt.uses {
			t.Errorf("Spell(%v) = %q using %q, want %q using %q", tt.t, got, used, tt.want, tt.uses)
		}
	}
}
