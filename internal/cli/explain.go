package cli

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the in-memory database the plans are asked of

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/sqlgen"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/version"
)

// runExplain prints, for each generated get, list and save of a model's
// data sources, the statements it sends to the database, how it sends
// them, and SQLite's query plan of each on an in-memory database built from
// the project's migrations, flagging full scans.
//
// Gets and lists are the compiler's queries, read from the schema. A save
// is planned at run time by the runtime package from the object sent, so
// explain asks that planner, the project's own node_modules/cloesce, to
// plan a sample object (see saveSample) rather than repeat its logic here,
// where it would drift from what the Worker does.
func runExplain(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
	modelName, sourceName, dir, err := explainArgs(args)
	if err != nil {
		return err
	}
	var diags diag.List
	proj, schema, err := e.loadValid(dir, &diags)
	if err != nil {
		return err
	}
	model := schemaModel(schema, modelName)
	if model == nil {
		var names []string
		for _, m := range schema.Models {
			names = append(names, m.Name)
		}
		if s, ok := suggest.Closest(modelName, names); ok {
			return usagef("the schema has no model %q (did you mean %q?)", modelName, s)
		}
		return usagef("the schema has no model %q", modelName)
	}
	if !model.HasSQL() || model.Backing == nil {
		return usagef("%s has no table: it sends no SQL to explain", model.Name)
	}
	sources := model.Sources
	if sourceName != "" {
		src := model.Source(sourceName)
		if src == nil {
			var names []string
			for _, s := range model.Sources {
				names = append(names, s.Name)
			}
			hint := ""
			if s, ok := suggest.Closest(sourceName, names); ok {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			return usagef("%s has no data source %q%s; its sources: %s", model.Name, sourceName, hint, strings.Join(names, ", "))
		}
		sources = []*idl.Source{src}
	}

	db, dbInfo, err := explainDatabase(proj.cfg.Root, migrationsDir(proj.cfg, model.Backing.Binding), schema, model.Backing)
	if err != nil {
		return err
	}
	defer db.Close()

	x := &explanation{Model: model.Name, Database: dbInfo}
	for _, src := range sources {
		x.Sources = append(x.Sources, explainReads(db, model, src))
	}
	saves := explainSaves(ctx, proj.cfg.Root, schema, model, sources)
	for i := range x.Sources {
		x.Sources[i].Save = saves.ops[i]
		if saves.ops[i].Statements != nil {
			for j := range saves.ops[i].Statements {
				planStatement(db, &saves.ops[i].Statements[j])
			}
		}
	}
	x.Runtime = saves.runtime
	x.count()
	if e.format == diag.JSON {
		enc := json.NewEncoder(e.stdio.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(x)
	}
	x.write(e.stdio.Out)
	return nil
}

// explainArgs splits `<Model> [<Source>] [dir]`. With two arguments, the
// second is the project directory when it is a directory, else a source.
func explainArgs(args []string) (model, source, dir string, err error) {
	switch len(args) {
	case 0:
		return "", "", "", usagef("explain needs a model name: cloesce explain <Model> [<Source>] [dir]")
	case 1:
		return args[0], "", ".", nil
	case 2:
		if info, err := os.Stat(args[1]); err == nil && info.IsDir() {
			return args[0], "", args[1], nil
		}
		return args[0], args[1], ".", nil
	case 3:
		return args[0], args[1], args[2], nil
	}
	return "", "", "", usagef("explain takes a model, a data source and a project directory, got %d arguments", len(args))
}

func schemaModel(s *idl.Schema, name string) *idl.Model {
	for _, m := range s.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// An explanation is what explain prints, and its JSON form.
type explanation struct {
	Model    string          `json:"model"`
	Database databaseInfo    `json:"database"`
	Runtime  string          `json:"runtime,omitempty"` // the runtime package that planned the saves
	Sources  []sourceExplain `json:"sources"`
	// FullScans counts the plan lines that read a whole table.
	FullScans int `json:"full_scans"`
}

// databaseInfo says which database the statements go to and what the
// plans were asked of.
type databaseInfo struct {
	Kind    string `json:"kind"` // d1 or durable
	Binding string `json:"binding"`
	// Tables says where the in-memory tables come from.
	Tables string   `json:"tables"`
	Notes  []string `json:"notes,omitempty"`
}

type sourceExplain struct {
	Name    string    `json:"name"`
	Include idl.Tree  `json:"include"`
	Get     opExplain `json:"get"`
	List    opExplain `json:"list"`
	Save    opExplain `json:"save"`
}

// An opExplain is one generated get, list or save.
type opExplain struct {
	// Skipped says why there is nothing to explain: the method is written
	// by the user, or its statements could not be found.
	Skipped string `json:"skipped,omitempty"`
	// Batches is how many batch() calls (D1) or storage transactions
	// (Durable Object) send the statements; 0 when one statement is sent
	// on its own.
	Batches    int             `json:"batches"`
	Statements []statementPlan `json:"statements"`
	// Sample is the object a save was planned for, and KVWrites the KV
	// values it writes after its batch.
	Sample   map[string]any `json:"sample,omitempty"`
	KVWrites int            `json:"kv_writes,omitempty"`
}

type statementPlan struct {
	SQL string `json:"sql"`
	// Role says what a save's statement is for: "read-back", "keys".
	Role  string     `json:"role,omitempty"`
	Plan  []planLine `json:"plan"`
	Error string     `json:"error,omitempty"` // SQLite could not plan it
}

// A planLine is a row of EXPLAIN QUERY PLAN. FullScan names the table a
// SCAN reads whole, or that an automatic index is built from.
type planLine struct {
	ID       int    `json:"id"`
	Parent   int    `json:"parent"`
	Detail   string `json:"detail"`
	FullScan string `json:"full_scan,omitempty"`
}

// explainReads explains a source's get and list: the queries the compiler
// wrote into the schema for them.
func explainReads(db *sql.DB, model *idl.Model, src *idl.Source) sourceExplain {
	out := sourceExplain{Name: src.Name, Include: src.Tree}
	if out.Include == nil {
		out.Include = idl.Tree{}
	}
	op := func(m *idl.SourceMethod, queries []string) opExplain {
		switch {
		case m == nil:
			return opExplain{Skipped: "the source has no list"}
		case m.Stub:
			return opExplain{Skipped: "written by you: its statements are yours"}
		case len(queries) == 0:
			return opExplain{Skipped: "the schema holds no query for it"}
		}
		x := opExplain{}
		if len(queries) > 1 {
			x.Batches = 1
		}
		for _, q := range queries {
			s := statementPlan{SQL: q}
			planStatement(db, &s)
			x.Statements = append(x.Statements, s)
		}
		return x
	}
	out.Get = op(src.Get, readQueries(model, src, idl.CrudGet))
	out.List = op(src.List, readQueries(model, src, idl.CrudList))
	return out
}

// readQueries returns the statements a generated get or list of src
// sends: one, or several sent in one batch.
func readQueries(model *idl.Model, src *idl.Source, kind string) []string {
	if src.Query == "" {
		return nil
	}
	if kind == idl.CrudList {
		return []string{sqlgen.ListQuery(model, src.Query)}
	}
	return []string{sqlgen.GetQuery(model, src.Query)}
}

// planStatement asks SQLite for the query plan of s.
func planStatement(db *sql.DB, s *statementPlan) {
	rows, err := db.Query("EXPLAIN QUERY PLAN "+s.SQL, make([]any, paramCount(s.SQL))...)
	if err != nil {
		s.Error = strings.TrimPrefix(err.Error(), "SQL logic error: ")
		return
	}
	defer rows.Close()
	aliases := tableAliases(s.SQL)
	s.Plan = []planLine{}
	parents := map[int]int{}
	derived := map[string]int{} // name of a materialized subquery -> its plan line
	for rows.Next() {
		var l planLine
		var unused int
		if err := rows.Scan(&l.ID, &l.Parent, &unused, &l.Detail); err != nil {
			s.Error = err.Error()
			return
		}
		parents[l.ID] = l.Parent
		if m := derivedTable.FindStringSubmatch(l.Detail); m != nil {
			derived[m[1]] = l.ID
		}
		l.FullScan = fullScan(l.Detail, aliases)
		// A subquery in FROM named like the table it reads ("Comment_2"):
		// outside its MATERIALIZE block, a SCAN of that name reads the
		// subquery's rows, not the table.
		if id, ok := derived[scannedName(l.Detail)]; ok && !descends(parents, l.ID, id) {
			l.FullScan = ""
		}
		s.Plan = append(s.Plan, l)
	}
	if err := rows.Err(); err != nil {
		s.Error = err.Error()
	}
}

// scannedName is the name a SCAN plan line, or a search through an
// automatic index, reads; or "".
func scannedName(detail string) string {
	if m := scanLine.FindStringSubmatch(detail); m != nil {
		return m[1]
	}
	if m := automaticIndex.FindStringSubmatch(detail); m != nil {
		return m[1]
	}
	return ""
}

// descends reports whether plan line id lies below plan line ancestor.
func descends(parents map[int]int, id, ancestor int) bool {
	for p, ok := parents[id]; ok && p != 0; p, ok = parents[p] {
		if p == ancestor {
			return true
		}
	}
	return false
}

var (
	// derivedTable is a plan line computing a subquery in FROM.
	derivedTable = regexp.MustCompile(`^(?:MATERIALIZE|CO-ROUTINE) (\S+)$`)
	// scanLine is a plan line reading a table or index from end to end.
	scanLine = regexp.MustCompile(`^SCAN (\S+)(?: AS \S+)?(.*)$`)
	// automaticIndex is a plan line whose index SQLite builds by reading the whole table first.
	automaticIndex = regexp.MustCompile(`^SEARCH (\S+)(?: AS \S+)? USING AUTOMATIC`)
	aliasClause    = regexp.MustCompile(`"((?:[^"]|"")+)" AS "((?:[^"]|"")+)"`)
	quotedIdent    = strings.NewReplacer(`""`, `"`)
)

// fullScan returns the table a plan line reads whole: a SCAN without an
// index, or an automatic index built on each run. Scans of subqueries,
// VALUES rows and other non-tables are not full scans.
func fullScan(detail string, aliases map[string]string) string {
	name := ""
	if m := scanLine.FindStringSubmatch(detail); m != nil && !strings.Contains(m[2], " USING ") {
		name = m[1]
	} else if m := automaticIndex.FindStringSubmatch(detail); m != nil {
		name = m[1]
	}
	if name == "" {
		return ""
	}
	table, ok := aliases[name]
	if !ok {
		return ""
	}
	return table
}

// tableAliases maps the names a statement reads tables by, the tables'
// own names and their aliases ("Comment" AS "Comment_2"), to the tables.
// Names are added for every quoted identifier, which over-approximates the
// tables but only names a plan line already says is a SCAN.
func tableAliases(sqlText string) map[string]string {
	out := map[string]string{}
	for _, m := range aliasClause.FindAllStringSubmatch(sqlText, -1) {
		table, alias := quotedIdent.Replace(m[1]), quotedIdent.Replace(m[2])
		out[alias] = table
	}
	for _, m := range quotedIdentifier.FindAllStringSubmatch(sqlText, -1) {
		name := quotedIdent.Replace(m[1])
		if _, ok := out[name]; !ok {
			out[name] = name
		}
	}
	return out
}

var quotedIdentifier = regexp.MustCompile(`"((?:[^"]|"")+)"`)

// paramCount returns the number of values a statement's numbered
// parameters (?1, ?2, ...) need, skipping string literals, quoted names
// and comments. EXPLAIN QUERY PLAN is asked with each bound to NULL.
func paramCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"' || c == '`':
			for i++; i < len(s); i++ {
				if s[i] == c {
					if i+1 < len(s) && s[i+1] == c {
						i++
						continue
					}
					break
				}
			}
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '?':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if k, err := strconv.Atoi(s[i+1 : j]); err == nil {
				n = max(n, k)
			} else {
				n++
			}
			i = j - 1
		}
	}
	return n
}

