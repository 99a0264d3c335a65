package openapi

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestGenerate compares openapi.json for each schema, indented, with its
// golden (the document itself is compact).
func TestGenerate(t *testing.T) {
	gentest.Goldens(t, gentest.Schemas, "openapi.json", func(s *idl.Schema, url string) []byte {
		return idl.Indent(Generate(s, url))
	})
}

// BenchmarkGenerate1000 writes openapi.json for the analysed 1,000-model
// synthetic schema.
func BenchmarkGenerate1000(b *testing.B) {
	s := synth.Analyze(b, 1000)
	for b.Loop() {
		Generate(s, "http://localhost:8787")
	}
}

// document is the part of an OpenAPI document the checks below read.
type document struct {
	Servers    []struct{ URL string }
	Paths      map[string]map[string]operation
	Components struct {
		Schemas   map[string]json.RawMessage
		Responses map[string]json.RawMessage
	}
}

type operation struct {
	OperationID string
	Parameters  []struct {
		Name, In string
		Required bool
		Schema   json.RawMessage
	}
	RequestBody *struct {
		Content map[string]struct{ Schema json.RawMessage }
	}
	Responses map[string]json.RawMessage
}

func decode(t *testing.T, data []byte) (document, any) {
	t.Helper()
	var doc document
	var tree any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	return doc, tree
}

var (
	pathVariable  = regexp.MustCompile(`\{([^}]*)\}`)
	componentName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)
)

// TestDocumentsHoldTogether checks what a JSON Schema of OpenAPI cannot:
// every $ref resolves, operation IDs are unique, every path variable is
// a required path parameter and the reverse, no parameter is given twice,
// and component names are ones OpenAPI allows.
func TestDocumentsHoldTogether(t *testing.T) {
	for _, sc := range gentest.Schemas {
		t.Run(sc.Name, func(t *testing.T) {
			data := Generate(gentest.Analyze(t, sc.Path), sc.WorkersURL)
			doc, tree := decode(t, data)
			for _, ref := range refs(tree, nil) {
				kind, name, ok := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
				var found bool
				switch kind {
				case "schemas":
					_, found = doc.Components.Schemas[name]
				case "responses":
					_, found = doc.Components.Responses[name]
				}
				if !ok || !found {
					t.Errorf("$ref %s resolves to nothing", ref)
				}
			}
			for name := range doc.Components.Schemas {
				if !componentName.MatchString(name) {
					t.Errorf("component name %q is not allowed by OpenAPI", name)
				}
			}
			ids := map[string]bool{}
			for path, item := range doc.Paths {
				for verb, op := range item {
					if ids[op.OperationID] {
						t.Errorf("operationId %s is used twice", op.OperationID)
					}
					ids[op.OperationID] = true
					vars := map[string]bool{}
					for _, m := range pathVariable.FindAllStringSubmatch(path, -1) {
						vars[m[1]] = true
					}
					seen := map[string]bool{}
					for _, p := range op.Parameters {
						if seen[p.In+" "+p.Name] {
							t.Errorf("%s %s: parameter %s in %s is given twice", verb, path, p.Name, p.In)
						}
						seen[p.In+" "+p.Name] = true
						if p.In == "path" && (!vars[p.Name] || !p.Required) {
							t.Errorf("%s %s: path parameter %s is not a required variable of the path", verb, path, p.Name)
						}
						delete(vars, p.Name)
					}
					if len(vars) > 0 {
						t.Errorf("%s %s: path variables %v have no parameter", verb, path, vars)
					}
				}
			}
		})
	}
}

// refs lists every $ref in a decoded JSON value.
func refs(v any, out []string) []string {
	switch v := v.(type) {
	case map[string]any:
		if r, ok := v["$ref"].(string); ok {
			out = append(out, r)
		}
		for _, e := range v {
			out = refs(e, out)
		}
	case []any:
		for _, e := range v {
			out = refs(e, out)
		}
	}
	return out
}

