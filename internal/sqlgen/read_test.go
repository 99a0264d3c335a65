package sqlgen_test

import (
	"bytes"
	"cmp"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sqlgen"
)

// typedSchema has every column type in the children of sibling and nested
// collections, optional foreign keys, a self navigation and a composite
// key whose columns are foreign keys.
const typedSchema = `
CREATE TABLE "Hub" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, weight REAL, parentId INTEGER REFERENCES "Hub"(id));
CREATE TABLE "Maker" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, logo BLOB);
CREATE TABLE "Item" (
	id INTEGER PRIMARY KEY, label TEXT NOT NULL, price REAL NOT NULL, discount REAL, "on" INTEGER NOT NULL,
	maybe INTEGER, at TEXT NOT NULL, until TEXT, data BLOB NOT NULL, extra BLOB, meta TEXT NOT NULL,
	count INTEGER, hubId INTEGER NOT NULL REFERENCES "Hub"(id), makerId INTEGER REFERENCES "Maker"(id)
);
CREATE TABLE "Part" (id INTEGER PRIMARY KEY, size REAL NOT NULL, blobby BLOB, itemId INTEGER NOT NULL REFERENCES "Item"(id));
CREATE TABLE "Tag" (id INTEGER PRIMARY KEY, text TEXT NOT NULL, hubId INTEGER NOT NULL REFERENCES "Hub"(id));
CREATE TABLE "Slot" (
	hubId INTEGER NOT NULL REFERENCES "Hub"(id), makerId INTEGER NOT NULL REFERENCES "Maker"(id), rank INTEGER NOT NULL,
	PRIMARY KEY (hubId, makerId)
);
CREATE TABLE "Booking" (
	id INTEGER PRIMARY KEY, hubId INTEGER NOT NULL, makerId INTEGER NOT NULL, "when" TEXT NOT NULL, paid REAL NOT NULL,
	FOREIGN KEY (hubId, makerId) REFERENCES "Slot"(hubId, makerId)
);
`

// typedCatalog describes the tables of typedSchema.
func typedCatalog() map[string]*idl.Model {
	opt := func(k idl.Kind) *idl.Type { return idl.Wrap(idl.Option, idl.Prim(k)) }
	p := idl.Prim
	cols := func(spec ...any) []*idl.Field {
		var out []*idl.Field
		for i := 0; i < len(spec); i += 2 {
			out = append(out, &idl.Field{Name: spec[i].(string), Type: spec[i+1].(*idl.Type)})
		}
		return out
	}
	m := func(name string, pk, columns []*idl.Field, navs ...*idl.Navigation) *idl.Model {
		return &idl.Model{Name: name, PrimaryKey: pk, Columns: columns, Navigations: navs}
	}
	id := cols("id", p(idl.Int))
	ms := map[string]*idl.Model{}
	for _, x := range []*idl.Model{
		m("Hub", id, cols("name", p(idl.String), "weight", opt(idl.Real), "parentId", opt(idl.Int)),
			one("parent", "Hub", "parentId=id"),
			many("children", "Hub", "id=parentId"),
			many("items", "Item", "id=hubId"),
			many("tags", "Tag", "id=hubId"),
			many("slots", "Slot", "id=hubId")),
		m("Maker", id, cols("name", p(idl.String), "logo", opt(idl.Blob)),
			many("items", "Item", "id=makerId")),
		m("Item", id, cols("label", p(idl.String), "price", p(idl.Real), "discount", opt(idl.Real), "on", p(idl.Bool),
			"maybe", opt(idl.Bool), "at", p(idl.Date), "until", opt(idl.Date), "data", p(idl.Blob), "extra", opt(idl.Blob),
			"meta", p(idl.JSONValue), "count", opt(idl.Int), "hubId", p(idl.Int), "makerId", opt(idl.Int)),
			one("hub", "Hub", "hubId=id"),
			one("maker", "Maker", "makerId=id"),
			many("parts", "Part", "id=itemId")),
		m("Part", id, cols("size", p(idl.Real), "blobby", opt(idl.Blob), "itemId", p(idl.Int)),
			one("item", "Item", "itemId=id")),
		m("Tag", id, cols("text", p(idl.String), "hubId", p(idl.Int))),
		m("Slot", cols("hubId", p(idl.Int), "makerId", p(idl.Int)), cols("rank", p(idl.Int)),
			one("hub", "Hub", "hubId=id"),
			one("maker", "Maker", "makerId=id"),
			many("bookings", "Booking", "hubId=hubId", "makerId=makerId")),
		m("Booking", id, cols("hubId", p(idl.Int), "makerId", p(idl.Int), "when", p(idl.Date), "paid", p(idl.Real)),
			one("slot", "Slot", "hubId=hubId", "makerId=makerId")),
	} {
		ms[x.Name] = x
	}
	return ms
}

