package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/wrangler"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/source"
)

// verifyCommand describes "cloesce migrate verify" for its -h.
var verifyCommand = &command{
	name:  "migrate verify",
	args:  "[--binding name] [--db file] [dir]",
	short: "apply the pending D1 migrations to a copy of the local database and check that they keep its rows, foreign keys and integrity",
}

// runVerify is "cloesce migrate verify": for each D1 database (or the one
// named), it applies the migrations its local database lacks to a copy of
// it, as wrangler would, and reports the rows of each table before and
// after, PRAGMA foreign_key_check and integrity_check. It fails when a
// migration deletes rows that no DATA LOSS line declares, breaks a foreign
// key or fails to apply. migrateFlags are the flags given before "verify".
func runVerify(_ context.Context, e *env, migrateFlags *flag.FlagSet, args []string) error {
	fs := e.flagSet("cloesce " + verifyCommand.name)
	fs.String("binding", "", "verify the D1 database `name` (default: every D1 database)")
	fs.String("db", "", "verify a copy of the SQLite database or SQL dump (wrangler d1 export) in `file` instead of the local database")
	fs.String("dir", "", "the project `directory`, also given as the argument")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeCommandUsage(e.stdio.Out, verifyCommand, fs)
		}
		return flagError(err)
	}
	given := map[string]string{}
	var other []string
	migrateFlags.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "binding", "dir":
			given[f.Name] = f.Value.String()
		case "all", "env", "format":
		default:
			other = append(other, "--"+f.Name)
		}
	})
	if len(other) > 0 {
		return usagef("migrate verify does not take %s", strings.Join(other, ", "))
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		if prev, ok := given[f.Name]; ok && prev != f.Value.String() && err == nil {
			err = usagef("--%s is given twice: %q and %q", f.Name, prev, f.Value.String())
		}
		given[f.Name] = f.Value.String()
	})
	if err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
	case 1:
		if dir, ok := given["dir"]; ok && filepath.Clean(dir) != filepath.Clean(fs.Arg(0)) {
			return usagef("the project directory is given twice: --dir %q and %q", dir, fs.Arg(0))
		}
		given["dir"] = fs.Arg(0)
	default:
		return usagef("migrate verify takes at most one project directory, got %d arguments", fs.NArg())
	}
	dir, binding, dbFile := given["dir"], given["binding"], given["db"]
	if dir == "" {
		dir = "."
	}
	if dbFile != "" && !fileExists(dbFile) {
		return usagef("--db %q does not exist", dbFile)
	}

	var diags diag.List
	proj, schema, err := e.loadValid(dir, &diags)
	if err != nil {
		return err
	}
	databases, err := verifiedDatabases(schema, binding, dbFile)
	if err != nil {
		return err
	}
	var all []*verification
	for _, db := range databases {
		v, err := e.verifyD1(proj.cfg, db, dbFile, &diags)
		if err != nil {
			return err
		}
		all = append(all, v)
	}
	if e.format == diag.JSON {
		return e.writeVerificationJSON(all, &diags)
	}
	var b strings.Builder
	if len(all) == 0 {
		b.WriteString("the schema has no D1 database: nothing to verify\n")
	}
	for _, v := range all {
		v.write(&b)
	}
	io.WriteString(e.stdio.Out, b.String())
	return e.render(&diags)
}

// verifiedDatabases returns the D1 databases verify checks: the one
// named, else every one. A file given with --db is one database's.
func verifiedDatabases(schema *idl.Schema, binding, dbFile string) ([]string, error) {
	if binding == "" {
		if dbFile != "" && len(schema.Env.D1) > 1 {
			return nil, usagef("--db is a copy of one D1 database: say which with --binding (%s)", strings.Join(schema.Env.D1, ", "))
		}
		return schema.Env.D1, nil
	}
	if _, err := chooseBindings(schema, binding); err != nil {
		return nil, err
	}
	if !slices.Contains(schema.Env.D1, binding) {
		return nil, usagef("Durable Object %q applies its migrations itself when it starts; migrate verify checks D1 databases", binding)
	}
	return []string{binding}, nil
}

