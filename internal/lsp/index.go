package lsp

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// A symKind classifies what a name declares.
type symKind int

const (
	symModel symKind = iota
	symPoo
	symD1
	symKV
	symR2
	symDurable
	symVar
	symInject
	symField         // a model field; member says which kind
	symPooField      // a field of a poo
	symShard         // a shard field of a Durable Object
	symTemplate      // a key template of a KV namespace, R2 bucket or Durable Object
	symTemplateParam // a parameter of a template, named by its key's placeholders
	symSource        // a data source of a model
	symMethod        // an api method
	symParam         // a parameter of an api method or data-source method
	symPrimitive     // a built-in type: declared nowhere
)

// isGlobal reports whether symbols of the kind share the schema's one
// global namespace.
func (k symKind) isGlobal() bool { return k <= symInject }

// memberKind says how a model declares a field, as sema tells them apart.
type memberKind int

const (
	columnMember memberKind = iota
	primaryMember
	routeMember
	aliasMember   // a shard alias "for Do(alias)"
	foreignMember // a local field of a foreign key
	navMember
	kvMember
	r2Member
)

var memberWhat = [...]string{
	columnMember:  "column",
	primaryMember: "primary-key column",
	routeMember:   "route field",
	aliasMember:   "shard alias",
	foreignMember: "foreign-key column",
	navMember:     "navigation",
	kvMember:      "KV field",
	r2Member:      "R2 field",
}

// A symbol is a declared name. Symbols of the same name and scope are one
// symbol: a duplicate declaration is another declaring occurrence of the
// first, as sema keeps the first.
type symbol struct {
	kind  symKind
	name  string
	owner string      // the model, poo or binding of a member; "Binding.template" or "Model.method" of a parameter
	decl  source.Span // the declaring name; invalid for implicit symbols
	node  ast.Node    // the declaring node: *ast.ModelDecl, *ast.Field, *ast.Template, ...

	member memberKind // symField: how the model declares it
	block  ast.Node   // symField: the *ast.ForeignBlock, *ast.NavBlock, *ast.StoreField or *ast.Backing declaring it
	pos    int        // symField: position among the block's names (foreign keys and shard aliases)
}

// An occurrence is a name in the source that declares or uses a symbol.
type occurrence struct {
	span source.Span
	sym  *symbol
	decl bool
}

// An occ is an occurrence as the index stores it, in its file's list.
type occ struct {
	start, end int32
	sym        *symbol
	decl       bool
}

// An index knows every name of a project's schema: what it declares and
// every place that uses it. It is built from the syntax trees alone, so
// that it works on files that do not parse completely, with sema's
// scoping rules: one global namespace for models, poos, bindings,
// variables and injectables, one namespace per model for its fields.
type index struct {
	globals     map[string]*symbol
	fields      map[string]map[string]*symbol // model -> field
	pooFields   map[string]map[string]*symbol // poo -> field
	sources     map[string]map[string]*symbol // model -> data source
	templates   map[string]map[string]*symbol // binding -> template
	shards      map[string]map[string]*symbol // durable -> shard field
	methods     map[string]map[string]*symbol // model -> api method
	paramScopes map[string]map[string]*symbol // template or method ("Binding.template", "Model.method", "Model.Source.get") -> parameter
	prims       map[string]*symbol

	models map[string]*ast.ModelDecl // the declarations kept, by name
	stores map[string]*ast.StoreDecl

	files  map[string]*source.File
	byFile map[string][]occ // by file name, sorted by start

	// While building: the occurrences of each declaration, so that only
	// these small lists need sorting (declarations follow each other);
	// the file of the declaration being visited, and the occurrences
	// that lie in another (the types of a KV template that a property in
	// one .cloesce.ts file adds to the binding another declares).
	pending map[*ast.File][][]occ
	cur     *[]occ
	curFile *source.File
	strays  []stray
}

// A stray is an occurrence outside the file of its declaration.
type stray struct {
	file *source.File
	occ  occ
}

var primitiveNames = []string{"string", "int", "real", "date", "bool", "json", "blob", "stream", "r2object"}

