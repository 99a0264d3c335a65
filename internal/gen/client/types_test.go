package client

import (
	"slices"
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
)

var (
	intT  = idl.Prim(idl.Int)
	dateT = idl.Prim(idl.Date)
	blobT = idl.Prim(idl.Blob)
)

func array(t *idl.Type) *idl.Type  { return idl.Wrap(idl.Array, t) }
func option(t *idl.Type) *idl.Type { return idl.Wrap(idl.Option, t) }

// TestTypes checks the client type of each kind of CIDL type, the
// function decoding its JSON form, and the helpers that function needs.
func TestTypes(t *testing.T) {
	tests := []struct {
		typ            *idl.Type
		ts, decoder    string
		result, reader string
		helpers        []string
	}{
		{intT, "number", "", "number", "asJson<number>()", []string{"asJson"}},
		{idl.Prim(idl.Bool), "boolean", "", "boolean", "asJson<boolean>()", []string{"asJson"}},
		{idl.Prim(idl.JSONValue), "unknown", "", "unknown", "asJson<unknown>()", []string{"asJson"}},
		{idl.Prim(idl.Void), "void", "", "void", "asVoid", []string{"asVoid"}},
		{idl.Prim(idl.Stream), "Uint8Array | Blob | ArrayBuffer", "", "Response", "asResponse", []string{"asResponse"}},
		{dateT, "Date", "decodeDate", "Date", "asJson(decodeDate)", []string{"asJson", "decodeDate"}},
		{blobT, "Uint8Array", "decodeBlob", "Uint8Array", "asJson(decodeBlob)", []string{"asJson", "decodeBlob"}},
		{idl.Prim(idl.R2Object), "R2Object", "R2Object.fromJson", "R2Object", "asJson(R2Object.fromJson)", []string{"asJson"}},
		{idl.Named(idl.Object, "User"), "User", "User.fromJson", "User", "asJson(User.fromJson)", []string{"asJson"}},
		{idl.Named(idl.Partial, "User"), "DeepPartial<User>", "User.fromJson", "DeepPartial<User>", "asJson(User.fromJson)", []string{"asJson"}},
		{option(intT), "number | null", "", "number | null", "asJson<number | null>()", []string{"asJson"}},
		{option(dateT), "Date | null", "optionOf(decodeDate)", "Date | null", "asJson(optionOf(decodeDate))",
			[]string{"asJson", "decodeDate", "optionOf"}},
		{array(option(intT)), "(number | null)[]", "", "(number | null)[]", "asJson<(number | null)[]>()", []string{"asJson"}},
		{option(array(intT)), "number[] | null", "", "number[] | null", "asJson<number[] | null>()", []string{"asJson"}},
		{array(array(blobT)), "Uint8Array[][]", "arrayOf(arrayOf(decodeBlob))", "Uint8Array[][]", "asJson(arrayOf(arrayOf(decodeBlob)))",
			[]string{"arrayOf", "asJson", "decodeBlob"}},
		{idl.Wrap(idl.KVObject, intT), "KValue<number>", "kvalueOf<number>()", "KValue<number>", "asJson(kvalueOf<number>())",
			[]string{"asJson", "kvalueOf"}},
		{idl.Wrap(idl.KVObject, idl.Named(idl.Object, "Item")), "KValue<Item>", "kvalueOf(Item.fromJson)", "KValue<Item>",
			"asJson(kvalueOf(Item.fromJson))", []string{"asJson", "kvalueOf"}},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			g := &generator{used: map[string]bool{}}
			if got := tsType(tt.typ); got != tt.ts {
				t.Errorf("tsType = %q, want %q", got, tt.ts)
			}
			if got := resultType(tt.typ); got != tt.result {
				t.Errorf("resultType = %q, want %q", got, tt.result)
			}
			if got := g.decoder(tt.typ); got != tt.decoder {
				t.Errorf("decoder = %q, want %q", got, tt.decoder)
			}
			if got := g.reader(tt.typ); got != tt.reader {
				t.Errorf("reader = %q, want %q", got, tt.reader)
			}
			if got := usedNames(g); !slices.Equal(got, tt.helpers) {
				t.Errorf("helpers used = %v, want %v", got, tt.helpers)
			}
		})
	}
}

func usedNames(g *generator) []string {
	var names []string
	for name := range g.used {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// TestEncoding checks how values become text: GET query parameters (an
// array gives one per element) and instance key segments.
func TestEncoding(t *testing.T) {
	tests := []struct {
		typ            *idl.Type
		values, encode string
		key            string // keyText of "x"
	}{
		{intT, "[x]", "String", "String(x)"},
		{idl.Prim(idl.String), "[x]", "String", "x"},
		{idl.Prim(idl.Bool), "[x]", "String", "String(x)"},
		{dateT, "[x]", "encodeDate", "encodeDate(x)"},
		{blobT, "[x]", "toBase64", "toBase64(x)"},
		{idl.Prim(idl.JSONValue), "[x]", "JSON.stringify", "JSON.stringify(x)"},
		{option(idl.Prim(idl.String)), "[x]", "String", "String(x)"},
		{option(dateT), "[x]", "encodeDate", `x === null ? "null" : encodeDate(x)`},
		{array(intT), "x", "String", "JSON.stringify(x)"},
		{array(option(dateT)), "x", "encodeDate", "JSON.stringify(x)"},
		{option(array(blobT)), "x ?? []", "toBase64", "JSON.stringify(x)"},
		{array(array(intT)), "x", "JSON.stringify", "JSON.stringify(x)"},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			g := &generator{used: map[string]bool{}}
			values, encode := g.queryArgs("x", tt.typ)
			if values != tt.values || encode != tt.encode {
				t.Errorf("queryArgs = %q, %q; want %q, %q", values, encode, tt.values, tt.encode)
			}
			if got := g.keyText(tt.typ, "x"); got != tt.key {
				t.Errorf("keyText = %q, want %q", got, tt.key)
			}
		})
	}
}
