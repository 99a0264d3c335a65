package wrangler

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/source"
)

// A table is a TOML table or JSON object of the config: an existing one
// with the changes to make inside it, or a new one. Planning works on
// decoded data only; the format writers find where each change goes.
type table struct {
	path    string         // dotted path, for messages
	data    map[string]any // existing members; nil when new
	changes []change
}

// A change adds a member to a table, or descends into an existing member
// that has changes of its own.
type change struct {
	key      string
	value    any  // a new value, or a *table or *list overlay when existing
	existing bool // value is an overlay of the member already there
}

// A list is an array of the config with the changes to make in it, or a
// new one.
type list struct {
	path  string
	data  []any
	elems []elemChange // overlays of existing elements, in order made
	add   []any        // new elements
}

type elemChange struct {
	index int
	t     *table
}

// New values are string, int64, float64, bool, []any, and new *table and
// *list.

func newTable(path string) *table { return &table{path: path} }

func (t *table) lookup(key string) (change, bool) {
	for _, c := range t.changes {
		if c.key == key {
			return c, true
		}
	}
	return change{}, false
}

// has reports whether the table holds key, or will.
func (t *table) has(key string) bool {
	if _, ok := t.data[key]; ok {
		return true
	}
	_, ok := t.lookup(key)
	return ok
}

// setDefault adds key with value v unless the table holds it already.
func (t *table) setDefault(key string, v any) {
	if !t.has(key) {
		t.changes = append(t.changes, change{key: key, value: v})
	}
}

func (t *table) sub(key string) string {
	if t.path == "" {
		return key
	}
	return t.path + "." + key
}

// table returns the sub-table key, creating it if absent.
func (t *table) table(key string) (*table, error) {
	if c, ok := t.lookup(key); ok {
		if s, ok := c.value.(*table); ok {
			return s, nil
		}
		return nil, fmt.Errorf("%q is planned as a non-table", t.sub(key))
	}
	v, ok := t.data[key]
	if !ok {
		s := newTable(t.sub(key))
		t.changes = append(t.changes, change{key: key, value: s})
		return s, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%q must be a table, not %s", t.sub(key), describe(v))
	}
	s := &table{path: t.sub(key), data: m}
	t.changes = append(t.changes, change{key: key, value: s, existing: true})
	return s, nil
}

// list returns the array key, creating it if absent.
func (t *table) list(key string) (*list, error) {
	if c, ok := t.lookup(key); ok {
		if l, ok := c.value.(*list); ok {
			return l, nil
		}
		return nil, fmt.Errorf("%q is planned as a non-array", t.sub(key))
	}
	v, ok := t.data[key]
	if !ok {
		l := &list{path: t.sub(key)}
		t.changes = append(t.changes, change{key: key, value: l})
		return l, nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%q must be an array, not %s", t.sub(key), describe(v))
	}
	l := &list{path: t.sub(key), data: a}
	t.changes = append(t.changes, change{key: key, value: l, existing: true})
	return l, nil
}

type member struct {
	key   string
	value any
}

// adds returns the new members of t, in order.
func (t *table) adds() []member {
	var out []member
	for _, c := range t.changes {
		if !c.existing {
			out = append(out, member{c.key, c.value})
		}
	}
	return out
}

// get returns the value of key, existing or planned.
func (t *table) get(key string) any {
	if c, ok := t.lookup(key); ok && !c.existing {
		return c.value
	}
	return t.data[key]
}

