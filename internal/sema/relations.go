package sema

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// An edge says that model to has a required foreign key into from, so
// from's table must exist first.
type edge struct {
	from, to string
	fk       *ast.ForeignBlock
}

// foreign analyses a foreign key, adding its columns to the model.
func (c *checker) foreign(mi *modelInfo, m *idl.Model, fb *ast.ForeignBlock, primary bool) {
	target := c.refTarget(fb.Refs, nil)
	if target == nil {
		return
	}
	if target == mi && fb.Optional == nil {
		c.diags.Errorf(diag.ForeignKeySelf, fb.Refs[0].Model.Span(), "required foreign key of '%s' references its own model", m.Name).
			Labelled("'%s' itself", m.Name).
			Helpf("the first row could never be inserted: make the key `optional`")
		return
	}
	if c.apart(mi, target) {
		c.diags.Errorf(diag.ForeignKeyBacking, fb.Refs[0].Model.Span(), "foreign key of '%s' references '%s', which is stored elsewhere", m.Name, target.decl.Name.Name).
			Labelled("%s", storedIn(target)).
			Also(mi.decl.Name.Span(), "%s", storedIn(mi)).
			Helpf("foreign keys join tables of one database; store both models in the same binding")
		return
	}
	if len(fb.Refs) != len(fb.Fields) {
		c.diags.Errorf(diag.ForeignKeyCount, fb.Span(), "foreign key references %s but declares %s", plural(len(fb.Refs), "field"), plural(len(fb.Fields), "local field")).
			Labelled("counts differ").
			Helpf("declare one local field per referenced field")
		return
	}
	if primary && fb.Optional != nil {
		c.nullablePrimary(fb.Fields[0].Name, fb.Optional)
		return
	}
	key := &idl.ForeignKey{Model: target.decl.Name.Name, Optional: fb.Optional != nil}
	for i, ref := range fb.Refs {
		if !c.hasField(target, ref.Field) {
			return
		}
		t := c.memberType(target, ref.Field.Name, 0)
		if !target.fields[ref.Field.Name].isValue() {
			c.diags.Errorf(diag.ForeignKeyType, ref.Field.Span(), "foreign key references '%s::%s', which is not a column", key.Model, ref.Field.Name).
				Labelled("not a column of '%s'", key.Model).
				Helpf("reference a primary-key column")
			return
		}
		if t == nil || !isSQL(t, true) {
			return // the column's type is reported where it is declared
		}
		if key.Optional && t.Kind != idl.Option {
			t = idl.Wrap(idl.Option, t)
		}
		local := fb.Fields[i]
		key.Columns = append(key.Columns, local.Name)
		key.References = append(key.References, ref.Field.Name)
		if mi.fields[local.Name] == nil || mi.fields[local.Name].fk != fb {
			continue // a duplicate name, reported
		}
		f := &idl.Field{Name: local.Name, Type: t, Validators: c.memberValidators(target, ref.Field.Name, 0)}
		if primary {
			m.PrimaryKey = append(m.PrimaryKey, f)
		} else {
			m.Columns = append(m.Columns, f)
		}
		mi.ir[f.Name] = f
	}
	if !target.isKey(key.References) {
		c.diags.Errorf(diag.ForeignKeyTarget, fb.Refs[0].Span().To(fb.Refs[len(fb.Refs)-1].Span()), "foreign key references %s, which is not the primary key or a unique group of '%s'", quoted(key.References), key.Model).
			Labelled("not a key of '%s'", key.Model).
			Also(target.decl.Name.Span(), "'%s' is keyed by %s", key.Model, quotedIdents(target.primary)).
			Helpf("SQLite can only enforce a foreign key to a primary key or unique columns")
	}
	m.ForeignKeys = append(m.ForeignKeys, key)
	if !key.Optional {
		c.edges = append(c.edges, edge{from: key.Model, to: m.Name, fk: fb})
	}
}

// isKey reports whether cols are, in any order, the model's primary key
// or one of its unique groups.
func (mi *modelInfo) isKey(cols []string) bool {
	same := func(names []string) bool {
		a, b := slices.Clone(names), slices.Clone(cols)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	}
	var pk []string
	for _, id := range mi.primary {
		pk = append(pk, id.Name)
	}
	return same(pk) || slices.ContainsFunc(mi.uniques, same)
}