// explainDatabase builds an in-memory SQLite database with the tables of
// backing: its migrations applied in order (D1 SQL files, or the
// statements of Durable Object migration modules), or, before the first
// migration, the tables the first would create.
func explainDatabase(root, dir string, schema *idl.Schema, backing *idl.Backing) (*sql.DB, databaseInfo, error) {
	info := databaseInfo{Kind: backing.Kind, Binding: backing.Binding}
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, info, err
	}
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	fail := func(err error) (*sql.DB, databaseInfo, error) {
		db.Close()
		return nil, info, err
	}
	ext := "sql"
	if backing.Kind == idl.DurableBacking {
		ext = "ts"
	}
	files, err := migrationFiles(dir, ext)
	if err != nil {
		return fail(err)
	}
	shown := filepath.ToSlash(relTo(root, dir))
	snap, err := migrate.FromSchema(schema, backing.Binding)
	if err != nil {
		return fail(err)
	}
	if len(files) == 0 {
		info.Tables = "the schema: " + shown + " holds no migration yet, so the tables are those the first would create"
		plan, err := migrate.Diff(nil, snap, migrate.Options{})
		if err != nil {
			return fail(err)
		}
		for _, s := range plan.Steps {
			for _, stmt := range s.SQL {
				if _, err := db.Exec(stmt); err != nil {
					return fail(fmt.Errorf("creating the tables of %s: %v", backing.Binding, err))
				}
			}
		}
		return db, info, nil
	}
	info.Tables = fmt.Sprintf("%s (%s applied)", shown, count(len(files), "migration", "migrations"))
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return fail(err)
		}
		stmts := []string{string(data)}
		if ext == "ts" {
			if stmts, err = moduleStatements(string(data)); err != nil {
				return fail(fmt.Errorf("%s: %v", filepath.ToSlash(filepath.Join(shown, f)), err))
			}
		}
		for _, stmt := range stmts {
			if _, err := db.Exec(stmt); err != nil {
				return fail(fmt.Errorf("%s does not apply to SQLite: %v", filepath.ToSlash(filepath.Join(shown, f)), err))
			}
		}
	}
	last, err := (&migration{dir: dir}).read()
	if err == nil && last != nil && last.Hash != snap.Hash {
		info.Notes = append(info.Notes, fmt.Sprintf("the schema has changed since the last migration of %s: plans are of the migrated tables (run cloesce migrate to catch up)", backing.Binding))
	}
	return db, info, nil
}