// changed reports whether the plan writes anything.
func (t *table) changed() bool {
	for _, c := range t.changes {
		switch v := c.value.(type) {
		case *table:
			if !c.existing || v.changed() {
				return true
			}
		case *list:
			if !c.existing || len(v.add) > 0 || slices.ContainsFunc(v.elems, func(e elemChange) bool { return e.t.changed() }) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// describe names the type of a decoded value for messages.
func describe(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []any:
		return "an array"
	case int64, float64:
		return "a number"
	case nil:
		return "null"
	}
	return "a date or time" // the only other TOML values
}

// Defaults written at the top level when absent.
const (
	DefaultMain              = "src/main.ts"
	DefaultCompatibilityDate = "2026-04-01"
)

// EntryCandidates are the conventional places of a Worker's entry point,
// in the order the caller looks for them to fill in a missing "main":
// cloesce init's layout first, then wrangler's templates.
var EntryCandidates = []string{
	"src/api/main.ts", "src/main.ts", "src/index.ts", "src/worker.ts",
	"main.ts", "index.ts", "worker.ts",
	"src/api/main.js", "src/main.js", "src/index.js", "src/worker.js",
	"main.js", "index.js", "worker.js",
}

// plan computes the changes that make the decoded config doc serve
// schema s, reporting what it finds into diags at the places at returns.
// file names the config in messages.
func plan(doc map[string]any, s *idl.Schema, opts Options, file string, at locator, diags *diag.List) (*table, error) {
	root := &table{data: doc}
	root.setDefault("name", WorkerName(opts.ProjectName))
	if !root.has("main") {
		root.setDefault("main", cmp.Or(opts.Main, DefaultMain))
		if opts.Main == "" {
			diags.Warnf(diag.WranglerEntryGuess, source.Span{}, "found no Worker entry point: %s gets main = %q", file, DefaultMain).
				Notef("looked for package.json's \"main\" and the file its wrangler scripts name, then %s", strings.Join(EntryCandidates, ", ")).
				Helpf("write the Worker in %s, or set \"main\" in %s to its entry point", DefaultMain, file)
		}
	}
	root.setDefault("compatibility_date", DefaultCompatibilityDate)
	// Bindings are not inherited by wrangler environments: an environment
	// gets its own copy of every one.
	scope, scopePath := root, []any{}
	if opts.Env != "" {
		scopePath = []any{"env", opts.Env}
		if hasBindings(&s.Env) {
			env, err := root.table("env")
			if err != nil {
				return nil, err
			}
			if scope, err = env.table(opts.Env); err != nil {
				return nil, err
			}
		} else { // only read, for the bindings the schema does not know
			env, _ := doc["env"].(map[string]any)
			own, _ := env[opts.Env].(map[string]any)
			scope = &table{data: own}
		}
	}
	p := &planner{root: root, scope: scope, scopePath: scopePath, opts: opts, file: file, at: at, diags: diags}
	steps := []func(*idl.Env) error{p.d1, p.kv, p.r2, p.durable, p.vars}
	for _, step := range steps {
		if err := step(&s.Env); err != nil {
			return nil, err
		}
	}
	return root, nil
}

// hasBindings reports whether the schema needs anything in the config
// beyond the top-level defaults.
func hasBindings(e *idl.Env) bool {
	return len(e.D1)+len(e.KV)+len(e.R2)+len(e.Durable)+len(e.Vars) > 0
}

type planner struct {
	root, scope *table
	scopePath   []any // path of scope in the file: none, or "env", <name>
	opts        Options
	file        string
	at          locator
	diags       *diag.List
}

// A kind is a kind of binding and where the config lists them.
type kind struct {
	path     []string // the array, from the scope
	id       string   // the field naming the binding
	what     string   // "D1", for messages
	resource string   // what a binding binds: "database"
	decl     string   // how the schema declares binding %s
}

var (
	d1Kind      = &kind{[]string{"d1_databases"}, "binding", "D1", "database", "d1 { %s }"}
	kvKind      = &kind{[]string{"kv_namespaces"}, "binding", "KV", "namespace", "kv %s { ... }"}
	r2Kind      = &kind{[]string{"r2_buckets"}, "binding", "R2", "bucket", "r2 %s { ... }"}
	durableKind = &kind{[]string{"durable_objects", "bindings"}, "name", "Durable Object", "class", "durable %s { ... }"}
)

// A binding is a binding of the schema as the config writes it.
type binding struct {
	fields []member // fields[0] is the binding's name, under kind.id
	// same are the fields whose value, when an entry has it, shows that
	// the entry binds this binding's resource (under another name).
	same []string
}

func (b *binding) name() string { return b.fields[0].value.(string) }

func (b *binding) field(key string) string {
	for _, f := range b.fields {
		if f.key == key {
			s, _ := f.value.(string)
			return s
		}
	}
	return ""
}

// bind finds or makes the entry of each binding in the array of kind k,
// and returns their tables, in order. An entry matches a binding by name;
// failing that, an entry without a name of its own that binds the same
// resource is completed with it. An entry that binds the same resource
// under another name is left as it is, with a warning, rather than given
// a twin that would bind the resource twice. Entries that match no
// binding of the schema are reported as unknown to it.
func (p *planner) bind(k *kind, bs []binding) ([]*table, error) {
	var l *list
	var data []any
	if len(bs) > 0 {
		t := p.scope
		for _, key := range k.path[:len(k.path)-1] {
			var err error
			if t, err = t.table(key); err != nil {
				return nil, err
			}
		}
		var err error
		if l, err = t.list(k.path[len(k.path)-1]); err != nil {
			return nil, err
		}
		data = l.data
	} else {
		data = lookupList(p.scope.data, k.path)
	}
	entries := make([]map[string]any, len(data))
	for i, v := range data {
		m, ok := v.(map[string]any)
		if !ok {
			if l == nil {
				return nil, nil // wrangler reports it; there is nothing to match
			}
			return nil, fmt.Errorf("%s[%d] must be a table, not %s", l.path, i, describe(v))
		}
		entries[i] = m
	}
	claimed := make([]bool, len(entries))
	out := make([]*table, len(bs))
	for j, b := range bs {
		for i, m := range entries {
			if name, ok := m[k.id].(string); ok && name == b.name() {
				if out[j] == nil {
					out[j] = l.complete(i, m, b.fields[1:])
				}
				claimed[i] = true // a repeated binding is wrangler's to report
			}
		}
	}
	for j := range bs {
		b := &bs[j]
		if out[j] != nil {
			continue
		}
		for i, m := range entries {
			if claimed[i] || !b.binds(k, m) {
				continue
			}
			claimed[i] = true
			if _, named := m[k.id]; !named {
				out[j] = l.complete(i, m, b.fields)
			} else {
				out[j] = &table{path: fmt.Sprintf("%s[%d]", l.path, i), data: m}
				p.renamed(k, b, i, m)
			}
			break
		}
		if out[j] == nil {
			t := newTable(fmt.Sprintf("%s[%d]", l.path, len(l.data)+len(l.add)))
			for _, f := range b.fields {
				t.setDefault(f.key, f.value)
			}
			l.add = append(l.add, t)
			out[j] = t
		}
	}
	for i, m := range entries {
		if name, ok := m[k.id].(string); ok && !claimed[i] {
			p.unknown(k, i, name)
		}
	}
	return out, nil
}

// lookupList returns the array at path in doc, nil if there is none.
func lookupList(doc map[string]any, path []string) []any {
	for _, key := range path[:len(path)-1] {
		doc, _ = doc[key].(map[string]any)
	}
	a, _ := doc[path[len(path)-1]].([]any)
	return a
}

// binds reports whether entry m binds b's resource under another name:
// its name differs from b's only in case, or one of the fields that
// identify the resource has b's value.
func (b *binding) binds(k *kind, m map[string]any) bool {
	if name, ok := m[k.id].(string); ok && strings.EqualFold(name, b.name()) {
		return true
	}
	if _, remote := m["script_name"]; remote { // a class of another Worker
		return false
	}
	for _, key := range b.same {
		v, ok := m[key].(string)
		if !ok {
			continue
		}
		if want := b.field(key); v == want || key == "migrations_dir" && path.Clean(v) == path.Clean(want) {
			return true
		}
	}
	return false
}

// complete returns the table of the existing element i of l, m, with the
// fields it lacks added.
func (l *list) complete(i int, m map[string]any, fields []member) *table {
	t := &table{path: fmt.Sprintf("%s[%d]", l.path, i), data: m}
	for _, f := range fields {
		t.setDefault(f.key, f.value)
	}
	if len(t.changes) > 0 {
		l.elems = append(l.elems, elemChange{i, t})
	}
	return t
}

// entryPath is the path in the file of element i of kind k's array, and
// then of keys inside it.
func (p *planner) entryPath(k *kind, i int, keys ...any) []any {
	out := slices.Clone(p.scopePath)
	for _, key := range k.path {
		out = append(out, key)
	}
	return append(append(out, i), keys...)
}

func (p *planner) renamed(k *kind, b *binding, i int, m map[string]any) {
	name, _ := m[k.id].(string)
	p.diags.Warnf(diag.WranglerRenamed, p.at(p.entryPath(k, i, k.id)...), "%s binding %q is renamed to %q in %s", k.what, b.name(), name, p.file).
		Labelled("the schema names this %s %q", k.resource, b.name()).
		Notef("compile leaves this entry as it is and adds no second one for the same %s; the generated code reads env.%s, which the Worker does not have", k.resource, b.name()).
		Helpf("set %q back to %q", k.id, b.name())
}

func (p *planner) unknown(k *kind, i int, name string) {
	p.diags.Warnf(diag.WranglerUnknown, p.at(p.entryPath(k, i, k.id)...), "%s binding %q in %s is not declared in the schema", k.what, name, p.file).
		Labelled("not in the schema").
		Notef("compile leaves it as it is: your own code may use it, the generated code does not").
		Helpf("declare it in the schema (%s) to use it through Cloesce, or remove it if nothing uses it", fmt.Sprintf(k.decl, name))
}

func (p *planner) d1(e *idl.Env) error {
	dir := migrationsDir(p.opts.MigrationsPath)
	var bs []binding
	for _, b := range e.D1 {
		bs = append(bs, binding{fields: []member{
			{"binding", b},
			{"database_name", b},
			{"database_id", placeholderID(b)},
			{"migrations_dir", path.Join(dir, b)},
		}, same: []string{"database_name", "database_id", "migrations_dir"}})
	}
	_, err := p.bind(d1Kind, bs)
	return err
}

func (p *planner) kv(e *idl.Env) error {
	var bs []binding
	for _, s := range e.KV {
		bs = append(bs, binding{fields: []member{{"binding", s.Name}, {"id", placeholderID(s.Name)}}, same: []string{"id"}})
	}
	_, err := p.bind(kvKind, bs)
	return err
}

func (p *planner) r2(e *idl.Env) error {
	var bs []binding
	for _, s := range e.R2 {
		bs = append(bs, binding{fields: []member{{"binding", s.Name}, {"bucket_name", BucketName(s.Name)}}, same: []string{"bucket_name"}})
	}
	_, err := p.bind(r2Kind, bs)
	return err
}

// durable ensures a binding for each Durable Object namespace and a
// migration creating the classes that no migration has created yet.
func (p *planner) durable(e *idl.Env) error {
	var bs []binding
	for _, d := range e.Durable {
		bs = append(bs, binding{fields: []member{{"name", d.Name}, {"class_name", d.Name}}, same: []string{"class_name"}})
	}
	entries, err := p.bind(durableKind, bs)
	if err != nil || len(bs) == 0 {
		return err
	}
	var classes []string
	for _, t := range entries {
		// A class of another Worker is migrated by that Worker.
		if script, _ := t.get("script_name").(string); script != "" {
			continue
		}
		class, ok := t.get("class_name").(string)
		if !ok {
			return fmt.Errorf("%s.class_name must be a string", t.path)
		}
		classes = append(classes, class)
	}
	return p.migrations(classes)
}

// migrations appends a migration creating the classes that the existing
// migrations do not leave live. An environment without migrations of its
// own inherits the top level's; it then gets a copy of them, so that its
// Worker keeps the same history, followed by the new step.
func (p *planner) migrations(classes []string) error {
	owner := p.scope
	history, own := p.scope.data["migrations"]
	if !own && p.scope != p.root {
		history = p.root.data["migrations"]
		owner = p.root
	}
	var steps []any
	if history != nil {
		var ok bool
		if steps, ok = history.([]any); !ok {
			return fmt.Errorf("%q must be an array, not %s", owner.sub("migrations"), describe(history))
		}
	}
	live, tags, err := fold(owner.sub("migrations"), steps)
	if err != nil {
		return err
	}
	ownerPath := []any{}
	if owner != p.root {
		ownerPath = p.scopePath
	}
	var missing []string
	for _, c := range classes {
		if !slices.ContainsFunc(live, func(l liveClass) bool { return l.name == c }) && !slices.Contains(missing, c) {
			missing = append(missing, c)
		}
	}
	for _, c := range live {
		if !slices.Contains(classes, c.name) {
			at := append(append(slices.Clone(ownerPath), "migrations"), c.at...)
			p.diags.Warnf(diag.WranglerClassGone, p.at(at...), "Durable Object class %q is created by %s in %s but not declared in the schema", c.name, owner.sub("migrations"), p.file).
				Labelled("created here").
				Helpf("if the class is gone, add a migration with deleted_classes = [%q]; deleting a class deletes its data", c.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	step := newTable("")
	step.setDefault("tag", nextTag(tags, len(steps)))
	step.setDefault("new_sqlite_classes", strs(missing))
	l, err := p.scope.list("migrations")
	if err != nil {
		return err
	}
	if !own && p.scope != p.root {
		for i, s := range steps {
			c, err := copyValue(s)
			if err != nil {
				return fmt.Errorf("cannot copy %s[%d] into %s: %w", owner.sub("migrations"), i, l.path, err)
			}
			l.add = append(l.add, c)
		}
	}
	l.add = append(l.add, step)
	return nil
}

// A liveClass is a Durable Object class that migrations create.
type liveClass struct {
	name string
	at   []any // the path of its name from the migrations array
}

// fold replays migration steps and returns the classes they leave live,
// in order of creation, and the tags they use.
func fold(where string, steps []any) (live []liveClass, tags []string, err error) {
	for i, s := range steps {
		at := fmt.Sprintf("%s[%d]", where, i)
		m, ok := s.(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("%s must be a table, not %s", at, describe(s))
		}
		if tag, ok := m["tag"].(string); ok {
			tags = append(tags, tag)
		}
		for _, key := range []string{"new_classes", "new_sqlite_classes"} {
			names, err := stringList(at, key, m[key])
			if err != nil {
				return nil, nil, err
			}
			for j, n := range names {
				live = append(live, liveClass{n, []any{i, key, j}})
			}
		}
		for _, key := range []string{"renamed_classes", "transferred_classes"} {
			moves, err := moveList(at, key, m[key])
			if err != nil {
				return nil, nil, err
			}
			for j, mv := range moves {
				if key == "renamed_classes" {
					live = slices.DeleteFunc(live, func(c liveClass) bool { return c.name == mv[0] })
				}
				live = append(live, liveClass{mv[1], []any{i, key, j, "to"}})
			}
		}
		deleted, err := stringList(at, "deleted_classes", m["deleted_classes"])
		if err != nil {
			return nil, nil, err
		}
		live = slices.DeleteFunc(live, func(c liveClass) bool { return slices.Contains(deleted, c.name) })
	}
	return live, tags, nil
}

func stringList(at, key string, v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	a, ok := v.([]any)
	var out []string
	for _, e := range a {
		s, isStr := e.(string)
		ok = ok && isStr
		out = append(out, s)
	}
	if !ok {
		return nil, fmt.Errorf("%s.%s must be an array of class names", at, key)
	}
	return out, nil
}

// moveList reads renamed_classes or transferred_classes as [from, to]
// pairs.
func moveList(at, key string, v any) ([][2]string, error) {
	if v == nil {
		return nil, nil
	}
	bad := fmt.Errorf("%s.%s must be an array of tables with string \"from\" and \"to\"", at, key)
	a, ok := v.([]any)
	if !ok {
		return nil, bad
	}
	var out [][2]string
	for _, e := range a {
		m, _ := e.(map[string]any)
		from, ok1 := m["from"].(string)
		to, ok2 := m["to"].(string)
		if !ok1 || !ok2 {
			return nil, bad
		}
		out = append(out, [2]string{from, to})
	}
	return out, nil
}

// nextTag returns "v<n+1>" for n steps, or the first higher number that
// no step uses as its tag: tags must be unique.
func nextTag(tags []string, n int) string {
	for i := n + 1; ; i++ {
		if tag := "v" + strconv.Itoa(i); !slices.Contains(tags, tag) {
			return tag
		}
	}
}

func strs(names []string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// keyOrder is the order of known keys when an existing value is copied;
// others follow alphabetically. Decoded tables have no order of their own.
var keyOrder = []string{"tag", "new_classes", "new_sqlite_classes", "renamed_classes", "transferred_classes", "deleted_classes", "from", "from_script", "to"}

// copyValue turns decoded data into a new value.
func copyValue(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			ia, ib := rank(a), rank(b)
			if ia != ib {
				return ia - ib
			}
			return strings.Compare(a, b)
		})
		t := newTable("")
		for _, k := range keys {
			c, err := copyValue(v[k])
			if err != nil {
				return nil, err
			}
			t.setDefault(k, c)
		}
		return t, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			c, err := copyValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case string, int64, float64, bool:
		return v, nil
	}
	return nil, fmt.Errorf("%s values are not supported", describe(v))
}

func rank(key string) int {
	if i := slices.Index(keyOrder, key); i >= 0 {
		return i
	}
	return len(keyOrder)
}

// vars gives every schema variable the config lacks a default of its
// type. Wrangler passes strings, numbers, booleans and objects through
// to the Worker as they are.
func (p *planner) vars(e *idl.Env) error {
	if len(e.Vars) == 0 {
		return nil
	}
	t, err := p.scope.table("vars")
	if err != nil {
		return err
	}
	for _, v := range e.Vars {
		t.setDefault(v.Name, varDefault(v.Type, t.sub(v.Name)))
	}
	return nil
}

func varDefault(t *idl.Type, path string) any {
	switch t.Kind {
	case idl.Int:
		return int64(0)
	case idl.Real:
		return float64(0)
	case idl.Bool:
		return false
	case idl.Date:
		return "1970-01-01T00:00:00.000Z"
	case idl.JSONValue:
		return newTable(path)
	}
	return "" // string, blob
}