var genericNames = []string{"option", "array", "kvobject", "partial"}

// buildIndex indexes the files of one project, in the order sema reads
// them.
func buildIndex(files []*ast.File) *index {
	x := &index{
		globals:     map[string]*symbol{},
		fields:      map[string]map[string]*symbol{},
		pooFields:   map[string]map[string]*symbol{},
		sources:     map[string]map[string]*symbol{},
		templates:   map[string]map[string]*symbol{},
		shards:      map[string]map[string]*symbol{},
		methods:     map[string]map[string]*symbol{},
		paramScopes: map[string]map[string]*symbol{},
		prims:       map[string]*symbol{},
		models:      map[string]*ast.ModelDecl{},
		stores:      map[string]*ast.StoreDecl{},
		files:       map[string]*source.File{},
		byFile:      map[string][]occ{},
		pending:     map[*ast.File][][]occ{},
	}
	for _, n := range primitiveNames {
		x.prims[n] = &symbol{kind: symPrimitive, name: n}
	}
	each := func(visit func(ast.Decl)) {
		for _, f := range files {
			buckets := x.pending[f]
			if buckets == nil {
				buckets = make([][]occ, len(f.Decls))
				x.pending[f] = buckets
			}
			x.curFile = f.Src
			for i, d := range f.Decls {
				x.cur = &buckets[i]
				visit(d)
			}
		}
	}
	each(x.declareGlobal)
	each(x.declareMembers)
	each(x.resolveDecl)
	for _, f := range files {
		if f.Src == nil {
			continue
		}
		var all []occ
		for _, b := range x.pending[f] {
			slices.SortStableFunc(b, func(a, b occ) int { return int(a.start - b.start) })
			all = append(all, b...)
		}
		x.files[f.Src.Name] = f.Src
		x.byFile[f.Src.Name] = append(x.byFile[f.Src.Name], all...)
	}
	for _, s := range x.strays {
		x.files[s.file.Name] = s.file
		x.byFile[s.file.Name] = append(x.byFile[s.file.Name], s.occ)
	}
	for name, occs := range x.byFile {
		// The declarations extracted from a .cloesce.ts file interleave
		// (a class is a model, its api and its data sources), and may
		// use one type twice (a key placeholder's is its property's).
		if !slices.IsSortedFunc(occs, byStart) {
			slices.SortStableFunc(occs, byStart)
			x.byFile[name] = slices.Compact(occs)
		}
	}
	x.pending, x.cur, x.curFile, x.strays = nil, nil, nil, nil
	return x
}

func byStart(a, b occ) int { return int(a.start - b.start) }

func (x *index) add(id *ast.Ident, sym *symbol, decl bool) {
	if id == nil || sym == nil || !id.Span().IsValid() {
		return
	}
	span, ok := written(id, sym.kind)
	if !ok {
		return
	}
	o := occ{start: int32(span.Start), end: int32(span.End), sym: sym, decl: decl}
	if span.File != x.curFile {
		x.strays = append(x.strays, stray{span.File, o})
		return
	}
	*x.cur = append(*x.cur, o)
}

// written returns where the text writes the name id. A .clo file writes
// every name of its tree; the tree extracted from a .cloesce.ts file also
// holds names at the span of what they are inferred from: a foreign key's
// model and key at its @ForeignKey(Dog) decorator or at a navigation's
// property, a navigation's local key at the property. There the
// occurrence is the name as a whole word within its span, or none, so
// that hover, definition and references answer for what the text says.
// A built-in type keeps its span (int at Integer); a KV or R2 field's
// template and its parameters, named after the property and its key's
// placeholders, leave the place to them.
func written(id *ast.Ident, kind symKind) (source.Span, bool) {
	s := id.Span()
	switch {
	case !s.IsValid() || !decorators.IsSource(s.File.Name) || kind == symPrimitive:
		return s, true
	case kind == symTemplate || kind == symTemplateParam || id.Name == "":
		return s, false
	}
	text := s.Text()
	for from := 0; ; {
		i := strings.Index(text[from:], id.Name)
		if i < 0 {
			return s, false
		}
		start := from + i
		end := start + len(id.Name)
		if !identByteAt(text, start-1) && !identByteAt(text, end) {
			return source.Span{File: s.File, Start: s.Start + start, End: s.Start + end}, true
		}
		from = start + 1
	}
}

