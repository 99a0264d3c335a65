package sema

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// A modelInfo is a model as declared and, once analysed, as built.
type modelInfo struct {
	decl    *ast.ModelDecl
	fields  map[string]*member // every field the model declares, by name
	names   *scope             // the same names, with where and as what they were declared
	primary []*ast.Ident       // primary-key names, foreign keys included, as declared
	table   bool               // it has column, foreign, primary, unique or index items
	routes  []*ast.Field       // fields of its route blocks
	uniques [][]string         // unique groups as written
	onlyD1  string             // the schema's one D1 database, backing a table written without "for"

	built *idl.Model            // nil until built, or when the model is unusable
	ir    map[string]*idl.Field // built columns and route fields, by name
}

type memberKind int

const (
	columnMember memberKind = iota
	primaryMember
	routeMember
	aliasMember
	foreignMember
	navMember
	kvMember
	r2Member
)

// A member is one declared field of a model.
type member struct {
	kind  memberKind
	field *ast.Field        // column, primary and route fields
	fk    *ast.ForeignBlock // foreign-key fields
	index int               // position among the foreign key's fields or the shard aliases
}

// isValue reports whether the member is stored in a column or the route.
func (m *member) isValue() bool { return m.kind <= foreignMember }

// columnTags are the tags a column or primary-key field takes.
var columnTags = []tagKind{validatorTag, indexTag}

// collect records a model's declared fields, reporting duplicates and
// misplaced tags.
func (c *checker) collect(d *ast.ModelDecl) *modelInfo {
	// Sized up front: a model has a dozen fields, and a map grown past
	// eight entries is built twice.
	n := memberCount(d)
	mi := &modelInfo{decl: d, fields: make(map[string]*member, n), ir: make(map[string]*idl.Field, n)}
	mi.names = newScope(c.diags, "model '"+d.Name.Name+"'")
	mi.names.names = make(map[string]entry, n)
	add := func(id *ast.Ident, what string, m *member) {
		if mi.names.add(id, what) {
			mi.fields[id.Name] = m
		}
	}
	if d.Backing != nil && d.Backing.Args != nil {
		for i, a := range d.Backing.Args.Names {
			add(a, "shard alias", &member{kind: aliasMember, index: i})
		}
	}
	foreign := func(fb *ast.ForeignBlock, primary bool) {
		for i, n := range fb.Fields {
			add(n, "foreign key", &member{kind: foreignMember, fk: fb, index: i})
			if primary {
				mi.primary = append(mi.primary, n)
			}
		}
	}
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ast.FieldBlock:
			c.tags(it.Tags, "a "+it.Keyword.Name+" block")
			kind, allowed := routeMember, []tagKind{validatorTag}
			if it.Keyword.Name == "column" {
				kind, mi.table, allowed = columnMember, true, columnTags
			} else {
				mi.routes = append(mi.routes, it.Fields...)
			}
			for _, f := range it.Fields {
				add(f.Name, it.Keyword.Name, &member{kind: kind, field: f})
				c.tags(f.Tags, "a "+it.Keyword.Name+" field", allowed...)
			}
		case *ast.PrimaryBlock:
			c.tags(it.Tags, "a primary block")
			mi.table = true
			for _, n := range it.Items {
				switch n := n.(type) {
				case *ast.Field:
					add(n.Name, "primary key", &member{kind: primaryMember, field: n})
					c.tags(n.Tags, "a primary key", columnTags...)
					mi.primary = append(mi.primary, n.Name)
				case *ast.ForeignBlock:
					foreign(n, true)
				}
			}
		case *ast.ForeignBlock:
			c.tags(it.Tags, "a foreign key")
			mi.table = true
			foreign(it, false)
		case *ast.UniqueDecl:
			c.tags(it.Tags, "a unique group")
			mi.table = true
			var group []string
			for _, n := range it.Fields.Names {
				group = append(group, n.Name)
			}
			mi.uniques = append(mi.uniques, group)
		case *ast.IndexDecl:
			c.tags(it.Tags, "an index group")
			mi.table = true
		case *ast.NavBlock:
			c.tags(it.Tags, "a navigation", cascadeTag)
			c.oneField(it.Fields, it, "navigation", func(id *ast.Ident) { add(id, "navigation", &member{kind: navMember}) })
		case *ast.StoreField:
			kind, what := kvMember, "a kv field"
			if it.Kind == ast.R2 {
				kind, what = r2Member, "an r2 field"
			}
			c.tags(it.Tags, what)
			c.oneField(it.Fields, it, it.Kind.String(), func(id *ast.Ident) { add(id, it.Kind.String()+" field", &member{kind: kind}) })
		}
	}
	if d.Backing == nil && mi.table && len(c.out.Env.D1) == 1 {
		mi.onlyD1 = c.out.Env.D1[0]
	}
	return mi
}

