package decorators

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// propertyDecorators are the decorators a model property may carry.
const propertyDecorators = "@PrimaryKey, @ForeignKey(M), @OneToOne<M>(x => x.key), @OneToMany<M>(x => x.key), @ManyToMany, @KeyParam, @KV(key, binding), @R2(key, binding)"

// verbs are the method decorators that make an API method.
var verbs = map[string]string{"GET": "get", "POST": "post", "PUT": "put", "PATCH": "patch", "DELETE": "delete"}

// keys finds the primary key and the foreign keys of a model, before any
// model is lowered: navigations read them from the other end.
func (x *extractor) keys(in *info) {
	for _, m := range in.c.members {
		if m.method || m.static {
			continue
		}
		if decorated(m.decos, "PrimaryKey") != nil || in.pk == nil && (fold(m.name.text) == "id" || fold(m.name.text) == fold(in.c.name.text+"Id")) {
			in.pk = m
		}
		for _, dn := range navDecorators {
			if d := decorated(m.decos, dn); d != nil {
				in.selects[m] = x.selected(d)
				break
			}
		}
		if d := decorated(m.decos, "ForeignKey"); d != nil {
			if len(d.args) == 1 {
				if p, ok := d.args[0].(*pathExpr); ok && len(p.names) == 1 {
					in.fks[m.name.text] = fkey{p.names[0].text, p.names[0].span}
					continue
				}
			}
			x.diags.Errorf(diag.TSArguments, d.span, "@ForeignKey takes the referenced model").Helpf("write @ForeignKey(Dog)")
		}
	}
	for _, m := range in.c.members {
		if m.method || m.static || m.typ == nil || in.fks[m.name.text].target != "" || m == in.pk {
			continue
		}
		if target, many := x.modelRef(m.typ); target != "" && !many {
			if col := x.navKey(in, m); col != "" && in.members[col] != nil {
				in.fks[col] = fkey{target, m.name.span}
			}
			continue
		}
		for _, other := range x.order { // the convention <model>Id
			if other.role == model && other != in && fold(m.name.text) == fold(other.c.name.text+"Id") {
				in.fks[m.name.text] = fkey{other.c.name.text, m.name.span}
			}
		}
	}
}

// navDecorators are the decorators that select a navigation's key.
var navDecorators = []string{"OneToOne", "OneToMany"}

// navKey returns the local key column of a singular navigation: the one
// its decorator selects, else the property named like it with Id.
func (x *extractor) navKey(in *info, m *member) string {
	if key, ok := in.selects[m]; ok {
		return key
	}
	for n := range in.members {
		if fold(n) == fold(m.name.text+"Id") {
			return n
		}
	}
	return ""
}

// selected returns the property an arrow-function argument selects, or
// "" after a diagnostic. keys calls it once per decorator, so that a
// wrong argument is reported once.
func (x *extractor) selected(d *decorator) string {
	if len(d.args) == 1 {
		if a, ok := d.args[0].(*arrowFn); ok && len(a.body.names) == 2 && a.body.names[0].text == a.param.text {
			return a.body.names[1].text
		}
	}
	x.diags.Errorf(diag.TSArguments, d.span, "@%s takes an arrow function selecting the key", d.name.text).
		Helpf("write @%s<Dog>(d => d.ownerId)", d.name.text)
	return ""
}

// modelRef tells whether t is a model, T | undefined, or an array of one.
func (x *extractor) modelRef(t *tsType) (target string, many bool) {
	t = stripUndefined(t)
	if t.array {
		t, many = t.args[0], true
	}
	if in := x.infos[t.name.text]; in != nil && in.role == model && len(t.args) == 0 {
		return t.name.text, many
	}
	return "", false
}

// stripUndefined removes "| undefined" from a union: it marks a
// navigation or R2 object that may not be hydrated, not a nullable value.
func stripUndefined(t *tsType) *tsType {
	if t.union == nil {
		return t
	}
	var rest []*tsType
	for _, u := range t.union {
		if u.name.text != "undefined" {
			rest = append(rest, u)
		}
	}
	if len(rest) == 1 {
		return rest[0]
	}
	return &tsType{span: t.span, union: rest}
}

