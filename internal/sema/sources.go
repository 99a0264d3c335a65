package sema

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// DefaultSource is the data source every model with data has, unless the
// user writes their own of that name.
const DefaultSource = "Default"

// sources analyses the data sources the user wrote, then completes every
// model's set: the Default source where missing, and generated get, list
// and save methods where no stub replaces them.
func (c *checker) sources() {
	names := map[string]*scope{}
	for _, s := range c.srcs {
		model := s.Model.Name
		if names[model] == nil {
			names[model] = newScope(c.diags, "the data sources of '"+model+"'")
		}
		fresh := names[model].add(s.Name, "data source")
		c.reserved(s.Name, ReservedModelMembers, "a data source", "in the model's namespace and client class")
		src := c.source(s)
		if mi := c.infos[model]; fresh && src != nil && mi.built != nil {
			mi.built.Sources = append(mi.built.Sources, src)
		}
	}
	for _, name := range c.modelNames() {
		mi := c.infos[name]
		m := mi.built
		if m == nil {
			continue
		}
		if m.Source(DefaultSource) == nil && hasData(m) {
			m.Sources = append(m.Sources, &idl.Source{Name: DefaultSource, Tree: c.defaultTree(m, map[string]bool{})})
		}
		slices.SortFunc(m.Sources, func(a, b *idl.Source) int { return strings.Compare(a.Name, b.Name) })
		for _, src := range m.Sources {
			c.generate(m, src)
		}
	}
}

// hasData reports whether a model holds anything to fetch; a model
// without is a service, a namespace for API methods only.
func hasData(m *idl.Model) bool {
	return m.Backing != nil || len(m.Routes) > 0 || len(m.Navigations) > 0 || len(m.PrimaryKey) > 0 || len(m.KV) > 0 || len(m.R2) > 0
}

// source analyses one written data source. It returns nil when its model
// is unknown or could not be built.
func (c *checker) source(s *ast.SourceDecl) *idl.Source {
	what := "data source '" + s.Name.Name + "'"
	stubs := newScope(c.diags, what)
	for _, it := range s.Items {
		switch it := it.(type) {
		case *ast.IncludeBlock:
			stubs.add(it.Keyword, "include tree")
		case *ast.Stub:
			stubs.add(it.Kind, "method")
			c.tags(it.Tags, "a data-source method", injectTag)
		}
	}
	mi := c.infos[s.Model.Name]
	if mi == nil {
		d := c.diags.Errorf(diag.SourceModel, s.Model.Span(), "%s is for '%s', which is not a model", what, s.Model.Name)
		if c.poos[s.Model.Name] != nil {
			d.Labelled("a plain old object has no storage")
		} else {
			d.Labelled("unknown model")
			c.suggest(d, s.Model.Name, c.modelNames())
		}
		return nil
	}
	m := mi.built
	src := &idl.Source{Name: s.Name.Name}
	for _, t := range s.Tags {
		if f, ok := t.(*ast.FlagTag); ok && f.Name.Name == "internal" {
			src.Internal = true
		}
	}
	hasTree := false
	for _, it := range s.Items {
		switch it := it.(type) {
		case *ast.IncludeBlock:
			hasTree = true
			if stubs.holds(it.Keyword) && m != nil {
				src.Tree = c.includes(s, m, it.Entries)
			}
		case *ast.Stub:
			method := c.stub(s, mi, it)
			if !stubs.holds(it.Kind) || method == nil {
				continue
			}
			switch it.Kind.Name {
			case "get":
				src.Get = method
			case "list":
				src.List = method
			case "save":
				src.Save = method
			}
		}
	}
	if m == nil {
		return nil
	}
	if !hasTree {
		src.Tree = c.defaultTree(m, map[string]bool{})
	}
	return src
}

// includes checks an include tree against the models it walks.
func (c *checker) includes(s *ast.SourceDecl, m *idl.Model, entries []*ast.IncludeEntry) idl.Tree {
	tree := idl.Tree{}
	names := newScope(c.diags, "this include level")
	for _, e := range entries {
		if !names.add(e.Name, "include") {
			continue
		}
		name := e.Name.Name
		in := &idl.Include{Name: name, Children: idl.Tree{}}
		switch nav := m.Navigation(name); {
		case nav != nil:
			if target := c.infos[nav.Model].built; target != nil {
				in.Children = c.includes(s, target, e.Children)
			}
		case hasStoreField(m, name):
			if len(e.Children) > 0 {
				c.diags.Errorf(diag.IncludeField, e.Children[0].Span(), "'%s' is a %s field of '%s': it has nothing to include", name, storeKind(m, name), m.Name).
					Labelled("cannot include below it").
					Helpf("write `%s` without a body", name)
			}
		default:
			d := c.diags.Errorf(diag.IncludeField, e.Name.Span(), "'%s' cannot be included: it is not a navigation, KV or R2 field of '%s'", name, m.Name).
				Labelled("not includable")
			c.suggest(d, name, includable(m))
			continue
		}
		tree = append(tree, in)
	}
	return tree
}

