package migrate

import (
	"fmt"
	"slices"
	"strings"
)

// A Plan is the list of steps that migrates one binding from its last
// snapshot to the current schema.
type Plan struct {
	Binding string
	Kind    string // D1 or Durable
	First   bool   // the binding's first migration, written even when it has no steps
	Steps   []*Step
	Used    []string // the options the plan applied, spelt as flags
}

// A Step is one change to the database: a statement or a few that belong
// together.
type Step struct {
	Summary string   // what changes, in one line
	Loses   []Loss   // data the step destroys; none for a safe step
	Risks   []string // what in existing rows makes the step fail, the migration then changing nothing
	SQL     []string // statements without their final semicolon
}

// A Loss is data a step destroys.
type Loss struct {
	What   string // "every row of table "Person"", "the values of column "Pet"."nick""
	Target Target // the table or column, by its name after the migration's renames
}

func (l Loss) String() string { return l.What }

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// Loses lists the data every destructive step destroys.
func (p *Plan) Loses() []Loss {
	var out []Loss
	for _, s := range p.Steps {
		out = append(out, s.Loses...)
	}
	return out
}

// Statements returns every statement of the plan, in order.
func (p *Plan) Statements() []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.SQL...)
	}
	return out
}

// Diff plans the migration of a binding from old, its last snapshot (nil
// before its first migration), to cur.
//
// Tables and columns are matched by name, then by opts.Renames; a table or
// column that is gone while others are new may have been renamed, which
// opts.Drops or opts.Ask settle, or Diff fails with an [*UnresolvedError].
func Diff(old, cur *Snapshot, opts Options) (*Plan, error) {
	plan := &Plan{Binding: cur.Binding, Kind: cur.Kind, First: old == nil}
	if old == nil {
		old = &Snapshot{Binding: cur.Binding, Kind: cur.Kind}
	}
	if old.Binding != cur.Binding || old.Kind != cur.Kind {
		return nil, fmt.Errorf("the last snapshot is of %s %q, not of %s %q", KindName(old.Kind), old.Binding, KindName(cur.Kind), cur.Binding)
	}
	m := &matcher{old: old, cur: cur, opts: opts}
	pairs, dropped, err := m.match()
	if err != nil {
		return nil, err
	}
	p := &planner{plan: plan, defaults: opts.Defaults}
	for _, t := range old.Tables {
		p.tables = append(p.tables, &live{Table: copyTable(t), indexes: indexesOf(t)})
	}
	if err := p.run(pairs, dropped, cur); err != nil {
		return nil, err
	}
	plan.Used = append(m.used, p.used...)
	return plan, nil
}

// KindName names a binding kind for people: "D1 database" or "Durable Object".
func KindName(kind string) string {
	if kind == Durable {
		return "Durable Object"
	}
	return "D1 database"
}

// A planner writes the steps of a plan, keeping track of what the
// database looks like after each so that later steps see renamed tables
// and columns and know which tables reference which.
type planner struct {
	plan     *Plan
	defaults []Default
	used     []string
	tables   []*live   // in creation order
	missing  []Missing // values the user must give, reported together
}

// A live table is a table as the steps so far leave it.
type live struct {
	Table
	indexes []index
	fresh   bool // created by this migration, so it has no rows
}

// An index is an index that exists in the database: the unique index of
// a unique group, or a plain one.
type index struct {
	name   string
	cols   []string
	unique bool
}

func copyTable(t *Table) Table {
	c := Table{Name: t.Name, PrimaryKey: slices.Clone(t.PrimaryKey)}
	for _, col := range t.Columns {
		cc := *col
		c.Columns = append(c.Columns, &cc)
	}
	for _, fk := range t.ForeignKeys {
		c.ForeignKeys = append(c.ForeignKeys, &ForeignKey{Columns: slices.Clone(fk.Columns), Table: fk.Table, References: slices.Clone(fk.References)})
	}
	for _, u := range t.Uniques {
		c.Uniques = append(c.Uniques, slices.Clone(u))
	}
	for _, ix := range t.Indexes {
		c.Indexes = append(c.Indexes, slices.Clone(ix))
	}
	return c
}