// memberCount counts the names a model declares (see collect).
func memberCount(d *ast.ModelDecl) int {
	n := 0
	if d.Backing != nil && d.Backing.Args != nil {
		n += len(d.Backing.Args.Names)
	}
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ast.FieldBlock:
			n += len(it.Fields)
		case *ast.PrimaryBlock:
			for _, x := range it.Items {
				if fb, ok := x.(*ast.ForeignBlock); ok {
					n += len(fb.Fields)
				} else {
					n++
				}
			}
		case *ast.ForeignBlock:
			n += len(it.Fields)
		case *ast.NavBlock:
			n += len(it.Fields)
		case *ast.StoreField:
			n += len(it.Fields)
		}
	}
	return n
}

// oneField declares the single field a nav, kv or r2 block names; such a
// block holds exactly one.
func (c *checker) oneField(names []*ast.Ident, block ast.Node, what string, declare func(*ast.Ident)) {
	for _, n := range names {
		declare(n)
	}
	if len(names) != 1 {
		c.diags.Errorf(diag.OneFieldPerBlock, block.Span(), "a %s block declares exactly one field, not %d", what, len(names)).
			Labelled("%d fields", len(names)).
			Helpf("write one block per field")
	}
}

// bindingName is the model's "for" binding as written, the D1 database
// that backs a table written without one, or "".
func (mi *modelInfo) bindingName() string {
	if mi.decl.Backing == nil {
		return mi.onlyD1
	}
	return mi.decl.Backing.Binding.Name
}

// routeNames lists the fields that address a Worker-served model: its
// shard aliases, then its route fields.
func (mi *modelInfo) routeNames() []string {
	var names []string
	if b := mi.decl.Backing; b != nil && b.Args != nil {
		for _, a := range b.Args.Names {
			names = append(names, a.Name)
		}
	}
	for _, f := range mi.routes {
		names = append(names, f.Name.Name)
	}
	return names
}

// memberType is the declared type of a model's column or route field; a
// foreign key takes the type of the field it references. It returns nil
// for other fields and unresolvable types.
func (c *checker) memberType(mi *modelInfo, name string, depth int) *idl.Type {
	m := mi.fields[name]
	if m == nil || depth > len(c.infos) {
		return nil
	}
	switch m.kind {
	case columnMember, primaryMember, routeMember:
		return c.resolveQuiet(m.field.Type)
	case aliasMember:
		if s := c.stores[mi.bindingName()]; s != nil && s.decl.Kind == ast.Durable && m.index < len(s.shard) {
			return s.shard[m.index].Type
		}
	case foreignMember:
		if m.index >= len(m.fk.Refs) {
			return nil
		}
		ref := m.fk.Refs[m.index]
		target := c.infos[ref.Model.Name]
		if target == nil {
			return nil
		}
		t := c.memberType(target, ref.Field.Name, depth+1)
		if t != nil && m.fk.Optional != nil && t.Kind != idl.Option {
			t = idl.Wrap(idl.Option, t)
		}
		return t
	}
	return nil
}

// memberValidators are the validators written on a column or route field,
// followed through foreign keys.
func (c *checker) memberValidators(mi *modelInfo, name string, depth int) []idl.Validator {
	m := mi.fields[name]
	if m == nil || depth > len(c.infos) {
		return nil
	}
	switch m.kind {
	case columnMember, primaryMember, routeMember:
		var vs []idl.Validator
		c.quietly(func() { vs = c.validators(m.field.Tags, c.resolve(m.field.Type)) })
		return vs
	case foreignMember:
		if m.index < len(m.fk.Refs) {
			ref := m.fk.Refs[m.index]
			if target := c.infos[ref.Model.Name]; target != nil {
				return c.memberValidators(target, ref.Field.Name, depth+1)
			}
		}
	}
	return nil
}

