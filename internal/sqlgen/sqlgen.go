// Package sqlgen builds the SQL that data sources carry in the IR and the
// runtime runs: the read query of an include tree, whose cost grows with
// the rows it returns, and the flat SELECT of the tree that users build
// their own queries on.
//
// A read is one statement. Its rows are the root objects, one each, with
// the root's columns by name and one column per included navigation
// holding the navigation's value as JSON: a one-to-one navigation is
// LEFT JOINed and written as a JSON array of the target's columns, and a
// one-to-many navigation is LEFT JOINed to a derived table that groups
// the children by their foreign key into a JSON array of such arrays
// (json_group_array), ordered by the children's key. Navigations below
// are nested the same way inside the arrays. Each derived table reads
// only the children of the objects being read, selected through a chain
// of IN subqueries that starts from the common table expression "$roots"
// (the root keys), which get and list define, along with the WHERE (and
// ORDER BY and LIMIT) that pick the same roots in the main query. So the
// rows read add up over the tree's tables, where a flat LEFT JOIN
// multiplies sibling collections, and a LIMIT counts roots.
//
// JSON cannot hold everything a column can. Blobs are written as hex.
// Reals are written as text with printf('%!.17g'), 17 significant digits,
// which read back as the same double where SQLite's conversion is exact
// (in workerd's SQLite, binary exponents from about -276 to 396); a real
// outside [1e-75, 1e110) is first scaled into that range by an exact power
// of two, which follows the digits: "1.2345678901234567p744" is that
// number times 2^744 (see Scale). The runtime (runtime/src/map.ts) reads
// both back.
package sqlgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// Models resolves a model name to its description (nil if unknown).
type Models func(name string) *idl.Model

// Roots names the common table expression holding the keys of the root
// objects a read returns, which Read's query selects from.
const Roots = `"$roots"`

// JSONColumn names the column of a derived table holding its JSON arrays.
const JSONColumn = `"$json"`

// Scale is the common table expression of the exact powers of two that
// bring a real into the range where SQLite writes it exactly: each row's
// f scales the reals from lo to the next row's lo, and s names the power
// of two that multiplies the written digits back. The factors are products
// of 2^62, written as an integer (a decimal literal would go through
// SQLite's inexact conversion). A read query that writes reals names it;
// get and list define it then.
var Scale = `"$p"("lo", "f", "s") AS (VALUES (0, ` + pow62(14) + `, 'p-868'), (1e-185, ` + pow62(6) +
	`, 'p-372'), (1e-75, 1, ''), (1e110, 1.0 / (` + pow62(6) + `), 'p372'), (1e220, 1.0 / (` + pow62(6) + `) / (` + pow62(6) + `), 'p744'))`

// pow62 writes 2^(62n) as a product of integers.
func pow62(n int) string {
	return strings.Repeat("0x4000000000000000 * ", n-1) + "0x4000000000000000"
}

// Select returns the flat SELECT of m, which must have a table, joined
// with every table its include tree reaches through navigations. The
// root's columns keep their names; a joined table's are aliased by their
// dotted path ("persons.dogs.id"), so that one flat row holds the whole
// tree and a caller can filter on it in a CTE. It has no WHERE and no
// ORDER BY. Generated gets and lists do not run it (see Read): it is
// the documented base of users' own queries (GeneratedSource.selectQuery,
// Orm.select).
func Select(models Models, m *idl.Model, tree idl.Tree) string {
	return build(models, m, tree).sql
}

// Read returns the read query of m along tree, without the parts that
// choose its roots: the SELECT and its FROM, a row per root, whose JSON
// navigations read only the children of the roots in "$roots" (see the
// package documentation). GetQuery and ListQuery complete it.
func Read(models Models, m *idl.Model, tree idl.Tree) string {
	r := &reader{models: models, root: m}
	return r.read(tree)
}

// GetQuery completes read, a Read of m, into the query of a generated
// get: the root whose key is ?1... in key order.
func GetQuery(m *idl.Model, read string) string {
	pk := qualify("", m.PrimaryKey)
	match := " = " + tuple(params(len(pk)))
	return compose(read, "SELECT "+strings.Join(pk, ", ")+" FROM "+quote(m.Name)+" WHERE "+tuple(pk)+match,
		"WHERE "+tuple(qualify(quote(m.Name), m.PrimaryKey))+match)
}