// indexesOf lists the indexes of t: unique ones, then plain ones.
func indexesOf(t *Table) []index {
	var out []index
	for _, u := range t.Uniques {
		out = append(out, index{name: uniqueIndexName(t.Name, u), cols: slices.Clone(u), unique: true})
	}
	for _, ix := range t.Indexes {
		out = append(out, index{name: plainIndexName(t.Name, ix), cols: slices.Clone(ix)})
	}
	return out
}

func (p *planner) step(s *Step) { p.plan.Steps = append(p.plan.Steps, s) }

func (p *planner) table(name string) *live {
	for _, t := range p.tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// run plans renames first, so that later steps use the new names; then
// drops of tables that nothing kept references, so that no rebuild moves
// their rows; then creates, so that altered tables can reference new ones;
// then alterations, parents first; then the remaining drops, whose last
// references the alterations removed.
func (p *planner) run(pairs []*pair, dropped []*Table, cur *Snapshot) error {
	paired := map[string]bool{}
	for _, pr := range pairs {
		paired[pr.cur.Name] = true
		if pr.old.Name != pr.cur.Name {
			p.renameTable(pr.old.Name, pr.cur.Name)
		}
	}
	early, late := p.splitDrops(dropped)
	if err := p.drop(early); err != nil {
		return err
	}
	for _, t := range cur.Tables {
		if !paired[t.Name] {
			p.create(t)
		}
	}
	for _, pr := range parentsFirst(pairs) {
		if err := p.alter(pr); err != nil {
			return err
		}
	}
	if err := p.drop(late); err != nil {
		return err
	}
	if len(p.missing) > 0 {
		return &MissingError{Kind: p.plan.Kind, Binding: p.plan.Binding, Missing: p.missing}
	}
	return nil
}

// parentsFirst orders the pairs so that a table comes after those its
// foreign keys, optional ones included, reference, as far as cycles allow:
// a rebuilt parent then moves its children's rows before they are
// rebuilt themselves, not after.
func parentsFirst(pairs []*pair) []*pair {
	var out []*pair
	placed := map[string]bool{}
	waits := func(pr *pair) bool {
		return slices.ContainsFunc(pr.cur.ForeignKeys, func(fk *ForeignKey) bool {
			return fk.Table != pr.cur.Name && !placed[fk.Table] && slices.ContainsFunc(pairs, func(q *pair) bool { return q.cur.Name == fk.Table })
		})
	}
	for len(out) < len(pairs) {
		i := slices.IndexFunc(pairs, func(pr *pair) bool { return !placed[pr.cur.Name] && !waits(pr) })
		if i < 0 { // a cycle: take the first table left
			i = slices.IndexFunc(pairs, func(pr *pair) bool { return !placed[pr.cur.Name] })
		}
		out = append(out, pairs[i])
		placed[pairs[i].cur.Name] = true
	}
	return out
}

func (p *planner) renameTable(from, to string) {
	p.step(&Step{
		Summary: fmt.Sprintf("rename table %s to %s", quoteIdent(from), quoteIdent(to)),
		SQL:     []string{fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quoteIdent(from), quoteIdent(to))},
	})
	// SQLite rewrites the foreign keys that reference the table.
	for _, t := range p.tables {
		for _, fk := range t.ForeignKeys {
			if fk.Table == from {
				fk.Table = to
			}
		}
	}
	p.table(from).Name = to
}

func (p *planner) create(t *Table) {
	s := &Step{Summary: "create table " + quoteIdent(t.Name), SQL: []string{createTable(t)}}
	for _, ix := range indexesOf(t) {
		s.SQL = append(s.SQL, createIndex(t.Name, ix))
	}
	p.step(s)
	p.tables = append(p.tables, &live{Table: copyTable(t), indexes: indexesOf(t), fresh: true})
}

