// Package migrate turns the difference between two states of a database
// into migrations: it reads the interface description of a schema, keeps
// the table shapes of each D1 database and Durable Object as a [Snapshot],
// and plans the SQL that takes a database from the last snapshot to the
// current one without losing data silently.
//
// The stages are pure: [FromSchema] builds a snapshot, [Diff] compares two
// and returns a [Plan] of steps, and the plan renders as a D1 migration file
// ([Plan.SQL]) or a Durable Object migration module ([Plan.DurableModule]).
// Reading and writing the migrations directory is the command line's job.
package migrate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// SnapshotFormat is the version of the snapshot file format. A reader
// refuses other versions rather than guess at their meaning.
const SnapshotFormat = 1

// Binding kinds, as in [idl.Backing].
const (
	D1      = idl.D1Backing
	Durable = idl.DurableBacking
)

// A Snapshot is the shape of every table of one binding after a migration.
// It is saved next to the migration so that the next one can be planned
// from it, without looking at the database.
type Snapshot struct {
	Format  int      `json:"format"`
	Binding string   `json:"binding"`
	Kind    string   `json:"kind"` // D1 or Durable
	Hash    string   `json:"hash"` // over Kind, Binding and every table hash, in order
	Tables  []*Table `json:"tables"`
}

// A Table is the shape of one model's table. Tables of a snapshot are in
// the schema's topological order: a table follows those its required
// foreign keys reference.
type Table struct {
	Name        string        `json:"name"`
	Hash        string        `json:"hash"`    // over the fields below
	Columns     []*Column     `json:"columns"` // key columns first, in key order
	PrimaryKey  []string      `json:"primary_key"`
	ForeignKeys []*ForeignKey `json:"foreign_keys"`
	Uniques     [][]string    `json:"uniques"` // each a unique index
	// Indexes are the plain (not unique) indexes, each on the columns
	// listed, in order. Snapshots written before cloesce made them lack
	// the key (none is left out of the JSON, so their hashes still hold),
	// and the next migration creates those the schema asks for.
	Indexes [][]string `json:"indexes,omitempty"`
}

// A Column is a table column. Type is the schema's SQL type: int, real,
// string, blob, bool, date or json.
//
// Autoincrement marks the key of a table whose primary key is this one int
// column, created INTEGER PRIMARY KEY AUTOINCREMENT so that SQLite never
// assigns the key of a deleted row again. Snapshots written before cloesce
// did so lack it (false is left out of the JSON, so their hashes still
// hold), and the next migration rebuilds their tables with it.
type Column struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	Nullable      bool   `json:"nullable,omitempty"`
	Autoincrement bool   `json:"autoincrement,omitempty"`
}

// A ForeignKey says that Columns hold the References columns of Table.
type ForeignKey struct {
	Columns    []string `json:"columns"`
	Table      string   `json:"table"`
	References []string `json:"references"`
}

// sqlTypes maps the schema's column types to SQLite storage types.
var sqlTypes = map[string]string{
	"int": "INTEGER", "bool": "INTEGER", "real": "REAL",
	"string": "TEXT", "date": "TEXT", "json": "TEXT", "blob": "BLOB",
}

// Bindings returns the bindings that hold tables or may: every D1
// database, then every Durable Object, as `cloesce migrate --all` visits
// them.
func Bindings(s *idl.Schema) []string {
	out := slices.Clone(s.Env.D1)
	for _, d := range s.Env.Durable {
		out = append(out, d.Name)
	}
	return out
}

// FromSchema returns the snapshot of binding's tables in s: the models
// stored there that have a primary key.
func FromSchema(s *idl.Schema, binding string) (*Snapshot, error) {
	kind := ""
	switch {
	case slices.Contains(s.Env.D1, binding):
		kind = D1
	case slices.ContainsFunc(s.Env.Durable, func(d *idl.Durable) bool { return d.Name == binding }):
		kind = Durable
	default:
		return nil, fmt.Errorf("the schema has no D1 database or Durable Object named %q", binding)
	}
	snap := &Snapshot{Format: SnapshotFormat, Binding: binding, Kind: kind, Tables: []*Table{}}
	for _, m := range s.Models {
		if m.Backing == nil || m.Backing.Binding != binding || !m.HasSQL() {
			continue
		}
		t, err := tableOf(m)
		if err != nil {
			return nil, err
		}
		snap.Tables = append(snap.Tables, t)
	}
	snap.setHashes()
	return snap, snap.check()
}

func tableOf(m *idl.Model) (*Table, error) {
	t := &Table{Name: m.Name, Columns: []*Column{}, PrimaryKey: []string{}, ForeignKeys: []*ForeignKey{}, Uniques: [][]string{}}
	for _, f := range slices.Concat(m.PrimaryKey, m.Columns) {
		typ := f.Type
		c := &Column{Name: f.Name}
		if typ.Kind == idl.Option {
			c.Nullable, typ = true, typ.Elem
		}
		c.Type = typ.String()
		if _, ok := sqlTypes[c.Type]; !ok {
			return nil, fmt.Errorf("column %s.%s has type %s, which SQLite cannot store", m.Name, f.Name, f.Type)
		}
		t.Columns = append(t.Columns, c)
	}
	for _, f := range m.PrimaryKey {
		t.PrimaryKey = append(t.PrimaryKey, f.Name)
	}
	if t.rowid() {
		t.Columns[0].Autoincrement = true // key columns come first
	}
	for _, fk := range m.ForeignKeys {
		t.ForeignKeys = append(t.ForeignKeys, &ForeignKey{Columns: fk.Columns, Table: fk.Model, References: fk.References})
	}
	for _, u := range m.Uniques {
		if !slices.ContainsFunc(t.Uniques, func(v []string) bool { return slices.Equal(u, v) }) {
			t.Uniques = append(t.Uniques, u)
		}
	}
	for _, ix := range m.Indexes {
		if !slices.ContainsFunc(t.Indexes, func(v []string) bool { return slices.Equal(ix, v) }) {
			t.Indexes = append(t.Indexes, ix)
		}
	}
	return t, nil
}