// writeVerificationJSON prints the verifications and the diagnostics as
// one JSON object.
func (e *env) writeVerificationJSON(all []*verification, diags *diag.List) error {
	var list bytes.Buffer
	if err := diag.Render(&list, diags.Sorted(), diag.Options{Format: diag.JSON, Cwd: e.cwd}); err != nil {
		return err
	}
	if all == nil {
		all = []*verification{}
	}
	enc := json.NewEncoder(e.stdio.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		Databases   []*verification `json:"databases"`
		Diagnostics json.RawMessage `json:"diagnostics"`
	}{all, list.Bytes()})
	if err == nil && diags.HasErrors() {
		err = errReported
	}
	return err
}

// A verification is what verify found for one D1 database, and its JSON
// form.
type verification struct {
	Binding string `json:"binding"`
	// Database is the file whose copy the migrations were applied to, ""
	// when there is none yet.
	Database string `json:"database"`
	// Skipped says why nothing was verified: no database, or nothing
	// pending.
	Skipped string      `json:"skipped,omitempty"`
	Pending []string    `json:"pending"` // the migration files the database lacks, in order
	Applied []string    `json:"applied"` // those applied to the copy: all, unless one fails
	Tables  []tableRows `json:"tables"`
	// ForeignKeyCheck and IntegrityCheck are of the copy once migrated.
	ForeignKeyCheck []brokenKeys `json:"foreign_key_check"`
	IntegrityCheck  []string     `json:"integrity_check"` // ["ok"] when intact
	OK              bool         `json:"ok"`              // no error was reported
}

// tableRows counts the rows of a table before and after the migrations.
type tableRows struct {
	Table     string `json:"table"` // its name before; for a new table, after
	RenamedTo string `json:"renamed_to,omitempty"`
	Before    *int64 `json:"before"` // nil: the migrations create it
	After     *int64 `json:"after"`  // nil: they drop it
	// LossDeclared is set when a DATA LOSS line of an applied migration
	// names the table.
	LossDeclared bool `json:"loss_declared,omitempty"`
}

// name shows the table: "Old -> New" when renamed.
func (t tableRows) name() string {
	if t.RenamedTo != "" {
		return t.Table + " -> " + t.RenamedTo
	}
	return t.Table
}

// note says what the migrations did to the table's rows, if anything.
func (t tableRows) note() string {
	note := ""
	switch {
	case t.Before == nil:
		note = "new"
	case t.After == nil:
		note = "dropped"
	case *t.After < *t.Before:
		note = fmt.Sprintf("%d lost", *t.Before-*t.After)
	}
	if note != "" && t.LossDeclared {
		note += ", declared"
	}
	return note
}

// rowCount shows a number of rows, "-" for a table that does not exist.
func rowCount(n *int64) string {
	if n == nil {
		return "-"
	}
	return strconv.FormatInt(*n, 10)
}

// brokenKeys are the rows of Table whose foreign key to Parent finds no
// row: PRAGMA foreign_key_check, counted.
type brokenKeys struct {
	Table  string `json:"table"`
	Parent string `json:"parent"`
	Rows   int64  `json:"rows"`
}

