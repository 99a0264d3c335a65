package sema

import (
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// A store is a KV namespace, R2 bucket or Durable Object with the
// templates and shard fields that analysed cleanly.
type store struct {
	decl      *ast.StoreDecl
	shard     []*idl.Field
	templates []*idl.Template
	broken    map[string]bool // templates left out after an error, so uses stay quiet
}

func (s *store) template(name string) *idl.Template {
	for _, t := range s.templates {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func (s *store) templateNames() []string {
	names := make([]string, len(s.templates))
	for i, t := range s.templates {
		names[i] = t.Name
	}
	return names
}

// env analyses bindings and variables into the schema's Env.
func (c *checker) env(decls []ast.Decl) {
	env := &c.out.Env
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.D1Decl:
			for _, n := range d.Names {
				if c.globals.holds(n) {
					env.D1 = append(env.D1, n.Name)
				}
			}
		case *ast.VarsDecl:
			for _, f := range d.Fields {
				if t := c.sqlField(f, "variable", false); t != nil && c.globals.holds(f.Name) {
					env.Vars = append(env.Vars, &idl.Field{Name: f.Name.Name, Type: t})
				}
			}
		case *ast.StoreDecl:
			if c.globals.holds(d.Name) {
				c.stores[d.Name.Name] = c.store(d)
			}
		case *ast.InjectDecl:
			for _, n := range d.Names {
				if c.globals.holds(n) {
					c.out.Injects = append(c.out.Injects, n.Name)
				}
			}
		}
	}
	for _, n := range sortedKeys(c.stores) {
		s := c.stores[n]
		switch s.decl.Kind {
		case ast.KV:
			env.KV = append(env.KV, &idl.Store{Name: n, Templates: s.templates})
		case ast.R2:
			env.R2 = append(env.R2, &idl.Store{Name: n, Templates: s.templates})
		case ast.Durable:
			env.Durable = append(env.Durable, &idl.Durable{Name: n, Shard: s.shard, Templates: s.templates})
		}
	}
}

func (c *checker) store(d *ast.StoreDecl) *store {
	s := &store{decl: d, shard: []*idl.Field{}, templates: []*idl.Template{}, broken: map[string]bool{}}
	what := d.Kind.String() + " '" + d.Name.Name + "'"
	shard := newScope(c.diags, "the shard of "+what)
	for _, b := range d.Shards {
		for _, f := range b.Fields {
			c.tags(f.Tags, "a shard field", validatorTag)
			t := c.sqlField(f, "shard field", false)
			if shard.add(f.Name, "shard field") && t != nil {
				s.shard = append(s.shard, &idl.Field{Name: f.Name.Name, Type: t, Validators: c.validators(f.Tags, t)})
			}
		}
	}
	names := newScope(c.diags, what)
	var keys []*ast.Template // of the templates kept, for overlap labels
	for _, tm := range d.Templates {
		fresh := names.add(tm.Name, "template")
		c.reserved(tm.Name, ReservedTemplates[d.Kind], "a template of "+what, templateNeighbours[d.Kind])
		c.tags(tm.Tags, "a template", validatorTag)
		t := c.template(d.Kind, tm)
		if !fresh || t == nil {
			s.broken[tm.Name.Name] = true
			continue
		}
		if i := overlapping(s.templates, t); i >= 0 {
			first := keys[i]
			c.diags.Errorf(diag.KeyFormatOverlap, tm.Key.Span(), "key format of '%s' overlaps with '%s' in %s", tm.Name.Name, first.Name.Name, what).
				Labelled("can address the same keys as '%s'", first.Name.Name).
				Also(first.Key.Span(), "'%s' is declared here", first.Name.Name).
				Helpf("give each template of a binding its own literal prefix, such as \"%s/...\"", tm.Name.Name)
			s.broken[tm.Name.Name] = true
			continue
		}
		s.templates = append(s.templates, t)
		keys = append(keys, tm)
	}
	return s
}

// template analyses one template; it returns nil after an error.
func (c *checker) template(kind ast.StoreKind, tm *ast.Template) *idl.Template {
	ok := true
	t := &idl.Template{Name: tm.Name.Name, Params: []*idl.Field{}}
	switch {
	case kind == ast.R2:
		t.Type = idl.Prim(idl.R2Object)
		c.validators(tm.Tags, t.Type) // reports them: an R2 object has nothing to check
	case tm.Result != nil:
		if t.Type = c.resolve(tm.Result); t.Type == nil {
			ok = false
		} else if t.Validators = c.validators(tm.Tags, t.Type); kind == ast.KV {
			t.Type = idl.Wrap(idl.KVObject, t.Type)
		}
	}
	params, ok2 := c.params(tm.Params, "template '"+tm.Name.Name+"'", "a template parameter", validatorTag)
	t.Params = params
	if tm.Key == nil {
		return nil
	}
	var key strings.Builder
	prefixDone := false
	for _, p := range tm.Key.Parts {
		if !p.Param {
			key.WriteString(p.Text)
			if !prefixDone {
				t.Prefix += p.Text
			}
			continue
		}
		prefixDone = true
		key.WriteString("{" + p.Text + "}")
		if !hasParam(tm.Params, p.Text) {
			ok = false
			c.diags.Errorf(diag.TemplateVariable, p.Span(), "key format of '%s' uses '%s', which is not one of its parameters", tm.Name.Name, p.Text).
				Labelled("unknown parameter").
				Also(tm.Params.Span(), "parameters are declared here")
		}
	}
	t.Key = key.String()
	if !ok || !ok2 || t.Type == nil {
		return nil
	}
	return t
}

func hasParam(ps *ast.Params, name string) bool {
	for _, p := range ps.List {
		if p.Name.Name == name {
			return true
		}
	}
	return false
}

// overlapping returns the index of the first template whose key format
// can produce a key that t's can, or -1.
func overlapping(ts []*idl.Template, t *idl.Template) int {
	for i, u := range ts {
		if keysMeet(keyPattern(t), keyPattern(u)) {
			return i
		}
	}
	return -1
}

// A keyItem is one literal byte of a key format, or a placeholder: one or
// more bytes from its class. The runtime rejects parameter values that
// are empty or contain '/', and int parameters print as digits and '-'.
type keyItem struct {
	lit   byte
	class string // "" for a literal; "int" or "any" for a placeholder
}

func keyPattern(t *idl.Template) []keyItem {
	var items []keyItem
	key := t.Key
	for key != "" {
		open := strings.IndexByte(key, '{')
		end := strings.IndexByte(key, '}')
		if open != 0 || end < 0 {
			items = append(items, keyItem{lit: key[0]})
			key = key[1:]
			continue
		}
		class := "any"
		for _, p := range t.Params {
			if p.Name == key[1:end] && p.Type.Kind == idl.Int {
				class = "int"
			}
		}
		items = append(items, keyItem{class: class})
		key = key[end+1:]
	}
	return items
}

func (k keyItem) accepts(b byte) bool {
	switch k.class {
	case "":
		return b == k.lit
	case "int":
		return b == '-' || b >= '0' && b <= '9'
	}
	return b != '/'
}

// keysMeet reports whether some key matches both patterns: a search over
// pairs of positions, where a placeholder may stay put after consuming a
// byte. The alphabet that matters is every literal byte plus one byte
// standing for all others.
func keysMeet(a, b []keyItem) bool {
	alphabet := []byte{'0', 'x'}
	for _, k := range slices.Concat(a, b) {
		if k.class == "" {
			alphabet = append(alphabet, k.lit)
		}
	}
	type state struct{ i, j int }
	seen := map[state]bool{}
	var visit func(s state) bool
	visit = func(s state) bool {
		if seen[s] {
			return false
		}
		seen[s] = true
		if s.i == len(a) && s.j == len(b) {
			return true
		}
		if s.i == len(a) || s.j == len(b) {
			return false
		}
		for _, ch := range alphabet {
			if !a[s.i].accepts(ch) || !b[s.j].accepts(ch) {
				continue
			}
			// After one byte each item may end; a placeholder may also go on.
			for _, di := range steps(a[s.i]) {
				for _, dj := range steps(b[s.j]) {
					if visit(state{s.i + di, s.j + dj}) {
						return true
					}
				}
			}
		}
		return false
	}
	return visit(state{0, 0})
}

func steps(k keyItem) []int {
	if k.class == "" {
		return []int{1}
	}
	return []int{1, 0}
}
