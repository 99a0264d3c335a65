package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
)

// A pendingSet is what the migrations of a schema lack: the bindings
// "cloesce migrate --all" would write a migration for.
type pendingSet struct {
	plans      []*migration               // planned without questions
	unresolved []*migrate.UnresolvedError // renames to ask about first
	labels     []string                   // every binding, `D1 database "db"`, in order
	durables   []string                   // the Durable Objects among them
}

func (s *pendingSet) empty() bool { return len(s.labels) == 0 }

// names lists the bindings for a sentence: `D1 database "db" and ...`.
func (s *pendingSet) names() string { return strings.Join(s.labels, " and ") }

// A heldBuild is an analysed schema that dev does not serve yet, because
// the local databases do not match it.
type heldBuild struct {
	proj     *project
	schema   *idl.Schema
	durables []string // Durable Objects whose migrations it needs
}

// pending plans the next migration of every binding of schema, as
// "cloesce migrate --all --dry-run" would. A plan migrate refuses (a value
// missing, a damaged snapshot) is reported into diags; the error is for
// I/O failures.
func (d *devServer) pending(proj *project, schema *idl.Schema, diags *diag.List) (*pendingSet, error) {
	s := &pendingSet{}
	for _, b := range migrate.Bindings(schema) {
		m, err := d.e.planBinding(proj.cfg, schema, b, migrate.Options{})
		var unresolved *migrate.UnresolvedError
		kind := ""
		switch {
		case errors.As(err, &unresolved):
			s.unresolved = append(s.unresolved, unresolved)
			kind = unresolved.Kind
		case err != nil:
			if !reportRefusal(err, proj.files, diags) {
				return nil, err
			}
			continue
		case m.plan.Empty() && !m.plan.First:
			continue
		default:
			s.plans = append(s.plans, m)
			kind = m.plan.Kind
		}
		s.labels = append(s.labels, fmt.Sprintf("%s %q", migrate.KindName(kind), b))
		if kind == migrate.Durable {
			s.durables = append(s.durables, b)
		}
	}
	return s, nil
}

// describe prints what the migrations of s would change, and the rename
// questions to be asked when the migration is named. Without a terminal,
// those questions are for the caller to report.
func (d *devServer) describe(s *pendingSet) {
	w := d.e.stdio.Err
	for _, m := range s.plans {
		fmt.Fprint(w, m.plan.Describe())
	}
	if !d.interactive {
		return
	}
	for _, u := range s.unresolved {
		fmt.Fprintf(w, "%s %q: to be asked when you name the migration:\n", migrate.KindName(u.Kind), u.Binding)
		for _, q := range u.Questions {
			fmt.Fprintf(w, "  %s\n", q)
		}
	}
}

// hold keeps serving the last build instead of a schema that needs a
// migration, says what changed and asks for the migration's name, or says
// how to write it without a terminal.
func (d *devServer) hold(proj *project, schema *idl.Schema, s *pendingSet) {
	d.held = &heldBuild{proj: proj, schema: schema, durables: s.durables}
	fmt.Fprintf(d.e.stdio.Err, "cloesce dev: the schema changes the tables of %s; still serving the last build, which matches the local databases\n", s.names())
	d.describe(s)
	if !d.interactive {
		var diags diag.List
		for _, u := range s.unresolved {
			reportQuestions(u, proj.files, &diags)
		}
		d.e.render(&diags)
		d.asking = false
		d.hint()
		return
	}
	d.asking = true
	d.prompt()
}

// prompt asks for the name of the held schema's migration.
func (d *devServer) prompt() {
	fmt.Fprint(d.e.stdio.Err, "Name the migration to write and apply (Enter: not now): ")
}

// hint says how to migrate the held schema without dev's question.
func (d *devServer) hint() {
	fmt.Fprintf(d.e.stdio.Err, "cloesce dev: write the migration with %s in another terminal: dev applies it and serves the new build\n", d.migrateCommand())
}

// migrateCommand is the command writing the migrations of this project.
func (d *devServer) migrateCommand() string {
	cmd := "cloesce"
	if d.e.envArg != "" {
		cmd += " --env " + shellQuote(d.e.envArg)
	}
	cmd += " migrate --all"
	if filepath.Clean(d.root) != "." {
		cmd += " --dir " + shellQuote(d.root)
	}
	return "`" + cmd + " <name>`"
}

