package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/wrangler"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/source"
)

func devFlags(fs *flag.FlagSet) {
	fs.Int("port", 0, "serve on `port` (default: the port of a localhost workers_url, else 8787)")
	fs.String("ip", "", "listen on `address` (default: wrangler's, localhost)")
}

// How often dev looks for changed sources and migrations, and how long it
// gives wrangler to start serving and to stop.
const (
	pollInterval = 300 * time.Millisecond
	readyTimeout = 90 * time.Second
	stopTimeout  = 5 * time.Second
)

// runDev serves the project for development: it compiles it, checks that
// its migrations are current, applies them to the local D1 databases and
// runs "wrangler dev", recompiling whenever a schema file or the config
// changes and applying new migrations until interrupted.
func runDev(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
	root, err := rootArg(args)
	if err != nil {
		return err
	}
	port := flagValue[int](fs, "port")
	if port < 0 || port > 65535 {
		return usagef("--port %d is not a port number", port)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	d := newDevServer(e, root)
	d.port = port
	d.ip = flagValue[string](fs, "ip")
	return d.serve(ctx)
}

// A devServer is one run of "cloesce dev".
//
// The Worker that wrangler serves is built from the generated files, so
// dev writes them only for a schema that the local databases match: a
// schema whose tables changed is held back, and the last build goes on
// serving, until its migration is written and applied.
type devServer struct {
	e        *env
	root     string
	port     int    // 0: from workers_url
	ip       string // "": wrangler's default
	wrangler []string
	run      runner
	interval time.Duration
	ready    time.Duration // how long wrangler dev may take to serve

	// interactive is set when the user can answer questions on stdin;
	// lines delivers what they type (nil without a terminal).
	interactive bool
	lines       <-chan string

	served *idl.Schema // the schema of the build being served
	held   *heldBuild  // a newer schema waiting for its migration
	asking bool        // the terminal is being asked to name held's migration
	// unapplied is set while the local D1 databases lack migrations that
	// dev failed to apply.
	unapplied bool
}

// newDevServer returns a dev server for the project in root, running the
// project's wrangler for real.
func newDevServer(e *env, root string) *devServer {
	return &devServer{
		e:           e,
		root:        root,
		wrangler:    findWrangler(root),
		run:         &execRunner{out: e.stdio.Out, err: e.stdio.Err},
		interval:    pollInterval,
		ready:       readyTimeout,
		interactive: e.interactive || isTerminal(e.stdio.In),
	}
}

// serve runs the steps of dev in order; it returns nil when ctx is done
// (Ctrl-C), at whatever step, or an error when a step fails or wrangler
// exits by itself.
func (d *devServer) serve(ctx context.Context) error {
	if d.interactive && d.lines == nil {
		d.lines = readLines(d.e.stdio.In)
	}
	// Stamped first, so that an edit made while wrangler starts is seen.
	sources := newWatcher(func() map[string]stamp { return sourceStamps(d.root, d.e.envArg) })
	migrations := newWatcher(func() map[string]stamp { return migrationStamps(d.root, d.e.envArg) })
	cfg, err := d.prepare(ctx)
	if ctx.Err() != nil {
		return d.stopped()
	}
	if err != nil {
		return err
	}
	migrations.changed() // what start-up wrote and applied is not news
	port := d.servePort(cfg)
	argv := d.wranglerArgs("dev", "--port", strconv.Itoa(port), "--config", wrangler.FileName(cfg.WranglerConfigFormat))
	if d.ip != "" {
		argv = append(argv, "--ip", d.ip)
	}
	// wrangler's debugger listens on 9229 unless told otherwise, and a
	// second wrangler dev on the machine would exit finding it taken.
	if inspector, err := freePort(); err == nil {
		argv = append(argv, "--inspector-port", strconv.Itoa(inspector))
	}
	log := newWranglerLog(port)
	p, err := d.run.start(d.root, argv, log.writer(d.e.stdio.Out), log.writer(d.e.stdio.Err))
	if err != nil {
		return fmt.Errorf("starting wrangler dev: %w", err)
	}
	defer p.stop()
	origin := "http://" + net.JoinHostPort(browseHost(d.ip), strconv.Itoa(port))
	if err := d.waitReady(ctx, origin, p, log, cfg); err != nil {
		if ctx.Err() != nil {
			return d.stopped()
		}
		return err
	}
	fmt.Fprintf(d.e.stdio.Out, "cloesce dev: serving %s (the API at %s)\n", origin, origin+apiPath(cfg.WorkersURL))
	if port != defaultPort(cfg.WorkersURL) {
		var diags diag.List
		diags.Warnf(diag.DevPortMismatch, source.Span{}, "the generated client calls %s (workers_url), not port %d", cfg.WorkersURL, port).
			Helpf("set workers_url in %s to this port, or serve on port %d", filepath.Base(cfg.Path), defaultPort(cfg.WorkersURL))
		d.e.render(&diags)
	}
	fmt.Fprintf(d.e.stdio.Out, "cloesce dev: watching the schema, %s and the migrations; press Ctrl-C to stop\n", filepath.Base(cfg.Path))

	tick := time.NewTicker(d.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return d.stopped()
		case <-p.done():
			return d.e.report(problem{code: diag.DevServe, msg: "wrangler dev exited", note: "its output above says why"})
		case <-tick.C:
			schemaChanged, migrationsChanged := sources.changed(), migrations.changed()
			if schemaChanged || migrationsChanged {
				d.recompile(ctx, schemaChanged, migrationsChanged)
			}
		case line, ok := <-d.lines:
			if !ok { // the terminal's input ended: nobody to ask any more
				d.lines, d.interactive = nil, false
				if d.asking {
					d.asking = false
					d.hint()
				}
				continue
			}
			if d.asking {
				d.answer(ctx, line)
				migrations.changed() // the migration dev wrote and applied
			}
		}
	}
}