// build analyses one model into its description. Models that cannot be
// backed are left unbuilt, so that data sources and APIs skip them.
func (c *checker) build(mi *modelInfo) {
	d := mi.decl
	m := &idl.Model{
		Name: d.Name.Name, PrimaryKey: []*idl.Field{}, Columns: []*idl.Field{}, ForeignKeys: []*idl.ForeignKey{},
		Uniques: [][]string{}, Indexes: [][]string{}, Filters: []string{}, Routes: []*idl.Field{}, Navigations: []*idl.Navigation{}, KV: []*idl.StoreField{},
		R2: []*idl.StoreField{}, APIs: []*idl.Method{}, Sources: []*idl.Source{}, Cruds: []string{},
	}
	var cruds []*ast.Ident
	for _, t := range d.Tags {
		if t, ok := t.(*ast.CrudTag); ok {
			for _, k := range t.Kinds {
				if !slices.Contains(crudKinds, k.Name) {
					c.unresolved(k, "CRUD operation", crudKinds).Notef("the operations are %s", andList(crudKinds))
					continue
				}
				if !slices.Contains(m.Cruds, k.Name) {
					m.Cruds = append(m.Cruds, k.Name)
					cruds = append(cruds, k)
				}
			}
		}
	}
	ok := c.backing(mi, m)
	needsKey := mi.table || m.Backing != nil && m.Backing.Kind == idl.D1Backing
	if len(mi.routes) > 0 && needsKey {
		d := c.diags.Errorf(diag.RoutesAndTable, mi.routes[0].Span(), "model '%s' has both route fields and a table", m.Name).
			Labelled("route field")
		if mi.table {
			d.Helpf("a model is either stored in SQLite and found by its primary key, or served by the Worker and found by its route fields; split it in two models joined by a navigation")
		} else {
			d.Also(mi.decl.Backing.Span(), "a D1 database holds tables").
				Helpf("drop `%s` to serve the model from the Worker by its route fields", mi.decl.Backing.Span().Text())
		}
		return
	}
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ast.FieldBlock:
			for _, f := range it.Fields {
				if it.Keyword.Name == "column" {
					c.addField(mi, &m.Columns, f, c.sqlField(f, "column", true))
				} else {
					c.addField(mi, &m.Routes, f, c.sqlField(f, "route field", true))
				}
			}
		case *ast.PrimaryBlock:
			for _, n := range it.Items {
				switch n := n.(type) {
				case *ast.Field:
					if t := c.resolveQuiet(n.Type); t != nil && t.Kind == idl.Option && isSQL(t.Elem, false) {
						c.nullablePrimary(n.Name.Name, n.Type)
						continue
					}
					c.addField(mi, &m.PrimaryKey, n, c.sqlField(n, "primary key", false))
				case *ast.ForeignBlock:
					c.foreign(mi, m, n, true)
				}
			}
		case *ast.ForeignBlock:
			c.foreign(mi, m, it, false)
		}
	}
	var indexed [][]string // [index] columns and index(...) groups, in declaration order
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ast.FieldBlock:
			if it.Keyword.Name == "column" {
				indexed = append(indexed, indexedFields(mi, it.Fields)...)
			}
		case *ast.PrimaryBlock:
			for _, n := range it.Items {
				if f, ok := n.(*ast.Field); ok {
					indexed = append(indexed, indexedFields(mi, []*ast.Field{f})...)
				}
			}
		case *ast.UniqueDecl:
			c.unique(mi, m, it)
		case *ast.IndexDecl:
			if group := c.columnGroup(mi, "index", it.Fields.Names); group != nil {
				indexed = append(indexed, group)
			}
		case *ast.NavBlock:
			c.navigation(mi, m, it)
		case *ast.StoreField:
			c.storeField(mi, m, it)
		}
	}
	setIndexes(m, indexed)
	if needsKey && len(m.PrimaryKey) == 0 && len(mi.primary) == 0 {
		c.diags.Errorf(diag.MissingPrimaryKey, d.Name.Span(), "model '%s' has no primary key", m.Name).
			Labelled("stored in a table, so it needs one").
			Helpf("add a `primary { id: int }` block")
		ok = false
	}
	for _, k := range cruds {
		if u, ok := tableCruds[k.Name]; ok && !needsKey {
			d := c.diags.Errorf(diag.UnsupportedCrud, k.Span(), "model '%s' cannot be %s: it has no table", m.Name, u.done).
				Labelled("%s", u.needs)
			if len(mi.routes) > 0 {
				d.Notef("'%s' is served by the Worker and found by its route fields: it has no rows", m.Name)
			}
			d.Helpf("%s a model stored in D1 or a Durable Object's SQLite, or write a %s method in an api block", k.Name, k.Name)
		}
	}
	if ok {
		mi.built = m
	}
}

