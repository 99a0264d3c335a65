package client

import (
	"regexp"
	"slices"
	"testing"

	"github.com/cloesce-go/cloesce/internal/gen/ts"
	"github.com/cloesce-go/cloesce/internal/idl"
	tsruntime "github.com/cloesce-go/cloesce/runtime"
)

var (
	intT  = idl.Prim(idl.Int)
	dateT = idl.Prim(idl.Date)
	blobT = idl.Prim(idl.Blob)
)

func array(t *idl.Type) *idl.Type  { return idl.Wrap(idl.Array, t) }
func option(t *idl.Type) *idl.Type { return idl.Wrap(idl.Option, t) }

// testGenerator is a generator for a schema whose global names are taken.
func testGenerator(taken ...string) *generator {
	g := &generator{sp: ts.Spelling{Object: func(name string) string { return name }, Stream: "S", Taken: map[string]bool{}}}
	for _, n := range taken {
		g.sp.Taken[n] = true
	}
	return g
}

// TestTypes checks the client type of each kind of CIDL type, the
// function decoding its JSON form, and the helpers that function needs.
func TestTypes(t *testing.T) {
	tests := []struct {
		typ            *idl.Type
		ts, decoder    string
		result, reader string
		helpers        []string
	}{
		{intT, "number", "", "number", "$asJson<number>()", []string{"$Reader", "$asJson"}},
		{idl.Prim(idl.Bool), "boolean", "", "boolean", "$asJson<boolean>()", []string{"$Reader", "$asJson"}},
		{idl.Prim(idl.JSONValue), "unknown", "", "unknown", "$asJson<unknown>()", []string{"$Reader", "$asJson"}},
		{idl.Prim(idl.Void), "void", "", "void", "$asVoid", []string{"$Reader", "$asVoid"}},
		{idl.Prim(idl.Stream), "S", "", "Response", "$asResponse", []string{"$Reader", "$asResponse"}},
		{dateT, "Date", "$decodeDate", "Date", "$asJson($decodeDate)", []string{"$Reader", "$asJson", "$decodeDate"}},
		{blobT, "Uint8Array", "$decodeBlob", "Uint8Array", "$asJson($decodeBlob)", []string{"$Reader", "$asJson", "$decodeBlob", "$fromBase64"}},
		{idl.Prim(idl.R2Object), "R2Object", "R2Object.fromJson", "R2Object", "$asJson(R2Object.fromJson)", []string{"$Reader", "$asJson"}},
		{idl.Named(idl.Object, "User"), "User", "User.fromJson", "User", "$asJson(User.fromJson)", []string{"$Reader", "$asJson"}},
		{idl.Named(idl.Partial, "User"), "DeepPartial<User>", "User.fromJson", "DeepPartial<User>", "$asJson(User.fromJson)", []string{"$Reader", "$asJson"}},
		{option(intT), "number | null", "", "number | null", "$asJson<number | null>()", []string{"$Reader", "$asJson"}},
		{option(dateT), "Date | null", "$optionOf($decodeDate)", "Date | null", "$asJson($optionOf($decodeDate))",
			[]string{"$Reader", "$asJson", "$optionOf", "$decodeDate"}},
		{array(option(intT)), "(number | null)[]", "", "(number | null)[]", "$asJson<(number | null)[]>()", []string{"$Reader", "$asJson"}},
		{option(array(intT)), "number[] | null", "", "number[] | null", "$asJson<number[] | null>()", []string{"$Reader", "$asJson"}},
		{array(array(blobT)), "Uint8Array[][]", "$arrayOf($arrayOf($decodeBlob))", "Uint8Array[][]", "$asJson($arrayOf($arrayOf($decodeBlob)))",
			[]string{"$Reader", "$asJson", "$arrayOf", "$decodeBlob", "$fromBase64"}},
		{idl.Wrap(idl.KVObject, intT), "KValue<number>", "$kvalueOf<number>()", "KValue<number>", "$asJson($kvalueOf<number>())",
			[]string{"$Reader", "$asJson", "$kvalueOf"}},
		{idl.Wrap(idl.KVObject, idl.Named(idl.Object, "Item")), "KValue<Item>", "$kvalueOf(Item.fromJson)", "KValue<Item>",
			"$asJson($kvalueOf(Item.fromJson))", []string{"$Reader", "$asJson", "$kvalueOf"}},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			g := testGenerator()
			if got := g.sp.Type(tt.typ); got != tt.ts {
				t.Errorf("type = %q, want %q", got, tt.ts)
			}
			if got := g.resultType(tt.typ); got != tt.result {
				t.Errorf("resultType = %q, want %q", got, tt.result)
			}
			if got := g.decoder(tt.typ); got != tt.decoder {
				t.Errorf("decoder = %q, want %q", got, tt.decoder)
			}
			if got := g.reader(tt.typ); got != tt.reader {
				t.Errorf("reader = %q, want %q", got, tt.reader)
			}
			if got := helpersUsed(g.reader(tt.typ)); !slices.Equal(got, tt.helpers) {
				t.Errorf("helpers used = %v, want %v", got, tt.helpers)
			}
		})
	}
}