// stopped reports an interrupted dev, which is not a failure.
func (d *devServer) stopped() error {
	fmt.Fprintln(d.e.stdio.Out, "cloesce dev: stopped")
	return nil
}

// servePort is the port to serve on: --port, else that of workers_url.
func (d *devServer) servePort(cfg *config.Config) int {
	if d.port != 0 {
		return d.port
	}
	return defaultPort(cfg.WorkersURL)
}

// prepare compiles the project, checks what wrangler dev needs (the
// runtime package installed, the port free), checks that its migrations
// are current (on a terminal, offering to write them), writes the generated
// files and applies the migrations to the local D1 databases. It returns
// the config. Its problems are printed as one list of diagnostics.
func (d *devServer) prepare(ctx context.Context) (*config.Config, error) {
	var diags diag.List
	proj, schema, err := d.e.load([]string{d.root}, &diags)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, d.e.render(&diags)
	}
	d.e.flush(&diags)
	cfg := proj.cfg
	if p := runtimeProblem(cfg, d.root); p.msg != "" {
		d.e.addProblem(&diags, p)
	}
	port := d.servePort(cfg)
	if addr, taken := portTaken(d.ip, port); taken {
		d.e.addProblem(&diags, portProblem(port, addr))
	}
	if diags.HasErrors() {
		return nil, d.e.render(&diags)
	}
	pending, err := d.pending(proj, schema, &diags)
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, d.e.render(&diags)
	}
	if !pending.empty() {
		d.describe(pending)
		if !d.interactive {
			for _, u := range pending.unresolved {
				reportQuestions(u, proj.files, &diags)
			}
			d.e.addProblem(&diags, d.outOfDate(pending))
			return nil, d.e.render(&diags)
		}
		if err := d.askAtStart(ctx, proj, schema, pending); err != nil {
			return nil, err
		}
	}
	// Written before the migrations are applied, which need the wrangler
	// config to name the databases: nothing serves them yet.
	if err := d.e.generate(proj, schema, &diags); err != nil || diags.HasErrors() {
		d.e.render(&diags)
		return nil, cmp.Or(err, errReported)
	}
	d.served = schema
	if err := d.applyD1(ctx, proj, schema, &diags); err != nil || diags.HasErrors() {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d.e.render(&diags)
		return nil, cmp.Or(err, errReported)
	}
	if err := d.e.render(&diags); err != nil {
		return nil, err
	}
	return cfg, nil
}

// outOfDate says that the migrations of s are not written, and how to
// write them.
func (d *devServer) outOfDate(s *pendingSet) problem {
	return problem{
		code: diag.DevMigrations,
		msg:  fmt.Sprintf("the migrations of %s are out of date", s.names()),
		help: fmt.Sprintf("write them with %s, then run dev again", d.migrateCommand()),
	}
}