func storedIn(mi *modelInfo) string {
	if b := mi.bindingName(); b != "" {
		return "'" + mi.decl.Name.Name + "' is stored in '" + b + "'"
	}
	return "'" + mi.decl.Name.Name + "' has no database"
}

func quoted(names []string) string {
	return "'" + strings.Join(names, "', '") + "'"
}

func quotedIdents(ids []*ast.Ident) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	if len(names) == 0 {
		return "nothing"
	}
	return quoted(names)
}

// refTarget checks that references name one existing model and returns
// it, or nil after reporting. bare is the model of a reference-less
// navigation.
func (c *checker) refTarget(refs []*ast.FieldRef, bare *ast.Ident) *modelInfo {
	first := bare
	if len(refs) > 0 {
		first = refs[0].Model
	}
	target := c.infos[first.Name]
	if target == nil {
		c.unknownModel(first)
		return nil
	}
	for _, r := range refs[min(1, len(refs)):] {
		if c.infos[r.Model.Name] == nil {
			c.unknownModel(r.Model)
			return nil
		}
		if r.Model.Name != first.Name {
			c.diags.Errorf(diag.MixedModels, r.Model.Span(), "references name both '%s' and '%s'", first.Name, r.Model.Name).
				Labelled("'%s' here", r.Model.Name).
				Also(first.Span(), "'%s' here", first.Name).
				Helpf("all fields of one key belong to the same model")
			return nil
		}
	}
	return target
}

func (c *checker) unknownModel(id *ast.Ident) {
	if c.poos[id.Name] != nil {
		c.diags.Errorf(diag.UnresolvedName, id.Span(), "'%s' is a plain old object, not a model", id.Name).
			Labelled("has no table or route to join").
			Helpf("declare it as a model to relate it, or use it as a field type")
		return
	}
	c.unresolved(id, "model", c.modelNames())
}

// apart reports whether two soundly backed models live in different
// storage, which no foreign key or join can cross.
func (c *checker) apart(a, b *modelInfo) bool {
	return c.validBacking(a) && c.validBacking(b) && a.bindingName() != b.bindingName()
}

// hasField reports whether the model declares the named field,
// reporting it when not.
func (c *checker) hasField(mi *modelInfo, id *ast.Ident) bool {
	if mi.fields[id.Name] != nil {
		return true
	}
	c.unresolved(id, "field of '"+mi.decl.Name.Name+"'", sortedKeys(mi.fields))
	return false
}

// unresolved reports a name that names nothing, suggesting a close one.
func (c *checker) unresolved(id *ast.Ident, what string, candidates []string) *diag.Diagnostic {
	d := c.diags.Errorf(diag.UnresolvedName, id.Span(), "no %s named '%s'", what, id.Name).
		Labelled("unknown name")
	if s, ok := suggest.Closest(id.Name, candidates); ok {
		d.Helpf("did you mean '%s'?", s)
	}
	return d
}

func (c *checker) modelNames() []string {
	return sortedKeys(c.infos)
}