// verifyD1 verifies the pending migrations of D1 database binding on a
// copy of dbFile, or of its local database when dbFile is "". What is
// wrong is reported into diags as MigrationVerify errors; the error is
// for I/O failures.
func (e *env) verifyD1(cfg *config.Config, binding, dbFile string, diags *diag.List) (*verification, error) {
	v := &verification{Binding: binding, Pending: []string{}, Applied: []string{}, Tables: []tableRows{}, ForeignKeyCheck: []brokenKeys{}, IntegrityCheck: []string{}, OK: true}
	local, err := findLocalD1(cfg, e.envArg, binding)
	if err != nil {
		return nil, err
	}
	src := dbFile
	if src == "" {
		src = local.path
		switch {
		case src == "":
			v.Skipped = fmt.Sprintf("no local database yet (%s does not bind it)", wrangler.FileName(cfg.WranglerConfigFormat))
			return v, nil
		case !fileExists(src):
			v.Database = shownPath(e.cwd, src)
			v.Skipped = "no local database yet (no " + v.Database + ")"
			return v, nil
		}
	}
	v.Database = shownPath(e.cwd, src)
	dir := migrationsDir(cfg, binding)
	files, err := migrationFiles(dir, "sql")
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "cloesce-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	db, err := openCopy(src, tmp, dbFile != "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	c := &checker{db: db, v: v, diags: diags, table: local.table, shown: v.Database}
	applied, err := c.appliedMigrations()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if !applied[f] {
			v.Pending = append(v.Pending, f)
		}
	}
	if len(v.Pending) == 0 {
		v.Skipped = fmt.Sprintf("%s has every migration of %s", v.Database, shownPath(e.cwd, dir))
		return v, nil
	}
	if err := c.run(dir); err != nil {
		return nil, err
	}
	v.OK = !c.failed
	return v, nil
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// openCopy copies the database src into dir and opens the copy, foreign
// keys enforced as D1 enforces them. src is a SQLite database, its -wal
// file copied with it, or (when given by the user) a SQL dump such as
// "wrangler d1 export" writes, run into a new database.
func openCopy(src, dir string, given bool) (*sql.DB, error) {
	dst := filepath.Join(dir, "db.sqlite")
	head := make([]byte, len(sqliteHeader))
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	n, _ := io.ReadFull(f, head)
	f.Close()
	if n == 0 || string(head) == sqliteHeader {
		for _, suffix := range []string{"", "-wal"} {
			if err := copyFile(src+suffix, dst+suffix); err != nil && (suffix == "" || !errors.Is(err, fs.ErrNotExist)) {
				return nil, err
			}
		}
	} else if err := loadDump(src, dst); err != nil {
		if given {
			return nil, usagef("--db %q is neither a SQLite database nor SQL that runs: %v", src, err)
		}
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(dst)+"?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one statement after another, as wrangler sends them
	return db, nil
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o600)
}

// loadDump runs the SQL text of file src into a new database dst, foreign
// keys not enforced: a dump may insert rows before those they reference.
func loadDump(src, dst string) error {
	text, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", dst)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(string(text))
	return sqliteError(err)
}

// A checker applies the pending migrations of one database to its copy,
// one transaction each as wrangler does, checking each as it goes.
type checker struct {
	db     *sql.DB
	v      *verification
	diags  *diag.List
	table  string // the table of applied migrations
	shown  string // the database copied, as messages show it
	failed bool
	last   *diag.Diagnostic // the last error reported
}