// Values JSON cannot hold as they are, or whose text loses precision.
var (
	reals   = []float64{0.1 + 0.2, 1e300, -2.5, 3, 0.1, 1.0 / 3, 123456789.125, 5e-324, math.Copysign(0, -1), math.MaxFloat64, -1e-7, 1 << 53, math.Inf(1), 1e-100, -3e150, 2.5e-200}
	strs    = []string{"plain", "quote \" ' \\ and \n newline\ttab", "ünïcödé ✓ 𝄞", "", "[1,2]", "null", "\x00nul", "<&>"}
	blobs   = [][]byte{{0}, {0xff, 0x00, 0x80}, {}, []byte(`"json"`), {0xde, 0xad, 0xbe, 0xef, 0x22, 0x5c}}
	jsons   = []string{`{"a":[1,2,{"b":null}],"c":"d"}`, `"text"`, `3.5`, `[]`, `true`, `{"n":0.30000000000000004}`}
	bigInts = []int64{0, -1, math.MaxInt64, math.MinInt64, 1<<53 + 1, 42}
)

// seedTyped inserts rows of every table, out of key order, with children
// spread unevenly over their parents and optional keys sometimes NULL.
func seedTyped(t *testing.T, db *sql.DB) {
	t.Helper()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	exec(typedSchema)
	pick := func(i int, n int) int { return (i*i + 3*i) % n }
	opt := func(i int, v any) any {
		if i%3 == 2 {
			return nil
		}
		return v
	}
	const hubs, makers, items, parts, tags, bookings = 9, 5, 30, 40, 25, 20
	for i := hubs; i >= 1; i-- {
		var parent any
		if i > 2 {
			parent = int64(pick(i, i-1) + 1)
		}
		exec(`INSERT INTO "Hub" VALUES (?, ?, ?, ?)`, i, strs[i%len(strs)], opt(i, reals[i%len(reals)]), parent)
	}
	for i := makers; i >= 1; i-- {
		exec(`INSERT INTO "Maker" VALUES (?, ?, ?)`, i, strs[(i+3)%len(strs)], opt(i, blobs[i%len(blobs)]))
	}
	for i := items; i >= 1; i-- {
		var maker any
		if i%4 != 0 {
			maker = pick(i, makers) + 1
		}
		exec(`INSERT INTO "Item" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, i, strs[i%len(strs)], reals[i%len(reals)],
			opt(i, reals[(i+5)%len(reals)]), i%2, opt(i+1, (i/2)%2), fmt.Sprintf("2026-%02d-%02dT%02d:30:15.%03dZ", i%12+1, i%27+1, i%24, i),
			opt(i, fmt.Sprintf("2027-01-%02dT00:00:00.000Z", i%27+1)), blobs[i%len(blobs)], opt(i+2, blobs[(i+1)%len(blobs)]),
			jsons[i%len(jsons)], opt(i, bigInts[i%len(bigInts)]), pick(i, hubs-2)+1, maker)
	}
	for i := parts; i >= 1; i-- {
		exec(`INSERT INTO "Part" VALUES (?, ?, ?, ?)`, i*3, reals[(i+2)%len(reals)], opt(i, blobs[i%len(blobs)]), pick(i, items)+1)
	}
	for i := tags; i >= 1; i-- {
		exec(`INSERT INTO "Tag" VALUES (?, ?, ?)`, 100-i, strs[i%len(strs)], pick(i, hubs)+1)
	}
	var slots [][2]int
	for h := 1; h <= hubs; h++ {
		for m := 1; m <= makers; m++ {
			if (h*3+m*5)%4 == 0 && len(slots) < 14 {
				slots = append(slots, [2]int{h, m})
				exec(`INSERT INTO "Slot" VALUES (?, ?, ?)`, h, m, h*m-7)
			}
		}
	}
	for i := bookings; i >= 1; i-- {
		s := slots[pick(i, len(slots))]
		exec(`INSERT INTO "Booking" VALUES (?, ?, ?, ?, ?)`, i, s[0], s[1], fmt.Sprintf("2026-05-%02dT10:00:00.000Z", i), reals[i%len(reals)])
	}
}

// obj is an object as the runtime builds it, with SQLite's values (before
// their JavaScript form): int64, float64, string, []byte or nil.
type obj = map[string]any

// flatObjects folds the rows of Select (in root key order) into objects,
// as the runtime's mapper does: a row per combination of children,
// objects told apart by key, children in key order.
func flatObjects(ms map[string]*idl.Model, m *idl.Model, tree idl.Tree, rows []obj) []obj {
	var out []obj
	roots := map[string]obj{}
	for _, row := range rows {
		k, ok := rowKey(row, "", m.PrimaryKey)
		if !ok {
			continue
		}
		o := roots[k]
		if o == nil {
			o = columns(row, "", m)
			roots[k] = o
			out = append(out, o)
		}
		mergeFlat(ms, m, tree, "", o, row)
	}
	for _, o := range out {
		sortChildren(ms, m, tree, o)
	}
	return out
}

func columns(row obj, prefix string, m *idl.Model) obj {
	o := obj{}
	for _, f := range slices.Concat(m.PrimaryKey, m.Columns) {
		o[f.Name] = norm(row[prefix+f.Name])
	}
	return o
}

func rowKey(row obj, prefix string, pk []*idl.Field) (string, bool) {
	var b strings.Builder
	for _, f := range pk {
		v := row[prefix+f.Name]
		if v == nil {
			return "", false
		}
		fmt.Fprintf(&b, "%T:%v\x00", v, v)
	}
	return b.String(), true
}

func mergeFlat(ms map[string]*idl.Model, m *idl.Model, tree idl.Tree, prefix string, o obj, row obj) {
	for _, in := range tree {
		nav := m.Navigation(in.Name)
		target := ms[nav.Model]
		path := prefix + in.Name + "."
		if nav.Many {
			if o[in.Name] == nil {
				o[in.Name] = []obj{}
			}
		}
		k, ok := rowKey(row, path, target.PrimaryKey)
		if !ok {
			continue
		}
		var child obj
		if nav.Many {
			list := o[in.Name].([]obj)
			for _, c := range list {
				if ck, _ := rowKey(c, "", target.PrimaryKey); ck == k {
					child = c
				}
			}
			if child == nil {
				child = columns(row, path, target)
				o[in.Name] = append(list, child)
			}
		} else {
			if o[in.Name] == nil {
				o[in.Name] = columns(row, path, target)
			}
			child = o[in.Name].(obj)
		}
		mergeFlat(ms, target, in.Children, path, child, row)
	}
}

// sortChildren puts one-to-many children in key order, as the old query's
// ORDER BY did.
func sortChildren(ms map[string]*idl.Model, m *idl.Model, tree idl.Tree, o obj) {
	for _, in := range tree {
		nav := m.Navigation(in.Name)
		target := ms[nav.Model]
		switch v := o[in.Name].(type) {
		case []obj:
			slices.SortFunc(v, func(a, b obj) int {
				for _, f := range target.PrimaryKey {
					if c := cmp.Compare(a[f.Name].(int64), b[f.Name].(int64)); c != 0 {
						return c
					}
				}
				return 0
			})
			for _, c := range v {
				sortChildren(ms, target, in.Children, c)
			}
		case obj:
			sortChildren(ms, target, in.Children, v)
		}
	}
}

// readObjects decodes the rows of a read query: the root's columns as
// they are, each navigation from its JSON.
func readObjects(t *testing.T, ms map[string]*idl.Model, m *idl.Model, tree idl.Tree, rows []obj) []obj {
	t.Helper()
	out := make([]obj, len(rows))
	for i, row := range rows {
		o := columns(row, "", m)
		for _, in := range tree {
			nav := m.Navigation(in.Name)
			text, _ := row[in.Name].(string)
			var v any
			if text != "" {
				dec := json.NewDecoder(strings.NewReader(text))
				dec.UseNumber()
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("%s: %v: %s", in.Name, err, text)
				}
			}
			setNav(t, ms, nav, in.Children, o, v)
		}
		out[i] = o
	}
	return out
}

func setNav(t *testing.T, ms map[string]*idl.Model, nav *idl.Navigation, tree idl.Tree, o obj, v any) {
	t.Helper()
	target := ms[nav.Model]
	if !nav.Many {
		if v != nil {
			o[nav.Name] = element(t, ms, target, tree, v.([]any))
		}
		return
	}
	list := []obj{}
	if v != nil {
		for _, e := range v.([]any) {
			list = append(list, element(t, ms, target, tree, e.([]any)))
		}
	}
	o[nav.Name] = list
}

func element(t *testing.T, ms map[string]*idl.Model, m *idl.Model, tree idl.Tree, arr []any) obj {
	t.Helper()
	o := obj{}
	fields := slices.Concat(m.PrimaryKey, m.Columns)
	if len(arr) != len(fields)+len(tree) {
		t.Fatalf("%s: %d values, want %d", m.Name, len(arr), len(fields)+len(tree))
	}
	for i, f := range fields {
		o[f.Name] = jsonValue(t, f.Type, arr[i])
	}
	for i, in := range tree {
		setNav(t, ms, m.Navigation(in.Name), in.Children, o, arr[len(fields)+i])
	}
	return o
}

// jsonValue reads a value back as the runtime does: a real's text with
// its exact digits ("Inf" for infinity), a blob from hex.
func jsonValue(t *testing.T, typ *idl.Type, v any) any {
	t.Helper()
	switch v := v.(type) {
	case nil:
		return nil
	case json.Number:
		if typ.Root().Kind == idl.Real {
			f, err := v.Float64()
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		n, err := v.Int64()
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		return n
	case string:
		switch typ.Root().Kind {
		case idl.Real:
			digits, scale, scaled := strings.Cut(v, "p")
			var f float64
			switch digits {
			case "Inf":
				f = math.Inf(1)
			case "-Inf":
				f = math.Inf(-1)
			default:
				var err error
				if f, err = strconv.ParseFloat(digits, 64); err != nil {
					t.Fatal(err)
				}
			}
			if scaled {
				k, err := strconv.Atoi(scale)
				if err != nil {
					t.Fatal(err)
				}
				f = math.Ldexp(f, k)
			}
			return f
		case idl.Blob:
			b, err := hex.DecodeString(v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		return v
	}
	t.Fatalf("unexpected JSON value %#v", v)
	return nil
}

// norm gives an empty blob one spelling.
func norm(v any) any {
	if b, ok := v.([]byte); ok {
		return append([]byte{}, b...)
	}
	return v
}

func queryObjects(t *testing.T, db *sql.DB, q string, args ...any) []obj {
	t.Helper()
	cols, rows := run(t, db, q, args...)
	out := make([]obj, len(rows))
	for i, r := range rows {
		o := obj{}
		for j, c := range cols {
			o[c] = r[j]
		}
		out[i] = o
	}
	return out
}

// sameValues compares objects, reals bit for bit (so -0 is not 0).
func sameValues(a, b any) bool {
	switch a := a.(type) {
	case float64:
		bf, ok := b.(float64)
		return ok && math.Float64bits(a) == math.Float64bits(bf)
	case []byte:
		bb, ok := b.([]byte)
		return ok && bytes.Equal(a, bb)
	case obj:
		bo, ok := b.(obj)
		if !ok || len(a) != len(bo) {
			return false
		}
		for k, v := range a {
			w, ok := bo[k]
			if !ok || !sameValues(v, w) {
				return false
			}
		}
		return true
	case []obj:
		bl, ok := b.([]obj)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !sameValues(a[i], bl[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// TestReadMatchesFlat runs Get and List of typed include trees on SQLite
// and checks that their objects are those the flat SELECT's rows fold
// into, value for value: sibling and nested collections, one-to-one
// navigations in collections, composite and optional keys, a self
// navigation, and reals, blobs, dates, booleans, json and ints at their
// limits. It also checks that the read returns a row per root.
func TestReadMatchesFlat(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	seedTyped(t, db)
	ms := typedCatalog()
	models := lookup(ms)
	for _, c := range []struct{ root, tree string }{
		{"Hub", `{"items": {}, "tags": {}, "slots": {}}`},
		{"Hub", `{"children": {"items": {"parts": {}}}}`},
		{"Hub", `{"parent": {"tags": {}, "parent": {}}, "items": {"maker": {}, "parts": {}}, "tags": {}, "slots": {"maker": {}, "bookings": {}}}`},
		{"Hub", `{"children": {"items": {"maker": {"items": {}}}}, "parent": {"slots": {}}}`},
		{"Item", `{"maker": {}, "parts": {}, "hub": {"tags": {}}}`},
		{"Item", `{"maker": {"items": {"parts": {"item": {}}}}}`},
		{"Maker", `{"items": {"hub": {"slots": {"bookings": {}}}, "parts": {}}}`},
		{"Slot", `{"bookings": {}, "maker": {}, "hub": {}}`},
		{"Booking", `{"slot": {"hub": {"children": {}}, "bookings": {}}}`},
		{"Part", `{}`},
	} {
		t.Run(c.root+" "+c.tree, func(t *testing.T) {
			m, tr := ms[c.root], tree(t, c.tree)
			pk := strings.Join(qualifiedKey(m), ", ")
			want := flatObjects(ms, m, tr, queryObjects(t, db, sqlgen.Select(models, m, tr)+"\nORDER BY "+pk))
			if len(want) < 5 {
				t.Fatalf("only %d %s rows", len(want), c.root)
			}
			got := readObjects(t, ms, m, tr, queryObjects(t, db, sqlgen.List(models, m, tr), append(firstPage(len(m.PrimaryKey)), 1000)...))
			if !sameValues(got, want) {
				t.Errorf("List =\n%s\nwant\n%s", dump(got), dump(want))
			}
			get := sqlgen.Get(models, m, tr)
			for _, w := range want {
				var key []any
				for _, f := range m.PrimaryKey {
					key = append(key, w[f.Name])
				}
				got := readObjects(t, ms, m, tr, queryObjects(t, db, get, key...))
				if len(got) != 1 || !sameValues(got[0], w) {
					t.Errorf("Get %v =\n%s\nwant\n%s", key, dump(got), dump([]obj{w}))
				}
			}
		})
	}
}

func qualifiedKey(m *idl.Model) []string {
	var out []string
	for _, f := range m.PrimaryKey {
		out = append(out, `"`+m.Name+`"."`+f.Name+`"`)
	}
	return out
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}