// identByteAt reports whether text[i] is part of a TypeScript name.
func identByteAt(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return false
	}
	c := text[i]
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// occurrence returns a stored occurrence of the named file.
func (x *index) occurrence(file string, o occ) occurrence {
	return occurrence{span: source.Span{File: x.files[file], Start: int(o.start), End: int(o.end)}, sym: o.sym, decl: o.decl}
}

// declare enters id into scope, or makes it another declaration of the
// symbol already there. It returns the symbol the name stands for.
func (x *index) declare(scope map[string]*symbol, id *ast.Ident, sym *symbol) *symbol {
	if id == nil {
		return nil
	}
	if first, ok := scope[id.Name]; ok {
		x.add(id, first, true)
		return first
	}
	sym.name, sym.decl = id.Name, id.Span()
	if s, ok := written(id, sym.kind); ok {
		sym.decl = s
	}
	scope[id.Name] = sym
	x.add(id, sym, true)
	return sym
}

func scopeOf(m map[string]map[string]*symbol, owner string) map[string]*symbol {
	s := m[owner]
	if s == nil {
		s = map[string]*symbol{}
		m[owner] = s
	}
	return s
}

func (x *index) declareGlobal(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		if s := x.declare(x.globals, d.Name, &symbol{kind: symModel, node: d}); s != nil && s.node == d {
			x.models[d.Name.Name] = d
		}
	case *ast.PooDecl:
		x.declare(x.globals, d.Name, &symbol{kind: symPoo, node: d})
	case *ast.D1Decl:
		for _, n := range d.Names {
			x.declare(x.globals, n, &symbol{kind: symD1, node: d})
		}
	case *ast.StoreDecl:
		kind := map[ast.StoreKind]symKind{ast.KV: symKV, ast.R2: symR2, ast.Durable: symDurable}[d.Kind]
		if s := x.declare(x.globals, d.Name, &symbol{kind: kind, node: d}); s != nil && s.node == d {
			x.stores[d.Name.Name] = d
		}
	case *ast.VarsDecl:
		for _, f := range d.Fields {
			x.declare(x.globals, f.Name, &symbol{kind: symVar, node: f})
		}
	case *ast.InjectDecl:
		for _, e := range d.Entries {
			x.declare(x.globals, e.Name, &symbol{kind: symInject, node: e})
		}
	}
}

// declareMembers enters the names declared inside a declaration: fields,
// templates, shard fields, data sources and methods.
func (x *index) declareMembers(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		if x.models[d.Name.Name] != d {
			return // a duplicate model: sema analyses only the first
		}
		x.declareFields(d)
	case *ast.PooDecl:
		if g := x.globals[d.Name.Name]; g == nil || g.node != d {
			return
		}
		scope := scopeOf(x.pooFields, d.Name.Name)
		for _, f := range d.Fields {
			x.declare(scope, f.Name, &symbol{kind: symPooField, owner: d.Name.Name, node: f})
		}
	case *ast.StoreDecl:
		if x.stores[d.Name.Name] != d {
			return
		}
		shards := scopeOf(x.shards, d.Name.Name)
		for _, b := range d.Shards {
			for _, f := range b.Fields {
				x.declare(shards, f.Name, &symbol{kind: symShard, owner: d.Name.Name, node: f})
			}
		}
		templates := scopeOf(x.templates, d.Name.Name)
		for _, t := range d.Templates {
			x.declare(templates, t.Name, &symbol{kind: symTemplate, owner: d.Name.Name, node: t})
		}
	case *ast.SourceDecl:
		if d.Model != nil {
			x.declare(scopeOf(x.sources, d.Model.Name), d.Name, &symbol{kind: symSource, owner: d.Model.Name, node: d})
		}
	case *ast.APIDecl:
		if d.Name == nil {
			return
		}
		scope := scopeOf(x.methods, d.Name.Name)
		for _, m := range d.Methods {
			x.declare(scope, m.Name, &symbol{kind: symMethod, owner: d.Name.Name, node: m})
		}
	}
}

