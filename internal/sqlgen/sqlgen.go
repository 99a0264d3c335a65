// Package sqlgen builds the SQL that data sources carry in the IR: the
// SELECT of an include tree, and that SELECT filtered by primary key (get)
// and seek-paginated (list). The runtime runs these as they are, so the
// compiler, not every request, pays for walking the tree.
package sqlgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// Models resolves a model name to its description (nil if unknown).
type Models func(name string) *idl.Model

// Select returns the SELECT of m, which must have a table, joined with
// every table its include tree reaches through navigations. The root's
// columns keep their names; a joined table's are aliased by their dotted
// path ("persons.dogs.id"), so that one flat row holds the whole tree and
// a caller can filter on it in a CTE. It has no WHERE and no ORDER BY.
func Select(models Models, m *idl.Model, tree idl.Tree) string {
	return build(models, m, tree).sql
}

// Get returns Select filtered on the primary key, bound to ?1... in key
// order. Rows come out ordered by the joined tables' keys so that
// one-to-many children are in key order.
func Get(models Models, m *idl.Model, tree idl.Tree) string {
	return build(models, m, tree).get()
}

// List returns Select paginated by seeking past the primary key: ?1...?k
// are the last seen key (NULL in ?1 for the first page) and ?k+1 the
// number of root objects in the page.
func List(models Models, m *idl.Model, tree idl.Tree) string {
	return build(models, m, tree).list()
}

// Fill sets the queries of every data source of every model of s that has
// a table. Sources of other models keep empty queries.
func Fill(s *idl.Schema) {
	byName := make(map[string]*idl.Model, len(s.Models))
	for _, m := range s.Models {
		byName[m.Name] = m
	}
	models := func(name string) *idl.Model { return byName[name] }
	for _, m := range s.Models {
		if !m.HasSQL() {
			continue
		}
		for _, src := range m.Sources {
			q := build(models, m, src.Tree)
			src.SelectQuery, src.GetQuery, src.ListQuery = q.sql, q.get(), q.list()
		}
	}
}

// query is the SELECT of an include tree with what get and list add to it.
type query struct {
	root   *idl.Model
	sql    string
	joined []string // the joined tables' key columns, qualified, in join order
}

// builder accumulates the parts of a SELECT while walking the tree.
type builder struct {
	models  Models
	root    string
	n       int // joins so far, numbering the aliases
	columns []string
	joins   []string
	keys    []string
}

// build walks tree from m once; get and list extend its SELECT.
func build(models Models, m *idl.Model, tree idl.Tree) query {
	b := &builder{models: models, root: m.Name}
	root := quote(m.Name)
	b.selectColumns(m, root, "")
	b.walk(m, root, "", tree)
	var sb strings.Builder
	sb.WriteString("SELECT\n    ")
	sb.WriteString(strings.Join(b.columns, ",\n    "))
	sb.WriteString("\nFROM " + root)
	for _, j := range b.joins {
		sb.WriteString("\n" + j)
	}
	return query{root: m, sql: sb.String(), joined: b.keys}
}

// selectColumns selects the columns of m's table under alias, naming each
// with the dotted path prefix.
func (b *builder) selectColumns(m *idl.Model, alias, prefix string) {
	for _, f := range slices.Concat(m.PrimaryKey, m.Columns) {
		b.columns = append(b.columns, alias+"."+quote(f.Name)+" AS "+quote(prefix+f.Name))
	}
}

// walk joins the tables that tree reaches from m, known in the query as
// alias. Store fields and navigations to models without a table are left
// to the runtime, along with everything below them.
func (b *builder) walk(m *idl.Model, alias, prefix string, tree idl.Tree) {
	for _, in := range tree {
		nav := m.Navigation(in.Name)
		if nav == nil {
			continue
		}
		target := b.models(nav.Model)
		if target == nil || !target.HasSQL() {
			continue
		}
		child := b.alias(target.Name)
		on := make([]string, len(nav.Local))
		for i, local := range nav.Local {
			on[i] = alias + "." + quote(local) + " = " + child + "." + quote(nav.Remote[i])
		}
		b.joins = append(b.joins, "LEFT JOIN "+quote(target.Name)+" AS "+child+"\n    ON "+strings.Join(on, " AND "))
		b.keys = append(b.keys, qualify(child, target.PrimaryKey)...)
		path := prefix + in.Name + "."
		b.selectColumns(target, child, path)
		b.walk(target, child, path, in.Children)
	}
}

// alias names the next joined table Model_N, skipping a number that would
// make it the root's name and so shadow the unaliased root table. SQLite
// compares names without case, and so does the check.
func (b *builder) alias(model string) string {
	for {
		b.n++
		if a := fmt.Sprintf("%s_%d", model, b.n); !strings.EqualFold(a, b.root) {
			return quote(a)
		}
	}
}

// get filters on the root's key.
func (q query) get() string {
	pk := qualify(quote(q.root.Name), q.root.PrimaryKey)
	return q.sql + "\nWHERE " + tuple(pk) + " = " + tuple(params(len(pk))) + orderBy(q.joined)
}

// list keeps the rows of one page of root objects. The page is chosen in a
// subquery on the root table alone, because a LIMIT on the joined rows
// would count children and cut a root's children off.
func (q query) list() string {
	names := qualify("", q.root.PrimaryKey)
	pk := qualify(quote(q.root.Name), q.root.PrimaryKey)
	seen := params(len(pk))
	cols := strings.Join(names, ", ")
	return q.sql + "\nWHERE " + tuple(pk) + " IN (" +
		"\n    SELECT " + cols + " FROM " + quote(q.root.Name) +
		"\n    WHERE " + seen[0] + " IS NULL OR " + tuple(names) + " > " + tuple(seen) +
		"\n    ORDER BY " + cols +
		fmt.Sprintf("\n    LIMIT ?%d", len(pk)+1) +
		"\n)" + orderBy(slices.Concat(pk, q.joined))
}

// qualify quotes the names of fields, prefixed by alias unless it is empty.
func qualify(alias string, fields []*idl.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = quote(f.Name)
		if alias != "" {
			out[i] = alias + "." + out[i]
		}
	}
	return out
}

// params returns the placeholders ?1...?n.
func params(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("?%d", i+1)
	}
	return out
}

// tuple writes a row value, or the lone value of a one-column key, so that
// single and composite keys share one code path.
func tuple(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return "(" + strings.Join(items, ", ") + ")"
}

// orderBy is empty without columns, as a Get without joins needs no order.
func orderBy(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	return "\nORDER BY " + strings.Join(cols, ", ")
}

// quote quotes an SQL identifier.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