// ListQuery completes read, a Read of m, into the query of a generated
// list, paginated by seeking past the primary key: ?1...?k are the last
// key seen (NULL in ?1 for the first page) and ?k+1 the number of roots in
// the page. Each root is one row, so LIMIT counts roots. The seek reads
// only the page's rows through the key's index (see after).
func ListQuery(m *idl.Model, read string) string {
	cols := strings.Join(qualify("", m.PrimaryKey), ", ")
	limit := fmt.Sprintf("LIMIT ?%d", len(m.PrimaryKey)+1)
	return compose(read,
		"\n    SELECT "+cols+" FROM "+quote(m.Name)+"\n    WHERE "+after(m, "")+"\n    ORDER BY "+cols+"\n    "+limit+"\n",
		"WHERE "+after(m, quote(m.Name))+"\nORDER BY "+strings.Join(qualify(quote(m.Name), m.PrimaryKey), ", ")+"\n"+limit)
}

// after is the condition on the key of m (qualified by alias unless it is
// empty) of the rows after the key ?1...?k, or of every row when ?1 is
// NULL. "?1 IS NULL OR key > ?1" would say as much, but SQLite reads that
// from the table's first row; "key >= coalesce(?1, lowest) AND key IS NOT
// ?1" seeks to the page, lowest being below every value of the column's
// type.
func after(m *idl.Model, alias string) string {
	key := tuple(qualify(alias, m.PrimaryKey))
	ps := params(len(m.PrimaryKey))
	from := make([]string, len(ps))
	for i, p := range ps {
		from[i] = "coalesce(" + p + ", " + lowest(m.PrimaryKey[i].Type) + ")"
	}
	return key + " >= " + tuple(from) + " AND " + key + " IS NOT " + tuple(ps)
}

// lowest is an SQL value no value of type t sorts below.
func lowest(t *idl.Type) string {
	switch t.Root().Kind {
	case idl.Int, idl.Bool:
		return "-9223372036854775808"
	case idl.Real:
		return "-9e999"
	case idl.Blob:
		return "x''"
	}
	return "''"
}

// compose writes read after the WITH clause of what it names, "$roots"
// (the SELECT roots) and the scales of reals, and before where, the
// clauses that pick the same roots in the main query.
func compose(read, roots, where string) string {
	var with []string
	if strings.Contains(read, Roots) {
		with = append(with, Roots+" AS ("+roots+")")
	}
	if strings.Contains(read, `"$p"`) {
		with = append(with, Scale)
	}
	out := read + "\n" + where
	if len(with) > 0 {
		out = "WITH " + strings.Join(with, ",\n") + "\n" + out
	}
	return out
}

// Get returns the query of a generated get of m along tree.
func Get(models Models, m *idl.Model, tree idl.Tree) string {
	return GetQuery(m, Read(models, m, tree))
}

// List returns the query of a generated list of m along tree.
func List(models Models, m *idl.Model, tree idl.Tree) string {
	return ListQuery(m, Read(models, m, tree))
}

// Fill sets the read query of every data source of every model of s that
// has a table. Sources of other models keep empty queries.
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
			src.Query = Read(models, m, src.Tree)
		}
	}
}

// reader writes a read query, numbering the tables it joins.
type reader struct {
	models Models
	root   *idl.Model
	n      int
}

// A hop is a table the read reaches: the root, or the target of nav from
// the parent hop. The rows of a hop the read needs are those its chain of
// navigations reaches from "$roots".
type hop struct {
	model  *idl.Model
	parent *hop
	nav    *idl.Navigation
}

// A scope is one SELECT being written: the joins of its FROM (each
// starting with a newline), and the indentation of its lines. The reader
// appends to byte slices: building the queries of a 1,000-model schema
// out of string concatenations took half again as long.
type scope struct {
	indent string
	joins  []byte
}

func (r *reader) read(tree idl.Tree) string {
	root := &hop{model: r.root}
	alias := quote(r.root.Name)
	sc := &scope{}
	b := make([]byte, 0, 2048)
	b = append(b, "SELECT"...)
	sep := "\n    "
	for _, f := range slices.Concat(r.root.PrimaryKey, r.root.Columns) {
		b = append(b, sep...)
		sep = ",\n    "
		b = appendColumn(b, alias, f.Name)
		b = append(b, " AS "...)
		b = appendQuoted(b, f.Name)
	}
	for _, in := range tree {
		mark := len(b)
		b = append(b, sep...)
		var ok bool
		if b, ok = r.navigation(b, sc, root, alias, in, false); !ok {
			b = b[:mark]
			continue
		}
		b = append(b, " AS "...)
		b = appendQuoted(b, in.Name)
	}
	b = append(b, "\nFROM "...)
	b = append(b, alias...)
	b = append(b, sc.joins...)
	return string(b)
}

