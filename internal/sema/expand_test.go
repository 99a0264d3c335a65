package sema

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// signature prints a method as "name(param [validators], ...) @Do(args)"
// for compact comparison.
func signature(m *idl.Method) string {
	var params []string
	for _, p := range m.Params {
		s := p.Name
		for _, v := range p.Validators {
			s += fmt.Sprintf(" [%s %s]", v.Kind, v.Arg)
		}
		params = append(params, s)
	}
	sig := m.Name + "(" + strings.Join(params, ", ") + ")"
	if m.Durable != nil {
		sig += " @" + m.Durable.Binding + "(" + strings.Join(m.Durable.Args, ", ") + ")"
	}
	return sig
}

func signatures(m *idl.Model) []string {
	var out []string
	for _, a := range m.APIs {
		out = append(out, signature(a))
	}
	return out
}

// TestCrudMethods checks the generated CRUD endpoints: one per [crud]
// kind and public data source, named after the source, with the source
// method's parameters and their inherited validators; $delete and $count
// once per model, addressed like the generated get and list.
func TestCrudMethods(t *testing.T) {
	s := analyze(t, `
d1 { Db }
durable LeaderboardDo { shard { [minlen 1] tenantId: string } }

[crud get, list, delete, count]
model Product for Db {
    primary { [gt 0] id: int }
}
source CustomDs for Product {
    get([lt 100] id: int)
    list([step 10] lastSeen_id: int, [gt 0] limit: int)
}
[internal]
source Hidden for Product {
    include {}
}

[crud get, list, save, count, delete]
model LeaderboardEntry for LeaderboardDo(tenantId) {
    primary { id: int }
    column { score: int }
}

[crud get, save]
model Service {}
`)
	tests := map[string][]string{
		"Product": {
			"$get_CustomDs(id [lt 100])",
			"$get(id [gt 0])",
			"$list_CustomDs(lastSeen_id [step 10], limit [gt 0])",
			"$list(lastSeen_id [gt 0], limit [gt 0])",
			"$delete(id [gt 0])",
			"$count()",
		},
		"LeaderboardEntry": {
			"$get(tenantId [minlen 1], id) @LeaderboardDo(tenantId)",
			"$list(tenantId [minlen 1], lastSeen_id, limit [gt 0]) @LeaderboardDo(tenantId)",
			"$save(tenantId [minlen 1], model) @LeaderboardDo(tenantId)",
			"$count(tenantId [minlen 1]) @LeaderboardDo(tenantId)",
			"$delete(tenantId [minlen 1], id) @LeaderboardDo(tenantId)",
		},
		"Service": nil,
	}
	for name, want := range tests {
		if got := signatures(model(s, name)); !slices.Equal(got, want) {
			t.Errorf("%s methods:\n got %q\nwant %q", name, got, want)
		}
	}
}

// TestValidatorInheritance checks that validators flow to the fields that
// carry the same values: foreign keys from the referenced column, key
// fields from template parameters, shard aliases and [inject] context
// arguments from shard fields.
func TestValidatorInheritance(t *testing.T) {
	s := analyze(t, `
d1 { Db }
kv Store {
    a([step 5] id: int) -> string { "a/{id}" }
    b([gt 0] id: int) -> string { "b/{id}" }
}
durable Room { shard { [regex /^[a-z]+$/] slug: string } }
model Owner for Db {
    primary { [lt 1000] id: int }
    kv Store::a(id) { first }
    kv Store::b(id) { second }
}
model Pet for Db {
    primary { id: int }
    foreign Owner::id { ownerId }
}
model Chat for Room(name) {
    primary { id: int }
}
api Chat {
    [inject Room(room)]
    post say(room: string, text: string)
}
`)
	field := func(fs []*idl.Field, name string) string {
		for _, f := range fs {
			if f.Name == name {
				b, _ := json.Marshal(f.Validators)
				return string(b)
			}
		}
		return "missing"
	}
	checks := []struct{ what, got, want string }{
		{"Owner.id", field(model(s, "Owner").PrimaryKey, "id"), `[{"lt":1000},{"step":5},{"gt":0}]`},
		{"Pet.ownerId", field(model(s, "Pet").Columns, "ownerId"), `[{"lt":1000}]`},
		{"Chat.name", field(model(s, "Chat").Routes, "name"), `[{"regex":"^[a-z]+$"}]`},
		{"Chat.say(room)", signature(model(s, "Chat").APIs[0]), "say(room [regex ^[a-z]+$], text) @Room(room)"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %s, want %s", c.what, c.got, c.want)
		}
	}
}

