package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/suggest"
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }
func (l *listFlag) Get() any           { return []string(*l) }

func migrateFlags(fs *flag.FlagSet) {
	fs.String("dir", ".", "the project `directory`, also given as the argument after the name")
	fs.String("binding", "", "migrate the D1 database or Durable Object `name`")
	fs.Bool("all", false, "migrate every D1 database, then every Durable Object")
	fs.Var(new(listFlag), "rename", "a model or column was renamed, not dropped: `Old=New` or Model.old=new (repeatable)")
	fs.Var(new(listFlag), "drop", "a model or column is gone, not renamed: `Model` or Model.column (repeatable)")
	fs.Var(new(listFlag), "default", "the value existing rows get in a required column they lack: `Model.column=value` (repeatable)")
	fs.Bool("allow-data-loss", false, "write migrations that drop tables or columns or lose values, without asking")
	fs.Bool("dry-run", false, "print the plan and the migrations without writing anything")
}

// flagValue returns the value of a flag registered by migrateFlags.
func flagValue[T any](fs *flag.FlagSet, name string) T {
	return fs.Lookup(name).Value.(flag.Getter).Get().(T)
}

// A migration is the next migration of one binding.
type migration struct {
	dir    string // the binding's migrations directory
	last   string // file name of the last snapshot, "" before the first
	lastTS int64  // timestamp of the latest migration file
	snap   *migrate.Snapshot
	plan   *migrate.Plan
}

// runMigrate writes the next migration of the chosen bindings: the SQL or
// Durable Object module that takes each from its last snapshot to the
// current schema, and the new snapshot. Nothing is written until every
// question is answered and every loss of data allowed. "migrate verify"
// is another command (see runVerify): on the command line, no migration
// can be named verify.
func runMigrate(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 && args[0] == "verify" {
		return runVerify(ctx, e, fs, args[1:])
	}
	name, dir, err := migrateArgs(fs, args)
	if err != nil {
		return err
	}
	binding, all := flagValue[string](fs, "binding"), flagValue[bool](fs, "all")
	if (binding == "") == !all {
		return usagef("migrate needs either --binding <name> or --all")
	}
	opts, err := migrateOptions(fs)
	if err != nil {
		return err
	}
	now, err := clock()
	if err != nil {
		return err
	}
	// Every problem is collected into one list, printed at the end; in
	// the human and short formats the schema's warnings come first, before
	// any question.
	var diags diag.List
	proj, schema, err := e.loadValid(dir, &diags)
	if err != nil {
		return err
	}
	bindings, err := chooseBindings(schema, binding)
	if err != nil {
		return err
	}

	in := bufio.NewReader(e.stdio.In)
	interactive := e.interactive || isTerminal(e.stdio.In)
	if interactive {
		opts.Ask = e.askRename(in)
	}
	var jobs []*migration
	used := map[string]bool{}
	for _, b := range bindings {
		m, err := e.planBinding(proj.cfg, schema, b, opts)
		if err != nil {
			if !reportRefusal(err, proj.files, &diags) {
				return err
			}
			continue
		}
		for _, u := range m.plan.Used {
			used[u] = true
		}
		jobs = append(jobs, m)
	}
	if diags.HasErrors() {
		return e.render(&diags)
	}
	if unused := unusedOptions(opts, used); len(unused) > 0 {
		return usagef("%s: no model or column of the migrated bindings matches", strings.Join(unused, ", "))
	}
	dryRun := flagValue[bool](fs, "dry-run")
	if !dryRun && !flagValue[bool](fs, "allow-data-loss") {
		if !interactive {
			reportLosses(jobs, proj.files, &diags)
			if diags.HasErrors() {
				return e.render(&diags)
			}
		} else if err := e.confirmLosses(jobs, in); err != nil {
			return err
		}
	}
	for _, m := range jobs {
		if err := e.writeMigration(m, name, now, dryRun); err != nil {
			return err
		}
	}
	return e.render(&diags)
}