// model lowers a @Model class to a model, its data sources and its api.
func (x *extractor) model(in *info) {
	md := &ast.ModelDecl{Pos: ast.Pos{S: in.c.span}, Name: ident(in.c.name), Braces: ast.Braces{Close: -1}}
	if tag := x.crud(in.crud); tag != nil {
		md.Tags = []ast.Tag{tag}
	}
	in.out.Decls = append(in.out.Decls, md)
	api := &ast.APIDecl{Pos: ast.Pos{S: in.c.span}, Name: ident(in.c.name), Braces: ast.Braces{Close: -1}}
	for _, m := range in.c.members {
		switch {
		case m.method:
			if meth := x.method(in, m, nil); meth != nil {
				api.Methods = append(api.Methods, meth)
			}
		case m.static: // after every model: see sources
		default:
			if item := x.property(in, m); item != nil {
				md.Items = append(md.Items, item)
			}
		}
	}
	if len(api.Methods) > 0 {
		in.out.Decls = append(in.out.Decls, api)
	}
}

// sources lowers the include trees of a model. They are lowered after
// every model's properties, since a tree may name a property of another
// model that is left out (dropped).
func (x *extractor) sources(in *info) {
	for _, m := range in.c.members {
		if m.static && !m.method {
			x.source(in, m)
		}
	}
}

// crud lowers @Model(["GET", "SAVE"]) to [crud get, save].
func (x *extractor) crud(d *decorator) *ast.CrudTag {
	if len(d.args) == 0 {
		return nil
	}
	tag := &ast.CrudTag{Pos: ast.Pos{S: d.span}, Name: identAt("crud", d.name.span)}
	arr, ok := d.args[0].(*arrayLit)
	if !ok || len(d.args) > 1 {
		x.diags.Errorf(diag.TSArguments, d.span, "@Model takes one array of CRUD kinds").Helpf("write @Model([\"GET\", \"SAVE\", \"LIST\"])")
		return nil
	}
	for _, e := range arr.elems {
		s, ok := e.(*strLit)
		if !ok {
			x.diags.Errorf(diag.TSArguments, e.exprSpan(), "a CRUD kind is a string").Helpf("write \"GET\", \"SAVE\", \"LIST\", \"DELETE\" or \"COUNT\"")
			continue
		}
		tag.Kinds = append(tag.Kinds, identAt(strings.ToLower(s.value), s.span))
	}
	return tag
}

// property lowers one model property to a model item.
func (x *extractor) property(in *info, m *member) ast.ModelItem {
	for _, d := range m.decos {
		if !strings.Contains(propertyDecorators, "@"+d.name.text) {
			x.unknownDecorator(d, "a model property", propertyDecorators)
			return nil
		}
	}
	if m.typ == nil {
		return x.fieldBlock("column", m) // reports the missing type
	}
	pos := ast.Pos{S: m.span}
	for _, k := range []struct {
		dn   string
		kind ast.StoreKind
	}{{"KV", ast.KV}, {"R2", ast.R2}} {
		if d := decorated(m.decos, k.dn); d != nil {
			return x.storeField(in, m, d, k.kind)
		}
	}
	if decorated(m.decos, "KeyParam") != nil {
		return x.fieldBlock("route", m)
	}
	if m == in.pk {
		f := x.field(m)
		if f == nil {
			return nil
		}
		return &ast.PrimaryBlock{Pos: pos, Keyword: identAt("primary", m.name.span), Items: []ast.Node{f}, Braces: ast.Braces{Close: -1}}
	}
	if fk, ok := in.fks[m.name.text]; ok {
		target := x.infos[fk.target]
		if target == nil || target.role != model || target.pk == nil {
			x.diags.Errorf(diag.TSRelation, fk.span, "'%s' is not a model with a primary key", fk.target).
				Helpf("a foreign key references a @Model class with an id")
			return nil
		}
		f := &ast.ForeignBlock{Pos: pos, Refs: []*ast.FieldRef{ref(fk.target, target.pk.name.text, fk.span)}, Fields: []*ast.Ident{ident(m.name)}, Braces: ast.Braces{Close: -1}}
		if t := stripUndefined(m.typ); t.union != nil {
			f.Optional = identAt("optional", t.span)
		}
		return f
	}
	if target, many := x.modelRef(m.typ); target != "" {
		return x.nav(in, m, target, many)
	}
	if decorated(m.decos, "OneToOne") != nil || decorated(m.decos, "OneToMany") != nil || decorated(m.decos, "ManyToMany") != nil {
		x.diags.Errorf(diag.TSRelation, m.typ.span, "a navigation property's type is a model or an array of one").
			Helpf("write %s: Dog | undefined, or %s: Dog[]", m.name.text, m.name.text)
		return nil
	}
	return x.fieldBlock("column", m)
}