// appliedMigrations returns the migration files the database records as
// applied; none when it has no record yet.
func (c *checker) appliedMigrations() (map[string]bool, error) {
	applied := map[string]bool{}
	var n int
	if err := c.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE "type" = 'table' AND "name" = ?`, c.table).Scan(&n); err != nil || n == 0 {
		return applied, err
	}
	rows, err := c.db.Query(`SELECT "name" FROM ` + sqlName(c.table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		applied[name] = true
	}
	return applied, rows.Err()
}

// A tableCount is a table and its number of rows.
type tableCount struct {
	name string
	rows int64
}

// An origin is a table as it was before the migrations, followed through
// them.
type origin struct {
	tableCount
	now      string // its name now
	declared bool   // an applied migration declared losing its rows
}

// run applies the pending migrations in order, stopping at the first that
// fails as wrangler does, and fills in the verification.
func (c *checker) run(dir string) error {
	if ok, err := c.integrity("before its pending migrations"); err != nil || !ok {
		return err
	}
	before, err := c.count()
	if err != nil {
		return err
	}
	origins := make([]*origin, len(before))
	for i, t := range before {
		origins[i] = &origin{tableCount: t, now: t.name}
	}
	keys, err := foreignKeyCheck(c.db)
	if err != nil {
		return err
	}
	// wrangler creates its table before the first migration.
	if _, err := c.db.Exec(`CREATE TABLE IF NOT EXISTS ` + sqlName(c.table) + ` (
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
	)`); err != nil {
		return err
	}
	for _, name := range c.v.Pending {
		path := filepath.Join(dir, name)
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m := &pendingFile{name: name, file: source.NewFile(filepath.ToSlash(path), string(text))}
		m.code = sqlCode(m.file.Text)
		ok, err := c.apply(m, keys)
		if err != nil {
			return err
		}
		if !ok {
			if name != c.v.Pending[len(c.v.Pending)-1] {
				c.last.Notef("wrangler stops at the first migration that fails: those after it were not verified")
			}
			break
		}
		c.v.Applied = append(c.v.Applied, name)
		after, err := c.count()
		if err != nil {
			return err
		}
		c.compare(m, before, after, origins)
		before = after
		if keys, err = foreignKeyCheck(c.db); err != nil {
			return err
		}
	}
	c.v.ForeignKeyCheck = keys
	if _, err := c.integrity("after its pending migrations"); err != nil {
		return err
	}
	c.tables(origins, before)
	return nil
}

// A pendingFile is a migration file being verified.
type pendingFile struct {
	name string
	file *source.File
	code string // the file with its comments and string literals blanked out
}

// apply runs migration m in a transaction with the row recording it, as
// wrangler does, and commits it unless it fails or leaves rows whose
// foreign keys keys (the database's broken ones so far) lack: D1 enforces
// foreign keys, and would refuse it. It reports whether m applied.
func (c *checker) apply(m *pendingFile, keys []brokenKeys) (bool, error) {
	tx, err := c.db.Begin()
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	_, applyErr := tx.Exec(m.file.Text)
	if applyErr == nil {
		_, applyErr = tx.Exec(`INSERT INTO `+sqlName(c.table)+` (name) VALUES (?)`, m.name)
	}
	if applyErr != nil {
		tx.Rollback()
		broken, err := c.brokenByDeferring(m)
		if err != nil {
			return false, err
		}
		if broken = newlyBroken(broken, keys); len(broken) > 0 {
			c.reportBroken(m, broken)
			return false, nil
		}
		c.fail(source.Span{File: m.file}, "migration %s of D1 database %q fails on the data of %s: %s", m.name, c.v.Binding, c.shown, sqliteMessage(applyErr)).
			Notef("wrangler would roll it back, leaving the database as it was")
		return false, nil
	}
	// A migration that defers foreign keys has them checked at commit.
	after, err := foreignKeyCheck(tx)
	if err != nil {
		return false, err
	}
	if broken := newlyBroken(after, keys); len(broken) > 0 {
		c.reportBroken(m, broken)
		return false, nil
	}
	return true, tx.Commit()
}

// brokenByDeferring runs m again with foreign keys checked at commit
// rather than at each statement, and returns the rows left broken: when m
// failed for a foreign key, the rows that made it fail. It rolls back.
func (c *checker) brokenByDeferring(m *pendingFile) ([]brokenKeys, error) {
	tx, err := c.db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("PRAGMA defer_foreign_keys = ON"); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(m.file.Text); err != nil {
		return nil, nil // it fails for another reason
	}
	return foreignKeyCheck(tx)
}

// newlyBroken returns the broken keys of after that were not broken
// before, or broke in more rows.
func newlyBroken(after, before []brokenKeys) []brokenKeys {
	var out []brokenKeys
	for _, k := range after {
		i := slices.IndexFunc(before, func(b brokenKeys) bool { return b.Table == k.Table && b.Parent == k.Parent })
		if i >= 0 {
			k.Rows -= before[i].Rows
		}
		if k.Rows > 0 {
			out = append(out, k)
		}
	}
	return out
}

// reportBroken reports the rows m leaves with broken foreign keys, at the
// statement writing them or else removing what they reference.
func (c *checker) reportBroken(m *pendingFile, broken []brokenKeys) {
	for _, k := range broken {
		span, ok := statementSpan(m, writes, k.Table)
		if !ok {
			span, ok = statementSpan(m, removes+"|"+writes, k.Parent)
		}
		d := c.fail(span, "migration %s of D1 database %q leaves %s of table %q referencing rows of %q that do not exist", m.name, c.v.Binding, count(int(k.Rows), "row", "rows"), k.Table, k.Parent).
			Notef("D1 enforces foreign keys: wrangler would fail to apply it (FOREIGN KEY constraint failed) and roll it back")
		if ok {
			d.Labelled("breaks foreign keys of %q", k.Table)
		}
	}
}

// compare checks that every table of before keeps its rows through
// migration m, following the tables it renames, unless a DATA LOSS line
// of m declares the loss; and follows origins through m.
func (c *checker) compare(m *pendingFile, before, after []tableCount, origins []*origin) {
	renames := tableRenames(m.code)
	declared := migrate.DeclaredRowLosses(m.file.Text)
	names := func(list []string, name string) bool {
		return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, name) })
	}
	for _, t := range before {
		now := follow(t.name, renames)
		rows, ok := rowsOf(after, now)
		if !ok && now != t.name {
			// Renamed out of the way and made anew under its name, as
			// some rebuilds do.
			now = t.name
			rows, ok = rowsOf(after, now)
		}
		switch {
		case ok && rows >= t.rows, !ok && t.rows == 0:
		case names(declared, t.name) || names(declared, now):
		case ok:
			span, _ := statementSpan(m, removes, t.name)
			c.fail(span, "migration %s of D1 database %q deletes %d of the %s of table %q, and no DATA LOSS line declares it", m.name, c.v.Binding, t.rows-rows, count(int(t.rows), "row", "rows"), t.name).
				Labelled("deletes rows of %q", t.name).
				Notef("counted on a copy of %s, which is left as it was", c.shown).
				Helpf("keep the rows; or, if losing them is intended, declare it in the migration with the line: -- DATA LOSS: rows of table %s", sqlName(t.name))
		default:
			span, _ := statementSpan(m, removes, t.name)
			c.fail(span, "migration %s of D1 database %q drops table %q with its %s, and no DATA LOSS line declares it", m.name, c.v.Binding, t.name, count(int(t.rows), "row", "rows")).
				Labelled("drops %q", t.name).
				Helpf("keep the table; or, if losing it is intended, declare it in the migration with the line: -- DATA LOSS: every row of table %s", sqlName(t.name))
		}
	}
	for _, o := range origins {
		if names(declared, o.now) {
			o.declared = true
		}
		o.now = follow(o.now, renames)
	}
}

// tables fills in the verification's table counts: the tables as they
// were, followed to what the migrations made of them, then the new ones.
func (c *checker) tables(origins []*origin, final []tableCount) {
	reached := map[string]bool{}
	for _, o := range origins {
		t := tableRows{Table: o.name, Before: &o.rows, LossDeclared: o.declared}
		now := o.now
		rows, ok := rowsOf(final, now)
		if !ok && now != o.name {
			now = o.name
			rows, ok = rowsOf(final, now)
		}
		if ok {
			t.After = &rows
			reached[strings.ToLower(now)] = true
			if now != o.name {
				t.RenamedTo = now
			}
		}
		c.v.Tables = append(c.v.Tables, t)
	}
	for _, t := range final {
		if !reached[strings.ToLower(t.name)] {
			c.v.Tables = append(c.v.Tables, tableRows{Table: t.name, After: &t.rows})
		}
	}
}

// rowsOf returns the rows of the table named name (as SQLite compares
// names: without regard to case) in counts.
func rowsOf(counts []tableCount, name string) (int64, bool) {
	i := slices.IndexFunc(counts, func(t tableCount) bool { return strings.EqualFold(t.name, name) })
	if i < 0 {
		return 0, false
	}
	return counts[i].rows, true
}

// follow returns the name a table named name has after renames, applied in
// order.
func follow(name string, renames [][2]string) string {
	for _, r := range renames {
		if strings.EqualFold(r[0], name) {
			name = r[1]
		}
	}
	return name
}

// count returns the rows of every table of the database, but SQLite's,
// D1's (_cf_...) and the record of applied migrations, by name.
func (c *checker) count() ([]tableCount, error) {
	rows, err := c.db.Query(`SELECT "name" FROM sqlite_master WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite\_%' ESCAPE '\' AND "name" NOT LIKE '\_cf\_%' ESCAPE '\' AND "name" <> ? ORDER BY "name"`, c.table)
	if err != nil {
		return nil, err
	}
	var out []tableCount
	for rows.Next() {
		var t tableCount
		if err := rows.Scan(&t.name); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := c.db.QueryRow(`SELECT count(*) FROM ` + sqlName(out[i].name)).Scan(&out[i].rows); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// integrity runs PRAGMA integrity_check, records its result and reports
// a database that fails it, at the moment when; ok is false then.
func (c *checker) integrity(when string) (bool, error) {
	rows, err := c.db.Query("PRAGMA integrity_check")
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return false, err
		}
		found = append(found, s)
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	c.v.IntegrityCheck = found
	if slices.Equal(found, []string{"ok"}) {
		return true, nil
	}
	d := c.fail(source.Span{}, "a copy of %s (D1 database %q) fails integrity_check %s: %s", c.shown, c.v.Binding, when, strings.Join(found, "; "))
	if strings.HasPrefix(when, "before") {
		d.Notef("nothing was applied to it; a database copied while wrangler dev writes to it may be torn: verify again")
	}
	return false, nil
}

// A querier runs queries on a database or in a transaction.
type querier interface {
	Query(query string, args ...any) (*sql.Rows, error)
}

// foreignKeyCheck counts the rows PRAGMA foreign_key_check finds, by
// table and referenced table.
func foreignKeyCheck(q querier) ([]brokenKeys, error) {
	rows, err := q.Query(`SELECT "table", "parent", count(*) FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []brokenKeys{}
	for rows.Next() {
		var k brokenKeys
		if err := rows.Scan(&k.Table, &k.Parent, &k.Rows); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// fail reports an error of the verification.
func (c *checker) fail(span source.Span, format string, args ...any) *diag.Diagnostic {
	c.failed = true
	c.last = c.diags.Errorf(diag.MigrationVerify, span, format, args...)
	return c.last
}

// sqlName quotes an SQL identifier.
func sqlName(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// sqliteMessage is SQLite's message for err, without the driver's
// decoration ("SQL logic error: ... (1)").
func sqliteMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "SQL logic error: ")
	if i := strings.LastIndex(msg, " ("); i >= 0 && strings.HasSuffix(msg, ")") {
		if _, convErr := strconv.Atoi(msg[i+2 : len(msg)-1]); convErr == nil {
			msg = msg[:i]
		}
	}
	return msg
}

// sqliteError is err with sqliteMessage's message.
func sqliteError(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(sqliteMessage(err))
}

// sqlCode returns text with its comments and the contents of its string
// literals blanked out, byte for byte, so that a search for statements
// finds neither and offsets stay those of text.
func sqlCode(text string) string {
	b := []byte(text)
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	// end returns the offset of the quote closing the quoted run starting
	// at i, a doubled quote standing for itself; len(b) when none does.
	end := func(i int, q byte) int {
		for j := i + 1; j < len(b); j++ {
			if b[j] == q {
				if j+1 < len(b) && b[j+1] == q {
					j++
					continue
				}
				return j
			}
		}
		return len(b)
	}
	for i := 0; i < len(b); {
		switch {
		case strings.HasPrefix(text[i:], "--"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				j = len(text) - i
			}
			blank(i, i+j)
			i += j
		case strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			stop := len(b)
			if j >= 0 {
				stop = i + 2 + j + 2
			}
			blank(i, stop)
			i = stop
		case b[i] == '\'':
			j := end(i, '\'')
			blank(i+1, j)
			i = j + 1
		case b[i] == '"' || b[i] == '`':
			i = end(i, b[i]) + 1
		case b[i] == '[':
			if j := strings.IndexByte(text[i:], ']'); j >= 0 {
				i += j + 1
			} else {
				i = len(b)
			}
		default:
			i++
		}
	}
	return string(b)
}