// relTo shows path relative to root when it is inside it.
func relTo(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// migrationFiles lists dir's migration files with extension ext, in the
// order they are applied: by timestamp, then name.
func migrationFiles(dir, ext string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	type file struct {
		ts   int64
		name string
	}
	var files []file
	for _, ent := range entries {
		ts, _, e, ok := migrate.ParseFileName(ent.Name())
		if ok && e == ext && !ent.IsDir() {
			files = append(files, file{ts, ent.Name()})
		}
	}
	sort.Slice(files, func(i, j int) bool {
		return files[i].ts < files[j].ts || files[i].ts == files[j].ts && files[i].name < files[j].name
	})
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.name
	}
	return out, nil
}

// moduleStatements returns the SQL of a Durable Object migration module:
// the template literal of each sql.exec call, as cloesce migrate writes
// them (migrate.Plan.DurableModule). A literal with a substitution cannot
// be read without running the module, and is refused.
func moduleStatements(text string) ([]string, error) {
	var out []string
	for rest := text; ; {
		i := strings.Index(rest, "sql.exec(`")
		if i < 0 {
			return out, nil
		}
		rest = rest[i+len("sql.exec(`"):]
		var b strings.Builder
		for j := 0; ; j++ {
			if j >= len(rest) {
				return nil, fmt.Errorf("a sql.exec template literal does not end")
			}
			switch c := rest[j]; {
			case c == '\\' && j+1 < len(rest):
				j++
				b.WriteByte(rest[j])
			case c == '$' && j+1 < len(rest) && rest[j+1] == '{':
				return nil, fmt.Errorf("a sql.exec statement substitutes a value (${...}); explain reads only the plain statements cloesce migrate writes")
			case c == '`':
				out = append(out, b.String())
				rest = rest[j+1:]
				goto next
			default:
				b.WriteByte(c)
			}
		}
	next:
	}
}