// TestSchemas checks the JSON Schema of types and validators, in a
// response, a request's body or its text (query string, path, headers).
func TestSchemas(t *testing.T) {
	str, integer := idl.Prim(idl.String), idl.Prim(idl.Int)
	v := func(kind, arg string) idl.Validator { return idl.Validator{Kind: kind, Arg: arg} }
	for _, tc := range []struct {
		name string
		v    value
		want string
	}{
		{"an int of a request keeps to the safe range", value{t: integer, at: body},
			`{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991}`},
		{"unless a validator sets the bound", value{t: integer, at: text, vs: []idl.Validator{v("gte", "0"), v("gt", "-1")}},
			`{"type":"integer","maximum":9007199254740991,"minimum":0,"exclusiveMinimum":-1}`},
		{"an int of a response may be any", value{t: integer, vs: []idl.Validator{v("gte", "0")}},
			`{"type":"integer","minimum":0}`},
		{"reals keep numbers as written", value{t: idl.Prim(idl.Real), vs: []idl.Validator{v("lte", "100.0"), v("lt", "1e3"), v("step", "2")}},
			`{"type":"number","maximum":100.0,"exclusiveMaximum":1e3,"multipleOf":2}`},
		{"len is both lengths", value{t: str, vs: []idl.Validator{v("len", "10")}},
			`{"type":"string","minLength":10,"maxLength":10}`},
		{"a keyword given twice goes to allOf", value{t: str, vs: []idl.Validator{v("minlen", "3"), v("len", "5"), v("regex", `^a`), v("regex", `b$`)}},
			`{"type":"string","minLength":3,"maxLength":5,"pattern":"^a","allOf":[{"minLength":5},{"pattern":"b$"}]}`},
		{"patterns keep their characters", value{t: str, vs: []idl.Validator{v("regex", `^[^@\/<>]+$`)}},
			`{"type":"string","pattern":"^[^@\\/<>]+$"}`},
		{"an option in a body is nullable", value{t: idl.Wrap(idl.Option, str), vs: []idl.Validator{v("minlen", "1")}},
			`{"type":["string","null"],"minLength":1}`},
		{"an option in a query string is absent instead", value{t: idl.Wrap(idl.Option, str), at: text},
			`{"type":"string"}`},
		{"validators apply to array elements", value{t: idl.Wrap(idl.Array, str), vs: []idl.Validator{v("maxlen", "4")}},
			`{"type":"array","items":{"type":"string","maxLength":4}}`},
		{"dates", value{t: idl.Prim(idl.Date)}, `{"type":"string","format":"date-time"}`},
		{"blobs are base64", value{t: idl.Prim(idl.Blob)},
			`{"type":"string","contentEncoding":"base64","pattern":"` + base64Pattern + `"}`},
		{"json is any value in a body", value{t: idl.Prim(idl.JSONValue)}, `{}`},
		{"json is JSON text in a query string", value{t: idl.Prim(idl.JSONValue), at: text},
			`{"type":"string","contentMediaType":"application/json"}`},
		{"void is null", value{t: idl.Prim(idl.Void)}, `{"type":"null"}`},
		{"objects are components", value{t: idl.Named(idl.Object, "User")}, `{"$ref":"#/components/schemas/User"}`},
		{"partials too", value{t: idl.Wrap(idl.Array, idl.Named(idl.Partial, "User"))},
			`{"type":"array","items":{"$ref":"#/components/schemas/DeepPartial.User"}}`},
		{"objects below a partial are partial", value{t: idl.Named(idl.Object, "Post"), partial: true},
			`{"$ref":"#/components/schemas/DeepPartial.Post"}`},
		{"a nullable object", value{t: idl.Wrap(idl.Option, idl.Named(idl.Object, "User"))},
			`{"anyOf":[{"$ref":"#/components/schemas/User"},{"type":"null"}]}`},
		{"a KV value needs its raw", value{t: idl.Wrap(idl.KVObject, integer), vs: []idl.Validator{v("gte", "0")}, nullable: true},
			`{"type":["object","null"],"properties":{"raw":{"type":"integer","minimum":0},"metadata":{}},"required":["raw"]}`},
		{"unless it may be null", value{t: idl.Wrap(idl.KVObject, idl.Wrap(idl.Option, str))},
			`{"type":"object","properties":{"raw":{"type":["string","null"]},"metadata":{}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var g gen
			g.schema(tc.v)
			if got := string(g.w.buf); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid(g.w.buf) {
				t.Error("not JSON")
			}
		})
	}
}

// TestListsAndCounts checks the query strings of the generated $list,
// $count and $delete of the crud schema: a filter per op on each
// filterable column (prefix on text, null on optional columns), order
// on them, and the lastSeen_ value of an order column; nothing on a
// column without an index, nor on a list the app writes.
func TestListsAndCounts(t *testing.T) {
	doc, _ := decode(t, Generate(gentest.Analyze(t, "internal/gen/gentest/testdata/crud.clo"), "https://example.com"))
	names := func(path, verb string) []string {
		op, ok := doc.Paths[path][verb]
		if !ok {
			t.Fatalf("no %s %s", verb, path)
		}
		var out []string
		for _, p := range op.Parameters {
			out = append(out, p.In+":"+p.Name)
		}
		return out
	}
	list := names("/Author/$list", "get")
	for _, want := range []string{"query:lastSeen_id", "query:limit", "query:id.eq", "query:id.in", "query:name.prefix", "query:rating.null", "query:born.gte", "query:email.ne", "query:order", "query:lastSeen_born"} {
		if !slices.Contains(list, want) {
			t.Errorf("Author.$list lacks %s: %v", want, list)
		}
	}
	for _, unwanted := range []string{"query:bio.eq", "query:id.prefix", "query:born.prefix", "query:name.null", "query:id.null", "query:lastSeen_bio"} {
		if slices.Contains(list, unwanted) {
			t.Errorf("Author.$list has %s", unwanted)
		}
	}
	if named := names("/Author/$list_Named", "get"); !slices.Equal(named, []string{"query:prefix", "query:limit"}) {
		t.Errorf("the app's own list takes %v, want its parameters alone", named)
	}
	count := names("/Item/$count", "get")
	if !slices.Contains(count, "query:slug") || !slices.Contains(count, "query:price.lt") || slices.Contains(count, "query:order") {
		t.Errorf("Item.$count takes %v", count)
	}
	del := doc.Paths["/Book/$delete"]["delete"]
	if got := names("/Book/$delete", "delete"); !slices.Equal(got, []string{"query:shelf", "query:n"}) || del.RequestBody != nil {
		t.Errorf("Book.$delete takes %v and a body %v, want its key in the query string", got, del.RequestBody != nil)
	}
	if _, ok := del.Responses["409"]; !ok {
		t.Error("Book.$delete does not answer 409")
	}
	var order struct{ Enum []string }
	for _, p := range doc.Paths["/Book/$list"]["get"].Parameters {
		if p.Name == "order" {
			json.Unmarshal(p.Schema, &order)
		}
	}
	if want := []string{"shelf", "-shelf", "authorId", "-authorId", "published", "-published"}; !slices.Equal(order.Enum, want) {
		t.Errorf("Book.$list orders by %v, want %v", order.Enum, want)
	}
}

// TestHeaderParameters checks that [header] parameters are headers, named
// with "-" for "_", and neither query parameters nor body members.
func TestHeaderParameters(t *testing.T) {
	str := idl.Prim(idl.String)
	param := func(name string, typ *idl.Type, header bool) *idl.Param {
		return &idl.Param{Field: idl.Field{Name: name, Type: typ}, Header: header}
	}
	method := func(name, verb, media string, params ...*idl.Param) *idl.Method {
		return &idl.Method{Name: name, Static: true, Verb: verb, Params: params, ParamsMedia: media, Result: idl.Prim(idl.Void), ResultMedia: idl.JSON}
	}
	s := &idl.Schema{Compiler: "0.1.0", Models: []*idl.Model{{Name: "Report", APIs: []*idl.Method{
		method("find", idl.VerbGet, idl.JSON, param("X_Tenant", str, true), param("q", str, false)),
		method("upload", idl.VerbPost, idl.Octet, param("X_Trace", idl.Wrap(idl.Option, str), true), param("s", idl.Prim(idl.Stream), false)),
		method("send", idl.VerbPut, idl.JSON, param("X_Tenant", str, true), param("note", idl.Wrap(idl.Option, str), false)),
	}}}}
	doc, _ := decode(t, Generate(s, "http://localhost:8787"))
	for _, tc := range []struct {
		path, verb string
		params     []string
		body       string
	}{
		{"/Report/find", "get", []string{"header:X-Tenant:true", "query:q:true"}, ""},
		{"/Report/upload", "post", []string{"header:X-Trace:false"}, "application/octet-stream"},
		{"/Report/send", "put", []string{"header:X-Tenant:true"}, `{"type":"object","properties":{"note":{"type":["string","null"]}}}`},
	} {
		op := doc.Paths[tc.path][tc.verb]
		var params []string
		for _, p := range op.Parameters {
			params = append(params, fmt.Sprintf("%s:%s:%v", p.In, p.Name, p.Required))
		}
		if !slices.Equal(params, tc.params) {
			t.Errorf("%s takes %v, want %v", tc.path, params, tc.params)
		}
		var body string
		if op.RequestBody != nil {
			for media, c := range op.RequestBody.Content {
				body = media
				if c.Schema != nil {
					body = string(c.Schema)
				}
			}
		}
		if body != tc.body {
			t.Errorf("%s's body is %s, want %s", tc.path, body, tc.body)
		}
	}
}
