package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
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
	"github.com/cloesce-go/cloesce/internal/migrate"
)

func devFlags(fs *flag.FlagSet) {
	fs.Int("port", 0, "serve on `port` (default: the port of a localhost workers_url, else 8787)")
	fs.String("ip", "", "listen on `address` (default: wrangler's, localhost)")
}

// How often dev looks for changed sources, and how long it gives wrangler
// to start serving and to stop.
const (
	pollInterval = 300 * time.Millisecond
	readyTimeout = 90 * time.Second
	stopTimeout  = 5 * time.Second
)

// runDev serves the project for development: it compiles it, checks that
// its migrations are current, applies them to the local D1 databases and
// runs "wrangler dev", recompiling whenever a schema file or the config
// changes until interrupted.
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
	d := &devServer{
		e:        e,
		root:     root,
		port:     port,
		ip:       flagValue[string](fs, "ip"),
		wrangler: findWrangler(root),
		run:      &execRunner{out: e.stdio.Out, err: e.stdio.Err},
		interval: pollInterval,
	}
	return d.serve(ctx)
}

// A runner runs the programs dev drives; tests substitute a fake.
type runner interface {
	// run runs argv in dir to completion, passing its output through.
	run(ctx context.Context, dir string, argv []string) error
	// start starts argv in dir, in a process group of its own so that
	// stopping it stops whatever it started.
	start(dir string, argv []string) (process, error)
}

// A process is a program started by a runner.
type process interface {
	// done is closed when the process has exited.
	done() <-chan struct{}
	// stop ends the process and everything it started, and waits for it.
	stop()
}

// A devServer is one run of "cloesce dev".
type devServer struct {
	e        *env
	root     string
	port     int    // 0: from workers_url
	ip       string // "": wrangler's default
	wrangler []string
	run      runner
	interval time.Duration
}

// serve runs the steps of dev in order; it returns when ctx is done, or
// with an error when a step fails or wrangler exits by itself.
func (d *devServer) serve(ctx context.Context) error {
	// Stamped first, so that an edit made while wrangler starts is seen.
	w := newWatcher(func() map[string]stamp { return sourceStamps(d.root, d.e.envArg) })
	cfg, err := d.prepare(ctx)
	if err != nil {
		return err
	}
	port := d.port
	if port == 0 {
		port = defaultPort(cfg.WorkersURL)
	}
	argv := d.wranglerArgs("dev", "--port", strconv.Itoa(port), "--config", wrangler.FileName(cfg.WranglerConfigFormat))
	if d.ip != "" {
		argv = append(argv, "--ip", d.ip)
	}
	// wrangler's debugger listens on 9229 unless told otherwise, and a
	// second wrangler dev on the machine would exit finding it taken.
	if inspector, err := freePort(); err == nil {
		argv = append(argv, "--inspector-port", strconv.Itoa(inspector))
	}
	p, err := d.run.start(d.root, argv)
	if err != nil {
		return fmt.Errorf("starting wrangler dev: %w", err)
	}
	defer p.stop()
	origin := "http://" + net.JoinHostPort(browseHost(d.ip), strconv.Itoa(port))
	if err := waitReady(ctx, origin, p); err != nil {
		return d.e.fail("%v", err)
	}
	fmt.Fprintf(d.e.stdio.Out, "cloesce dev: serving %s (the API at %s)\n", origin, origin+apiPath(cfg.WorkersURL))
	if port != defaultPort(cfg.WorkersURL) {
		fmt.Fprintf(d.e.stdio.Err, "warning: the generated client calls %s (workers_url), not port %d\n", cfg.WorkersURL, port)
	}
	fmt.Fprintf(d.e.stdio.Out, "cloesce dev: watching the schema and %s; press Ctrl-C to stop\n", filepath.Base(cfg.Path))

	tick := time.NewTicker(d.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-p.done():
			return d.e.fail("wrangler dev exited")
		case <-tick.C:
			if w.changed() {
				d.recompile()
			}
		}
	}
}

// prepare compiles the project, checks that its migrations are current
// and applies them to the local D1 databases, returning its config.
func (d *devServer) prepare(ctx context.Context) (*config.Config, error) {
	proj, schema, err := d.e.compile([]string{d.root})
	if err != nil {
		return nil, err
	}
	pending, err := d.e.pendingMigrations(proj.cfg, schema)
	if err != nil {
		return nil, err
	}
	if len(pending) > 0 {
		return nil, d.e.fail("the migrations of %s are out of date: write them with `cloesce migrate --all <name>`, then run dev again", strings.Join(pending, " and "))
	}
	for _, db := range schema.Env.D1 {
		argv := d.wranglerArgs("d1", "migrations", "apply", db, "--local", "--config", wrangler.FileName(proj.cfg.WranglerConfigFormat))
		if err := d.run.run(ctx, d.root, argv); err != nil {
			return nil, d.e.fail("applying the migrations of D1 database %q: %v", db, err)
		}
	}
	return proj.cfg, nil
}