// migrateArgs returns the migration name and the project directory of
// "migrate [flags] <name> [dir]", the directory defaulting to --dir.
func migrateArgs(fs *flag.FlagSet, args []string) (name, dir string, err error) {
	dir = flagValue[string](fs, "dir")
	dirSet := false
	fs.Visit(func(f *flag.Flag) { dirSet = dirSet || f.Name == "dir" })
	// The flag package stops at the first argument that is not a flag.
	if i := slices.IndexFunc(args, func(a string) bool { return len(a) > 1 && strings.HasPrefix(a, "-") }); i > 0 {
		return "", "", usagef("flags go before the migration name: move %s before %q", args[i], args[0])
	}
	switch len(args) {
	case 0:
		return "", "", usagef("migrate needs a migration name: cloesce migrate (--binding <name> | --all) [flags] <name> [dir]")
	case 1:
		name = args[0]
		if info, err := os.Stat(name); err == nil && info.IsDir() && !dirSet {
			return "", "", usagef("%q is a directory: to migrate the project in it, give the migration name first (cloesce migrate [flags] <name> %s); for a migration named %q, give the directory too (cloesce migrate [flags] %s .)",
				name, shellQuote(name), name, shellQuote(name))
		}
	case 2:
		name = args[0]
		if dirSet && filepath.Clean(dir) != filepath.Clean(args[1]) {
			return "", "", usagef("the project directory is given twice: --dir %q and %q", dir, args[1])
		}
		dir = args[1]
	default:
		return "", "", usagef("migrate takes a migration name and at most one project directory, got %d arguments", len(args))
	}
	if err := migrate.CheckName(name); err != nil {
		if strings.ContainsAny(name, `/\.`) {
			return "", "", usagef("%v; to migrate the project in %s, give the migration name first: cloesce migrate [flags] <name> %s", err, name, shellQuote(name))
		}
		return "", "", usagef("%v", err)
	}
	return name, dir, nil
}

// chooseBindings returns the binding named by --binding, or every binding
// for --all (binding == "").
func chooseBindings(schema *idl.Schema, binding string) ([]string, error) {
	all := migrate.Bindings(schema)
	if binding == "" || slices.Contains(all, binding) {
		if binding != "" {
			return []string{binding}, nil
		}
		return all, nil
	}
	if s, ok := suggest.Closest(binding, all); ok {
		return nil, usagef("the schema has no D1 database or Durable Object named %q (did you mean %q?)", binding, s)
	}
	return nil, usagef("the schema has no D1 database or Durable Object named %q", binding)
}

// migrateOptions reads the --rename, --drop and --default flags.
func migrateOptions(fs *flag.FlagSet) (migrate.Options, error) {
	var opts migrate.Options
	for _, s := range flagValue[[]string](fs, "rename") {
		r, err := migrate.ParseRename(s)
		if err != nil {
			return opts, usagef("--rename: %v", err)
		}
		opts.Renames = append(opts.Renames, r)
	}
	for _, s := range flagValue[[]string](fs, "drop") {
		t, err := migrate.ParseTarget(s)
		if err != nil {
			return opts, usagef("--drop: %v", err)
		}
		opts.Drops = append(opts.Drops, t)
	}
	for _, s := range flagValue[[]string](fs, "default") {
		d, err := migrate.ParseDefault(s)
		if err != nil {
			return opts, usagef("--default: %v", err)
		}
		opts.Defaults = append(opts.Defaults, d)
	}
	return opts, nil
}

// unusedOptions lists the flags that no binding's plan applied: most
// likely a misspelt name, which must not pass silently.
func unusedOptions(opts migrate.Options, used map[string]bool) []string {
	var flags []string
	for _, r := range opts.Renames {
		flags = append(flags, r.String())
	}
	for _, d := range opts.Drops {
		flags = append(flags, "--drop "+d.String())
	}
	for _, d := range opts.Defaults {
		flags = append(flags, d.String())
	}
	return slices.DeleteFunc(flags, func(f string) bool { return used[f] })
}

