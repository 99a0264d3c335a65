package ts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
)

func TestSpellingType(t *testing.T) {
	prim := idl.Prim
	wrap := idl.Wrap
	obj := idl.Named(idl.Object, "User")
	tests := []struct {
		t          *idl.Type
		want, with string // without and with the schema taking Date and Uint8Array
	}{
		{prim(idl.Void), "void", ""},
		{prim(idl.Int), "number", ""},
		{prim(idl.Real), "number", ""},
		{prim(idl.String), "string", ""},
		{prim(idl.Bool), "boolean", ""},
		{prim(idl.Date), "Date", "globalThis.Date"},
		{prim(idl.Blob), "Uint8Array", "globalThis.Uint8Array"},
		{prim(idl.JSONValue), "unknown", ""},
		{prim(idl.Stream), "S", ""},
		{prim(idl.R2Object), "R2Object", ""},
		{obj, "User.Self", ""},
		{idl.Named(idl.Partial, "User"), "$rt.DeepPartial<User.Self>", ""},
		{wrap(idl.Array, obj), "User.Self[]", ""},
		{wrap(idl.Array, wrap(idl.Option, prim(idl.Int))), "(number | null)[]", ""},
		{wrap(idl.Option, wrap(idl.Option, prim(idl.Date))), "Date | null", "globalThis.Date | null"},
		{wrap(idl.KVObject, wrap(idl.Array, prim(idl.String))), "$rt.KValue<string[]>", ""},
	}
	sp := Spelling{Object: func(name string) string { return name + ".Self" }, Stream: "S", Lib: "$rt."}
	taken := sp
	taken.Taken = map[string]bool{"Date": true, "Uint8Array": true}
	for _, tt := range tests {
		if got := sp.Type(tt.t); got != tt.want {
			t.Errorf("Type(%v) = %q, want %q", tt.t, got, tt.want)
		}
		if tt.with == "" {
			tt.with = tt.want
		}
		if got := taken.Type(tt.t); got != tt.with {
			t.Errorf("with Date and Uint8Array taken, Type(%v) = %q, want %q", tt.t, got, tt.with)
		}
	}
}

func TestModelShape(t *testing.T) {
	m := &idl.Model{
		PrimaryKey:  []*idl.Field{{Name: "id", Type: idl.Prim(idl.Int)}},
		Columns:     []*idl.Field{{Name: "name", Type: idl.Wrap(idl.Option, idl.Prim(idl.String))}},
		Navigations: []*idl.Navigation{{Name: "posts", Type: idl.Wrap(idl.Array, idl.Named(idl.Object, "Post")), Many: true}},
		KV:          []*idl.StoreField{{Name: "prefs", Type: idl.Wrap(idl.KVObject, idl.Prim(idl.JSONValue))}},
		R2:          []*idl.StoreField{{Name: "photo", Type: idl.Prim(idl.R2Object)}},
	}
	var got []string
	for _, p := range ModelShape(m) {
		opt := ""
		if p.Optional {
			opt = "?"
		}
		got = append(got, p.Name+opt+": "+p.Type.String())
	}
	want := []string{"id: int", "name: option<string>", "posts?: array<Post>", "prefs?: option<kvobject<json>>", "photo?: option<r2object>"}
	if !slices.Equal(got, want) {
		t.Errorf("ModelShape = %q, want %q", got, want)
	}
}

func TestNames(t *testing.T) {
	for name, want := range map[string]string{"id": "id", "$get": "$get", "a-b": `"a-b"`, "9x": `"9x"`, "__proto__": `["__proto__"]`} {
		if got := Prop(name); got != want {
			t.Errorf("Prop(%q) = %s, want %s", name, got, want)
		}
	}
	if got := Quote("a\"\u2028\\"); got != `"a\"\u2028\\"` {
		t.Errorf("Quote = %s", got)
	}
	s := NewScope(Avoid([]string{"User", "init"}))
	var names []string
	for _, name := range []string{"id", "default", "init", "init_", "User", "id", "await", "globalThis", "value"} {
		names = append(names, s.Fresh(name))
	}
	want := []string{"id", "default_", "init_", "init__", "User_", "id_", "await_", "globalThis_", "value"}
	if !slices.Equal(names, want) {
		t.Errorf("Fresh gave %v, want %v", names, want)
	}
}