// navigation joins the navigation of in, from the hop known as alias in
// sc, into sc and appends to b the expression of its value: a JSON array
// of the target's columns (NULL without a target row) for a one-to-one
// navigation, a JSON array of those for a one-to-many one (NULL without
// children). nested says that the value goes inside a JSON array, where
// a derived table's JSON text must be marked as JSON again. It reports
// false, appending nothing, for an entry that is not a navigation to a
// table (KV and R2 fields, Worker-served models: the runtime fetches
// those).
func (r *reader) navigation(b []byte, sc *scope, from *hop, alias string, in *idl.Include, nested bool) ([]byte, bool) {
	nav := from.model.Navigation(in.Name)
	if nav == nil {
		return b, false
	}
	target := r.models(nav.Model)
	if target == nil || !target.HasSQL() {
		return b, false
	}
	h := &hop{model: target, parent: from, nav: nav}
	child := r.alias(target.Name)
	on := func(dst []byte, indent string) []byte {
		dst = append(dst, "\n"+indent+"    ON "...)
		for i, local := range nav.Local {
			if i > 0 {
				dst = append(dst, " AND "...)
			}
			dst = appendColumn(dst, alias, local)
			dst = append(dst, " = "...)
			dst = appendColumn(dst, child, nav.Remote[i])
		}
		return dst
	}
	if !nav.Many {
		sc.joins = append(sc.joins, "\n"+sc.indent+"LEFT JOIN "...)
		sc.joins = appendQuoted(sc.joins, target.Name)
		sc.joins = append(sc.joins, " AS "+child...)
		sc.joins = on(sc.joins, sc.indent)
		b = append(b, "CASE WHEN "...)
		b = appendColumn(b, child, target.PrimaryKey[0].Name)
		b = append(b, " IS NULL THEN NULL ELSE "...)
		b = r.element(b, sc, h, child, in.Children)
		return append(b, " END"...), true
	}
	inner := &scope{indent: sc.indent + "    "}
	d := append(make([]byte, 0, 1024), "\n"+sc.indent+"LEFT JOIN (\n"+inner.indent+"SELECT "...)
	for i, c := range nav.Remote {
		if i > 0 {
			d = append(d, ", "...)
		}
		d = appendColumn(d, child, c)
		d = append(d, " AS "...)
		d = appendQuoted(d, c)
	}
	d = append(d, ", json_group_array("...)
	d = r.element(d, inner, h, child, in.Children)
	d = append(d, " ORDER BY "...)
	for i, f := range target.PrimaryKey {
		if i > 0 {
			d = append(d, ", "...)
		}
		d = appendColumn(d, child, f.Name)
	}
	d = append(d, ") AS "+JSONColumn+"\n"+inner.indent+"FROM "...)
	d = appendQuoted(d, target.Name)
	d = append(d, " AS "+child...)
	d = append(d, inner.joins...)
	d = append(d, "\n"+inner.indent+"WHERE "...)
	d = r.filter(d, h, child)
	d = append(d, "\n"+inner.indent+"GROUP BY "...)
	for i, c := range nav.Remote {
		if i > 0 {
			d = append(d, ", "...)
		}
		d = appendColumn(d, child, c)
	}
	d = append(d, "\n"+sc.indent+") AS "+child...)
	sc.joins = append(sc.joins, on(d, sc.indent)...)
	if nested {
		return append(b, "json("+child+"."+JSONColumn+")"...), true
	}
	return append(b, child+"."+JSONColumn...), true
}

// element appends the JSON array of the hop known as alias in sc: its
// columns (see value), then its included navigations in tree order.
func (r *reader) element(b []byte, sc *scope, h *hop, alias string, tree idl.Tree) []byte {
	b = append(b, "json_array("...)
	for i, f := range slices.Concat(h.model.PrimaryKey, h.model.Columns) {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = value(b, alias, f)
	}
	for _, in := range tree {
		mark := len(b)
		b = append(b, ", "...)
		var ok bool
		if b, ok = r.navigation(b, sc, h, alias, in, true); !ok {
			b = b[:mark]
		}
	}
	return append(b, ')')
}