// declareFields enters a model's fields in the order sema collects them.
func (x *index) declareFields(d *ast.ModelDecl) {
	model := d.Name.Name
	scope := scopeOf(x.fields, model)
	field := func(id *ast.Ident, kind memberKind, node, block ast.Node, pos int) {
		x.declare(scope, id, &symbol{kind: symField, owner: model, node: node, member: kind, block: block, pos: pos})
	}
	if b := d.Backing; b != nil && b.Args != nil {
		for i, a := range b.Args.Names {
			field(a, aliasMember, a, b, i)
		}
	}
	foreign := func(fb *ast.ForeignBlock) {
		for i, n := range fb.Fields {
			field(n, foreignMember, n, fb, i)
		}
	}
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ast.FieldBlock:
			kind := routeMember
			if it.Keyword != nil && it.Keyword.Name == "column" {
				kind = columnMember
			}
			for _, f := range it.Fields {
				field(f.Name, kind, f, it, 0)
			}
		case *ast.PrimaryBlock:
			for _, n := range it.Items {
				switch n := n.(type) {
				case *ast.Field:
					field(n.Name, primaryMember, n, it, 0)
				case *ast.ForeignBlock:
					foreign(n)
				}
			}
		case *ast.ForeignBlock:
			foreign(it)
		case *ast.NavBlock:
			for _, n := range it.Fields {
				field(n, navMember, n, it, 0)
			}
		case *ast.StoreField:
			kind := kvMember
			if it.Kind == ast.R2 {
				kind = r2Member
			}
			for _, n := range it.Fields {
				field(n, kind, n, it, 0)
			}
		}
	}
}

// lookup returns the symbol name stands for in scope, or nil.
func lookup(m map[string]map[string]*symbol, owner, name string) *symbol {
	return m[owner][name]
}

func (x *index) use(id *ast.Ident, sym *symbol) {
	if sym != nil {
		x.add(id, sym, false)
	}
}

// global resolves a use of a global name, or nil.
func (x *index) global(id *ast.Ident) *symbol {
	if id == nil {
		return nil
	}
	return x.globals[id.Name]
}

// useModel records a use of a model name.
func (x *index) useModel(id *ast.Ident) {
	if s := x.global(id); s != nil && (s.kind == symModel || s.kind == symPoo) {
		x.use(id, s)
	}
}

func (x *index) field(model string, id *ast.Ident) *symbol {
	if id == nil {
		return nil
	}
	return lookup(x.fields, model, id.Name)
}

// typeExpr records the names a type uses: primitives, models and poos.
// Primitive names win over models of the same name, as in sema.
func (x *index) typeExpr(t *ast.TypeExpr) {
	for t != nil && t.Name != nil {
		if t.Arg != nil {
			t = t.Arg
			continue
		}
		if p := x.prims[t.Name.Name]; p != nil {
			x.use(t.Name, p)
		} else {
			x.useModel(t.Name)
		}
		return
	}
}

func (x *index) resolveDecl(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		x.tags(d.Tags, "", nil)
		if x.models[d.Name.Name] == d {
			x.model(d)
		}
	case *ast.PooDecl:
		for _, f := range d.Fields {
			x.typeExpr(f.Type)
		}
	case *ast.VarsDecl:
		for _, f := range d.Fields {
			x.typeExpr(f.Type)
		}
	case *ast.InjectDecl:
		for _, e := range d.Entries {
			x.typeExpr(e.Type)
			x.tags(e.Tags, "", nil)
		}
	case *ast.StoreDecl:
		if x.stores[d.Name.Name] == d {
			x.store(d)
		}
	case *ast.SourceDecl:
		x.source(d)
	case *ast.APIDecl:
		x.api(d)
	}
}