// splitDrops divides the dropped tables into those no kept table
// references, and those that kept tables reference until their
// alterations, or that such tables reference.
func (p *planner) splitDrops(dropped []*Table) (early, late []*Table) {
	gone := map[string]bool{}
	for _, t := range dropped {
		gone[t.Name] = true
	}
	held := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, t := range p.tables {
			if gone[t.Name] && !held[t.Name] {
				continue
			}
			for _, fk := range t.ForeignKeys {
				if gone[fk.Table] && !held[fk.Table] {
					held[fk.Table], changed = true, true
				}
			}
		}
	}
	for _, t := range dropped {
		if held[t.Name] {
			late = append(late, t)
		} else {
			early = append(early, t)
		}
	}
	return early, late
}

// drop drops tables, children first. Foreign keys among them that point
// against that order are cleared first: with ON DELETE RESTRICT, SQLite
// refuses to delete a row another row still references.
func (p *planner) drop(tables []*Table) error {
	if len(tables) == 0 {
		return nil
	}
	set := map[string]bool{}
	for _, t := range tables {
		set[t.Name] = true
	}
	for _, t := range p.tables {
		for _, fk := range t.ForeignKeys {
			if set[fk.Table] && !set[t.Name] {
				return fmt.Errorf("internal error: table %q still references dropped table %q", t.Name, fk.Table)
			}
		}
	}
	order, err := p.order(set, nil)
	if err != nil {
		return err
	}
	if clear := p.clearBackEdges(order); len(clear) > 0 {
		p.step(&Step{Summary: "clear the foreign keys between the tables to drop", SQL: clear})
	}
	for _, t := range slices.Backward(order) {
		p.step(&Step{
			Summary: "drop table " + quoteIdent(t.Name),
			Loses:   []Loss{{everyRow + quoteIdent(t.Name), Target{Table: t.Name}}},
			SQL:     []string{"DROP TABLE " + quoteIdent(t.Name)},
		})
	}
	p.tables = slices.DeleteFunc(p.tables, func(t *live) bool { return set[t.Name] })
	return nil
}

// order sorts the named tables so that each follows the tables its
// required foreign keys reference, keeping creation order otherwise.
// extra adds required references of a table about to be rebuilt.
func (p *planner) order(set map[string]bool, extra map[string][]string) ([]*live, error) {
	parents := map[string][]string{}
	for _, t := range p.tables {
		if !set[t.Name] {
			continue
		}
		parents[t.Name] = slices.Clone(extra[t.Name])
		for _, fk := range t.ForeignKeys {
			if set[fk.Table] && fk.Table != t.Name && t.required(fk) {
				parents[t.Name] = append(parents[t.Name], fk.Table)
			}
		}
	}
	var order []*live
	placed := map[string]bool{}
	for len(order) < len(parents) {
		next := slices.IndexFunc(p.tables, func(t *live) bool {
			return set[t.Name] && !placed[t.Name] && !slices.ContainsFunc(parents[t.Name], func(q string) bool { return q != t.Name && !placed[q] })
		})
		if next < 0 {
			var names []string
			for name := range set {
				if !placed[name] {
					names = append(names, quoteIdent(name))
				}
			}
			slices.Sort(names)
			return nil, fmt.Errorf("tables %s reference each other through required foreign keys, so their rows cannot be moved in any order; make one of those keys optional first", strings.Join(names, ", "))
		}
		order = append(order, p.tables[next])
		placed[p.tables[next].Name] = true
	}
	return order, nil
}

// required reports whether fk must hold a value: its columns are NOT NULL.
func (t *Table) required(fk *ForeignKey) bool {
	return !slices.ContainsFunc(fk.Columns, func(c string) bool { col := t.Column(c); return col == nil || col.Nullable })
}

// clearBackEdges returns the statements that set to NULL every foreign key
// of the ordered tables that references its own table or one later in the
// order: those rows would otherwise keep the referenced rows from being
// deleted. Such keys are optional, or order would have failed.
func (p *planner) clearBackEdges(order []*live) []string {
	var out []string
	for i, t := range order {
		var sets []string
		for _, fk := range t.ForeignKeys {
			if j := slices.IndexFunc(order, func(u *live) bool { return u.Name == fk.Table }); j >= i {
				for _, c := range fk.Columns {
					sets = append(sets, quoteIdent(c)+" = NULL")
				}
			}
		}
		if len(sets) > 0 {
			out = append(out, fmt.Sprintf("UPDATE %s SET %s", quoteIdent(t.Name), strings.Join(slices.Compact(sets), ", ")))
		}
	}
	return out
}