func ref(model, field string, span source.Span) *ast.FieldRef {
	return &ast.FieldRef{Pos: ast.Pos{S: span}, Model: identAt(model, span), Field: identAt(field, span)}
}

func (x *extractor) fieldBlock(keyword string, m *member) ast.ModelItem {
	f := x.field(m)
	if f == nil {
		return nil
	}
	return &ast.FieldBlock{Pos: ast.Pos{S: m.span}, Keyword: identAt(keyword, m.name.span), Fields: []*ast.Field{f}, Braces: ast.Braces{Close: -1}}
}

func (x *extractor) field(m *member) *ast.Field {
	if m.typ == nil {
		x.diags.Errorf(diag.TSType, m.name.span, "property '%s' has no type", m.name.text).Helpf("write its type: %s: string", m.name.text)
		return nil
	}
	t := x.typ(m.typ)
	if t == nil {
		return nil
	}
	return &ast.Field{Pos: ast.Pos{S: m.span}, Name: ident(m.name), Type: t}
}

// nav lowers a navigation property: one-to-one through a local key, or
// one-to-many through the target's key to this model.
func (x *extractor) nav(in *info, m *member, target string, many bool) ast.ModelItem {
	other := x.infos[target]
	n := &ast.NavBlock{Pos: ast.Pos{S: m.span}, Fields: []*ast.Ident{ident(m.name)}, Braces: ast.Braces{Close: -1}}
	if key, ok := in.selects[m]; ok && key == "" {
		return nil // the decorator's argument is reported
	}
	if !many {
		col := x.navKey(in, m)
		if col == "" || in.members[col] == nil || other.pk == nil {
			x.diags.Errorf(diag.TSRelation, m.name.span, "no key for the navigation '%s' to %s", m.name.text, target).
				Helpf("add a key property %sId: Integer, or select one: @OneToOne<%s>(x => x.key)", m.name.text, target)
			return nil
		}
		r := ref(target, other.pk.name.text, m.typ.span)
		r.Key = identAt(col, m.name.span)
		n.Refs = []*ast.FieldRef{r}
		return n
	}
	col, selected := in.selects[m]
	if !selected {
		for c, fk := range other.fks {
			if fk.target == in.c.name.text {
				if col != "" {
					x.diags.Errorf(diag.TSRelation, m.name.span, "%s has several keys to %s; which one does '%s' follow?", target, in.c.name.text, m.name.text).
						Helpf("select it: @OneToMany<%s>(x => x.%s)", target, c)
					return nil
				}
				col = c
			}
		}
	}
	if col == "" {
		if _, back := x.modelBack(other, in.c.name.text); back {
			in.dropped[m.name.text] = true
			d := x.diags.Warnf(diag.TSNotMapped, m.name.span, "many-to-many navigation '%s' is not part of the schema", m.name.text)
			if junction := x.junction(in, other, m.name.span); junction != "" && in != other {
				near, far := "left", "right"
				if other.c.name.text < in.c.name.text {
					near, far = far, near
				}
				in.manys = append(in.manys, ManyToMany{Name: m.name.text, Model: target, Junction: junction, Near: near, Far: far})
				d.Notef("its junction table %s is created, and the edition's Orm reads through it; generated CRUD methods and the client do not carry it", junction)
			}
			d.Helpf("to navigate in the schema, declare the junction as a @Model with foreign keys to %s and %s, and navigate to it", in.c.name.text, target)
			return nil
		}
		x.diags.Errorf(diag.TSRelation, m.name.span, "%s has no key to %s for the navigation '%s'", target, in.c.name.text, m.name.text).
			Helpf("add a key to %s: %sId: Integer", target, lowerFirst(in.c.name.text))
		return nil
	}
	n.Refs = []*ast.FieldRef{ref(target, col, m.typ.span)}
	return n
}