func (x *index) model(d *ast.ModelDecl) {
	model := d.Name.Name
	if b := d.Backing; b != nil && b.Binding != nil {
		x.use(b.Binding, x.global(b.Binding))
	}
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ast.FieldBlock:
			for _, f := range it.Fields {
				x.typeExpr(f.Type)
			}
		case *ast.PrimaryBlock:
			for _, n := range it.Items {
				switch n := n.(type) {
				case *ast.Field:
					x.typeExpr(n.Type)
				case *ast.ForeignBlock:
					x.refs(model, n.Refs)
				}
			}
		case *ast.ForeignBlock:
			x.refs(model, it.Refs)
		case *ast.NavBlock:
			x.refs(model, it.Refs)
			x.useModel(it.Model)
		case *ast.StoreField:
			b := x.global(it.Binding)
			x.use(it.Binding, b)
			if b != nil && it.Template != nil {
				x.use(it.Template, lookup(x.templates, b.name, it.Template.Name))
			}
			if it.Args != nil {
				for _, a := range it.Args.Names {
					x.use(a, x.field(model, a))
				}
			}
		case *ast.UniqueDecl:
			x.group(model, it.Fields)
		case *ast.IndexDecl:
			x.group(model, it.Fields)
		}
	}
}

// group records the columns a unique or index group of model names.
func (x *index) group(model string, names *ast.IdentList) {
	if names != nil {
		for _, n := range names.Names {
			x.use(n, x.field(model, n))
		}
	}
}

// refs records "Model::field(local)" references of a foreign key or
// navigation declared in model.
func (x *index) refs(model string, refs []*ast.FieldRef) {
	for _, r := range refs {
		x.useModel(r.Model)
		if r.Model != nil {
			x.use(r.Field, x.field(r.Model.Name, r.Field))
		}
		x.use(r.Key, x.field(model, r.Key))
	}
}

func (x *index) store(d *ast.StoreDecl) {
	for _, b := range d.Shards {
		for _, f := range b.Fields {
			x.typeExpr(f.Type)
		}
	}
	for _, t := range d.Templates {
		if lookup(x.templates, d.Name.Name, t.Name.Name).node != t {
			continue // a duplicate template
		}
		x.typeExpr(t.Result)
		owner := d.Name.Name + "." + t.Name.Name
		params := scopeOf(x.paramScopes, owner)
		if t.Params != nil {
			for _, p := range t.Params.List {
				x.declare(params, p.Name, &symbol{kind: symTemplateParam, owner: owner, node: p})
				x.typeExpr(p.Type)
			}
		}
		if t.Key == nil {
			continue
		}
		for _, part := range t.Key.Parts {
			if !part.Param {
				continue
			}
			// The span covers the braces: "{id}" or "${id}".
			s := part.Span()
			start := s.End - 1 - len(part.Text)
			if start < s.Start || start >= s.End {
				continue
			}
			x.use(&ast.Ident{Pos: ast.Pos{S: source.Span{File: s.File, Start: start, End: s.End - 1}}, Name: part.Text}, params[part.Text])
		}
	}
}

func (x *index) source(d *ast.SourceDecl) {
	if d.Model == nil {
		return
	}
	model := d.Model.Name
	x.tags(d.Tags, model, nil)
	x.useModel(d.Model)
	for _, it := range d.Items {
		switch it := it.(type) {
		case *ast.IncludeBlock:
			x.includes(model, it.Entries)
		case *ast.Stub:
			owner := model
			if d.Name != nil && it.Kind != nil {
				owner += "." + d.Name.Name + "." + it.Kind.Name
			}
			params := x.params(model, owner, it.Params)
			x.tags(it.Tags, model, params)
		}
	}
}

// includes records the fields an include tree names, following
// navigations to the models they reach.
func (x *index) includes(model string, entries []*ast.IncludeEntry) {
	for _, e := range entries {
		f := x.field(model, e.Name)
		x.use(e.Name, f)
		next := ""
		if f != nil && f.member == navMember {
			next = navTarget(f.block.(*ast.NavBlock))
		}
		x.includes(next, e.Children)
	}
}