// recompile analyses the changed project and switches the served build to
// it when the local databases match it, applying new migrations first;
// otherwise the last build goes on serving.
func (d *devServer) recompile(ctx context.Context, schemaChanged, migrationsChanged bool) {
	out, errOut := d.e.stdio.Out, d.e.stdio.Err
	switch {
	case schemaChanged:
		fmt.Fprintln(out, "cloesce dev: recompiling")
	case d.held == nil:
		fmt.Fprintln(out, "cloesce dev: the migrations changed")
	}
	// The config is loaded on its own first, so that its mistakes are
	// reported as the config's, not the schema's.
	var diags diag.List
	cfg, err := config.Load(d.root, d.e.envArg, &diags)
	switch {
	case err != nil:
		fmt.Fprintf(errOut, "cloesce dev: %v; still serving the last good build\n", err)
		return
	case diags.HasErrors():
		d.e.render(&diags)
		fmt.Fprintf(errOut, "cloesce dev: the config %s has errors; still serving the last good build\n", shownPath(d.e.cwd, cfg.Path))
		return
	}
	proj, schema, err := d.e.analyze([]string{d.root})
	switch {
	case errors.Is(err, errReported):
		fmt.Fprintln(errOut, "cloesce dev: the schema has errors; still serving the last good build")
		return
	case err != nil:
		fmt.Fprintf(errOut, "cloesce dev: %v; still serving the last good build\n", err)
		return
	}
	diags = diag.List{} // the config's warnings: analyze reported them again
	pending, err := d.pending(proj, schema, &diags)
	if err != nil || diags.HasErrors() {
		// migrate would refuse too (a value missing, a damaged snapshot):
		// nothing to ask here, cloesce migrate's flags settle it.
		if err != nil {
			fmt.Fprintf(errOut, "cloesce dev: %v\n", err)
		}
		d.e.render(&diags)
		d.held, d.asking = &heldBuild{proj: proj, schema: schema}, false
		fmt.Fprintln(errOut, "cloesce dev: still serving the last build, which matches the local databases")
		d.hint()
		return
	}
	if !pending.empty() {
		if !schemaChanged && d.held != nil {
			// Half of a migration being written, or another binding's:
			// the question stands as asked.
			d.held = &heldBuild{proj: proj, schema: schema, durables: pending.durables}
			return
		}
		d.hold(proj, schema, pending)
		return
	}
	held := d.held
	if migrationsChanged || d.unapplied || held != nil {
		err := d.applyD1(ctx, proj, schema, &diags)
		if err != nil || diags.HasErrors() {
			if ctx.Err() == nil {
				if err != nil {
					fmt.Fprintf(errOut, "cloesce dev: %v\n", err)
				}
				d.e.render(&diags)
				d.unapplied = true
				fmt.Fprintln(errOut, "cloesce dev: still serving the last build; dev applies the migrations again when a migration file or the schema changes")
			}
			return
		}
		d.unapplied = false
	}
	d.held, d.asking = nil, false
	err = d.e.generate(proj, schema, &diags)
	if err != nil {
		fmt.Fprintf(errOut, "cloesce dev: %v\n", err)
	}
	if rerr := d.e.render(&diags); err != nil || rerr != nil {
		return
	}
	d.served = schema
	if held != nil {
		fmt.Fprintln(out, "cloesce dev: the local databases match the schema; serving the new build")
		d.durableNote(proj.cfg, held.durables)
	}
}

// applyD1 applies the migrations of every D1 database of schema to its
// local database, as wrangler dev serves it, once "cloesce migrate verify"
// finds that they keep its rows on a copy of it: a migration that fails
// verification applies nothing. Its problems go into diags; the error is
// for I/O failures and ctx ending.
func (d *devServer) applyD1(ctx context.Context, proj *project, schema *idl.Schema, diags *diag.List) error {
	// wrangler finds a database by its binding in the wrangler config,
	// which a new database is not in yet.
	var served []string
	if d.served != nil {
		served = d.served.Env.D1
	}
	if slices.ContainsFunc(schema.Env.D1, func(db string) bool { return !slices.Contains(served, db) }) {
		if err := d.e.writeWrangler(proj, schema, diags); err != nil || diags.HasErrors() {
			return err
		}
	}
	// Every database's migrations are verified before any is applied.
	verified := true
	for _, db := range schema.Env.D1 {
		v, err := d.e.verifyD1(proj.cfg, db, "", diags)
		if err != nil {
			return fmt.Errorf("verifying the migrations of D1 database %q: %w", db, err)
		}
		verified = verified && v.OK
		if len(v.Applied) > 0 && v.OK {
			fmt.Fprintf(d.e.stdio.Out, "cloesce dev: %s of D1 database %q verified on a copy of its local database: rows kept but those declared lost, foreign keys and integrity intact\n",
				count(len(v.Applied), "pending migration", "pending migrations"), db)
		}
	}
	if !verified {
		return nil
	}
	for _, db := range schema.Env.D1 {
		argv := d.wranglerArgs("d1", "migrations", "apply", db, "--local", "--config", wrangler.FileName(proj.cfg.WranglerConfigFormat))
		if err := d.run.run(ctx, d.root, argv); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d.e.addProblem(diags, problem{
				code: diag.DevApply,
				msg:  fmt.Sprintf("applying the migrations of D1 database %q to its local database: %v", db, err),
				note: "wrangler's output above says why",
			})
			return nil
		}
	}
	return nil
}