// navigation infers what a nav block joins.
func (c *checker) navigation(mi *modelInfo, m *idl.Model, nb *ast.NavBlock) {
	if len(nb.Fields) != 1 || mi.fields[nb.Fields[0].Name] == nil || mi.fields[nb.Fields[0].Name].kind != navMember {
		return
	}
	name := nb.Fields[0].Name
	keyed := 0
	for _, r := range nb.Refs {
		if r.Key != nil {
			keyed++
		}
	}
	if keyed > 0 && keyed < len(nb.Refs) {
		c.diags.Errorf(diag.NavMixedKeys, nb.Span(), "navigation '%s' mixes references with and without a local key", name).
			Labelled("some references have a (localKey), some not").
			Helpf("a one-to-one navigation gives every reference its local key; a one-to-many gives none")
		return
	}
	target := c.refTarget(nb.Refs, nb.Model)
	if target == nil {
		return
	}
	for _, r := range nb.Refs {
		if !c.hasField(target, r.Field) {
			return
		}
	}
	tname := target.decl.Name.Name
	nav := &idl.Navigation{Name: name, Model: tname, Type: idl.Named(idl.Object, tname), Local: []string{}, Remote: []string{}}
	switch {
	case len(target.primary) == 0:
		if !c.routeNavigation(mi, target, nb, nav) {
			return
		}
	case c.apart(mi, target):
		c.diags.Errorf(diag.NavBacking, nb.Fields[0].Span(), "navigation '%s' joins '%s', which is stored elsewhere", name, tname).
			Labelled("%s", storedIn(target)).
			Also(mi.decl.Name.Span(), "%s", storedIn(mi)).
			Helpf("navigations join tables of one database; store both models in the same binding")
		return
	case keyed > 0:
		fk := findForeign(mi, tname, func(fb *ast.ForeignBlock) bool {
			return sameNames(refFields(fb.Refs), refFields(nb.Refs)) && sameNames(fb.Fields, refKeys(nb.Refs))
		})
		if fk == nil {
			c.missingForeign(nb, name, "a foreign key of '"+m.Name+"' with these fields")
			return
		}
		nav.Local, nav.Remote = identNames(fk.Fields), identNames(refFields(fk.Refs))
	case len(nb.Refs) == 0:
		c.missingForeign(nb, name, "the foreign key to follow")
		return
	default:
		fk := findForeign(target, m.Name, func(fb *ast.ForeignBlock) bool {
			return sameNames(fb.Fields, refFields(nb.Refs))
		})
		if fk == nil {
			c.missingForeign(nb, name, "a foreign key of '"+tname+"' on these fields referencing '"+m.Name+"'")
			return
		}
		nav.Many, nav.Type = true, idl.Wrap(idl.Array, nav.Type)
		nav.Local, nav.Remote = identNames(refFields(fk.Refs)), identNames(fk.Fields)
	}
	if i := slices.IndexFunc(nb.Tags, func(t ast.Tag) bool { return kindOf(t) == cascadeTag }); i >= 0 {
		c.cascade(m, target, nav, nb.Tags[i])
	}
	m.Navigations = append(m.Navigations, nav)
}

// A cascadeEdge is a [cascade] navigation: deleting a from deletes the
// to objects that reference it.
type cascadeEdge struct {
	from, to, nav string
	tag           ast.Tag
}

func (e cascadeEdge) ends() (string, string) { return e.from, e.to }

// cascade marks a [cascade] navigation of m, which must reach rows that
// hold a foreign key to m: those a delete of m would otherwise leave
// pointing at nothing.
func (c *checker) cascade(m *idl.Model, target *modelInfo, nav *idl.Navigation, tag ast.Tag) {
	switch {
	case len(target.primary) == 0:
		c.diags.Errorf(diag.CascadeTarget, tag.Span(), "navigation '%s' cannot cascade: '%s' is served by the Worker", nav.Name, nav.Model).
			Labelled("'%s' has no rows to delete", nav.Model).
			Helpf("remove [cascade]")
	case !nav.Many:
		refs := make([]string, len(nav.Local))
		for i, l := range nav.Local {
			refs[i] = m.Name + "::" + l
		}
		example := strings.Join(refs, ", ")
		if len(refs) > 1 {
			example = "(" + example + ")"
		}
		c.diags.Errorf(diag.CascadeTarget, tag.Span(), "navigation '%s' cannot cascade: '%s' holds its foreign key", nav.Name, m.Name).
			Labelled("would delete the '%s' a '%s' references", nav.Model, m.Name).
			Notef("a delete cascades to the objects that reference the deleted one, never to those it references, which others may reference too").
			Helpf("to delete the '%s' objects of a '%s' with it, write `[cascade] nav %s { ... }` in model '%s' instead", m.Name, nav.Model, example, nav.Model)
	default:
		nav.Cascade = true
		c.cascades = append(c.cascades, cascadeEdge{from: m.Name, to: nav.Model, nav: nav.Name, tag: tag})
	}
}

func (c *checker) missingForeign(nb *ast.NavBlock, name, want string) {
	c.diags.Errorf(diag.NavForeignKey, nb.Span(), "navigation '%s' has no foreign key to follow", name).
		Labelled("needs %s", want).
		Helpf("a one-to-one navigation `nav T::id(localFk) { f }` follows a foreign key of this model; a one-to-many `nav T::fk { f }` follows a foreign key of T referencing this model")
}