// navTarget is the model a navigation joins, as written.
func navTarget(nb *ast.NavBlock) string {
	switch {
	case len(nb.Refs) > 0 && nb.Refs[0].Model != nil:
		return nb.Refs[0].Model.Name
	case nb.Model != nil:
		return nb.Model.Name
	}
	return ""
}

// params declares the parameters of a method or data-source method of
// model. An [instance] parameter names a field of the model, whose value
// the client fills in: it is a use of that field. It returns the names
// [inject D(args)] may use.
func (x *index) params(model, owner string, ps *ast.Params) map[string]*symbol {
	scope := scopeOf(x.paramScopes, owner)
	if ps == nil {
		return scope
	}
	for _, p := range ps.List {
		if p.Name == nil {
			continue
		}
		x.typeExpr(p.Type)
		if p.IsSelf() {
			for _, t := range p.Tags {
				if st, ok := t.(*ast.SourceTag); ok && st.Source != nil {
					x.use(st.Source, x.sourceSym(model, st.Source.Name))
				}
			}
			continue
		}
		if hasFlag(p.Tags, "instance") {
			if f := x.field(model, p.Name); f != nil {
				x.use(p.Name, f)
				if _, dup := scope[p.Name.Name]; !dup {
					scope[p.Name.Name] = f
				}
				continue
			}
		}
		x.declare(scope, p.Name, &symbol{kind: symParam, owner: owner, node: p})
	}
	return scope
}

// sourceSym returns the data source name of model: declared, or the
// implicit Default.
func (x *index) sourceSym(model, name string) *symbol {
	if s := lookup(x.sources, model, name); s != nil {
		return s
	}
	if name != "Default" || x.models[model] == nil {
		return nil
	}
	s := &symbol{kind: symSource, name: name, owner: model}
	scopeOf(x.sources, model)[name] = s
	return s
}

func hasFlag(tags []ast.Tag, name string) bool {
	for _, t := range tags {
		if f, ok := t.(*ast.FlagTag); ok && f.Name != nil && f.Name.Name == name {
			return true
		}
	}
	return false
}

// tags records the names in [inject ...] and [source X] tags; params
// are the names a Durable Object context's arguments may use.
func (x *index) tags(tags []ast.Tag, model string, params map[string]*symbol) {
	for _, t := range tags {
		switch t := t.(type) {
		case *ast.InjectTag:
			for _, e := range t.Entries {
				x.use(e.Name, x.global(e.Name))
				for _, a := range e.Args {
					if params != nil {
						x.use(a, params[a.Name])
					}
				}
			}
		case *ast.SourceTag:
			if t.Source != nil && model != "" {
				x.use(t.Source, x.sourceSym(model, t.Source.Name))
			}
		}
	}
}

func (x *index) api(d *ast.APIDecl) {
	if d.Name == nil {
		return
	}
	model := d.Name.Name
	x.useModel(d.Name)
	for _, m := range d.Methods {
		if m.Name == nil {
			continue
		}
		x.typeExpr(m.Result)
		params := x.params(model, model+"."+m.Name.Name, m.Params)
		x.tags(m.Tags, model, params)
	}
}

// at returns the occurrence at byte offset off of the named file: the
// name containing it, or ending just before it, as the cursor stands
// after a word it has just typed.
func (x *index) at(file string, off int) (occurrence, bool) {
	occs := x.byFile[file]
	i, _ := slices.BinarySearchFunc(occs, off, func(o occ, off int) int { return int(o.start) - off })
	// occs[i-1] starts before off; occs[i] may start at off.
	if i < len(occs) && int(occs[i].start) == off {
		return x.occurrence(file, occs[i]), true
	}
	if i > 0 && off <= int(occs[i-1].end) {
		// The first of the names at one place (in a .cloesce.ts file, a
		// class's name is its model's declaration, then uses by its api
		// and data sources).
		j := i - 1
		for j > 0 && occs[j-1].start == occs[j].start {
			j--
		}
		return x.occurrence(file, occs[j]), true
	}
	return occurrence{}, false
}