// identPattern matches an SQL identifier: quoted three ways, or bare.
const identPattern = "(?:\"(?:[^\"]|\"\")+\"|`(?:[^`]|``)+`|\\[[^\\]]+\\]|[A-Za-z_\\x{80}-\\x{10FFFF}][A-Za-z0-9_$\\x{80}-\\x{10FFFF}]*)"

// renameTable matches ALTER TABLE ... RENAME TO ..., with an optional
// schema name. Only the keywords are case-insensitive: (?i) over the whole
// pattern would fold identPattern's Unicode ranges, which took 10 ms to
// compile, at the start of every cloesce command.
var renameTable = regexp.MustCompile(`\b(?i:ALTER)\s+(?i:TABLE)\s+(?:` + identPattern + `\s*\.\s*)?(` + identPattern + `)\s+(?i:RENAME)\s+(?i:TO)\s+(` + identPattern + `)`)

// tableRenames returns the table renames of SQL code, in order.
func tableRenames(code string) [][2]string {
	var out [][2]string
	for _, m := range renameTable.FindAllStringSubmatch(code, -1) {
		out = append(out, [2]string{unquoteName(m[1]), unquoteName(m[2])})
	}
	return out
}

// unquoteName returns the identifier an identPattern match names.
func unquoteName(s string) string {
	switch s[0] {
	case '"', '`':
		q := s[:1]
		return strings.ReplaceAll(s[1:len(s)-1], q+q, q)
	case '[':
		return s[1 : len(s)-1]
	}
	return s
}

