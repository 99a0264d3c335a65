package wrangler

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
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

// entry returns the element of l whose field key equals value, with the
// fields it lacks added; a new element holding fields if there is none.
// fields[0] is the identifying field, a string.
func (l *list) entry(fields []member) (*table, error) {
	key, want := fields[0].key, fields[0].value
	for i, v := range l.data {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s[%d] must be a table, not %s", l.path, i, describe(v))
		}
		if id, ok := m[key].(string); !ok || id != want {
			continue
		}
		t := &table{path: fmt.Sprintf("%s[%d]", l.path, i), data: m}
		for _, f := range fields[1:] {
			t.setDefault(f.key, f.value)
		}
		if len(t.changes) > 0 {
			l.elems = append(l.elems, elemChange{i, t})
		}
		return t, nil
	}
	t := newTable(fmt.Sprintf("%s[%d]", l.path, len(l.data)+len(l.add)))
	for _, f := range fields {
		t.setDefault(f.key, f.value)
	}
	l.add = append(l.add, t)
	return t, nil
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

// plan computes the changes that make the decoded config doc serve
// schema s, and the warnings to print.
func plan(doc map[string]any, s *idl.Schema, opts Options) (*table, []string, error) {
	root := &table{data: doc}
	root.setDefault("name", WorkerName(opts.ProjectName))
	root.setDefault("main", DefaultMain)
	root.setDefault("compatibility_date", DefaultCompatibilityDate)
	e := &s.Env
	if len(e.D1)+len(e.KV)+len(e.R2)+len(e.Durable)+len(e.Vars) == 0 {
		return root, nil, nil
	}
	// Bindings are not inherited by wrangler environments: an environment
	// gets its own copy of every one.
	scope := root
	if opts.Env != "" {
		env, err := root.table("env")
		if err != nil {
			return nil, nil, err
		}
		if scope, err = env.table(opts.Env); err != nil {
			return nil, nil, err
		}
	}
	p := &planner{root: root, scope: scope, opts: opts}
	steps := []func(*idl.Env) error{p.d1, p.kv, p.r2, p.durable, p.vars}
	for _, step := range steps {
		if err := step(e); err != nil {
			return nil, nil, err
		}
	}
	return root, p.warnings, nil
}

type planner struct {
	root, scope *table
	opts        Options
	warnings    []string
}

// entries ensures an element of the array key for each of the binding
// lists in fields.
func (p *planner) entries(key string, fields [][]member) error {
	if len(fields) == 0 {
		return nil
	}
	l, err := p.scope.list(key)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if _, err := l.entry(f); err != nil {
			return err
		}
	}
	return nil
}

func (p *planner) d1(e *idl.Env) error {
	dir := migrationsDir(p.opts.MigrationsPath)
	var fields [][]member
	for _, b := range e.D1 {
		fields = append(fields, []member{
			{"binding", b},
			{"database_name", b},
			{"database_id", placeholderID(b)},
			{"migrations_dir", path.Join(dir, b)},
		})
	}
	return p.entries("d1_databases", fields)
}

func (p *planner) kv(e *idl.Env) error {
	var fields [][]member
	for _, s := range e.KV {
		fields = append(fields, []member{{"binding", s.Name}, {"id", placeholderID(s.Name)}})
	}
	return p.entries("kv_namespaces", fields)
}

func (p *planner) r2(e *idl.Env) error {
	var fields [][]member
	for _, s := range e.R2 {
		fields = append(fields, []member{{"binding", s.Name}, {"bucket_name", BucketName(s.Name)}})
	}
	return p.entries("r2_buckets", fields)
}

// durable ensures a binding for each Durable Object namespace and a
// migration creating the classes that no migration has created yet.
func (p *planner) durable(e *idl.Env) error {
	if len(e.Durable) == 0 {
		return nil
	}
	do, err := p.scope.table("durable_objects")
	if err != nil {
		return err
	}
	l, err := do.list("bindings")
	if err != nil {
		return err
	}
	var classes []string
	for _, d := range e.Durable {
		t, err := l.entry([]member{{"name", d.Name}, {"class_name", d.Name}})
		if err != nil {
			return err
		}
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
	var missing []string
	for _, c := range classes {
		if !slices.Contains(live, c) && !slices.Contains(missing, c) {
			missing = append(missing, c)
		}
	}
	for _, c := range live {
		if !slices.Contains(classes, c) {
			p.warnings = append(p.warnings, fmt.Sprintf(
				"Durable Object class %q is created by %s but not declared in the schema; if it is gone, add a migration with deleted_classes = [%q]",
				c, owner.sub("migrations"), c))
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

// fold replays migration steps and returns the classes they leave live,
// in order of creation, and the tags they use.
func fold(where string, steps []any) (live, tags []string, err error) {
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
			live = append(live, names...)
		}
		for _, key := range []string{"renamed_classes", "transferred_classes"} {
			moves, err := moveList(at, key, m[key])
			if err != nil {
				return nil, nil, err
			}
			for _, mv := range moves {
				if key == "renamed_classes" {
					live = slices.DeleteFunc(live, func(c string) bool { return c == mv[0] })
				}
				live = append(live, mv[1])
			}
		}
		deleted, err := stringList(at, "deleted_classes", m["deleted_classes"])
		if err != nil {
			return nil, nil, err
		}
		live = slices.DeleteFunc(live, func(c string) bool { return slices.Contains(deleted, c) })
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