// alter takes a kept table to its current shape: renames, then changes
// SQLite can make in place, or else a rebuild.
func (p *planner) alter(pr *pair) error {
	t := p.table(pr.cur.Name)
	p.renameColumns(t, pr)
	want := pr.cur
	if err := p.releaseChildren(t, want); err != nil {
		return err
	}
	if reasons := p.rebuildReasons(t, want); len(reasons) > 0 {
		return p.rebuild(t, want, reasons)
	}
	p.alterInPlace(t, want)
	return nil
}

// releaseChildren rebuilds, without their foreign keys to t, the tables
// whose foreign keys to t reference columns that are no longer t's
// primary key or a unique group of it once t has the shape want. SQLite
// refuses any change to the rows of a table that such a key references or
// holds ("foreign key mismatch"), so t could not be refilled, nor its
// children's rows moved back. Each child gets its new foreign keys when
// it is altered in turn, after t.
func (p *planner) releaseChildren(t *live, want *Table) error {
	for _, u := range slices.Clone(p.tables) {
		if u == t {
			continue
		}
		var keep []*ForeignKey
		var reasons []string
		for _, fk := range u.ForeignKeys {
			if fk.Table == t.Name && !isKey(want, fk.References) {
				reasons = append(reasons, fmt.Sprintf("foreign key %s goes for now, as %s stops being a key of %s", describeForeignKey(fk), quoteList(fk.References), quoteIdent(t.Name)))
				continue
			}
			keep = append(keep, fk)
		}
		if len(reasons) == 0 {
			continue
		}
		shape := copyTable(&u.Table)
		shape.ForeignKeys = keep
		if err := p.rebuild(u, &shape, reasons); err != nil {
			return err
		}
	}
	return nil
}

// isKey reports whether cols are, in any order, the primary key of t or
// one of its unique groups: what SQLite requires of the columns a foreign
// key references.
func isKey(t *Table, cols []string) bool {
	same := func(key []string) bool {
		return len(key) == len(cols) && !slices.ContainsFunc(key, func(c string) bool { return !slices.Contains(cols, c) })
	}
	return same(t.PrimaryKey) || slices.ContainsFunc(t.Uniques, same)
}

// renameColumns renames t's columns as pr says. A column is only ever
// renamed to a name the table did not have, so renames cannot collide.
func (p *planner) renameColumns(t *live, pr *pair) {
	for _, c := range pr.cur.Columns {
		if from := pr.from[c.Name]; from != c.Name && from != "" {
			p.renameColumn(t, from, c.Name)
		}
	}
}