// routeNavigation fills a navigation to a Worker-served model, which is
// found by its route fields rather than joined. It reports whether the
// navigation is sound.
func (c *checker) routeNavigation(mi, target *modelInfo, nb *ast.NavBlock, nav *idl.Navigation) bool {
	routes := target.routeNames()
	var refs []string
	for _, r := range routes {
		refs = append(refs, nav.Model+"::"+r+"(local)")
	}
	example := strings.Join(refs, ", ")
	if len(refs) > 1 {
		example = "(" + example + ")"
	}
	bad := func(at ast.Node, format string, args ...any) bool {
		c.diags.Errorf(diag.RouteNavigation, at.Span(), "navigation '%s' does not address '%s'", nav.Name, nav.Model).
			Labelled(format, args...).
			Helpf("'%s' is served by the Worker and found by its route fields; give a local field for each: nav %s { %s }", nav.Model, example, nav.Name)
		return false
	}
	if len(nb.Refs) == 0 || nb.Refs[0].Key == nil {
		if len(routes) > 0 {
			return bad(nb, "no local fields for its route")
		}
		return true // a keyless singleton
	}
	byRoute := map[string]string{}
	for _, r := range nb.Refs {
		if !slices.Contains(routes, r.Field.Name) {
			return bad(r.Field, "'%s' is not a route field of '%s'", r.Field.Name, nav.Model)
		}
		if !c.hasField(mi, r.Key) {
			return false
		}
		lt, rt := c.memberType(mi, r.Key.Name, 0), c.memberType(target, r.Field.Name, 0)
		if lt == nil || rt == nil || !lt.Equal(rt) {
			return bad(r.Key, "'%s' is %s but '%s::%s' is %s", r.Key.Name, typeName(lt), nav.Model, r.Field.Name, typeName(rt))
		}
		byRoute[r.Field.Name] = r.Key.Name
	}
	for _, route := range routes {
		local, ok := byRoute[route]
		if !ok {
			return bad(nb, "route field '%s' is not supplied", route)
		}
		nav.Local = append(nav.Local, local)
		nav.Remote = append(nav.Remote, route)
	}
	return true
}

func typeName(t *idl.Type) string {
	if t == nil {
		return "not a column"
	}
	return t.String()
}

// findForeign returns the first foreign key of mi into model that
// satisfies match.
func findForeign(mi *modelInfo, model string, match func(*ast.ForeignBlock) bool) *ast.ForeignBlock {
	var found *ast.ForeignBlock
	each := func(fb *ast.ForeignBlock) {
		if found == nil && len(fb.Refs) > 0 && fb.Refs[0].Model.Name == model && match(fb) {
			found = fb
		}
	}
	for _, it := range mi.decl.Items {
		switch it := it.(type) {
		case *ast.ForeignBlock:
			each(it)
		case *ast.PrimaryBlock:
			for _, n := range it.Items {
				if fb, ok := n.(*ast.ForeignBlock); ok {
					each(fb)
				}
			}
		}
	}
	return found
}

func refFields(refs []*ast.FieldRef) []*ast.Ident {
	out := make([]*ast.Ident, len(refs))
	for i, r := range refs {
		out[i] = r.Field
	}
	return out
}

func refKeys(refs []*ast.FieldRef) []*ast.Ident {
	out := make([]*ast.Ident, len(refs))
	for i, r := range refs {
		out[i] = r.Key
	}
	return out
}

func identNames(ids []*ast.Ident) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.Name
	}
	return out
}

func sameNames(a, b []*ast.Ident) bool {
	return slices.Equal(identNames(a), identNames(b))
}

// unique records a unique group. A group holding the whole primary key
// is unique already and is left out; any other group is kept as written,
// primary-key columns included (dropping them would make it stricter).
func (c *checker) unique(mi *modelInfo, m *idl.Model, u *ast.UniqueDecl) {
	group := c.columnGroup(mi, "unique", u.Fields.Names)
	holdsKey := len(mi.primary) > 0 && !slices.ContainsFunc(mi.primary, func(id *ast.Ident) bool { return !slices.Contains(group, id.Name) })
	if len(group) > 0 && !holdsKey {
		m.Uniques = append(m.Uniques, group)
	}
}