// TestModelOrder checks that models follow the models their required
// foreign keys reference, ties broken by name, and that optional keys
// impose no order (so they may form cycles).
func TestModelOrder(t *testing.T) {
	tests := []struct {
		schema string
		want   []string
	}{
		{`
d1 { Db }
model C for Db { primary { id: int } foreign B::id { b } }
model B for Db { primary { id: int } foreign A::id { a } }
model A for Db { primary { id: int } }
model D for Db { primary { id: int } }
`, []string{"A", "D", "B", "C"}},
		{`
d1 { Db }
model A for Db { primary { id: int } foreign B::id optional { b } }
model B for Db { primary { id: int } foreign C::id optional { c } }
model C for Db { primary { id: int } foreign A::id optional { a } }
`, []string{"A", "B", "C"}},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range analyze(t, tt.schema).Models {
			got = append(got, m.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("order = %v, want %v", got, tt.want)
		}
	}
}

// TestUniqueGroups checks that a unique group keeps its primary-key
// columns (dropping them would make it stricter) unless it holds the whole
// key, which makes it redundant.
func TestUniqueGroups(t *testing.T) {
	s := analyze(t, `
d1 { Db }
model Single for Db {
    primary { id: int }
    column { a: string  b: string }
    unique (a, id)
    unique (a, b)
}
model Pair for Db {
    primary { x: int  y: int }
    column { c: string }
    unique (x, c)
    unique (y, x, c)
}
`)
	got := map[string][][]string{}
	for _, m := range s.Models {
		got[m.Name] = m.Uniques
	}
	want := map[string][][]string{
		"Single": {{"a", "b"}},
		"Pair":   {{"x", "c"}},
	}
	for name, groups := range want {
		if !slices.EqualFunc(got[name], groups, slices.Equal) {
			t.Errorf("%s uniques = %q, want %q", name, got[name], groups)
		}
	}
}

// TestIndexes checks which groups of columns migrations index and which
// columns lists filter on: [index] columns and index(...) groups in
// declaration order, then foreign keys, less the groups that the primary
// key, a unique group or another index starts with.
func TestIndexes(t *testing.T) {
	tests := []struct {
		name, body       string
		indexes, filters []string // groups as "a,b"
	}{
		{"foreign keys", `
    primary { id: int }
    foreign Owner::id { ownerId }
    foreign Owner::id optional { editorId }`,
			[]string{"ownerId", "editorId"}, []string{"id", "ownerId", "editorId"}},
		{"declaration order, then foreign keys", `
    primary { id: int }
    foreign Owner::id { ownerId }
    column { [index] b: string  a: int }
    index (a, b)`,
			[]string{"b", "a,b", "ownerId"}, []string{"id", "ownerId", "b", "a"}},
		{"covered by the key, a unique group or a longer index", `
    primary { [index] id: int }
    foreign Owner::id { ownerId }
    column { [index] email: string  [index] a: int  b: int }
    unique (email, b)
    index (ownerId, a)
    index (a, b)`,
			[]string{"ownerId,a", "a,b"}, []string{"id", "ownerId", "email", "a"}},
		{"equal groups once", `
    primary { id: int }
    column { [index] a: int }
    index (a)`,
			[]string{"a"}, []string{"id", "a"}},
		{"a composite key serves its first column", `
    primary {
        foreign Owner::id { ownerId }
        [index] n: int
    }
    index (ownerId, n)`,
			[]string{"n"}, []string{"ownerId", "n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := model(analyze(t, "d1 { Db }\nmodel Owner for Db { primary { id: int } }\nmodel M for Db {"+tt.body+"\n}\n"), "M")
			var indexes []string
			for _, g := range m.Indexes {
				indexes = append(indexes, strings.Join(g, ","))
			}
			if !slices.Equal(indexes, tt.indexes) || !slices.Equal(m.Filters, tt.filters) {
				t.Errorf("indexes %q, filters %q; want %q, %q", indexes, m.Filters, tt.indexes, tt.filters)
			}
		})
	}
}