// shownPath is path as dev shows it: relative to the working directory
// when under it.
func shownPath(cwd, path string) string {
	if rel, err := filepath.Rel(cwd, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// wranglerArgs returns the command line running wrangler with args, in
// the environment chosen by --env.
func (d *devServer) wranglerArgs(args ...string) []string {
	argv := append(append([]string{}, d.wrangler...), args...)
	if d.e.envArg != "" {
		argv = append(argv, "--env", d.e.envArg)
	}
	return argv
}

// findWrangler returns the command running the project's wrangler: the
// nearest node_modules/.bin/wrangler at or above root, else npx's.
func findWrangler(root string) []string {
	if bin, ok := findUp(root, filepath.Join("node_modules", ".bin", "wrangler")); ok {
		return []string{bin}
	}
	return []string{"npx", "wrangler"}
}

// findUp returns the path of rel in root or the nearest directory above
// it that has it, as Node looks for node_modules.
func findUp(root, rel string) (string, bool) {
	dir, err := filepath.Abs(root)
	if err != nil {
		return "", false
	}
	for {
		path := filepath.Join(dir, rel)
		if _, err := os.Stat(path); err == nil {
			return path, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// defaultPort is the port of workers_url when it names this machine, so
// that the generated client reaches the server; else wrangler's 8787.
func defaultPort(workersURL string) int {
	u, err := url.Parse(workersURL)
	if err != nil {
		return 8787
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		if p, err := strconv.Atoi(u.Port()); err == nil {
			return p
		}
	}
	return 8787
}

// apiPath is the path under which the Worker serves the API: that of
// workers_url, without a trailing slash.
func apiPath(workersURL string) string {
	u, err := url.Parse(workersURL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// browseHost is the host to reach a server listening on ip at.
func browseHost(ip string) string {
	switch ip {
	case "", "0.0.0.0", "::", "*":
		return "localhost"
	}
	return ip
}

// A stamp is what the watcher compares a file by.
type stamp struct {
	mod  time.Time
	size int64
}

// sourceStamps stamps the files a compile of root reads: the config and
// the schema files it names.
func sourceStamps(root, envName string) map[string]stamp {
	stamps := map[string]stamp{}
	var diags diag.List // reported by the compile the change triggers
	cfg, err := config.Load(root, envName, &diags)
	if err != nil {
		return stamps
	}
	addStamp(stamps, cfg.Path)
	for _, path := range config.Discover(root, cfg, &diags) {
		addStamp(stamps, path)
	}
	return stamps
}

// migrationStamps stamps every file under the project's migrations path.
func migrationStamps(root, envName string) map[string]stamp {
	stamps := map[string]stamp{}
	var diags diag.List
	cfg, err := config.Load(root, envName, &diags)
	if err != nil {
		return stamps
	}
	base := cfg.MigrationsPath
	if !filepath.IsAbs(base) {
		base = filepath.Join(cfg.Root, base)
	}
	filepath.WalkDir(base, func(path string, ent fs.DirEntry, err error) error {
		if err == nil && !ent.IsDir() {
			addStamp(stamps, path)
		}
		return nil
	})
	return stamps
}

func addStamp(stamps map[string]stamp, path string) {
	if fi, err := os.Stat(path); err == nil {
		stamps[path] = stamp{fi.ModTime(), fi.Size()}
	}
}

// A watcher tells when a set of file stamps changes.
type watcher struct {
	snapshot func() map[string]stamp
	last     map[string]stamp
}

func newWatcher(snapshot func() map[string]stamp) *watcher {
	return &watcher{snapshot: snapshot, last: snapshot()}
}

// changed reports whether a file was added, removed or changed since the
// last call.
func (w *watcher) changed() bool {
	now := w.snapshot()
	if maps.Equal(now, w.last) {
		return false
	}
	w.last = now
	return true
}