// article is "a" or "an" for a phrase such as "R2 bucket".
func article(what string) string {
	if strings.HasPrefix(what, "R2") || strings.ContainsRune("aeiouAEIOU", rune(what[0])) {
		return "an"
	}
	return "a"
}

var crudKinds = []string{idl.CrudGet, idl.CrudList, idl.CrudSave, idl.CrudDelete, idl.CrudCount}

// tableCruds are the CRUD kinds that need a table, with what the error
// for a model without one says.
var tableCruds = map[string]struct{ done, needs string }{
	idl.CrudList:   {"listed", "needs a primary key to page through"},
	idl.CrudDelete: {"deleted", "needs a primary key to find the row to delete"},
	idl.CrudCount:  {"counted", "needs a table whose rows to count"},
}

// validBacking reports whether a model's "for" clause, or its absence,
// is sound, so that comparing it with another model's means something.
func (c *checker) validBacking(mi *modelInfo) bool {
	b := mi.decl.Backing
	switch {
	case b == nil:
		return !mi.table || mi.onlyD1 != ""
	case slices.Contains(c.out.Env.D1, b.Binding.Name):
		return b.Args == nil
	}
	s := c.stores[b.Binding.Name]
	return s != nil && s.decl.Kind == ast.Durable && (b.Args == nil && len(s.decl.Shards) == 0 || b.Args != nil && len(b.Args.Names) == shardCount(s))
}

// shardCount is the number of shard fields a Durable Object declares,
// whether or not each analysed cleanly.
func shardCount(s *store) int { return len(shardFields(s)) }

// shardFields lists the shard fields a Durable Object declares, whether
// or not each analysed cleanly.
func shardFields(s *store) []*ast.Field {
	var fields []*ast.Field
	for _, sb := range s.decl.Shards {
		fields = append(fields, sb.Fields...)
	}
	return fields
}

// addField appends a column or route field whose type resolved.
func (c *checker) addField(mi *modelInfo, to *[]*idl.Field, f *ast.Field, t *idl.Type) {
	if t == nil || mi.fields[f.Name.Name] == nil || mi.fields[f.Name.Name].field != f {
		return
	}
	irf := &idl.Field{Name: f.Name.Name, Type: t, Validators: c.validators(f.Tags, t)}
	*to = append(*to, irf)
	mi.ir[irf.Name] = irf
}

func (c *checker) nullablePrimary(name string, at ast.Node) {
	c.diags.Errorf(diag.NullablePrimary, at.Span(), "primary-key column '%s' cannot be nullable", name).
		Labelled("nullable").
		Helpf("every row needs a key: remove the option<> or `optional`")
}