// The verbs of the statements that remove a table's rows, and of those
// that write them, for statementSpan.
const (
	removes = `DELETE\s+FROM|DROP\s+TABLE(?:\s+IF\s+EXISTS)?`
	writes  = `UPDATE(?:\s+OR\s+\w+)?|(?:INSERT(?:\s+OR\s+\w+)?|REPLACE)\s+INTO`
)

// statementSpan points at the first statement of m that starts with one
// of verbs (a regular expression) applied to table; ok is false when none
// does (rows deleted by a cascade, say).
func statementSpan(m *pendingFile, verbs, table string) (span source.Span, ok bool) {
	name := `(?:"` + regexp.QuoteMeta(strings.ReplaceAll(table, `"`, `""`)) + `"|` +
		"`" + regexp.QuoteMeta(strings.ReplaceAll(table, "`", "``")) + "`|" +
		`\[` + regexp.QuoteMeta(table) + `\]|` + regexp.QuoteMeta(table) + `\b)`
	re := regexp.MustCompile(`(?i)\b(?:` + verbs + `)\s+(?:` + identPattern + `\s*\.\s*)?` + name)
	if loc := re.FindStringIndex(m.code); loc != nil {
		return source.Span{File: m.file, Start: loc[0], End: loc[1]}, true
	}
	return source.Span{File: m.file}, false
}