// columnGroup checks the names of a unique or index group (keyword says
// which), which must be columns of the model, and returns them; nil after
// an error.
func (c *checker) columnGroup(mi *modelInfo, keyword string, names []*ast.Ident) []string {
	var group []string
	for _, n := range names {
		f := mi.fields[n.Name]
		switch {
		case f == nil:
			c.unresolved(n, "column of '"+mi.decl.Name.Name+"'", c.columnNames(mi))
			return nil
		case f.kind != columnMember && f.kind != foreignMember && f.kind != primaryMember:
			e := mi.names.names[n.Name]
			what := e.what
			if what == "route" {
				what = "route field"
			}
			c.diags.Errorf(diag.NotAColumn, n.Span(), "'%s' is %s %s of '%s', not a column", n.Name, article(what), what, mi.decl.Name.Name).
				Labelled("not a column").
				Also(e.id.Span(), "'%s' is declared here", n.Name).
				Helpf("%s(...) lists columns of the model's table: fields of its primary and column blocks, and foreign keys", keyword)
			return nil
		}
		group = append(group, n.Name)
	}
	return group
}

// indexedFields returns a one-column group for each of fields tagged
// [index] that was built as a column.
func indexedFields(mi *modelInfo, fields []*ast.Field) [][]string {
	var groups [][]string
	for _, f := range fields {
		if mi.ir[f.Name.Name] != nil && slices.ContainsFunc(f.Tags, func(t ast.Tag) bool { return kindOf(t) == indexTag }) {
			groups = append(groups, []string{f.Name.Name})
		}
	}
	return groups
}

// setIndexes fills the model's indexes and filters. Migrations index each
// of groups (the [index] columns and index(...) groups), then each
// foreign key's columns, so that following a navigation backwards reads
// an index; but not a group that the primary key, a unique group or
// another index starts with, since that index serves every lookup this
// one would. The filterable columns are those an index starts with.
func setIndexes(m *idl.Model, groups [][]string) {
	for _, fk := range m.ForeignKeys {
		groups = append(groups, fk.Columns)
	}
	var pk []string
	for _, f := range m.PrimaryKey {
		pk = append(pk, f.Name)
	}
	// covers reports whether an index on h serves the lookups one on g
	// would: g starts h.
	covers := func(h, g []string) bool { return len(h) >= len(g) && slices.Equal(h[:len(g)], g) }
	for i, g := range groups {
		covered := covers(pk, g) || slices.ContainsFunc(m.Uniques, func(u []string) bool { return covers(u, g) })
		for j, h := range groups {
			// A longer group covers g; of two equal ones, the first stays.
			covered = covered || j != i && covers(h, g) && (len(h) > len(g) || j < i)
		}
		if !covered && len(g) > 0 {
			m.Indexes = append(m.Indexes, g)
		}
	}
	first := map[string]bool{}
	for _, g := range slices.Concat([][]string{pk}, m.Uniques, m.Indexes) {
		if len(g) > 0 {
			first[g[0]] = true
		}
	}
	for _, f := range slices.Concat(m.PrimaryKey, m.Columns) {
		if first[f.Name] {
			m.Filters = append(m.Filters, f.Name)
		}
	}
}