// recompile compiles the changed project. Wrangler reloads the Worker by
// itself when the generated files change; after a failed compile it goes
// on serving the last good build.
func (d *devServer) recompile() {
	fmt.Fprintln(d.e.stdio.Out, "cloesce dev: recompiling")
	proj, schema, err := d.e.compile([]string{d.root})
	switch {
	case errors.Is(err, errReported):
		fmt.Fprintln(d.e.stdio.Err, "cloesce dev: the schema has errors; still serving the last good build")
		return
	case err != nil:
		fmt.Fprintf(d.e.stdio.Err, "cloesce dev: %v\n", err)
		return
	}
	pending, err := d.e.pendingMigrations(proj.cfg, schema)
	switch {
	case err != nil:
		fmt.Fprintf(d.e.stdio.Err, "cloesce dev: %v\n", err)
	case len(pending) > 0:
		fmt.Fprintf(d.e.stdio.Err, "warning: the schema changed the tables of %s: write the migration with `cloesce migrate --all <name>`, then restart dev to apply it\n", strings.Join(pending, " and "))
	}
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

// pendingMigrations names the bindings whose migrations do not reach the
// current schema: those that "cloesce migrate --all --dry-run" would
// write a migration for.
func (e *env) pendingMigrations(cfg *config.Config, schema *idl.Schema) ([]string, error) {
	var pending []string
	for _, b := range migrate.Bindings(schema) {
		m, err := e.planBinding(cfg, schema, b, migrate.Options{})
		var unresolved *migrate.UnresolvedError // a rename to ask about: pending too
		var refused *inputError
		switch {
		case errors.As(err, &unresolved):
		case errors.As(err, &refused):
			return nil, e.fail("%v", err)
		case err != nil:
			return nil, err
		case m.plan.Empty() && !m.plan.First:
			continue
		}
		kind := migrate.Durable
		if slices.Contains(schema.Env.D1, b) {
			kind = migrate.D1
		}
		pending = append(pending, fmt.Sprintf("%s %q", migrate.KindName(kind), b))
	}
	return pending, nil
}

// findWrangler returns the command running the project's wrangler: the
// nearest node_modules/.bin/wrangler at or above root, else npx's.
func findWrangler(root string) []string {
	dir, err := filepath.Abs(root)
	if err != nil {
		return []string{"npx", "wrangler"}
	}
	for {
		bin := filepath.Join(dir, "node_modules", ".bin", "wrangler")
		if _, err := os.Stat(bin); err == nil {
			return []string{bin}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return []string{"npx", "wrangler"}
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

// waitReady waits until origin answers HTTP, failing if p exits first.
func waitReady(ctx context.Context, origin string, p process) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.After(readyTimeout)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, origin, nil)
		if err != nil {
			return err
		}
		if res, err := client.Do(req); err == nil {
			res.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.done():
			return errors.New("wrangler dev exited before serving")
		case <-deadline:
			return fmt.Errorf("wrangler dev did not answer at %s within %v", origin, readyTimeout)
		case <-time.After(200 * time.Millisecond):
		}
	}
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
	add := func(path string) {
		if fi, err := os.Stat(path); err == nil {
			stamps[path] = stamp{fi.ModTime(), fi.Size()}
		}
	}
	var diags diag.List // reported by the compile the change triggers
	cfg, err := config.Load(root, envName, &diags)
	if err != nil {
		return stamps
	}
	add(cfg.Path)
	for _, path := range config.Discover(root, cfg, &diags) {
		add(path)
	}
	return stamps
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

// An execRunner runs programs for real, with the output going to out and
// err and metrics to Cloudflare turned off.
type execRunner struct {
	out, err io.Writer
}

func (r *execRunner) command(dir string, argv []string) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = r.out, r.err
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false")
	// Output goes through pipes unless out and err are files; children
	// still holding them must not keep Wait waiting.
	cmd.WaitDelay = stopTimeout
	return cmd
}

func (r *execRunner) run(ctx context.Context, dir string, argv []string) error {
	cmd := r.command(dir, argv)
	setGroup(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
			killGroup(cmd.Process, true)
		case <-stopped:
		}
	}()
	return cmd.Wait()
}

func (r *execRunner) start(dir string, argv []string) (process, error) {
	cmd := r.command(dir, argv)
	setGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &execProcess{cmd: cmd, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// An execProcess is a program started by an execRunner.
type execProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

func (p *execProcess) done() <-chan struct{} { return p.exited }

// stop asks the process group to end, and kills it if it has not within
// stopTimeout. The group is signalled even after its leader exited, since
// workerd may outlive wrangler.
func (p *execProcess) stop() {
	killGroup(p.cmd.Process, false)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
	}
	killGroup(p.cmd.Process, true)
	<-p.exited
}

// freePort returns a loopback port nothing listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
