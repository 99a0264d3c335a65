package migrate

import (
	"fmt"
	"slices"
)

// A pair is a table of the last snapshot and what it has become.
type pair struct {
	old, cur *Table
	from     map[string]string // current column name -> former name, for the columns both have
}

// A matcher pairs the tables and columns of two snapshots: by name, then
// by the renames the user gave or answered. What is left is created or
// dropped.
type matcher struct {
	old, cur *Snapshot
	opts     Options
	used     []string   // the options applied, as flags
	open     []Question // questions left for the user
}

// match returns the table pairs in the current snapshot's order, and the
// tables of the old snapshot that are dropped, in its order.
func (m *matcher) match() (pairs []*pair, dropped []*Table, err error) {
	renamed, err := m.tables()
	if err != nil {
		return nil, nil, err
	}
	formerName := map[string]string{}
	for from, to := range renamed {
		formerName[to] = from
	}
	kept := map[string]bool{}
	for _, t := range m.cur.Tables {
		name := t.Name
		if from, ok := formerName[name]; ok {
			name = from
		}
		if old := m.old.Table(name); old != nil {
			p := &pair{old: old, cur: t}
			if err := m.columns(p); err != nil {
				return nil, nil, err
			}
			pairs = append(pairs, p)
			kept[old.Name] = true
		}
	}
	for _, t := range m.old.Tables {
		if !kept[t.Name] {
			dropped = append(dropped, t)
		}
	}
	if len(m.open) > 0 {
		return nil, nil, &UnresolvedError{Kind: m.cur.Kind, Binding: m.cur.Binding, Questions: m.open}
	}
	return pairs, dropped, nil
}

// tables returns the table renames, former name to current name.
func (m *matcher) tables() (map[string]string, error) {
	var gone, added []string
	for _, t := range m.old.Tables {
		if m.cur.Table(t.Name) == nil {
			gone = append(gone, t.Name)
		}
	}
	for _, t := range m.cur.Tables {
		if m.old.Table(t.Name) == nil {
			added = append(added, t.Name)
		}
	}
	renamed := map[string]string{}
	taken := map[string]bool{}
	settled := map[string]bool{}
	for _, r := range m.opts.Renames {
		if r.Column != "" || m.old.Table(r.Table) == nil && m.cur.Table(r.To) == nil {
			continue // a column, or another binding's model
		}
		switch {
		case !slices.Contains(gone, r.Table):
			return nil, fmt.Errorf("%s: %s", r, m.notGone(Target{Table: r.Table}))
		case !slices.Contains(added, r.To):
			return nil, fmt.Errorf("%s: %s", r, m.notNew(Target{Table: r.To}))
		case settled[r.Table] || taken[r.To]:
			return nil, fmt.Errorf("%s: another --rename or --drop already says what became of %q or %q", r, r.Table, r.To)
		}
		renamed[r.Table], taken[r.To], settled[r.Table] = r.To, true, true
		m.used = append(m.used, r.String())
	}
	for _, d := range m.opts.Drops {
		if d.Column != "" || m.old.Table(d.Table) == nil && m.cur.Table(d.Table) == nil {
			continue
		}
		if !slices.Contains(gone, d.Table) || settled[d.Table] {
			return nil, fmt.Errorf("--drop %s: %s", d, m.notGone(d))
		}
		settled[d.Table] = true
		m.used = append(m.used, "--drop "+d.String())
	}
	for _, g := range gone {
		options := slices.DeleteFunc(slices.Clone(added), func(a string) bool { return taken[a] })
		if settled[g] || len(options) == 0 {
			continue
		}
		to, err := m.ask(Question{Table: g, Options: options})
		if err != nil {
			return nil, err
		}
		if to != "" {
			renamed[g], taken[to] = to, true
		}
	}
	return renamed, nil
}

// columns pairs the columns of p by name, then by renames.
func (m *matcher) columns(p *pair) error {
	p.from = map[string]string{}
	var gone, added []string
	for _, c := range p.cur.Columns {
		if p.old.Column(c.Name) != nil {
			p.from[c.Name] = c.Name
		} else {
			added = append(added, c.Name)
		}
	}
	for _, c := range p.old.Columns {
		if p.cur.Column(c.Name) == nil {
			gone = append(gone, c.Name)
		}
	}
	names := func(t Target) bool { return t.Column != "" && (t.Table == p.cur.Name || t.Table == p.old.Name) }
	settled := map[string]bool{}
	for _, r := range m.opts.Renames {
		if !names(r.Target) {
			continue
		}
		from, to := Target{p.old.Name, r.Column}, Target{p.cur.Name, r.To}
		switch {
		case !slices.Contains(gone, r.Column):
			return fmt.Errorf("%s: %s", r, m.notGone(from))
		case !slices.Contains(added, r.To):
			return fmt.Errorf("%s: %s", r, m.notNew(to))
		case settled[r.Column] || p.from[r.To] != "":
			return fmt.Errorf("%s: another --rename or --drop already says what became of %q or %q", r, from, to)
		}
		p.from[r.To], settled[r.Column] = r.Column, true
		m.used = append(m.used, r.String())
	}
	for _, d := range m.opts.Drops {
		if !names(d) {
			continue
		}
		if !slices.Contains(gone, d.Column) || settled[d.Column] {
			return fmt.Errorf("--drop %s: %s", d, m.notGone(Target{p.old.Name, d.Column}))
		}
		settled[d.Column] = true
		m.used = append(m.used, "--drop "+d.String())
	}
	for _, g := range gone {
		options := slices.DeleteFunc(slices.Clone(added), func(a string) bool { return p.from[a] != "" })
		if settled[g] || len(options) == 0 {
			continue
		}
		to, err := m.ask(Question{Table: p.cur.Name, Column: g, Options: options})
		if err != nil {
			return err
		}
		if to != "" {
			p.from[to] = g
		}
	}
	return nil
}

// ask returns the answer to q: the new name, or "" for a drop or when
// there is nobody to ask, in which case q is left open.
func (m *matcher) ask(q Question) (string, error) {
	if m.opts.Ask == nil {
		m.open = append(m.open, q)
		return "", nil
	}
	to, err := m.opts.Ask(q)
	if err != nil {
		return "", err
	}
	if to != "" && !slices.Contains(q.Options, to) {
		return "", fmt.Errorf("%q is not one of the new names %q", to, q.Options)
	}
	return to, nil
}

// notGone explains why t cannot have been renamed or dropped.
func (m *matcher) notGone(t Target) string {
	old := m.old.Table(t.Table)
	switch {
	case old == nil:
		return fmt.Sprintf("%q had no model %q at its last migration", m.old.Binding, t.Table)
	case t.Column != "" && old.Column(t.Column) == nil:
		return fmt.Sprintf("model %q had no column %q at the last migration", t.Table, t.Column)
	}
	return fmt.Sprintf("%q still exists, or another --rename or --drop already names it", t)
}

// notNew explains why t cannot be what something was renamed to.
func (m *matcher) notNew(t Target) string {
	cur := m.cur.Table(t.Table)
	switch {
	case cur == nil:
		return fmt.Sprintf("%q has no model %q", m.cur.Binding, t.Table)
	case t.Column != "" && cur.Column(t.Column) == nil:
		return fmt.Sprintf("model %q has no column %q", t.Table, t.Column)
	}
	return fmt.Sprintf("%q existed at the last migration already", t)
}