// backing resolves the model's "for" binding. It reports whether the
// model can be used.
func (c *checker) backing(mi *modelInfo, m *idl.Model) bool {
	b := mi.decl.Backing
	switch {
	case b == nil && mi.onlyD1 != "":
		m.Backing = &idl.Backing{Binding: mi.onlyD1, Kind: idl.D1Backing, Shard: []string{}}
		return true
	case b == nil && mi.table:
		c.missingBacking(mi)
		return false
	case b == nil:
		return true
	}
	name := b.Binding.Name
	if slices.Contains(c.out.Env.D1, name) {
		if b.Args != nil {
			c.diags.Errorf(diag.InvalidBacking, b.Args.Span(), "D1 database '%s' takes no shard arguments", name).
				Labelled("only a Durable Object is sharded").
				Helpf("write `for %s`", name)
			return false
		}
		m.Backing = &idl.Backing{Binding: name, Kind: idl.D1Backing, Shard: []string{}}
		return true
	}
	s := c.stores[name]
	if s == nil || s.decl.Kind != ast.Durable {
		d := c.diags.Errorf(diag.InvalidBacking, b.Binding.Span(), "'%s' is not a D1 database or Durable Object", name)
		if first, ok := c.globals.names[name]; ok {
			d.Labelled("'%s' is %s %s", name, article(first.what), first.what).Also(first.id.Span(), "declared here").
				Helpf("a model is stored in a `d1 { ... }` database or a `durable` object")
		} else {
			d.Labelled("unknown binding")
			if n, ok := suggest.Closest(name, c.tableBindings()); ok {
				d.Helpf("did you mean '%s'?", n)
			} else {
				d.Helpf("declare it in a `d1 { %s }` or `durable %s { ... }` block", name, name)
			}
		}
		return false
	}
	var args []*ast.Ident
	if b.Args != nil {
		args = b.Args.Names
	}
	want := shardCount(s)
	if len(args) != want {
		at := ast.Node(b)
		if b.Args != nil {
			at = b.Args
		}
		c.argCount(at, "Durable Object '"+name+"'", "shard argument", want, len(args)).
			Also(s.decl.Name.Span(), "declared here")
		return false
	}
	m.Backing = &idl.Backing{Binding: name, Kind: idl.DurableBacking, Shard: []string{}}
	if len(s.shard) != want {
		return true // a shard field has an error, reported with the binding
	}
	for i, a := range args {
		f := &idl.Field{Name: a.Name, Type: s.shard[i].Type, Validators: slices.Clone(s.shard[i].Validators)}
		m.Backing.Shard = append(m.Backing.Shard, a.Name)
		if mi.fields[a.Name] != nil && mi.fields[a.Name].kind == aliasMember {
			m.Routes = append(m.Routes, f)
			mi.ir[a.Name] = f
		}
	}
	return true
}

// missingBacking reports a table written without "for" in a schema that
// does not declare exactly one D1 database, which would back it.
func (c *checker) missingBacking(mi *modelInfo) {
	name := mi.decl.Name.Name
	d := c.diags.Errorf(diag.MissingBacking, mi.decl.Name.Span(), "model '%s' has a table but no database", name).
		Labelled("needs `for <binding>`")
	dbs := slices.Sorted(slices.Values(c.out.Env.D1))
	if len(dbs) == 0 {
		d.Helpf("declare a database `d1 { Db }` and write `model %s for Db`", name)
	} else {
		fors := make([]string, len(dbs))
		for i, db := range dbs {
			fors[i] = "`model " + name + " for " + db + "`"
		}
		d.Notef("without `for`, a table is stored in the D1 database only when the schema declares exactly one; it declares %d: %s", len(dbs), quoted(dbs))
		d.Helpf("name the database: %s", orList(fors))
	}
	if durables := c.storeNames(ast.Durable); len(durables) > 0 {
		s := c.stores[durables[0]]
		d.Helpf("or store it in Durable Object '%s': `model %s for %s`", s.decl.Name.Name, name, backingExample(s))
	}
}

// backingExample is "D(a, b)" for a Durable Object with shard fields a
// and b, or "D" for a global one.
func backingExample(s *store) string {
	var names []string
	for _, f := range shardFields(s) {
		names = append(names, f.Name.Name)
	}
	if len(names) == 0 {
		return s.decl.Name.Name
	}
	return s.decl.Name.Name + "(" + strings.Join(names, ", ") + ")"
}

// orList joins items as "a", "a or b", "a, b or c".
func orList(items []string) string { return joinList(items, " or ") }

// andList joins items as "a", "a and b", "a, b and c".
func andList(items []string) string { return joinList(items, " and ") }

func joinList(items []string, last string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

func (c *checker) argCount(at ast.Node, what, noun string, want, got int) *diag.Diagnostic {
	return c.diags.Errorf(diag.ArgCount, at.Span(), "%s expects %s, got %d", what, plural(want, noun), got).
		Labelled("%s", plural(got, noun))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// tableBindings lists the bindings a model may name in "for", sorted.
func (c *checker) tableBindings() []string {
	names := slices.Clone(c.out.Env.D1)
	for _, s := range c.out.Env.Durable {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	return names
}