// clock returns the time that names new migrations: SOURCE_DATE_EPOCH
// when set, as for reproducible builds (and tests), else now.
func clock() (time.Time, error) {
	s, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok {
		return time.Now(), nil
	}
	secs, err := strconv.ParseInt(s, 10, 64)
	if err != nil || secs < 0 {
		return time.Time{}, usagef("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
	}
	return time.Unix(secs, 0), nil
}

// An inputError is a migration the engine refuses to plan, as opposed to
// an I/O failure: reportRefusal reports it as a diagnostic.
type inputError struct{ error }

// A snapshotError is a snapshot that cannot be read: damaged, edited, or
// another binding's.
type snapshotError struct {
	path, text string
	err        error
}

func (e *snapshotError) Error() string { return filepath.ToSlash(e.path) + ": " + e.err.Error() }

// planBinding reads a binding's migrations directory and plans its next
// migration. A refusal (see reportRefusal) is a *migrate.UnresolvedError,
// a *migrate.MissingError, a *snapshotError or an *inputError; any other
// error is an I/O failure.
func (e *env) planBinding(cfg *config.Config, schema *idl.Schema, binding string, opts migrate.Options) (*migration, error) {
	m := &migration{dir: migrationsDir(cfg, binding)}
	last, err := m.read()
	if err != nil {
		return nil, err
	}
	if m.snap, err = migrate.FromSchema(schema, binding); err != nil {
		return nil, &inputError{err}
	}
	if last != nil && (last.Binding != m.snap.Binding || last.Kind != m.snap.Kind) {
		path := filepath.Join(m.dir, m.last)
		text, _ := os.ReadFile(path)
		return nil, &snapshotError{path, string(text), fmt.Errorf("the snapshot is of %s %q, not of %s %q", migrate.KindName(last.Kind), last.Binding, migrate.KindName(m.snap.Kind), binding)}
	}
	if m.plan, err = migrate.Diff(last, m.snap, opts); err != nil {
		var unresolved *migrate.UnresolvedError
		var missing *migrate.MissingError
		if errors.As(err, &unresolved) || errors.As(err, &missing) {
			return nil, err
		}
		return nil, &inputError{fmt.Errorf("%s %q: %v", migrate.KindName(m.snap.Kind), binding, err)}
	}
	return m, nil
}

// migrationsDir is where a binding's migrations live:
// <migrations_path>/<binding>, the migrations_dir the generated wrangler
// config gives each D1 database.
func migrationsDir(cfg *config.Config, binding string) string {
	base := cfg.MigrationsPath
	if !filepath.IsAbs(base) {
		base = filepath.Join(cfg.Root, base)
	}
	return filepath.Join(base, binding)
}

// read finds the latest migration of m's directory and returns its last
// snapshot, nil when there is none yet.
func (m *migration) read() (*migrate.Snapshot, error) {
	entries, err := os.ReadDir(m.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var snapTS int64
	var snapName string
	for _, ent := range entries {
		ts, name, ext, ok := migrate.ParseFileName(ent.Name())
		if !ok {
			continue
		}
		m.lastTS = max(m.lastTS, ts)
		if ext == "json" && (m.last == "" || ts > snapTS || ts == snapTS && name > snapName) {
			m.last, snapTS, snapName = ent.Name(), ts, name
		}
	}
	if m.last == "" {
		return nil, nil
	}
	path := filepath.Join(m.dir, m.last)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	snap, err := migrate.DecodeSnapshot(data)
	if err != nil {
		return nil, &snapshotError{path, string(data), err}
	}
	return snap, nil
}

// confirmLosses lists the steps that destroy data and asks on the terminal
// whether to go on.
func (e *env) confirmLosses(jobs []*migration, in *bufio.Reader) error {
	var b strings.Builder
	for _, m := range jobs {
		for _, l := range m.plan.Loses() {
			fmt.Fprintf(&b, "  %s %q: %s\n", migrate.KindName(m.plan.Kind), m.plan.Binding, l.What)
		}
	}
	if b.Len() == 0 {
		return nil
	}
	fmt.Fprintf(e.stdio.Err, "These migrations destroy data:\n%s", b.String())
	fmt.Fprint(e.stdio.Err, "Write them anyway? [y/N] ")
	answer, _ := in.ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return e.fail("nothing written")
	}
	return nil
}

// askRename returns a function that asks on the terminal whether a model
// or column that is gone was renamed, and to what.
func (e *env) askRename(in *bufio.Reader) func(migrate.Question) (string, error) {
	return func(q migrate.Question) (string, error) {
		fmt.Fprintf(e.stdio.Err, "%s\n", q)
		for i, o := range q.Options {
			fmt.Fprintf(e.stdio.Err, "  [%d] renamed to %q\n", i+1, o)
		}
		fmt.Fprintf(e.stdio.Err, "  [d] dropped, with its data\n")
		for {
			fmt.Fprint(e.stdio.Err, "Choice: ")
			line, err := in.ReadString('\n')
			answer := strings.TrimSpace(line)
			if answer == "d" {
				return "", nil
			}
			if n, convErr := strconv.Atoi(answer); convErr == nil && n >= 1 && n <= len(q.Options) {
				return q.Options[n-1], nil
			}
			if err != nil {
				return "", fmt.Errorf("no answer to: %s", q)
			}
			fmt.Fprintf(e.stdio.Err, "Answer a number from 1 to %d, or d.\n", len(q.Options))
		}
	}
}

// writeMigration writes m's migration file and snapshot, or prints them
// for a dry run. An unchanged binding gets no files, except for its first
// migration, which records the snapshot that later ones start from.
func (e *env) writeMigration(m *migration, name string, now time.Time, dryRun bool) error {
	plan := m.plan
	label := fmt.Sprintf("%s %q", migrate.KindName(plan.Kind), plan.Binding)
	out := e.stdio.Out
	if e.format == diag.JSON { // stdout is for the diagnostics
		out = e.stdio.Err
	}
	if plan.Empty() && !plan.First {
		fmt.Fprintf(out, "%s: no changes since %s; nothing to write\n", label, m.last)
		return nil
	}
	ts := migrate.NextTimestamp(now, m.lastTS)
	code, ext := plan.SQL(ts, name), ".sql"
	if plan.Kind == migrate.Durable {
		code, ext = plan.DurableModule(ts, name), ".ts"
	}
	base := filepath.Join(m.dir, migrate.Stem(ts, name))
	fmt.Fprint(out, plan.Describe())
	if m.last == "" && m.lastTS > 0 {
		fmt.Fprintf(e.stdio.Err, "note: %s has migrations but no cloesce snapshot, so this one creates every table\n", filepath.ToSlash(m.dir))
	}
	if dryRun {
		fmt.Fprintf(out, "would write %s:\n%s", filepath.ToSlash(base+ext), code)
		return nil
	}
	if err := os.MkdirAll(m.dir, 0o755); err != nil {
		return err
	}
	// The snapshot goes last: without it, the next run plans this
	// migration again instead of skipping a migration never written.
	for _, f := range []struct {
		path string
		data []byte
	}{{base + ext, code}, {base + ".json", m.snap.Encode()}} {
		if err := writeFileAtomic(f.path, f.data); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s\n", filepath.ToSlash(f.path))
	}
	return nil
}

// fail prints the end of a command that is not a problem in the input,
// such as the user answering no, and makes it exit 1.
func (e *env) fail(format string, args ...any) error {
	fmt.Fprintf(e.stdio.Err, "cloesce: "+format+"\n", args...)
	return errReported
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