// savesExplained are the saves of a model's sources, planned by the runtime.
type savesExplained struct {
	ops     []opExplain
	runtime string
}

// explainSaves plans, for each source with a generated save, a sample
// object of its include tree with the project's runtime package: node
// imports node_modules/cloesce, the package the Worker bundles, and runs
// its save planner (Orm.planSave) without a database.
func explainSaves(ctx context.Context, root string, schema *idl.Schema, model *idl.Model, sources []*idl.Source) savesExplained {
	out := savesExplained{ops: make([]opExplain, len(sources))}
	type job struct {
		Model   string         `json:"model"`
		Value   map[string]any `json:"value"`
		Include idl.Tree       `json:"include"`
	}
	var jobs []job
	var index []int
	for i, src := range sources {
		if src.Save == nil || src.Save.Stub {
			out.ops[i] = opExplain{Skipped: "written by you: its statements are yours"}
			continue
		}
		tree := src.Tree
		if tree == nil {
			tree = idl.Tree{}
		}
		sample := saveSample(schema, model, tree)
		out.ops[i] = opExplain{Sample: sample}
		jobs = append(jobs, job{Model: model.Name, Value: sample, Include: tree})
		index = append(index, i)
	}
	if len(jobs) == 0 {
		return out
	}
	skip := func(why string) savesExplained {
		for _, i := range index {
			out.ops[i].Skipped = why
		}
		return out
	}
	entry, why := runtimeEntry(root)
	if entry == "" {
		return skip(why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return skip("a save is planned by the runtime package, run by node, and node is not on the PATH")
	}
	cidl, err := idl.Encode(schema)
	if err != nil {
		return skip(err.Error())
	}
	input, err := json.Marshal(map[string]any{"entry": entry, "schema": json.RawMessage(cidl), "jobs": jobs})
	if err != nil {
		return skip(err.Error())
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--input-type=module", "-e", planSavesScript)
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return skip("the runtime's save planner failed: " + firstLine(msg))
	}
	var res struct {
		Version string `json:"version"`
		Error   string `json:"error"`
		Plans   []struct {
			Statements []struct {
				SQL string `json:"sql"`
			} `json:"statements"`
			Select   int    `json:"select"`
			Keys     int    `json:"keys"`
			KVWrites int    `json:"kv_writes"`
			Error    string `json:"error"`
		} `json:"plans"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return skip("the runtime's save planner answered something else than its plans: " + firstLine(stdout.String()))
	}
	out.runtime = fmt.Sprintf("%s (version %s)", filepath.ToSlash(relTo(absRoot(root), entry)), res.Version)
	if res.Version != version.Version {
		out.runtime += fmt.Sprintf("; this compiler is %s, and the Worker refuses a runtime of another version", version.Version)
	}
	if res.Error != "" {
		return skip(res.Error)
	}
	for k, i := range index {
		p := res.Plans[k]
		op := &out.ops[i]
		if p.Error != "" {
			op.Skipped = "the runtime's save planner refused the sample: " + p.Error
			continue
		}
		op.Batches = 1
		op.KVWrites = p.KVWrites
		op.Statements = []statementPlan{}
		for j, s := range p.Statements {
			role := ""
			switch {
			case j == p.Select:
				role = "read-back"
			case j == p.Keys:
				role = "keys"
			}
			op.Statements = append(op.Statements, statementPlan{SQL: s.SQL, Role: role})
		}
	}
	return out
}

// planSavesScript runs in node: it imports the runtime package at the
// path given on stdin and prints the plan of each job's save.
//
//go:embed explain_save.mjs
var planSavesScript string

// runtimeEntry returns the file node imports the project's runtime package
// by, or "" and why there is none.
func runtimeEntry(root string) (string, string) {
	pkgJSON, ok := findUp(root, filepath.Join("node_modules", "cloesce", "package.json"))
	if !ok {
		msg, help := runtimeMissing(root)
		return "", "a save is planned by the runtime package, and " + msg + ": " + strings.TrimSuffix(help, ", then cloesce dev again")
	}
	data, err := os.ReadFile(pkgJSON)
	if err != nil {
		return "", err.Error()
	}
	entry := filepath.Join(filepath.Dir(pkgJSON), packageEntry(data))
	if _, err := os.Stat(entry); err != nil {
		return "", fmt.Sprintf("a save is planned by the runtime package, and %s is not built (%s is missing)", filepath.Dir(pkgJSON), filepath.ToSlash(entry))
	}
	abs, err := filepath.Abs(entry)
	if err != nil {
		return "", err.Error()
	}
	return abs, ""
}

func absRoot(root string) string {
	if abs, err := filepath.Abs(root); err == nil {
		return abs
	}
	return root
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// saveSample returns the object explain asks the save planner about: a
// new object of model along tree, one object per navigation and one
// element per collection, every column given a value of its type except
// a key the database generates, and every KV field in the tree a value.
// Foreign keys to objects in the sample are the planner's to fill.
func saveSample(schema *idl.Schema, model *idl.Model, tree idl.Tree) map[string]any {
	obj := map[string]any{}
	generated := len(model.PrimaryKey) == 1 && model.PrimaryKey[0].Type.Kind == idl.Int
	for i, f := range slices.Concat(model.PrimaryKey, model.Columns) {
		if i == 0 && generated {
			continue
		}
		obj[f.Name] = sampleValue(f.Type)
	}
	for _, inc := range tree {
		if nav := model.Navigation(inc.Name); nav != nil {
			target := schemaModel(schema, nav.Model)
			if target == nil {
				continue
			}
			child := saveSample(schema, target, inc.Children)
			if nav.Many {
				obj[nav.Name] = []any{child}
			} else {
				obj[nav.Name] = child
			}
			continue
		}
		for _, kv := range model.KV {
			if kv.Name == inc.Name {
				obj[kv.Name] = "value"
			}
		}
	}
	return obj
}

// sampleValue is a value of type t as the save planner takes it.
func sampleValue(t *idl.Type) any {
	switch t.Kind {
	case idl.Option:
		return sampleValue(t.Elem)
	case idl.Int:
		return 1
	case idl.Real:
		return 1.5
	case idl.Bool:
		return true
	case idl.Date:
		return "2026-01-01T00:00:00.000Z"
	case idl.Blob:
		return []int{0}
	case idl.JSONValue:
		return map[string]any{}
	}
	return "text"
}

// count totals the full scans of every plan.
func (x *explanation) count() {
	x.FullScans = 0
	for _, s := range x.Sources {
		for _, op := range []opExplain{s.Get, s.List, s.Save} {
			for _, st := range op.Statements {
				for _, l := range st.Plan {
					if l.FullScan != "" {
						x.FullScans++
					}
				}
			}
		}
	}
}

// write prints the explanation for a person.
func (x *explanation) write(w io.Writer) {
	var b strings.Builder
	where := fmt.Sprintf("D1 database %q", x.Database.Binding)
	sent := "one batch()"
	if x.Database.Kind == idl.DurableBacking {
		where = fmt.Sprintf("the SQLite storage of Durable Object %q", x.Database.Binding)
		sent = "one storage transaction"
	}
	fmt.Fprintf(&b, "%s is stored in %s.\nQuery plans are SQLite's, on an in-memory database with the tables of %s.\n", x.Model, where, x.Database.Tables)
	for _, n := range x.Database.Notes {
		fmt.Fprintf(&b, "Note: %s.\n", n)
	}
	if x.Runtime != "" {
		fmt.Fprintf(&b, "Saves are planned by the runtime package %s.\n", x.Runtime)
	}
	for _, s := range x.Sources {
		fmt.Fprintf(&b, "\n== data source %s, include %s\n", s.Name, treeText(s.Include))
		x.writeOp(&b, "get", s.Get, sent, "")
		x.writeOp(&b, "list", s.List, sent, "")
		sample := ""
		if s.Save.Sample != nil {
			sample = "(of a sample: a new " + x.Model + sampleText(s.Include) + ")"
		}
		x.writeOp(&b, "save", s.Save, sent, sample)
	}
	switch x.FullScans {
	case 0:
		b.WriteString("\nNo full scans: every table is read through an index.\n")
	default:
		fmt.Fprintf(&b, "\n%s: the plan lines marked FULL SCAN read every row of a table, and rows read are billed.\n", count(x.FullScans, "full scan", "full scans"))
	}
	io.WriteString(w, b.String())
}

func (x *explanation) writeOp(b *strings.Builder, name string, op opExplain, sent, sample string) {
	fmt.Fprintf(b, "\n%s", name)
	if sample != "" {
		fmt.Fprintf(b, " %s", sample)
	}
	if op.Skipped != "" {
		fmt.Fprintf(b, ": not explained, %s\n", op.Skipped)
		return
	}
	n := count(len(op.Statements), "statement", "statements")
	if op.Batches == 0 {
		fmt.Fprintf(b, ": %s, sent on its own\n", n)
	} else {
		fmt.Fprintf(b, ": %s in %s\n", n, sent)
	}
	if op.KVWrites > 0 {
		fmt.Fprintf(b, "  and %s: before the batch for keys known in advance, after it for keys the batch generates (undone if the batch or a write fails)\n", count(op.KVWrites, "KV write", "KV writes"))
	}
	for i, st := range op.Statements {
		label := fmt.Sprintf("%d. ", i+1)
		pad := strings.Repeat(" ", len(label))
		if st.Role != "" {
			fmt.Fprintf(b, "  %s(%s)\n", label, st.Role)
			label = pad
		}
		for _, line := range strings.Split(st.SQL, "\n") {
			fmt.Fprintf(b, "  %s%s\n", label, line)
			label = pad
		}
		switch {
		case st.Error != "":
			fmt.Fprintf(b, "  %splan: SQLite cannot prepare it: %s\n", pad, st.Error)
		case len(st.Plan) == 0:
			fmt.Fprintf(b, "  %splan: reads no table\n", pad)
		default:
			fmt.Fprintf(b, "  %splan:\n", pad)
			depth := map[int]int{}
			for _, l := range st.Plan {
				d := depth[l.Parent] + 1
				depth[l.ID] = d
				fmt.Fprintf(b, "  %s%s%s", pad, strings.Repeat("  ", d), l.Detail)
				if l.FullScan != "" {
					fmt.Fprintf(b, "   <-- FULL SCAN of %q", l.FullScan)
				}
				b.WriteString("\n")
			}
		}
	}
}

// treeText shows an include tree as the schema writes it, on one line.
func treeText(t idl.Tree) string {
	if len(t) == 0 {
		return "{}"
	}
	parts := make([]string, len(t))
	for i, inc := range t {
		parts[i] = inc.Name
		if len(inc.Children) > 0 {
			parts[i] += " " + treeText(inc.Children)
		}
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// sampleText describes the sample object: its navigations, one object each.
func sampleText(t idl.Tree) string {
	if len(t) == 0 {
		return ""
	}
	return ", one new object per navigation of the include tree"
}