// junction declares, once per pair of models, the junction table of their
// implicit many-to-many as the edition describes it: named after both
// models in alphabetical order, its key the foreign keys "left" (to the
// first) and "right" (to the second). It returns the table's name, or ""
// when a model has no primary key to reference (reported elsewhere).
func (x *extractor) junction(a, b *info, span source.Span) string {
	if a.pk == nil || b.pk == nil {
		return ""
	}
	if b.c.name.text < a.c.name.text {
		a, b = b, a
	}
	name := a.c.name.text + b.c.name.text
	if x.junctions[name] {
		return name
	}
	x.junctions[name] = true
	key := func(side string, to *info) ast.Node {
		return &ast.ForeignBlock{Pos: ast.Pos{S: span}, Refs: []*ast.FieldRef{ref(to.c.name.text, to.pk.name.text, span)}, Fields: []*ast.Ident{identAt(side, span)}, Braces: ast.Braces{Close: -1}}
	}
	primary := &ast.PrimaryBlock{Pos: ast.Pos{S: span}, Keyword: identAt("primary", span), Items: []ast.Node{key("left", a), key("right", b)}, Braces: ast.Braces{Close: -1}}
	a.out.Decls = append(a.out.Decls, &ast.ModelDecl{Pos: ast.Pos{S: span}, Name: identAt(name, span), Items: []ast.ModelItem{primary}, Braces: ast.Braces{Close: -1}})
	return name
}