// write prints the verification for a person.
func (v *verification) write(b *strings.Builder) {
	fmt.Fprintf(b, "D1 database %q: ", v.Binding)
	if v.Skipped != "" {
		b.WriteString(v.Skipped + ": nothing to verify\n")
		return
	}
	fmt.Fprintf(b, "%s applied to a copy of %s\n", count(len(v.Pending), "pending migration", "pending migrations"), v.Database)
	for _, p := range v.Pending {
		if slices.Contains(v.Applied, p) {
			fmt.Fprintf(b, "  %s\n", p)
		} else {
			fmt.Fprintf(b, "  %s (not applied)\n", p)
		}
	}
	width := len("table")
	for _, t := range v.Tables {
		width = max(width, len(t.name()))
	}
	fmt.Fprintf(b, "  %-*s  %6s  %6s\n", width, "table", "before", "after")
	for _, t := range v.Tables {
		line := fmt.Sprintf("  %-*s  %6s  %6s  %s", width, t.name(), rowCount(t.Before), rowCount(t.After), t.note())
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	keys := []string{"ok"}
	if len(v.ForeignKeyCheck) > 0 {
		keys = nil
	}
	for _, k := range v.ForeignKeyCheck {
		keys = append(keys, fmt.Sprintf("%s of %q reference no row of %q", count(int(k.Rows), "row", "rows"), k.Table, k.Parent))
	}
	fmt.Fprintf(b, "  foreign_key_check: %s\n", strings.Join(keys, "; "))
	fmt.Fprintf(b, "  integrity_check: %s\n", strings.Join(v.IntegrityCheck, "; "))
	if v.OK {
		b.WriteString("  verified: every row kept but those declared lost, no foreign key broken, integrity ok\n")
	}
}