// TestEncoding checks how values become text: GET query parameters (an
// array gives one per element) and instance key segments, with the
// platform's String and JSON reached through globalThis when the schema
// takes their names.
func TestEncoding(t *testing.T) {
	tests := []struct {
		typ            *idl.Type
		values, encode string
		key            string // keyText of "x"
	}{
		{intT, "[x]", "String", "String(x)"},
		{idl.Prim(idl.String), "[x]", "String", "x"},
		{idl.Prim(idl.Bool), "[x]", "String", "String(x)"},
		{dateT, "[x]", "$encodeDate", "$encodeDate(x)"},
		{blobT, "[x]", "$toBase64", "$toBase64(x)"},
		{idl.Prim(idl.JSONValue), "[x]", "JSON.stringify", "JSON.stringify(x)"},
		{option(idl.Prim(idl.String)), "[x]", "String", "String(x)"},
		{option(dateT), "[x]", "$encodeDate", `x === null ? "null" : $encodeDate(x)`},
		{array(intT), "x", "String", "JSON.stringify(x)"},
		{array(option(dateT)), "x", "$encodeDate", "JSON.stringify(x)"},
		{option(array(blobT)), "x ?? []", "$toBase64", "JSON.stringify(x)"},
		{array(array(intT)), "x", "JSON.stringify", "JSON.stringify(x)"},
	}
	for _, tt := range tests {
		t.Run(tt.typ.String(), func(t *testing.T) {
			g := testGenerator()
			values, encode := g.queryArgs("x", tt.typ)
			if values != tt.values || encode != tt.encode {
				t.Errorf("queryArgs = %q, %q; want %q, %q", values, encode, tt.values, tt.encode)
			}
			if got := g.keyText(tt.typ, "x"); got != tt.key {
				t.Errorf("keyText = %q, want %q", got, tt.key)
			}
		})
	}
	if got := testGenerator("String", "JSON").keyText(option(intT), "x"); got != "globalThis.String(x)" {
		t.Errorf("with a model String, keyText = %q", got)
	}
}

// declName is what declHead reads.
var declName = regexp.MustCompile(`^(?:/\*\*(?s:.*?)\*/\n)?(export )?(?:async )?(?:function|const|class|interface|type) ([\w$]+)`)

// TestDeclHead checks declHead against declName on every part of the
// helper sources, and on edge cases.
func TestDeclHead(t *testing.T) {
	parts := append(declarations(tsruntime.Shared+"\n\n"+helperSource),
		"", "/**", "/** doc */\nexport const", "/** a */ b */\ntype X = 1", "/** x */\nasync function $f() {}",
		"export async class A {}", "interface $I$2 {}", "const = 1", "export  const x", "/** */\n/** */\nconst y")
	for _, code := range parts {
		export, name, ok := declHead(code)
		m := declName.FindStringSubmatchIndex(code)
		if ok != (m != nil) || ok && (name != code[m[4]:m[5]] || export != m[2]) {
			t.Errorf("declHead(%.60q) = %d, %q, %v; the regexp gives %v", code, export, name, ok, m)
		}
	}
}

// TestHelpers checks that the embedded helper sources split into the
// prelude, which declares the documented surface, and helpers that are
// all reachable by name.
func TestHelpers(t *testing.T) {
	for _, name := range []string{"MediaType", "ParamProblem", "HttpResult", "KValue", "DeepPartial", "R2Object", "ClientOptions", "CallOptions"} {
		if !slices.ContainsFunc(declarations(prelude), func(d string) bool {
			m := declName.FindStringSubmatch(d)
			return m != nil && m[2] == name
		}) {
			t.Errorf("the prelude does not declare %s", name)
		}
	}
	for _, name := range sharedHelpers {
		if slices.ContainsFunc(declarations(prelude), func(d string) bool {
			m := declName.FindStringSubmatch(d)
			return m != nil && m[2] == name
		}) || helpers["$"+name] == "" {
			t.Errorf("shared.ts's %s is not the helper $%s", name, name)
		}
	}
	if len(order) < 20 || len(helpers) != len(order) {
		t.Fatalf("helpers: %d, in order: %d", len(helpers), len(order))
	}
	for _, name := range order {
		code := helpers[name]
		if m := declName.FindStringSubmatch(code); m[2] != name || m[1] != "" {
			t.Errorf("helper %s is not a declaration of its name, or is exported:\n%s", name, code)
		}
	}
}

// TestDollar checks that dollar renames whole identifiers only.
func TestDollar(t *testing.T) {
	names := []string{"Filter", "Order"}
	tests := []struct{ in, want string }{
		{"type Filter<V> = Order<V>;", "type $Filter<V> = $Order<V>;"},
		{"FilterOp ListFilter $Filter Filter_ order Orders", "FilterOp ListFilter $Filter Filter_ order Orders"},
		{"x.Filter, (Filter)\n/** their Filter */", "x.$Filter, ($Filter)\n/** their $Filter */"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := dollar(tt.in, names); got != tt.want {
			t.Errorf("dollar(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