func hasStoreField(m *idl.Model, name string) bool { return storeKind(m, name) != "" }

func storeKind(m *idl.Model, name string) string {
	is := func(f *idl.StoreField) bool { return f.Name == name }
	switch {
	case slices.ContainsFunc(m.KV, is):
		return "KV"
	case slices.ContainsFunc(m.R2, is):
		return "R2"
	}
	return ""
}

func includable(m *idl.Model) []string {
	var names []string
	for _, n := range m.Navigations {
		names = append(names, n.Name)
	}
	for _, f := range slices.Concat(m.KV, m.R2) {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return names
}

// stub analyses a get, list or save the user wrote in a data source.
func (c *checker) stub(s *ast.SourceDecl, mi *modelInfo, st *ast.Stub) *idl.SourceMethod {
	kind := st.Kind.Name
	allowed := []tagKind{validatorTag}
	if kind == "get" {
		allowed = append(allowed, instanceTag)
	}
	names := newScope(c.diags, s.Name.Name+"."+kind)
	params := []*idl.Param{}
	for _, p := range st.Params.List {
		c.tags(p.Tags, "a "+kind+" parameter", allowed...)
		fresh := names.add(p.Name, "parameter")
		var t *idl.Type
		if kind == "save" {
			if t = c.resolve(p.Type); t != nil && t.Root().Kind == idl.Stream {
				c.diags.Errorf(diag.SourceParam, p.Type.Span(), "parameter '%s' of %s.save cannot be a stream", p.Name.Name, s.Name.Name).
					Labelled("stream")
				t = nil
			}
		} else if t = c.resolveQuiet(p.Type); t == nil || !isSQL(t, true) {
			c.diags.Errorf(diag.SourceParam, p.Type.Span(), "parameter '%s' of %s.%s must have a SQLite type", p.Name.Name, s.Name.Name, kind).
				Labelled("not a SQLite type").
				Helpf("get and list parameters are bound into SQL: use string, int, real, bool, date, blob or json")
			t = nil
		}
		if t == nil || !fresh {
			continue
		}
		param := &idl.Param{Field: idl.Field{Name: p.Name.Name, Type: t, Validators: c.validators(p.Tags, t)}}
		for _, tag := range p.Tags {
			if f, ok := tag.(*ast.FlagTag); ok && f.Name.Name == "instance" && kind == "get" {
				param.Instance = true
				if m := mi.fields[p.Name.Name]; m == nil || !m.isValue() {
					c.notInstance(mi, p, f)
				}
			}
		}
		params = append(params, param)
	}
	injected, target := c.inject(st.Tags, params)
	return &idl.SourceMethod{Params: params, Injected: injected, Stub: true, Durable: target}
}

// notInstance reports an [instance] parameter p that names no column or
// route field of the model, saying what to add so that it does.
func (c *checker) notInstance(mi *modelInfo, p *ast.Field, tag *ast.FlagTag) {
	name, model := p.Name.Name, mi.decl.Name.Name
	d := c.diags.Errorf(diag.InstanceParam, tag.Span(), "[instance] parameter '%s' is not a column or route field of '%s'", name, model).
		Labelled("the client has no such value to fill in").
		Notef("[instance] takes the value from the object the client holds")
	if m := mi.fields[name]; m != nil {
		e := mi.names.names[name]
		d.Also(e.id.Span(), "'%s' is a %s", name, e.what).
			Helpf("name the parameter after a column or route field of '%s'", model)
		return
	}
	var values []string
	for n, m := range mi.fields {
		if m.isValue() {
			values = append(values, n)
		}
	}
	if s, ok := suggest.Closest(name, values); ok {
		d.Helpf("did you mean '%s'?", s)
		return
	}
	typ := p.Type.Span().Text()
	if b := mi.decl.Backing; b != nil {
		// A Durable Object's shard field under another name on this model.
		if s := c.stores[b.Binding.Name]; s != nil && s.decl.Kind == ast.Durable && b.Args != nil {
			for i, f := range shardFields(s) {
				if f.Name.Name == name && i < len(b.Args.Names) {
					d.Helpf("'%s' holds the shard field '%s' of '%s' as '%s': write `[instance] %s: %s`", model, name, s.decl.Name.Name, b.Args.Names[i].Name, b.Args.Names[i].Name, typ)
					return
				}
			}
		}
	} else if !mi.table {
		for _, dn := range c.storeNames(ast.Durable) {
			s := c.stores[dn]
			if slices.ContainsFunc(shardFields(s), func(f *ast.Field) bool { return f.Name.Name == name }) {
				d.Helpf("'%s' is a shard field of Durable Object '%s': back the model with it, `model %s for %s %s`", name, dn, model, backingExample(s), bodyExample(mi)).
					Helpf("or add a route field: `route { %s: %s }`", name, typ)
				return
			}
		}
	}
	if mi.table {
		d.Helpf("add it as a column of '%s': `column { %s: %s }`", model, name, typ)
	} else {
		d.Helpf("add it as a route field of '%s': `route { %s: %s }`", model, name, typ)
	}
}

// bodyExample stands for a model's body in a suggested declaration.
func bodyExample(mi *modelInfo) string {
	if len(mi.decl.Items) == 0 {
		return "{}"
	}
	return "{ ... }"
}

// defaultTree is the include tree of a source that names none: every
// one-to-one navigation followed (except back into a model already on the
// path), every one-to-many navigation, KV and R2 field as a leaf.
func (c *checker) defaultTree(m *idl.Model, path map[string]bool) idl.Tree {
	path[m.Name] = true
	defer delete(path, m.Name)
	tree := idl.Tree{}
	for _, nav := range m.Navigations {
		in := &idl.Include{Name: nav.Name, Children: idl.Tree{}}
		switch target := c.infos[nav.Model].built; {
		case nav.Many || nav.Model == m.Name || target == nil:
		case path[nav.Model]:
			continue
		default:
			in.Children = c.defaultTree(target, path)
		}
		tree = append(tree, in)
	}
	for _, f := range slices.Concat(m.KV, m.R2) {
		tree = append(tree, &idl.Include{Name: f.Name, Children: idl.Tree{}})
	}
	return tree
}

// generate fills the methods of a source that the user did not write.
func (c *checker) generate(m *idl.Model, src *idl.Source) {
	injected := c.treeBindings(m, src.Tree)
	var target *idl.DurableTarget
	var shard []*idl.Param
	if b := m.Backing; b != nil && b.Kind == idl.DurableBacking {
		target = &idl.DurableTarget{Binding: b.Binding, Args: b.Shard}
		for _, name := range b.Shard {
			shard = append(shard, param(m.Route(name), false))
		}
	}
	method := func(params []*idl.Param) *idl.SourceMethod {
		var all []*idl.Param
		for _, p := range shard {
			all = append(all, param(&p.Field, false))
		}
		return &idl.SourceMethod{Params: append(all, params...), Injected: injected, Durable: target}
	}
	if src.Get == nil {
		if m.HasSQL() {
			get := method(nil)
			for _, p := range get.Params {
				p.Instance = true
			}
			for _, pk := range m.PrimaryKey {
				get.Params = append(get.Params, param(pk, true))
			}
			src.Get = get
		} else {
			src.Get = &idl.SourceMethod{Params: []*idl.Param{}, Injected: injected, Durable: target}
			for _, r := range m.Routes {
				src.Get.Params = append(src.Get.Params, param(r, true))
			}
		}
	}
	if src.List == nil && m.HasSQL() {
		var params []*idl.Param
		for _, pk := range m.PrimaryKey {
			p := param(pk, false)
			p.Name = "lastSeen_" + pk.Name
			if p.Type.Kind != idl.Option {
				p.Type = idl.Wrap(idl.Option, p.Type)
			}
			params = append(params, p)
		}
		limit := &idl.Param{Field: idl.Field{Name: "limit", Type: idl.Prim(idl.Int), Validators: []idl.Validator{{Kind: "gt", Arg: "0"}}}}
		src.List = method(append(params, limit))
	}
	if src.Save == nil {
		src.Save = method([]*idl.Param{{Field: idl.Field{Name: "model", Type: idl.Named(idl.Partial, m.Name)}}})
	}
}

// param copies a field into a parameter.
func param(f *idl.Field, instance bool) *idl.Param {
	return &idl.Param{Field: idl.Field{Name: f.Name, Type: f.Type, Validators: slices.Clone(f.Validators)}, Instance: instance}
}

// treeBindings lists, sorted, the bindings that fetching m with tree
// touches: D1 databases, KV namespaces and R2 buckets. Durable Objects
// are reached through their context instead.
func (c *checker) treeBindings(m *idl.Model, tree idl.Tree) []string {
	set := map[string]bool{}
	var walk func(m *idl.Model, tree idl.Tree)
	walk = func(m *idl.Model, tree idl.Tree) {
		if m.Backing != nil && m.Backing.Kind == idl.D1Backing {
			set[m.Backing.Binding] = true
		}
		for _, in := range tree {
			for _, f := range slices.Concat(m.KV, m.R2) {
				if f.Name == in.Name && !f.Durable {
					set[f.Binding] = true
				}
			}
			if nav := m.Navigation(in.Name); nav != nil && c.infos[nav.Model].built != nil {
				walk(c.infos[nav.Model].built, in.Children)
			}
		}
	}
	walk(m, tree)
	out := []string{}
	for b := range set {
		out = append(out, b)
	}
	slices.Sort(out)
	return out
}