func (c *checker) columnNames(mi *modelInfo) []string {
	var names []string
	for n, f := range mi.fields {
		if f.kind == columnMember || f.kind == foreignMember || f.kind == primaryMember {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// storeField analyses a KV or R2 field: its template, and the model
// fields that fill the template's parameters.
func (c *checker) storeField(mi *modelInfo, m *idl.Model, sf *ast.StoreField) {
	if len(sf.Fields) != 1 || mi.fields[sf.Fields[0].Name] == nil || mi.fields[sf.Fields[0].Name].kind == navMember {
		return
	}
	name := sf.Fields[0].Name
	s := c.stores[sf.Binding.Name]
	if s == nil || (s.decl.Kind == ast.R2) != (sf.Kind == ast.R2) {
		what, kinds := "KV namespace or Durable Object", []ast.StoreKind{ast.KV, ast.Durable}
		if sf.Kind == ast.R2 {
			what, kinds = "R2 bucket", []ast.StoreKind{ast.R2}
		}
		c.unresolved(sf.Binding, what, c.storeNames(kinds...))
		return
	}
	durable := s.decl.Kind == ast.Durable
	if durable && (m.Backing == nil || m.Backing.Binding != s.decl.Name.Name) {
		c.diags.Errorf(diag.DurableStorage, sf.Binding.Span(), "field '%s' is stored in Durable Object '%s', but '%s' is not", name, s.decl.Name.Name, m.Name).
			Labelled("storage of another object").
			Also(mi.decl.Name.Span(), "%s", storedIn(mi)).
			Helpf("a Durable Object's storage is reached only from inside it: back the model with `for %s`", s.decl.Name.Name)
		return
	}
	t := s.template(sf.Template.Name)
	if t == nil && s.broken[sf.Template.Name] {
		return // the template has an error of its own
	}
	if t == nil {
		c.unresolved(sf.Template, "template in '"+s.decl.Name.Name+"'", s.templateNames())
		return
	}
	var args []*ast.Ident
	at := ast.Node(sf.Template)
	if sf.Args != nil {
		args, at = sf.Args.Names, sf.Args
	}
	if len(args) != len(t.Params) {
		c.argCount(at, "template '"+t.Name+"'", "argument", len(t.Params), len(args))
		return
	}
	var from, to []string
	for i, a := range args {
		p := t.Params[i]
		if !c.hasField(mi, a) {
			return
		}
		f := mi.ir[a.Name]
		if !mi.fields[a.Name].isValue() {
			c.diags.Errorf(diag.ArgType, a.Span(), "'%s' cannot fill a key: it is not a column or route field", a.Name).
				Labelled("template parameter '%s'", p.Name)
			return
		}
		if f == nil {
			return // the field has an error of its own
		}
		if !c.fillsKey(a, "'"+a.Name+"'", f.Type, "template parameter '"+p.Name+"'", p) {
			return
		}
		if f.Type.Equal(p.Type) {
			f.Validators = appendNew(f.Validators, p.Validators)
		}
		from, to = append(from, p.Name), append(to, a.Name)
	}
	field := &idl.StoreField{Name: name, Type: t.Type, Validators: t.Validators, Binding: s.decl.Name.Name,
		Template: t.Name, Key: renameParams(t.Key, from, to), Durable: durable}
	if sf.Kind == ast.R2 {
		m.R2 = append(m.R2, field)
	} else {
		m.KV = append(m.KV, field)
	}
}

// fillsKey reports whether a value of type from, written at a and
// described as name, can fill the key parameter or shard field to
// (described as what), reporting when it cannot. Keys are text: the
// runtime writes each value with String(), which prints an int as its
// decimal digits, so an int also fills a string, unless the string
// carries validators, which an int could not be checked against.
func (c *checker) fillsKey(a *ast.Ident, name string, from *idl.Type, what string, to *idl.Field) bool {
	switch {
	case from.Equal(to.Type):
		return true
	case from.Kind != idl.Int || to.Type.Kind != idl.String:
		c.diags.Errorf(diag.ArgType, a.Span(), "%s has type %s, but %s is %s", name, from, what, to.Type).
			Labelled("wrong type")
		return false
	case len(to.Validators) > 0:
		c.diags.Errorf(diag.ArgType, a.Span(), "%s has type int, but %s is a string with validators", name, what).
			Labelled("an int cannot be checked against [%s %s]", to.Validators[0].Kind, validatorArg(to.Validators[0])).
			Helpf("declare '%s' as int, or fill it with a string", to.Name)
		return false
	}
	return true
}

// validatorArg is a validator's argument as written in a tag.
func validatorArg(v idl.Validator) string {
	if v.IsRegex() {
		return "/" + v.Arg + "/"
	}
	return v.Arg
}

// renameParams rewrites the placeholders of a key format.
func renameParams(key string, from, to []string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(key, '{')
		end := strings.IndexByte(key, '}')
		if open < 0 || end < open {
			b.WriteString(key)
			return b.String()
		}
		name := key[open+1 : end]
		if i := slices.Index(from, name); i >= 0 {
			name = to[i]
		}
		b.WriteString(key[:open] + "{" + name + "}")
		key = key[end+1:]
	}
}

func (c *checker) storeNames(kinds ...ast.StoreKind) []string {
	var names []string
	for n, s := range c.stores {
		if slices.Contains(kinds, s.decl.Kind) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}