func TestPrinter(t *testing.T) {
	var p Printer
	p.Gap() // nothing at the start
	p.Block("export interface A {", func() {
		p.Gap() // nor at the start of a block
		p.Line("a: number;")
		p.Gap()
		p.Gap() // one blank line, however many gaps
		p.List("b: { ", []string{"x: number", "y: string"}, "; ", ";", " };")
		p.Args("c(", []string{strings.Repeat("p", 50) + ": number", strings.Repeat("q", 50) + ": string"}, "): void;")
	}, "}")
	p.Union("type U = ", []string{`"a"`, `"b"`}, ";")
	p.Union("type V = ", []string{`"` + strings.Repeat("v", 50) + `"`, `"` + strings.Repeat("w", 50) + `"`}, ";")
	want := `export interface A {
  a: number;

  b: { x: number; y: string };
  c(
    ` + strings.Repeat("p", 50) + `: number,
    ` + strings.Repeat("q", 50) + `: string,
  ): void;
}
type U = "a" | "b";
type V =
  | "` + strings.Repeat("v", 50) + `"
  | "` + strings.Repeat("w", 50) + `";
`
	if got := string(p.Bytes()); got != want {
		t.Errorf("printed:\n%s\nwant:\n%s", got, want)
	}
}

func TestImports(t *testing.T) {
	var p Printer
	Imports{"cloesce": {"* as $rt"}, "./a.js": {"a", "type B"}, "./t.js": {"type T", "type U"}}.Print(&p)
	want := `import * as $rt from "cloesce";
import { a, type B } from "./a.js";
import type { T, U } from "./t.js";
`
	if got := string(p.Bytes()); got != want {
		t.Errorf("imports:\n%s\nwant:\n%s", got, want)
	}
}

// TestLineMatchesFmt checks that Line writes what fmt.Sprintf would,
// whether its own formatting or fmt's does the work.
func TestLineMatchesFmt(t *testing.T) {
	tests := []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"100%% sure", nil},
		{"%s: %s;", []any{"a", "b"}},
		{"n = %d, %s", []any{42, "x"}},
		{"%s", []any{"only"}},
		{"%[2]s %[1]s", []any{"a", "b"}},
		{"%q", []any{"q"}},
		{"%s", []any{3}},
		{"%d", []any{"s"}},
		{"%s %s", []any{"missing"}},
		{"%s", []any{"extra", "arg"}},
		{"trailing %", nil},
		{"%v", []any{true}},
	}
	for _, tt := range tests {
		var p Printer
		p.depth = 1
		p.Line(tt.format, tt.args...)
		if want := "  " + fmt.Sprintf(tt.format, tt.args...) + "\n"; string(p.Bytes()) != want {
			t.Errorf("Line(%q, %v) = %q, want %q", tt.format, tt.args, p.Bytes(), want)
		}
	}
}

// TestQuoteMatchesJSON checks Quote against encoding/json on every byte.
func TestQuoteMatchesJSON(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "b"} {
			want, _ := json.Marshal(s)
			if got := Quote(s); got != string(want) {
				t.Errorf("Quote(%q) = %s, want %s", s, got, want)
			}
		}
	}
}

// TestFilters checks that Filters finds the filterable columns among the
// key and the other columns, in model order.
func TestFilters(t *testing.T) {
	field := func(name string) *idl.Field { return &idl.Field{Name: name, Type: idl.Prim(idl.Int)} }
	m := &idl.Model{
		PrimaryKey: []*idl.Field{field("a"), field("b")},
		Columns:    []*idl.Field{field("c"), field("d"), field("e")},
		Filters:    []string{"a", "d", "e"},
	}
	var got []string
	for _, f := range Filters(m) {
		got = append(got, f.Name)
	}
	if !slices.Equal(got, m.Filters) {
		t.Errorf("Filters = %v, want %v", got, m.Filters)
	}
}