// modelBack reports whether model in has an array navigation to name.
func (x *extractor) modelBack(in *info, name string) (string, bool) {
	for n, m := range in.members {
		if m.typ == nil {
			continue
		}
		if t, many := x.modelRef(m.typ); many && t == name {
			return n, true
		}
	}
	return "", false
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// storeField lowers @KV(key, binding) and @R2(key, binding): a template of
// the binding, named like the property, and a field using it.
func (x *extractor) storeField(in *info, m *member, d *decorator, kind ast.StoreKind) ast.ModelItem {
	var key *strLit
	var binding name
	if len(d.args) == 2 {
		key, _ = d.args[0].(*strLit)
		switch b := d.args[1].(type) {
		case *strLit:
			binding = name{b.value, b.span}
		case *pathExpr:
			if len(b.names) == 1 {
				binding = b.names[0]
			}
		}
	}
	if key == nil || binding.text == "" {
		x.diags.Errorf(diag.TSArguments, d.span, "@%s takes a key format and a binding", d.name.text).
			Helpf("write @%s(\"user/{id}\", \"myBinding\")", d.name.text)
		return nil
	}
	store := x.stores[binding.text]
	if store == nil || store.Kind != kind {
		what := map[ast.StoreKind]string{ast.KV: "KVNamespace", ast.R2: "R2Bucket"}[kind]
		x.diags.Errorf(diag.TSBinding, binding.span, "'%s' is not a %s of the @WranglerEnv class", binding.text, what).
			Helpf("declare it there: %s: %s;", binding.text, what)
		return nil
	}
	t := stripUndefined(m.typ)
	if t.array {
		in.dropped[m.name.text] = true
		d := x.diags.Warnf(diag.TSNotMapped, m.name.span, "the prefix list '%s' is not part of the schema", m.name.text)
		if kind == ast.KV {
			in.lists = append(in.lists, KVList{Name: m.name.text, Namespace: binding.text, Prefix: key.value})
			d.Notef("the edition's Orm fills it when an include tree names it (get, list, hydrate); generated CRUD methods and the client do not carry it")
		} else {
			d.Notef("a field holding a bucket's objects under a prefix is not expressible")
		}
		d.Helpf("list the keys in a method with env.%s.list({ prefix: \"%s\" })", binding.text, key.value)
		return nil
	}
	tmpl := &ast.Template{Pos: ast.Pos{S: d.span}, Name: ident(m.name), Params: &ast.Params{Pos: ast.Pos{S: key.span}}, Key: keyFormat(key), Braces: ast.Braces{Close: -1}}
	if kind == ast.KV {
		if t.name.text != "KValue" || len(t.args) != 1 {
			x.diags.Errorf(diag.TSType, m.typ.span, "a @KV property is a KValue<T>").Helpf("write %s: KValue<unknown>", m.name.text)
			return nil
		}
		if tmpl.Result = x.typ(t.args[0]); tmpl.Result == nil {
			return nil
		}
	} else if t.name.text != "R2Object" && t.name.text != "R2ObjectBody" {
		x.diags.Errorf(diag.TSType, m.typ.span, "an @R2 property is an R2Object").Helpf("write %s: R2Object | undefined", m.name.text)
		return nil
	}
	f := &ast.StoreField{Pos: ast.Pos{S: m.span}, Kind: kind, Binding: ident(binding), Template: ident(m.name), Args: &ast.IdentList{Pos: ast.Pos{S: key.span}}, Fields: []*ast.Ident{ident(m.name)}, Braces: ast.Braces{Close: -1}}
	for _, part := range tmpl.Key.Parts {
		if !part.Param {
			continue
		}
		src := in.members[part.Text]
		if src == nil || src.typ == nil {
			x.diags.Errorf(diag.TSRelation, part.S, "the key placeholder '{%s}' names no property of %s", part.Text, in.c.name.text).
				Helpf("name a key property, or declare it: @KeyParam %s: string", part.Text)
			return nil
		}
		pt := x.typ(src.typ)
		if pt == nil {
			return nil
		}
		tmpl.Params.List = append(tmpl.Params.List, &ast.Field{Pos: ast.Pos{S: part.S}, Name: identAt(part.Text, part.S), Type: pt})
		f.Args.Names = append(f.Args.Names, identAt(part.Text, part.S))
	}
	store.Templates = append(store.Templates, tmpl)
	return f
}

// keyFormat splits a key such as "user/{id}.png" into text and
// placeholders, with spans into the .ts string.
func keyFormat(s *strLit) *ast.KeyFormat {
	raw := s.span.Text()
	kf := &ast.KeyFormat{Lit: &ast.Literal{Pos: ast.Pos{S: s.span}, Kind: token.String, Raw: raw}}
	base := s.span.Start + 1
	at := func(i, j int) source.Span { return source.Span{File: s.span.File, Start: base + i, End: base + j} }
	v := s.value
	for i := 0; i < len(v); {
		open := strings.IndexByte(v[i:], '{')
		close := strings.IndexByte(v[i:], '}')
		if open < 0 || close < open {
			kf.Parts = append(kf.Parts, ast.KeyPart{Pos: ast.Pos{S: at(i, len(v))}, Text: v[i:]})
			break
		}
		if open > 0 {
			kf.Parts = append(kf.Parts, ast.KeyPart{Pos: ast.Pos{S: at(i, i+open)}, Text: v[i : i+open]})
		}
		kf.Parts = append(kf.Parts, ast.KeyPart{Pos: ast.Pos{S: at(i+open, i+close+1)}, Text: strings.TrimSpace(v[i+open+1 : i+close]), Param: true})
		i += close + 1
	}
	return kf
}

// source lowers "static readonly withX: IncludeTree<M> = { ... }" to a
// data source with that include tree.
func (x *extractor) source(in *info, m *member) {
	if m.typ == nil || m.typ.name.text != "IncludeTree" {
		x.diags.Errorf(diag.TSUnsupported, m.name.span, "static property '%s' is not an include tree", m.name.text).
			Helpf("a model's static properties are include trees: static readonly %s: IncludeTree<%s> = { ... }", m.name.text, in.c.name.text)
		return
	}
	tree, ok := m.init.(*objectLit)
	if !ok {
		x.diags.Errorf(diag.TSArguments, m.name.span, "include tree '%s' has no object literal", m.name.text).
			Helpf("write = { navigation: {} }")
		return
	}
	for _, d := range m.decos {
		if d.name.text != "DataSource" {
			x.unknownDecorator(d, "an include tree", "@DataSource")
		}
	}
	inc := &ast.IncludeBlock{Pos: ast.Pos{S: tree.span}, Keyword: identAt("include", m.name.span), Entries: x.includes(in, tree), Braces: ast.Braces{Close: -1}}
	in.out.Decls = append(in.out.Decls, &ast.SourceDecl{Pos: ast.Pos{S: m.span}, Name: ident(m.name), Model: ident(in.c.name), Items: []ast.SourceItem{inc}, Braces: ast.Braces{Close: -1}})
}

// includes lowers the entries of an include tree of model in (nil when
// the tree names no model's property: sema reports it). An entry naming a
// property left out with a warning is left out too, silently: its
// warning says why.
func (x *extractor) includes(in *info, o *objectLit) []*ast.IncludeEntry {
	var es []*ast.IncludeEntry
	for _, p := range o.props {
		if in != nil && in.dropped[p.key.text] {
			continue
		}
		e := &ast.IncludeEntry{Pos: ast.Pos{S: p.key.span}, Name: ident(p.key), Braces: ast.Braces{Close: -1}}
		if sub, ok := p.value.(*objectLit); ok && len(sub.props) > 0 {
			e.HasBody, e.Children = true, x.includes(x.navTarget(in, p.key.text), sub)
		}
		es = append(es, e)
	}
	return es
}

// navTarget returns the model a navigation property of in leads to, or
// nil.
func (x *extractor) navTarget(in *info, prop string) *info {
	if in == nil || in.members[prop] == nil || in.members[prop].typ == nil {
		return nil
	}
	target, _ := x.modelRef(in.members[prop].typ)
	return x.infos[target]
}
