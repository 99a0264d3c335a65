package sema

import (
	"strconv"
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
		if i, lister := overlapping(s.templates, t); i >= 0 {
			c.overlap(what, tm, t, keys[i], s.templates[i], lister)
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

// overlapping returns the index of the first template of ts whose keys
// and t's cannot be told apart by listing, and the one of the two whose
// list would return the other's keys; or -1 and nil.
//
// Listing a template asks the binding for every key starting with its
// prefix (the key format up to its first placeholder, or all of it). The
// documentation's rule is that no key another template can produce may
// start with that prefix. Every key of a template starts with its own
// prefix, so when one prefix starts with the other, the shorter one lists
// the longer one's keys; when neither does, the two differ at a byte both
// fix, and no key of one starts with the other's prefix. So the rule needs
// no model of what a placeholder can stand for, and it covers equal keys.
func overlapping(ts []*idl.Template, t *idl.Template) (int, *idl.Template) {
	for i, u := range ts {
		switch {
		case strings.HasPrefix(t.Prefix, u.Prefix):
			return i, u
		case strings.HasPrefix(u.Prefix, t.Prefix):
			return i, t
		}
	}
	return -1, nil
}

// overlap reports that template t (declared as tm) overlaps u, declared
// earlier as um; lister is the one whose list returns the other's keys.
func (c *checker) overlap(what string, tm *ast.Template, t *idl.Template, um *ast.Template, u, lister *idl.Template) {
	other := t
	if lister == t {
		other = u
	}
	d := c.diags.Errorf(diag.KeyFormatOverlap, tm.Key.Span(), "key formats of '%s' and '%s' in %s overlap: listing '%s' (prefix %q) would also return keys of '%s'",
		t.Name, u.Name, what, lister.Name, lister.Prefix, other.Name)
	lists, under := "lists every key starting with "+strconv.Quote(lister.Prefix), "start with "+strconv.Quote(lister.Prefix)
	if lister.Prefix == "" {
		lists, under = "lists every key of the binding", "are listed with them"
	}
	if lister == t {
		d.Labelled("%s", lists).Also(um.Key.Span(), "keys of '%s' %s", u.Name, under)
	} else {
		d.Labelled("keys of '%s' %s", t.Name, under).Also(um.Key.Span(), "'%s' %s", u.Name, lists)
	}
	a, b := ownPrefix(lister, false), ownPrefix(other, true)
	if i, _ := overlapping([]*idl.Template{{Prefix: keyPrefix(a)}}, &idl.Template{Prefix: keyPrefix(b)}); i < 0 {
		d.Helpf("give each template its own literal prefix, e.g. %q for '%s' and %q for '%s'", a, lister.Name, b, other.Name)
	} else {
		d.Helpf("give each template its own literal prefix, one that neither starts nor is started by the other's")
	}
}

// ownPrefix suggests a key format for t that starts with a literal of its
// own: its key as it is, unless that has no literal prefix or rename is
// set, else its name followed by its placeholders.
func ownPrefix(t *idl.Template, rename bool) string {
	if t.Prefix != "" && !rename {
		return t.Key
	}
	key := t.Name
	for _, part := range strings.SplitAfter(t.Key, "}") {
		if open := strings.IndexByte(part, '{'); open >= 0 {
			key += "/" + part[open:]
		}
	}
	return key
}

// keyPrefix is a key format up to its first placeholder.
func keyPrefix(key string) string {
	if open := strings.IndexByte(key, '{'); open >= 0 {
		return key[:open]
	}
	return key
}
