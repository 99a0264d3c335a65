package idl

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshal encodes like Encode: without escaping "<", ">" and "&".
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// TestJSONForms checks the JSON spelling of types, validators and include
// trees, and that each decodes back to what it was.
func TestJSONForms(t *testing.T) {
	tests := []struct {
		value any
		want  string
		back  any
	}{
		{Prim(Int), `"int"`, new(Type)},
		{Wrap(Option, Wrap(Array, Named(Object, "User"))), `{"option":{"array":{"object":"User"}}}`, new(Type)},
		{Wrap(KVObject, Prim(JSONValue)), `{"kvobject":"json"}`, new(Type)},
		{Named(Partial, "User"), `{"partial":"User"}`, new(Type)},
		{Validator{Kind: "gte", Arg: "-1.50"}, `{"gte":-1.50}`, new(Validator)},
		{Validator{Kind: "regex", Arg: `^<a&b>\d+$`}, `{"regex":"^<a&b>\\d+$"}`, new(Validator)},
		{Tree{{Name: "owner", Children: Tree{{Name: "dogs", Children: Tree{}}}}, {Name: "avatar", Children: Tree{}}},
			`{"owner":{"dogs":{}},"avatar":{}}`, new(Tree)},
	}
	for _, tt := range tests {
		got, err := marshal(tt.value)
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.value, got, err, tt.want)
			continue
		}
		if err := json.Unmarshal(got, tt.back); err != nil {
			t.Errorf("Unmarshal(%s): %v", got, err)
			continue
		}
		if again, _ := marshal(tt.back); string(again) != tt.want {
			t.Errorf("round trip of %s gives %s", tt.want, again)
		}
	}
}

func TestTypeString(t *testing.T) {
	typ := Wrap(Option, Wrap(Array, Named(Partial, "User")))
	if got := typ.String(); got != "option<array<partial<User>>>" {
		t.Errorf("String = %q", got)
	}
	if !typ.Equal(Wrap(Option, Wrap(Array, Named(Partial, "User")))) || typ.Equal(Wrap(Option, Prim(Int))) {
		t.Error("Equal compares structure")
	}
	if typ.Root().Kind != Partial {
		t.Errorf("Root = %v, want the partial", typ.Root())
	}
}

func TestBadJSON(t *testing.T) {
	for _, in := range []string{`"integer"`, `{"set":"int"}`, `{"array":"int","option":"int"}`, `42`} {
		if err := json.Unmarshal([]byte(in), new(Type)); err == nil {
			t.Errorf("type %s decoded without error", in)
		}
	}
	for _, in := range []string{`{"gt":"x"}`, `[]`} {
		if err := json.Unmarshal([]byte(in), new(Validator)); err == nil {
			t.Errorf("validator %s decoded without error", in)
		}
	}
	if err := json.Unmarshal([]byte(`["a"]`), new(Tree)); err == nil {
		t.Error("tree [\"a\"] decoded without error")
	}
}