func (p *planner) renameColumn(t *live, from, to string) {
	p.step(&Step{
		Summary: fmt.Sprintf("rename column %s to %s", qualified(t.Name, from), quoteIdent(to)),
		SQL:     []string{fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s", quoteIdent(t.Name), quoteIdent(from), quoteIdent(to))},
	})
	swap := func(names []string) {
		if i := slices.Index(names, from); i >= 0 {
			names[i] = to
		}
	}
	// SQLite renames the column in the table's keys and indexes, and in
	// the foreign keys of other tables that reference it.
	t.Column(from).Name = to
	swap(t.PrimaryKey)
	for _, u := range slices.Concat(t.Uniques, t.Indexes) {
		swap(u)
	}
	for _, ix := range t.indexes {
		swap(ix.cols)
	}
	for _, fk := range t.ForeignKeys {
		swap(fk.Columns)
	}
	for _, u := range p.tables {
		for _, fk := range u.ForeignKeys {
			if fk.Table == t.Name {
				swap(fk.References)
			}
		}
	}
}

// rebuildReasons lists the changes from t to want that SQLite cannot make
// with ALTER TABLE.
func (p *planner) rebuildReasons(t *live, want *Table) []string {
	var reasons []string
	if !slices.Equal(t.PrimaryKey, want.PrimaryKey) {
		reasons = append(reasons, "its primary key changes")
	}
	for _, c := range want.Columns {
		old := t.Column(c.Name)
		switch {
		case old == nil:
		case old.Type != c.Type:
			reasons = append(reasons, fmt.Sprintf("column %s changes type from %s to %s", quoteIdent(c.Name), old.Type, c.Type))
		case old.Nullable && !c.Nullable:
			reasons = append(reasons, fmt.Sprintf("column %s becomes required", quoteIdent(c.Name)))
		case !old.Nullable && c.Nullable:
			reasons = append(reasons, fmt.Sprintf("column %s becomes optional", quoteIdent(c.Name)))
		case old.Autoincrement && !c.Autoincrement && slices.Equal(t.PrimaryKey, want.PrimaryKey):
			reasons = append(reasons, fmt.Sprintf("its key %s is no longer AUTOINCREMENT", quoteIdent(c.Name)))
		case !old.Autoincrement && c.Autoincrement && slices.Equal(t.PrimaryKey, want.PrimaryKey):
			reasons = append(reasons, fmt.Sprintf("its key %s becomes AUTOINCREMENT, so that the keys of deleted rows are never used again", quoteIdent(c.Name)))
		}
	}
	for _, fk := range t.ForeignKeys {
		if !hasForeignKey(want, fk) {
			reasons = append(reasons, "foreign key "+describeForeignKey(fk)+" goes")
		}
	}
	for _, fk := range want.ForeignKeys {
		if !hasForeignKey(&t.Table, fk) && !addable(t, want, fk) {
			reasons = append(reasons, "foreign key "+describeForeignKey(fk)+" is added")
		}
	}
	return reasons
}

func hasForeignKey(t *Table, fk *ForeignKey) bool {
	return slices.ContainsFunc(t.ForeignKeys, func(g *ForeignKey) bool {
		return g.Table == fk.Table && slices.Equal(g.Columns, fk.Columns) && slices.Equal(g.References, fk.References)
	})
}

// addable reports whether ALTER TABLE ADD COLUMN can add fk: SQLite takes
// a REFERENCES clause on a new column only when its default is NULL.
func addable(t *live, want *Table, fk *ForeignKey) bool {
	return len(fk.Columns) == 1 && t.Column(fk.Columns[0]) == nil && want.Column(fk.Columns[0]).Nullable
}

// alterInPlace makes the changes from t to want that ALTER TABLE can:
// dropping and adding columns and indexes. Indexes go first, since SQLite
// cannot drop an indexed column, and come last, once their columns exist.
func (p *planner) alterInPlace(t *live, want *Table) {
	wanted := indexesOf(want)
	for _, ix := range t.indexes {
		if !slices.ContainsFunc(wanted, ix.equal) {
			p.step(&Step{
				Summary: fmt.Sprintf("drop %s %s of %s", ix.kind(), quoteIdent(ix.name), quoteIdent(t.Name)),
				SQL:     []string{"DROP INDEX " + quoteIdent(ix.name)},
			})
		}
	}
	for _, c := range t.Columns {
		if want.Column(c.Name) == nil {
			shown := qualified(t.Name, c.Name)
			p.step(&Step{
				Summary: "drop column " + shown,
				Loses:   []Loss{{"the values of column " + shown, Target{t.Name, c.Name}}},
				SQL:     []string{fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s", quoteIdent(t.Name), quoteIdent(c.Name))},
			})
		}
	}
	for _, c := range want.Columns {
		if t.Column(c.Name) != nil {
			continue
		}
		s := &Step{Summary: "add column " + qualified(t.Name, c.Name)}
		def := columnDef(c)
		if !c.Nullable {
			value := p.fill(want, c)
			def += " DEFAULT " + value
			s.Summary += "; existing rows get " + value
		}
		if fk := foreignKeyOf(want, c.Name); fk != nil {
			def += " " + references(fk)
		}
		s.SQL = []string{fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s", quoteIdent(t.Name), def)}
		p.step(s)
	}
	for _, ix := range wanted {
		if !slices.ContainsFunc(t.indexes, ix.equal) {
			p.step(&Step{
				Summary: fmt.Sprintf("add %s %s on %s", ix.kind(), quoteIdent(ix.name), columnList(t.Name, ix.cols)),
				Risks:   uniqueRisk(t, ix),
				SQL:     []string{createIndex(t.Name, ix)},
			})
		}
	}
	t.Table, t.indexes = copyTable(want), wanted
}

func (ix index) equal(o index) bool {
	return ix.name == o.name && ix.unique == o.unique && slices.Equal(ix.cols, o.cols)
}

// kind names the index for plans: "unique index" or "index".
func (ix index) kind() string {
	if ix.unique {
		return "unique index"
	}
	return "index"
}

// uniqueRisk says how a new index of t can fail: a unique one on
// duplicates, unless t already had one on the same columns under another
// name (a renamed table or column).
func uniqueRisk(t *live, ix index) []string {
	if !ix.unique || slices.ContainsFunc(t.indexes, func(o index) bool { return o.unique && slices.Equal(o.cols, ix.cols) }) {
		return nil
	}
	return []string{fmt.Sprintf("two rows of %s have the same %s", quoteIdent(t.Name), columnList(t.Name, ix.cols))}
}

// foreignKeyOf returns the foreign key of t that includes column, or nil.
func foreignKeyOf(t *Table, column string) *ForeignKey {
	for _, fk := range t.ForeignKeys {
		if slices.Contains(fk.Columns, column) {
			return fk
		}
	}
	return nil
}

// fill returns the SQL value that existing rows get in column c of t, a
// required column they have no value for: the user's --default, or the
// column type's zero value. Dates and foreign keys have no zero value that
// is right, so the user must give one.
func (p *planner) fill(t *Table, c *Column) string {
	target := Target{Table: t.Name, Column: c.Name}
	for _, d := range p.defaults {
		if d.Target != target {
			continue
		}
		value, err := literal(c.Type, d.Value)
		if err != nil {
			p.missing = append(p.missing, Missing{Target: target, Message: fmt.Sprintf("%s: %v", d, err)})
			return "NULL"
		}
		if !slices.Contains(p.used, d.String()) {
			p.used = append(p.used, d.String())
		}
		return value
	}
	fk := foreignKeyOf(t, c.Name)
	if value, ok := zeroValues[c.Type]; ok && fk == nil {
		return value
	}
	example := "<" + c.Type + ">"
	if fk != nil {
		example = fmt.Sprintf("<an existing %s.%s>", fk.Table, fk.References[slices.Index(fk.Columns, c.Name)])
	}
	p.missing = append(p.missing, Missing{
		Target:  target,
		Message: fmt.Sprintf("column %s is required and existing rows have no value for it", qualified(t.Name, c.Name)),
		Help:    fmt.Sprintf("give one with --default %s=%s, or make it optional", target, example),
	})
	return "NULL"
}

// rebuild recreates t with the shape want, for changes ALTER TABLE cannot
// make. The classic recipe (create a new table, copy, drop the old one,
// rename) fails on D1, which enforces foreign keys inside a migration
// whatever PRAGMA foreign_keys says: dropping a table that populated
// tables reference breaks their keys. So the rows of t and of every table
// that references it, directly or not, are copied out to backup tables,
// deleted children first, and copied back parents first once t has its
// new shape. Only tables this migration created, being empty, stay put.
// An AUTOINCREMENT table that stays one keeps its counter (see
// restoreSequence); one that becomes one starts counting from its largest
// key, which SQLite records as the rows are copied back with their keys.
func (p *planner) rebuild(t *live, want *Table, reasons []string) error {
	set := map[string]bool{t.Name: true}
	for changed := true; changed; {
		changed = false
		for _, u := range p.tables {
			if !u.fresh && !set[u.Name] && slices.ContainsFunc(u.ForeignKeys, func(fk *ForeignKey) bool { return set[fk.Table] }) {
				set[u.Name], changed = true, true
			}
		}
	}
	var extra []string
	for _, fk := range want.ForeignKeys {
		if set[fk.Table] && fk.Table != t.Name && want.required(fk) {
			extra = append(extra, fk.Table)
		}
	}
	order, err := p.order(set, map[string][]string{t.Name: extra})
	if err != nil {
		return err
	}
	s := &Step{Summary: fmt.Sprintf("rebuild table %s: %s", quoteIdent(t.Name), strings.Join(reasons, ", "))}
	values := p.rebuildValues(t, want, s)
	var moved []string
	for _, u := range order {
		s.SQL = append(s.SQL, fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s", quoteIdent(backup(u.Name)), quoteIdent(u.Name)))
		if u != t {
			moved = append(moved, quoteIdent(u.Name))
		}
	}
	if len(moved) > 0 {
		s.Summary += fmt.Sprintf("; the rows of %s, which depend on it, are moved out and back", strings.Join(moved, ", "))
	}
	keep := autoincrement(&t.Table) && autoincrement(want)
	if keep {
		s.Summary += "; its AUTOINCREMENT counter is kept"
		s.SQL = append(s.SQL, fmt.Sprintf(`CREATE TABLE %s AS SELECT "seq" FROM sqlite_sequence WHERE "name" = %s`, quoteIdent(sequenceBackup(t.Name)), quoteText(t.Name)))
	}
	s.SQL = append(s.SQL, p.clearBackEdges(order)...)
	for _, u := range slices.Backward(order) {
		if u == t {
			s.SQL = append(s.SQL, "DROP TABLE "+quoteIdent(u.Name))
		} else {
			s.SQL = append(s.SQL, "DELETE FROM "+quoteIdent(u.Name))
		}
	}
	s.SQL = append(s.SQL, createTable(want))
	back, err := copyBack(order, t, want, values)
	if err != nil {
		return err
	}
	s.SQL = append(s.SQL, back...)
	if keep {
		s.SQL = append(s.SQL, restoreSequence(t.Name)...)
	}
	for _, u := range order {
		s.SQL = append(s.SQL, "DROP TABLE "+quoteIdent(backup(u.Name)))
	}
	p.step(s)
	t.Table, t.indexes = copyTable(want), indexesOf(want)
	return nil
}

// autoincrement reports whether t's key is AUTOINCREMENT.
func autoincrement(t *Table) bool {
	return slices.ContainsFunc(t.Columns, func(c *Column) bool { return c.Autoincrement })
}

// restoreSequence returns the statements that give a rebuilt AUTOINCREMENT
// table its counter back from its sequenceBackup, and drop that. Dropping
// the table deleted its row of sqlite_sequence; copying its rows back set
// a new one to their largest key, which is less than the counter when the
// rows with the largest keys were deleted, and may have set none.
func restoreSequence(table string) []string {
	saved := quoteIdent(sequenceBackup(table))
	name := quoteText(table)
	return []string{
		fmt.Sprintf(`UPDATE sqlite_sequence SET "seq" = (SELECT "seq" FROM %s) WHERE "name" = %s AND "seq" < (SELECT "seq" FROM %s)`, saved, name, saved),
		fmt.Sprintf(`INSERT INTO sqlite_sequence ("name", "seq") SELECT %s, "seq" FROM %s WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE "name" = %s)`, name, saved, name),
		"DROP TABLE " + saved,
	}
}

// copyBack returns the statements that refill the ordered tables from
// their backups, parents first: t with the shape want and the values
// computed for it, then its indexes; the others as they were. A
// key to a table that comes later in the order is filled once that table
// is, matching each row to its backup by its former primary key.
func copyBack(order []*live, t *live, want *Table, values map[string]string) ([]string, error) {
	var inserts, restores []string
	for i, u := range order {
		shape, from := &u.Table, func(c *Column) string { return quoteIdent(c.Name) }
		if u == t {
			shape, from = want, func(c *Column) string { return values[c.Name] }
		}
		later := map[string]bool{}
		for _, fk := range shape.ForeignKeys {
			if j := slices.IndexFunc(order, func(v *live) bool { return v.Name == fk.Table }); j > i {
				for _, c := range fk.Columns {
					later[c] = true
				}
			}
		}
		var names, exprs, waiting, waitingExprs []string
		for _, c := range shape.Columns {
			names = append(names, quoteIdent(c.Name))
			if later[c.Name] {
				exprs = append(exprs, "NULL")
				waiting, waitingExprs = append(waiting, quoteIdent(c.Name)), append(waitingExprs, from(c))
			} else {
				exprs = append(exprs, from(c))
			}
		}
		inserts = append(inserts, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s", quoteIdent(u.Name), strings.Join(names, ", "), strings.Join(exprs, ", "), quoteIdent(backup(u.Name))))
		if u == t {
			for _, ix := range indexesOf(want) {
				inserts = append(inserts, createIndex(want.Name, ix))
			}
		}
		if len(waiting) == 0 {
			continue
		}
		var match []string
		for _, k := range u.PrimaryKey { // u is still the table as it was
			c := shape.Column(k)
			if c == nil {
				return nil, fmt.Errorf("cannot rebuild %s: its key column %s goes while %s waits for rows copied back later; make that key optional or drop it in an earlier migration",
					quoteIdent(t.Name), quoteIdent(k), strings.Join(waiting, ", "))
			}
			match = append(match, fmt.Sprintf("%s = %s", from(c), qualified(u.Name, k)))
		}
		restores = append(restores, fmt.Sprintf("UPDATE %s SET %s = (SELECT %s FROM %s WHERE %s)", quoteIdent(u.Name),
			rowValue(waiting), strings.Join(waitingExprs, ", "), quoteIdent(backup(u.Name)), strings.Join(match, " AND ")))
	}
	return append(inserts, restores...), nil
}

// rebuildValues returns, for each column of want, the expression over t's
// backup rows that fills it, and notes in s what the conversion loses or
// risks.
func (p *planner) rebuildValues(t *live, want *Table, s *Step) map[string]string {
	values := map[string]string{}
	for _, c := range t.Columns {
		if want.Column(c.Name) == nil {
			s.Loses = append(s.Loses, Loss{"the values of column " + qualified(t.Name, c.Name), Target{t.Name, c.Name}})
		}
	}
	for _, c := range want.Columns {
		name := qualified(t.Name, c.Name)
		old := t.Column(c.Name)
		if old == nil {
			values[c.Name] = "NULL"
			if !c.Nullable {
				values[c.Name] = p.fill(want, c)
				s.Summary += fmt.Sprintf("; existing rows get %s in new column %s", values[c.Name], quoteIdent(c.Name))
			}
			continue
		}
		v := quoteIdent(c.Name)
		if sqlTypes[old.Type] != sqlTypes[c.Type] {
			v = fmt.Sprintf("CAST(%s AS %s)", v, sqlTypes[c.Type])
		}
		if old.Type != c.Type && !lossless(old.Type, c.Type) {
			s.Loses = append(s.Loses, Loss{fmt.Sprintf("values of column %s that a %s cannot hold exactly (it was %s)", name, c.Type, old.Type), Target{t.Name, c.Name}})
		}
		if old.Nullable && !c.Nullable {
			fill := p.fill(want, c)
			v = fmt.Sprintf("COALESCE(%s, %s)", v, fill)
			s.Loses = append(s.Loses, Loss{fmt.Sprintf("the NULLs of column %s, which become %s", name, fill), Target{t.Name, c.Name}})
		}
		values[c.Name] = v
	}
	if !slices.Equal(t.PrimaryKey, want.PrimaryKey) {
		s.Risks = append(s.Risks, fmt.Sprintf("two rows of %s have the same new primary key %s", quoteIdent(want.Name), columnList(want.Name, want.PrimaryKey)))
	}
	for _, fk := range want.ForeignKeys {
		if !hasForeignKey(&t.Table, fk) {
			s.Risks = append(s.Risks, fmt.Sprintf("a row of %s has a value of %s with no row in %s", quoteIdent(want.Name), columnList(want.Name, fk.Columns), quoteIdent(fk.Table)))
		}
	}
	for _, ix := range indexesOf(want) {
		s.Risks = append(s.Risks, uniqueRisk(t, ix)...)
	}
	return values
}

// lossless reports whether every value of type from converts to type to
// and back unchanged.
func lossless(from, to string) bool {
	switch from + ">" + to {
	case "int>real", "int>string", "bool>int", "date>string", "json>string":
		return true
	}
	return false
}

func describeForeignKey(fk *ForeignKey) string {
	return fmt.Sprintf("(%s) to %s", quoteList(fk.Columns), quoteIdent(fk.Table))
}