// value appends a column as JSON holds it: a real as text (see Scale), a
// blob as hex; other values as they are. A value of another storage class
// (NULL, or what SQLite's dynamic typing let in) stays as it is.
func value(b []byte, alias string, f *idl.Field) []byte {
	col := string(appendColumn(nil, alias, f.Name))
	switch f.Type.Root().Kind {
	case idl.Real:
		return append(b, "CASE typeof("+col+") WHEN 'real' THEN (SELECT printf('%!.17g%s', "+col+` * "f", "s") FROM "$p" WHERE abs(`+col+
			`) >= "lo" ORDER BY "lo" DESC LIMIT 1) ELSE `+col+" END"...)
	case idl.Blob:
		return append(b, "CASE typeof("+col+") WHEN 'blob' THEN hex("+col+") ELSE "+col+" END"...)
	}
	return append(b, col...)
}

// filter appends the condition on the hop known as alias that keeps the
// rows the read needs.
func (r *reader) filter(b []byte, h *hop, alias string) []byte {
	if h.parent == nil {
		b = appendTuple(b, alias, names(h.model.PrimaryKey))
		b = append(b, " IN (SELECT "...)
		b = appendList(b, "", names(h.model.PrimaryKey))
		return append(b, " FROM "+Roots+")"...)
	}
	b = appendTuple(b, alias, h.nav.Remote)
	b = append(b, " IN ("...)
	b = r.values(b, h.parent, h.nav.Local)
	return append(b, ')')
}

// values appends a SELECT of the columns cols of the rows of h the read
// needs. Through a navigation, the columns that join h to its parent hold
// the parent's values, so those are selected from the parent instead
// (one table fewer; values without a row in h select nothing more).
func (r *reader) values(b []byte, h *hop, cols []string) []byte {
	if h.parent == nil && slices.Equal(cols, names(h.model.PrimaryKey)) {
		b = append(b, "SELECT "...)
		b = appendList(b, "", cols)
		return append(b, " FROM "+Roots...)
	}
	if h.parent != nil && slices.Equal(cols, h.nav.Remote) {
		return r.values(b, h.parent, h.nav.Local)
	}
	table := quote(h.model.Name)
	b = append(b, "SELECT "...)
	b = appendList(b, table, cols)
	b = append(b, " FROM "+table+" WHERE "...)
	return r.filter(b, h, table)
}

// appendQuoted appends name quoted as an SQL identifier.
func appendQuoted(b []byte, name string) []byte {
	b = append(b, '"')
	for i := range len(name) {
		if name[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, name[i])
	}
	return append(b, '"')
}

// appendColumn appends the column name of the table known as alias
// (already quoted), or unqualified when alias is empty.
func appendColumn(b []byte, alias, name string) []byte {
	if alias != "" {
		b = append(b, alias...)
		b = append(b, '.')
	}
	return appendQuoted(b, name)
}

// appendList appends columns separated by commas.
func appendList(b []byte, alias string, cols []string) []byte {
	for i, c := range cols {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendColumn(b, alias, c)
	}
	return b
}

// appendTuple appends columns as a row value, or the lone column of a
// one-column key.
func appendTuple(b []byte, alias string, cols []string) []byte {
	if len(cols) == 1 {
		return appendColumn(b, alias, cols[0])
	}
	b = append(b, '(')
	return append(appendList(b, alias, cols), ')')
}

// alias names the next table Model_N, skipping a number that would make
// it the root's name and so shadow the unaliased root table. SQLite
// compares names without case, and so does the check.
func (r *reader) alias(model string) string {
	for {
		r.n++
		if a := fmt.Sprintf("%s_%d", model, r.n); !strings.EqualFold(a, r.root.Name) {
			return quote(a)
		}
	}
}

// names returns the names of fields.
func names(fields []*idl.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name
	}
	return out
}

// query is the flat SELECT of an include tree.
type query struct {
	sql string
}

// builder accumulates the parts of a SELECT while walking the tree.
type builder struct {
	models  Models
	root    string
	n       int // joins so far, numbering the aliases
	columns []string
	joins   []string
}

// build walks tree from m.
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
	return query{sql: sb.String()}
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

// quote quotes an SQL identifier.
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
