// Package migratetest reads the migration scenarios in
// internal/migrate/testdata/scenarios. The migrate package applies them to
// SQLite in its tests and the end-to-end tests apply them to a local D1
// with wrangler, so both run the same schemas, data and expectations.
//
// A scenario is a txtar archive. Its comment says what it shows. Entries:
//
//	N.clo       the schema at step N (1, 2, ...)
//	N.args      flags of `cloesce migrate` for step N, one per line
//	N.seed.sql  statements run after step N's migration
//	check       queries on the final database and the rows they return
//	N.sql N.ts  the migration of step N (goldens the migrate tests write)
//
// A scenario may start from a database an earlier release of cloesce
// made, to show how its migrations carry such databases over: 0.sql and
// 0.json are the D1 migration and snapshot that release wrote (inputs,
// never rewritten), applied before step 1 and followed by 0.seed.sql.
//
// In check, blocks are separated by blank lines: a query on one line, then
// one line per row with its values joined by "|", NULL for null.
package migratetest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// A Scenario is a schema's evolution with data in its tables.
type Scenario struct {
	Name    string
	Comment string
	Steps   []*Step
	Checks  []*Check
	Modules []string // the Durable Object migration modules of its goldens, by step
	Start   *Start   // the database step 1 migrates, when an earlier cloesce made it
}

// A Start is a D1 database as an earlier release of cloesce left it.
type Start struct {
	SQL      string // the migration that release wrote
	Snapshot string // the snapshot it wrote with it
	Seed     string // rows put in after the migration
}

// A Step is one version of the schema and the migration to it.
type Step struct {
	Schema string   // the schema text
	Args   []string // flags of cloesce migrate
	Seed   string   // SQL to run once the step's migration is applied
}

// A Check is a query and the rows it must return.
type Check struct {
	Query string
	Rows  []string
}

// Load reads every scenario in dir.
func Load(dir string) ([]*Scenario, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no scenarios in %s", dir)
	}
	var out []*Scenario
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			return nil, err
		}
		s, err := Parse(strings.TrimSuffix(filepath.Base(path), ".txtar"), ar)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Parse reads a scenario from its archive.
func Parse(name string, ar *txtar.Archive) (*Scenario, error) {
	s := &Scenario{Name: name, Comment: strings.TrimSpace(string(ar.Comment))}
	entries := map[string]string{}
	for _, f := range ar.Files {
		entries[f.Name] = string(f.Data)
	}
	for n := 1; ; n++ {
		schema, ok := entries[fmt.Sprintf("%d.clo", n)]
		if !ok {
			break
		}
		st := &Step{Schema: schema, Seed: entries[fmt.Sprintf("%d.seed.sql", n)]}
		if module, ok := entries[fmt.Sprintf("%d.ts", n)]; ok {
			s.Modules = append(s.Modules, module)
		}
		for _, line := range strings.Split(entries[fmt.Sprintf("%d.args", n)], "\n") {
			if line = strings.TrimSpace(line); line != "" {
				st.Args = append(st.Args, line)
			}
		}
		s.Steps = append(s.Steps, st)
	}
	if len(s.Steps) == 0 {
		return nil, errors.New("no 1.clo entry")
	}
	if sql, ok := entries["0.sql"]; ok {
		s.Start = &Start{SQL: sql, Snapshot: entries["0.json"], Seed: entries["0.seed.sql"]}
		if s.Start.Snapshot == "" {
			return nil, errors.New("a 0.sql entry without its 0.json snapshot")
		}
	}
	check, ok := entries["check"]
	if !ok {
		return nil, errors.New("no check entry")
	}
	for _, block := range strings.Split(strings.TrimSpace(check), "\n\n") {
		lines := strings.Split(block, "\n")
		s.Checks = append(s.Checks, &Check{Query: lines[0], Rows: lines[1:]})
	}
	return s, nil
}

// Analyze parses and analyses a schema, which must have no diagnostics.
func Analyze(text string) (*idl.Schema, error) {
	var diags diag.List
	f := parser.Parse(source.NewFile("schema.clo", text), &diags)
	s := sema.Analyze([]*ast.File{f}, &diags)
	if diags.Len() > 0 {
		return nil, fmt.Errorf("schema has diagnostics:\n%s", diags.Text())
	}
	return s, nil
}

// Binding returns the one binding of a schema that holds tables or may.
func Binding(s *idl.Schema) (string, error) {
	b := migrate.Bindings(s)
	if len(b) != 1 {
		return "", fmt.Errorf("a scenario's schema declares one D1 database or Durable Object, not %d", len(b))
	}
	return b[0], nil
}

// Options reads the flags of a step as cloesce migrate does, and reports
// whether they allow data loss.
func Options(args []string) (migrate.Options, bool, error) {
	var opts migrate.Options
	allow := false
	for _, arg := range args {
		flag, value, _ := strings.Cut(arg, " ")
		var err error
		switch flag {
		case "--rename":
			var r migrate.Rename
			r, err = migrate.ParseRename(value)
			opts.Renames = append(opts.Renames, r)
		case "--drop":
			var t migrate.Target
			t, err = migrate.ParseTarget(value)
			opts.Drops = append(opts.Drops, t)
		case "--default":
			var d migrate.Default
			d, err = migrate.ParseDefault(value)
			opts.Defaults = append(opts.Defaults, d)
		case "--allow-data-loss":
			allow = true
		default:
			err = fmt.Errorf("unknown flag %q", arg)
		}
		if err != nil {
			return opts, false, err
		}
	}
	return opts, allow, nil
}

// Value renders a value read from SQLite, or decoded from wrangler's JSON
// with UseNumber, as check rows spell it.
func Value(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case string:
		return v, nil
	case interface{ Float64() (float64, error) }: // json.Number
		f, err := v.Float64()
		return strconv.FormatFloat(f, 'g', -1, 64), err
	}
	return "", fmt.Errorf("a check cannot return %T values; select hex(x) for blobs", v)
}