// answer takes a line typed while dev asks for the held schema's migration
// name: it writes the migration, asking about renames and data loss as
// "cloesce migrate" does, then applies it and switches to the new build.
func (d *devServer) answer(ctx context.Context, line string) {
	name := strings.TrimSpace(line)
	if name == "" {
		d.asking = false
		fmt.Fprintln(d.e.stdio.Err, "cloesce dev: no migration written; still serving the last build")
		d.hint()
		return
	}
	if err := migrate.CheckName(name); err != nil {
		fmt.Fprintf(d.e.stdio.Err, "%v\n", err)
		d.prompt()
		return
	}
	d.asking = false
	if err := d.writeMigrations(ctx, d.held.proj, d.held.schema, name); err != nil {
		if ctx.Err() != nil {
			return
		}
		if !errors.Is(err, errReported) {
			fmt.Fprintf(d.e.stdio.Err, "cloesce: %v\n", err)
		}
		fmt.Fprintln(d.e.stdio.Err, "cloesce dev: still serving the last build")
		d.hint()
		return
	}
	// Compiled again, in case the schema changed since the question.
	d.recompile(ctx, false, true)
}

// askAtStart asks on the terminal for the name of the migration a schema
// needs before dev serves it, and writes it.
func (d *devServer) askAtStart(ctx context.Context, proj *project, schema *idl.Schema, s *pendingSet) error {
	fmt.Fprintf(d.e.stdio.Err, "cloesce dev: the schema changes the tables of %s\n", s.names())
	for {
		d.prompt()
		var line string
		ok := false
		select {
		case <-ctx.Done():
			return ctx.Err()
		case line, ok = <-d.lines:
		}
		name := strings.TrimSpace(line)
		if !ok || name == "" {
			return d.e.report(d.outOfDate(s))
		}
		if err := migrate.CheckName(name); err != nil {
			fmt.Fprintf(d.e.stdio.Err, "%v\n", err)
			continue
		}
		if err := d.writeMigrations(ctx, proj, schema, name); err != nil {
			return err
		}
		d.durableNote(proj.cfg, s.durables)
		return nil
	}
}

// writeMigrations writes the migration called name of every binding whose
// migrations do not reach schema, asking on the terminal about renames and
// about steps that destroy data.
func (d *devServer) writeMigrations(ctx context.Context, proj *project, schema *idl.Schema, name string) error {
	now, err := clock()
	if err != nil {
		return err
	}
	in := bufio.NewReader(&lineReader{ctx: ctx, lines: d.lines})
	opts := migrate.Options{Ask: d.e.askRename(in)}
	var jobs []*migration
	var diags diag.List
	for _, b := range migrate.Bindings(schema) {
		m, err := d.e.planBinding(proj.cfg, schema, b, opts)
		switch {
		case err != nil:
			if !reportRefusal(err, proj.files, &diags) {
				return err
			}
			continue
		case m.plan.Empty() && !m.plan.First:
			continue
		}
		jobs = append(jobs, m)
	}
	if diags.HasErrors() {
		return d.e.render(&diags)
	}
	if err := d.e.confirmLosses(jobs, in); err != nil {
		return err
	}
	for _, m := range jobs {
		if err := d.e.writeMigration(m, name, now, false); err != nil {
			return err
		}
	}
	return nil
}

// durableNote reminds that Durable Objects migrate themselves: dev
// cannot apply their migrations.
func (d *devServer) durableNote(cfg *config.Config, durables []string) {
	for _, b := range durables {
		fmt.Fprintf(d.e.stdio.Err, "cloesce dev: Durable Object %q applies its migrations itself when it starts: import the new module of %s in its class and pass it to this.cloesce(env, [...]) (see docs/migrations.md)\n", b, shownPath(d.e.cwd, migrationsDir(cfg, b)))
	}
}

// readLines delivers the lines read from in until it ends, then closes
// the channel. The reading goroutine lives as long as in.
func readLines(in io.Reader) <-chan string {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// A lineReader reads the lines of a channel, one Read at most per line,
// until ctx is done: the questions of "cloesce migrate" asked in dev,
// which Ctrl-C must interrupt.
type lineReader struct {
	ctx   context.Context
	lines <-chan string
	rest  []byte
}

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.rest) == 0 {
		select {
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		case line, ok := <-r.lines:
			if !ok {
				return 0, io.EOF
			}
			r.rest = []byte(line + "\n")
		}
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}
