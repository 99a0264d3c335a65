package idl

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldens returns the interface descriptions the golden tests keep
// (indented).
func goldens(t *testing.T) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob("../sema/testdata/cidl/*.json")
	if len(files) == 0 {
		t.Fatal("no golden interface descriptions found")
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = data
	}
	return out
}

// stdEncode is what encoding/json writes for v, without HTML escaping
// (html false) or with it, and without the final newline.
func stdEncode(t *testing.T, v any, html bool) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// oddSchema reaches the encoder's corners: strings needing every kind of
// escape, nil and empty slices, nil pointers, omitted and present
// omitempty fields, an embedded struct.
func oddSchema() *Schema {
	odd := "quote \" backslash \\ <b>&amp; \b\f\n\r\t \x00\x1f\x7f é \u2028\u2029 \xff\xfe end"
	return &Schema{
		Compiler: odd,
		Injects:  nil,
		Poos:     []*Poo{},
		Env:      Env{D1: []string{odd, ""}, Vars: []*Field{{Name: odd, Type: Named(Partial, odd)}}},
		Models: []*Model{{
			Name:    odd,
			Uniques: [][]string{{}, nil, {odd}},
			Columns: []*Field{{Name: "c", Type: Wrap(Array, Wrap(Option, Prim(Date))),
				Validators: []Validator{{"regex", odd}, {"gte", "1.0"}}}},
			APIs: []*Method{{Name: "m", Params: []*Param{{Field: Field{Name: "p", Type: Prim(Int)}, Instance: true},
				{Field: Field{Name: "q", Type: Wrap(KVObject, Named(Object, "X"))}}}, Result: Prim(Void),
				Durable: &DurableTarget{Binding: odd}}},
			Sources: []*Source{{Name: "S", Tree: Tree{{Name: odd, Children: Tree{{Name: "x"}}}},
				Get: &SourceMethod{}, Save: &SourceMethod{Params: []*Param{}}, Query: odd}},
		}},
	}
}

// TestEncodeMatchesEncodingJSON checks that Encode writes what
// encoding/json would, on the goldens' descriptions and on a schema made
// to reach its corners, and that Indent of it gives the goldens' form.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	schemas := map[string]*Schema{"odd": oddSchema()}
	indented := map[string][]byte{}
	for name, data := range goldens(t) {
		s, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		schemas[name], indented[name] = s, data
	}
	for name, s := range schemas {
		got, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		if want := append(stdEncode(t, s, false), '\n'); !bytes.Equal(got, want) {
			t.Errorf("%s: Encode =\n%.500s\nencoding/json:\n%.500s", name, got, want)
		}
		if want, ok := indented[name]; ok && !bytes.Equal(Indent(got), want) {
			t.Errorf("%s: Indent(Encode) differs from the golden", name)
		}
	}
}

// TestAppendString compares appendString with encoding/json on every
// byte and on the runes it treats specially, with and without HTML
// escaping.
func TestAppendString(t *testing.T) {
	var inputs []string
	for c := range 256 {
		inputs = append(inputs, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
	}
	inputs = append(inputs, "", "plain", "é", "\u2028\u2029", "\xed\xa0\x80", "日本語 <&>", strings.Repeat("\\\"", 10))
	for _, in := range inputs {
		for _, html := range []bool{false, true} {
			if got, want := appendString(nil, in, html), stdEncode(t, in, html); !bytes.Equal(got, want) {
				t.Errorf("appendString(%q, %v) = %s, encoding/json %s", in, html, got, want)
			}
		}
	}
}

// TestHashInput checks that a model's hash covers the bytes json.Marshal
// writes for its table shape, as it always has: migrations keep hashes.
// (A model without indexes writes no Indexes key, as before they existed.)
func TestHashInput(t *testing.T) {
	for name, data := range goldens(t) {
		s, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		s.Models = append(s.Models, oddSchema().Models...)
		s.Models[len(s.Models)-1].PrimaryKey = []*Field{{Name: "id", Type: Wrap(Option, Prim(Int))}}
		s.Models[len(s.Models)-1].Backing = &Backing{Binding: "<&>", Kind: D1Backing}
		s.SetHashes()
		for _, m := range s.Models {
			if !m.HasSQL() {
				continue
			}
			shape, err := json.Marshal(tableShape{m.Name, m.Backing, typedNames(m.PrimaryKey),
				typedNames(m.Columns), m.ForeignKeys, m.Uniques, m.Indexes})
			if err != nil {
				t.Fatal(err)
			}
			if want := shortHash(shape); m.Hash != want {
				t.Errorf("%s: model %q: hash %s, want %s", name, m.Name, m.Hash, want)
			}
		}
	}
}

// indent must produce exactly what json.Indent does, on every interface
// description the golden tests keep and on edge cases of strings and
// empty containers.
func TestIndentMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{}`, `[]`, `{"a":[]}`, `{"a":{},"b":[1,2.5,-3e7,true,false,null]}`,
		`{"s":"quote \" backslash \\ \\\" {[,:]} \u00e9 \n","t":"\\"}`,
		`[[[]],[{}],{"":""}]`,
	}
	for f, data := range goldens(t) {
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		inputs = append(inputs, compact.String())
	}
	for _, in := range inputs {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(in), "", "  "); err != nil {
			t.Fatalf("%.40q: %v", in, err)
		}
		if got := indent(nil, []byte(in)); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indent(%.60q) =\n%.300s\nwant\n%.300s", in, got, want.Bytes())
		}
	}
}