// Table returns the table named name, or nil.
func (s *Snapshot) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// rowid reports whether t's primary key is a single int column, which
// SQLite makes an alias of the rowid: the only key AUTOINCREMENT is
// allowed on.
func (t *Table) rowid() bool {
	if len(t.PrimaryKey) != 1 {
		return false
	}
	c := t.Column(t.PrimaryKey[0])
	return c != nil && c.Type == "int"
}

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// setHashes computes every table's hash and the snapshot's over them.
// A table's hash is the SHA-256 of its compact JSON without the hash
// itself, so it depends on the shape alone and is stable across releases
// as long as the format is.
func (s *Snapshot) setHashes() {
	all := sha256.New()
	fmt.Fprintf(all, "%s\x00%s\x00", s.Kind, s.Binding)
	for _, t := range s.Tables {
		t.Hash = t.shapeHash()
		all.Write([]byte(t.Hash))
	}
	s.Hash = hex.EncodeToString(all.Sum(nil))[:16]
}

func (t *Table) shapeHash() string {
	shape := *t
	shape.Hash = ""
	data, _ := json.Marshal(&shape) // plain data: cannot fail
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Encode returns the snapshot's file form: indented JSON ending with a
// newline.
func (s *Snapshot) Encode() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(s) // plain data: cannot fail
	return b.Bytes()
}

// DecodeSnapshot reads a snapshot file. It refuses unknown fields, other
// format versions, inconsistent shapes and hashes that do not match, so
// that a hand-edited or damaged snapshot is reported instead of planning
// from a wrong picture of the database.
func DecodeSnapshot(data []byte) (*Snapshot, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Snapshot
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("not a snapshot: %v", err)
	}
	if s.Format != SnapshotFormat {
		return nil, fmt.Errorf("snapshot format %d is not supported (this cloesce reads format %d)", s.Format, SnapshotFormat)
	}
	if s.Kind != D1 && s.Kind != Durable {
		return nil, fmt.Errorf("snapshot kind %q is neither %q nor %q", s.Kind, D1, Durable)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	hashes := []string{s.Hash}
	for _, t := range s.Tables {
		hashes = append(hashes, t.Hash)
	}
	s.setHashes()
	for i, t := range s.Tables {
		if hashes[i+1] != t.Hash {
			return nil, fmt.Errorf("table %q does not match its hash: the snapshot was edited or damaged", t.Name)
		}
	}
	if hashes[0] != s.Hash {
		return nil, fmt.Errorf("the snapshot does not match its hash: it was edited or damaged")
	}
	return &s, nil
}

// check reports a snapshot whose tables are not self-consistent.
func (s *Snapshot) check() error {
	names := map[string]bool{}
	for _, t := range s.Tables {
		if t.Name == "" || names[t.Name] {
			return fmt.Errorf("table name %q is empty or repeated", t.Name)
		}
		names[t.Name] = true
		if err := t.check(); err != nil {
			return fmt.Errorf("table %q: %v", t.Name, err)
		}
	}
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			target := s.Table(fk.Table)
			if target == nil {
				return fmt.Errorf("table %q: foreign key to %q, which is not in the snapshot", t.Name, fk.Table)
			}
			if missing := target.missing(fk.References); missing != "" {
				return fmt.Errorf("table %q: foreign key references %s.%s, which does not exist", t.Name, fk.Table, missing)
			}
		}
	}
	return nil
}

func (t *Table) check() error {
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if c == nil || c.Name == "" || seen[c.Name] {
			return fmt.Errorf("a column name is empty or repeated")
		}
		seen[c.Name] = true
		if _, ok := sqlTypes[c.Type]; !ok {
			return fmt.Errorf("column %q has unknown type %q", c.Name, c.Type)
		}
	}
	if len(t.PrimaryKey) == 0 {
		return fmt.Errorf("no primary key")
	}
	for _, c := range t.Columns {
		if c.Autoincrement && !(t.rowid() && c.Name == t.PrimaryKey[0]) {
			return fmt.Errorf("column %q is autoincrement but not the primary key of a single int column", c.Name)
		}
	}
	groups := [][]string{t.PrimaryKey}
	for _, fk := range t.ForeignKeys {
		if fk == nil || len(fk.Columns) == 0 || len(fk.Columns) != len(fk.References) {
			return fmt.Errorf("a foreign key has no columns or a column count unlike its references")
		}
		groups = append(groups, fk.Columns)
	}
	for _, g := range slices.Concat(groups, t.Uniques, t.Indexes) {
		if len(g) == 0 {
			return fmt.Errorf("an empty unique group or index")
		}
		if missing := t.missing(g); missing != "" {
			return fmt.Errorf("no column %q", missing)
		}
	}
	return nil
}

// missing returns the first of names that is not a column, or "".
func (t *Table) missing(names []string) string {
	for _, n := range names {
		if t.Column(n) == nil {
			return n
		}
	}
	return ""
}
