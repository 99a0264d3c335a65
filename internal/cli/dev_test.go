package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloesce-go/cloesce/internal/config"
)

// A syncBuffer collects output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until cond holds, failing the test after timeout or when
// the command running in the background (reporting on exited) ends.
func waitFor(t *testing.T, what string, timeout time.Duration, exited <-chan error, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case err := <-exited:
			t.Fatalf("dev ended (%v) while waiting for %s", err, what)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, timeout)
		}
	}
}

// A fakeRunner records the commands dev runs. The process it starts
// prints output (by default wrangler's line saying it is ready on its
// --port) and runs until stopped or until exit is closed.
type fakeRunner struct {
	mu           sync.Mutex
	ran, started [][]string
	output       *string // what the started process prints; nil: ready
	block        bool    // run waits for its context to end
	running      chan struct{}
	exit         chan struct{}
	stopped      chan struct{}
	stopOnce     sync.Once
	srv          *http.Server
}

func newFakeRunner() *fakeRunner {
	return &fakeRunner{running: make(chan struct{}, 1), exit: make(chan struct{}), stopped: make(chan struct{})}
}

func (f *fakeRunner) run(ctx context.Context, _ string, argv []string) error {
	f.mu.Lock()
	f.ran = append(f.ran, argv)
	block := f.block
	f.mu.Unlock()
	select {
	case f.running <- struct{}{}:
	default:
	}
	if block {
		<-ctx.Done()
		return errors.New("signal: killed")
	}
	return nil
}

// start stands in for wrangler dev: it serves HTTP on the --port of argv
// and prints its output.
func (f *fakeRunner) start(_ string, argv []string, stdout, _ io.Writer) (process, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, argv)
	port := argv[slices.Index(argv, "--port")+1]
	l, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		return nil, err
	}
	f.srv = &http.Server{Handler: http.NotFoundHandler()}
	go f.srv.Serve(l)
	out := "⎔ Starting local server...\n[wrangler:info] Ready on http://127.0.0.1:" + port + "\n"
	if f.output != nil {
		out = *f.output
	}
	io.WriteString(stdout, out)
	return f, nil
}

func (f *fakeRunner) done() <-chan struct{} { return f.exit }

func (f *fakeRunner) stop() {
	f.stopOnce.Do(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.srv != nil {
			f.srv.Close()
		}
		close(f.stopped)
	})
}

func (f *fakeRunner) isStopped() bool {
	select {
	case <-f.stopped:
		return true
	default:
		return false
	}
}

// applies counts the migration applies dev ran.
func (f *fakeRunner) applies() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, argv := range f.ran {
		if slices.Contains(argv, "apply") {
			n++
		}
	}
	return n
}

// fakeRuntime installs a stand-in for the built npm package "cloesce" in
// the project in dir.
func fakeRuntime(t *testing.T, dir string) {
	t.Helper()
	pkg := filepath.Join(dir, "node_modules", "cloesce")
	writeFile(t, filepath.Join(pkg, "package.json"), `{"name": "cloesce", "exports": {".": {"types": "./dist/index.d.ts", "import": "./dist/index.js"}}}`)
	writeFile(t, filepath.Join(pkg, "dist", "index.js"), "")
}

// fakeDev returns a dev server for the project in dir driving a fake
// runner, on a free port, and its output.
func fakeDev(t *testing.T, dir string) (*devServer, *fakeRunner, *syncBuffer, *syncBuffer) {
	t.Helper()
	fakeRuntime(t, dir)
	var stdout, stderr syncBuffer
	f := newFakeRunner()
	t.Cleanup(f.stop)
	d := &devServer{
		e:        &env{stdio: Stdio{Out: &stdout, Err: &stderr}, cwd: dir},
		root:     dir,
		port:     testPort(t),
		ip:       "127.0.0.1",
		wrangler: []string{"wrangler"},
		run:      f,
		interval: 10 * time.Millisecond,
		ready:    10 * time.Second,
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
		}
	})
	return d, f, &stdout, &stderr
}

// serveInBackground runs d until the test ends, reporting its result.
func serveInBackground(t *testing.T, d *devServer) (context.CancelFunc, <-chan error) {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	exited := make(chan error, 1)
	go func() { exited <- d.serve(ctx) }()
	return cancel, exited
}

func TestDevSteps(t *testing.T) {
	dir, _ := newProject(t, false)
	d, f, stdout, stderr := fakeDev(t, dir)
	cancel, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })

	f.mu.Lock()
	ran, started := f.ran, f.started
	f.mu.Unlock()
	wantRan := [][]string{{"wrangler", "d1", "migrations", "apply", "db", "--local", "--config", "wrangler.jsonc"}}
	if !slices.EqualFunc(ran, wantRan, slices.Equal) {
		t.Errorf("ran %q, want %q", ran, wantRan)
	}
	wantStarted := [][]string{{"wrangler", "dev", "--port", strconv.Itoa(d.port), "--config", "wrangler.jsonc", "--ip", "127.0.0.1", "--inspector-port", "<free>"}}
	for _, argv := range started {
		if i := slices.Index(argv, "--inspector-port"); i >= 0 && i+1 < len(argv) {
			if _, err := strconv.Atoi(argv[i+1]); err == nil {
				argv[i+1] = "<free>"
			}
		}
	}
	if !slices.EqualFunc(started, wantStarted, slices.Equal) {
		t.Errorf("started %q, want %q", started, wantStarted)
	}
	origin := "http://127.0.0.1:" + strconv.Itoa(d.port)
	if want := "serving " + origin + " (the API at " + origin + "/api)"; !strings.Contains(stdout.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, stdout)
	}

	// A change that leaves the tables alone is served at once.
	schema := filepath.Join(dir, "src", "schema", "schema.clo")
	cidl := filepath.Join(dir, ".cloesce", "cidl.json")
	appendFile(t, schema, "\napi Item {\n    get summary(self) -> string\n}\n")
	waitFor(t, "the new method in cidl.json", 10*time.Second, exited, func() bool { return fileContains(cidl, `"summary"`) })

	cancel()
	if err := <-exited; err != nil {
		t.Errorf("serve returned %v after cancel, want nil", err)
	}
	if !strings.HasSuffix(stdout.String(), "cloesce dev: stopped\n") || strings.Contains(stderr.String(), "cloesce:") {
		t.Errorf("after Ctrl-C, want only \"cloesce dev: stopped\":\n%s\nstderr:\n%s", stdout, stderr)
	}
	if !f.isStopped() {
		t.Error("wrangler dev was not stopped")
	}
}

func TestDevStopsWhenWranglerExits(t *testing.T) {
	dir, _ := newProject(t, false)
	d, f, stdout, stderr := fakeDev(t, dir)
	_, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })
	close(f.exit)
	if err := <-exited; !errors.Is(err, errReported) || !strings.Contains(stderr.String(), "error[E0406]: wrangler dev exited\n") {
		t.Errorf("serve returned %v, want errReported after saying wrangler dev exited:\n%s", err, stderr)
	}
}

// TestDevStartFailures checks what dev says when wrangler dev does not
// serve the Worker: a build error, an early exit, another server on the
// port, or a server answering that is not wrangler's.
func TestDevStartFailures(t *testing.T) {
	// esbuild's report of a package that is not installed, as wrangler
	// 4.86 prints it, colours included.
	// The place esbuild gives (a 0-based column), the source line and its
	// underline follow the error. The file is the test's own.
	const worker = "// The Worker.\nimport { cloesce } from \"cloesce\";\n"
	const unresolved = "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mBuild failed with 1 error:\x1b[0m\n\n" +
		"  \x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mCould not resolve \"cloesce\"\x1b[0m\n\n" +
		"      src/worker.ts:2:24:\n" +
		"\x1b[37m        2 │ import { cloesce } from \x1b[32m\x1b[37m\"cloesce\";\n" +
		"          ╵                         \x1b[32m~~~~~~~~~\x1b[0m\n\n" +
		"    To fix this, you can add an entry to \"alias\" in your Wrangler configuration.\n"
	// The diagnostic points at the import.
	const atImport = " --> src/worker.ts:2:25\n  |\n2 | import { cloesce } from \"cloesce\";\n  |                         ^^^^^^^^^\n"
	for _, tt := range []struct {
		name   string
		output string
		exit   bool     // the process exits after printing
		want   []string // in the diagnostic
	}{
		{"a package not installed", unresolved, false, []string{
			"error[E0403]: wrangler dev could not build the Worker: the npm package \"cloesce\", the runtime the generated backend imports, is not installed\n",
			atImport, "= help: run `npm install` in "}},
		{"another package not installed", strings.ReplaceAll(unresolved, `"cloesce"`, `"hono"`), false, []string{
			"error[E0403]: wrangler dev could not build the Worker: the Worker imports \"hono\", which is not installed\n",
			"= help: add it to package.json and run `npm install` in "}},
		{"the generated backend unmapped", strings.ReplaceAll(unresolved, `"cloesce"`, `"@cloesce/backend.js"`), false, []string{
			`error[E0403]: wrangler dev could not build the Worker: the Worker imports "@cloesce/backend.js", but nothing maps "@cloesce/" to the generated files` + "\n",
			`= help: add "paths": {"@cloesce/*": ["./.cloesce/*"]} to the compilerOptions of tsconfig.json`}},
		{"a syntax error", "✘ [ERROR] Build failed with 1 error:\n✘ [ERROR] Expected \";\" but found \"}\"\n", false, []string{
			"error[E0403]: wrangler dev could not build the Worker: Expected \";\" but found \"}\"\n"}},
		{"an early exit", "✘ [ERROR] Address already in use (127.0.0.1:1). Please check that you are not already running a server\n", true, []string{
			"error[E0406]: wrangler dev exited before serving: port ", "= help: stop the server using it"}},
		{"an exit without errors", "bye\n", true, []string{
			"error[E0406]: wrangler dev exited before serving\n = note: its output above says why\n"}},
		// The stand-in server answers, but wrangler never said it is ready.
		{"another server answering", "⎔ Starting local server...\n", false, []string{
			"error[E0406]: wrangler dev did not serve at http://127.0.0.1:"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := newProject(t, false)
			writeFile(t, filepath.Join(dir, "src", "worker.ts"), worker)
			d, f, stdout, stderr := fakeDev(t, dir)
			d.ready = 2 * time.Second
			f.output = &tt.output
			if tt.exit {
				close(f.exit)
			}
			if err := d.serve(t.Context()); !errors.Is(err, errReported) {
				t.Errorf("serve returned %v, want errReported", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stdout.String(), "serving") {
				t.Errorf("dev said it is serving:\n%s", stdout)
			}
			if !f.isStopped() {
				t.Error("wrangler dev was not stopped")
			}
		})
	}
}

func TestDevRefuses(t *testing.T) {
	const tag = "\n[crud get]\nmodel Tag for db {\n    primary {\n        id: int\n    }\n}\n"
	for _, tt := range []struct {
		name string
		edit func(schema string) string
		want string
	}{
		{"schema errors", func(s string) string { return s + "model Broken {\n" }, "error["},
		{"a new table", func(s string) string { return s + tag },
			"error[E0404]: the migrations of D1 database \"db\" are out of date\n = help: write them with `cloesce migrate --all --dir "},
		// A column gone and another new: migrate would ask whether it was renamed.
		{"a rename to ask about", func(s string) string { return strings.Replace(s, "text: string", "body: string", 1) },
			"error[E0301]: column \"Item.text\" is gone and \"Item.body\" is new: was it renamed?\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := newProject(t, false)
			path := filepath.Join(dir, "src", "schema", "schema.clo")
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, tt.edit(string(text)))
			d, f, _, stderr := fakeDev(t, dir)
			if err := d.serve(t.Context()); !errors.Is(err, errReported) {
				t.Errorf("serve returned %v, want errReported", err)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, stderr)
			}
			if len(f.ran)+len(f.started) > 0 {
				t.Errorf("wrangler ran: %q %q", f.ran, f.started)
			}
		})
	}
	t.Run("bad port", func(t *testing.T) {
		if code, _, stderr := run(t, t.TempDir(), "dev", "--port", "70000"); code != exitUsage {
			t.Errorf("dev --port 70000 exited %d, want %d:\n%s", code, exitUsage, stderr)
		}
	})
}

// TestDevPortInUse runs dev on a port another server holds: it exits 1
// before starting wrangler, saying which port and what to do.
func TestDevPortInUse(t *testing.T) {
	dir, _ := newProject(t, false)
	fakeRuntime(t, dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	for _, ip := range []string{"", "127.0.0.1"} {
		args := []string{"dev", "--port", port}
		if ip != "" {
			args = append(args, "--ip", ip)
		}
		code, stdout, stderr := run(t, dir, append(args, ".")...)
		want := "error[E0402]: port " + port + " is already in use (on 127.0.0.1:" + port + ")\n = help: stop the server using it (another cloesce dev or wrangler dev?), or serve on another port with --port <n>\n"
		if code != exitFailed || !strings.Contains(stderr, want) {
			t.Errorf("%q exited %d, want %d ending with %q:\n%s", args, code, exitFailed, want, stderr)
		}
		if strings.Contains(stdout, "serving") || strings.Contains(stdout, "wrangler") {
			t.Errorf("%q started wrangler or said it serves:\n%s%s", args, stdout, stderr)
		}
	}
}

func TestRuntimeProblem(t *testing.T) {
	dir, _ := newProject(t, false)
	code, _, stderr := run(t, dir, "dev", ".")
	want := "error[E0401]: the npm package \"cloesce\", the runtime the generated backend imports, is not installed\n = help: run `npm install`, then cloesce dev again\n"
	if code != exitFailed || !strings.Contains(stderr, want) {
		t.Errorf("dev without node_modules exited %d, want %d ending with %q:\n%s", code, exitFailed, want, stderr)
	}

	// A checkout's runtime, linked by a "file:" dependency, not built.
	repo := t.TempDir()
	writeFile(t, filepath.Join(repo, "Makefile"), "")
	writeFile(t, filepath.Join(repo, "runtime", "package.json"), `{"name": "cloesce", "main": "./dist/index.js"}`)
	writeFile(t, filepath.Join(dir, "node_modules", ".keep"), "")
	if err := os.Symlink(filepath.Join(repo, "runtime"), filepath.Join(dir, "node_modules", "cloesce")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, dir, "dev", ".")
	want = "is not built: dist/index.js is missing\n = help: build it with `make runtime` in " + repo + ", then run cloesce dev again\n"
	if code != exitFailed || !strings.Contains(stderr, want) {
		t.Errorf("dev with an unbuilt runtime exited %d, want %d ending with %q:\n%s", code, exitFailed, want, stderr)
	}

	for _, tt := range []struct{ pkg, want string }{
		{`{"exports": {".": {"types": "./dist/index.d.ts", "import": "./dist/index.js"}}}`, "./dist/index.js"},
		{`{"exports": "./lib/x.js", "main": "y.js"}`, "./lib/x.js"},
		{`{"exports": {"workerd": "./w.js", "default": "./d.js"}}`, "./w.js"},
		{`{"main": "main.js"}`, "main.js"},
		{`{}`, "index.js"},
	} {
		if got := packageEntry([]byte(tt.pkg)); got != tt.want {
			t.Errorf("packageEntry(%s) = %q, want %q", tt.pkg, got, tt.want)
		}
	}
}

// TestDevInterrupted stops dev during start-up: it says it stopped, and
// nothing else, as once it serves.
func TestDevInterrupted(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(f *fakeRunner)
		wait  func(f *fakeRunner) // until dev is at the step
	}{
		{"applying migrations", func(f *fakeRunner) { f.block = true }, func(f *fakeRunner) { <-f.running }},
		{"waiting for wrangler", func(f *fakeRunner) { f.output = new(string) }, func(f *fakeRunner) {
			for {
				f.mu.Lock()
				n := len(f.started)
				f.mu.Unlock()
				if n > 0 {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := newProject(t, false)
			d, f, stdout, stderr := fakeDev(t, dir)
			tt.setup(f)
			cancel, exited := serveInBackground(t, d)
			tt.wait(f)
			cancel()
			if err := <-exited; err != nil {
				t.Errorf("serve returned %v, want nil", err)
			}
			if stdout.String() == "" || !strings.HasSuffix(stdout.String(), "cloesce dev: stopped\n") || strings.Contains(stderr.String(), "cloesce:") {
				t.Errorf("want \"cloesce dev: stopped\" and no error:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}

// TestDevVerifiesMigrations gives dev a local database with rows and a
// pending migration: one that deletes rows no DATA LOSS line declares is
// refused (E0306) before anything is applied, at start-up and while
// serving; once it declares the loss, dev verifies and applies it.
func TestDevVerifiesMigrations(t *testing.T) {
	dir, _ := newProject(t, false)
	local, err := findLocalD1(&config.Config{Root: dir, WranglerConfigFormat: "jsonc"}, "", "db")
	if err != nil || local.path == "" {
		t.Fatalf("no local database for the project: %v", err)
	}
	initial, err := os.ReadFile(filepath.Join(dir, "migrations", "db", "1700000000_initial.sql"))
	if err != nil {
		t.Fatal(err)
	}
	sqliteFile(t, local.path, string(initial)+`
CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);
INSERT INTO d1_migrations (name) VALUES ('1700000000_initial.sql');
INSERT INTO "TodoList" ("title") VALUES ('home');
INSERT INTO "Item" ("listId", "text", "done") VALUES (1, 'tea', 1), (1, 'cake', 0);
`)
	clean := filepath.Join(dir, "migrations", "db", "1700000001_clean.sql")
	writeFile(t, clean, "DELETE FROM \"Item\" WHERE \"done\";\n")
	const refused = "error[E0306]: migration 1700000001_clean.sql of D1 database \"db\" deletes 1 of the 2 rows of table \"Item\", and no DATA LOSS line declares it\n"

	d, f, _, stderr := fakeDev(t, dir)
	if err := d.serve(t.Context()); !errors.Is(err, errReported) || !strings.Contains(stderr.String(), refused) {
		t.Errorf("serve returned %v, want errReported after %q:\n%s", err, refused, stderr)
	}
	if len(f.ran)+len(f.started) > 0 {
		t.Errorf("wrangler ran: %q %q", f.ran, f.started)
	}

	// Started without it, dev refuses it when it appears.
	os.Remove(clean)
	d, f, stdout, stderr := fakeDev(t, dir)
	_, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })
	writeFile(t, clean, "DELETE FROM \"Item\" WHERE \"done\";\n")
	waitFor(t, "the refusal", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), refused) && strings.Contains(stderr.String(), "cloesce dev: still serving the last build;")
	})
	if f.applies() != 1 {
		t.Errorf("%d applies, want 1: the one at start-up", f.applies())
	}
	writeFile(t, clean, "-- DATA LOSS: rows of table \"Item\"\nDELETE FROM \"Item\" WHERE \"done\";\n")
	waitFor(t, "the verification", 10*time.Second, exited, func() bool {
		return strings.Contains(stdout.String(), "cloesce dev: 1 pending migration of D1 database \"db\" verified on a copy of its local database") && f.applies() == 2
	})
}

// TestDevConfigErrors breaks cloesce.jsonc while dev serves: the error is
// the config's, with its position, and the last build goes on serving.
func TestDevConfigErrors(t *testing.T) {
	dir, _ := newProject(t, false)
	d, _, stdout, stderr := fakeDev(t, dir)
	_, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })
	config := filepath.Join(dir, "cloesce.jsonc")
	text, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, config, strings.Replace(string(text), `"jsonc"`, `"jsonc",,`, 1))
	waitFor(t, "the config error", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), "cloesce dev: the config cloesce.jsonc has errors; still serving the last good build")
	})
	if out := stderr.String(); !strings.Contains(out, "--> cloesce.jsonc:") || strings.Contains(out, "the schema has errors") {
		t.Errorf("want a diagnostic in cloesce.jsonc and no word of the schema:\n%s", out)
	}
	writeFile(t, config, string(text))
	waitFor(t, "a recompile", 10*time.Second, exited, func() bool { return strings.Count(stdout.String(), "recompiling") == 2 })
}

// TestDevHoldsSchemaUntilMigrated changes the tables while dev serves,
// without a terminal: dev serves the last build, says how to write the
// migration, and applies it and switches when it appears.
func TestDevHoldsSchemaUntilMigrated(t *testing.T) {
	dir, _ := newProject(t, false)
	d, f, stdout, stderr := fakeDev(t, dir)
	_, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })

	cidl := filepath.Join(dir, ".cloesce", "cidl.json")
	// A required date: migrate needs a value for existing rows, which
	// only its flags give.
	addColumn(t, dir, "due: date")
	waitFor(t, "the refusal", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), "give one with --default Item.due=") &&
			strings.Contains(stderr.String(), "cloesce dev: still serving the last build, which matches the local databases\ncloesce dev: write the migration with")
	})
	replaceInFile(t, filepath.Join(dir, "src", "schema", "schema.clo"), "due: date", "due: option<date>")
	for _, want := range []string{
		"cloesce dev: the schema changes the tables of D1 database \"db\"; still serving the last build, which matches the local databases\n",
		"D1 database \"db\":\n  add column \"Item\".\"due\"\n",
		"cloesce dev: write the migration with `cloesce migrate --all --dir " + dir + " <name>` in another terminal: dev applies it and serves the new build\n",
	} {
		waitFor(t, fmt.Sprintf("%q", want), 10*time.Second, exited, func() bool { return strings.Contains(stderr.String(), want) })
	}
	if fileContains(cidl, `"due"`) {
		t.Error("cidl.json has the new column before its migration")
	}

	// The user runs cloesce migrate in another terminal.
	var out, errOut strings.Builder
	if code := Run(t.Context(), []string{"migrate", "--all", "--dir", dir, "add_due"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}); code != 0 {
		t.Fatalf("migrate exited %d:\n%s%s", code, &out, &errOut)
	}
	waitFor(t, "the switch", 10*time.Second, exited, func() bool {
		return strings.Contains(stdout.String(), "cloesce dev: the local databases match the schema; serving the new build")
	})
	if !fileContains(cidl, `"due"`) || f.applies() != 2 {
		t.Errorf("after the migration: cidl.json has the column: %v; applies: %d, want 2", fileContains(cidl, `"due"`), f.applies())
	}
}

// TestDevDurableMigration changes the tables of a Durable Object while dev
// serves: once its migration is written, dev serves the new build and
// says that the object applies the migration itself.
func TestDevDurableMigration(t *testing.T) {
	dir, _ := newProject(t, false)
	schema := filepath.Join(dir, "src", "schema", "schema.clo")
	appendFile(t, schema, "\ndurable Box {\n    shard {\n        key: string\n    }\n}\n\n[crud get]\nmodel Note for Box(key) {\n    primary {\n        id: int\n    }\n\n    column {\n        text: string\n    }\n}\n")
	migrateAll := func(name string) {
		t.Helper()
		var out, errOut strings.Builder
		if code := Run(t.Context(), []string{"migrate", "--all", "--dir", dir, name}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}); code != 0 {
			t.Fatalf("migrate exited %d:\n%s%s", code, &out, &errOut)
		}
	}
	migrateAll("box")
	d, f, stdout, stderr := fakeDev(t, dir)
	_, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })

	replaceInFile(t, schema, "text: string\n    }\n}\n", "text: string\n        seen: option<int>\n    }\n}\n")
	waitFor(t, "the hint", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), "Durable Object \"Box\":\n  add column \"Note\".\"seen\"\ncloesce dev: write the migration with")
	})
	migrateAll("seen")
	waitFor(t, "the note", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), "cloesce dev: Durable Object \"Box\" applies its migrations itself when it starts")
	})
	if !strings.Contains(stdout.String(), "serving the new build") || f.applies() != 2 {
		t.Errorf("the new build is not served, or the D1 database not migrated again (%d applies)", f.applies())
	}
}

// TestDevWritesMigration changes the tables while dev serves with a
// terminal: dev asks for the migration's name, then for renames and
// consent to lose data as cloesce migrate does, writes it, applies it and
// switches to the new build.
func TestDevWritesMigration(t *testing.T) {
	dir, _ := newProject(t, false)
	d, f, stdout, stderr := fakeDev(t, dir)
	in, typed := io.Pipe()
	t.Cleanup(func() { typed.Close() })
	d.e.stdio.In, d.interactive = in, true
	_, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })
	cidl := filepath.Join(dir, ".cloesce", "cidl.json")
	schema := filepath.Join(dir, "src", "schema", "schema.clo")
	prompt := "Name the migration to write and apply (Enter: not now): "
	answer := func(line string) {
		t.Helper()
		if _, err := io.WriteString(typed, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	switched := func(n int) func() bool {
		return func() bool {
			return strings.Count(stdout.String(), "serving the new build") == n
		}
	}

	// A new column: named, written, applied, served.
	addColumn(t, dir, "due: option<date>")
	waitFor(t, "the question", 10*time.Second, exited, func() bool { return strings.Count(stderr.String(), prompt) == 1 })
	if fileContains(cidl, `"due"`) {
		t.Error("cidl.json has the new column before its migration")
	}
	answer("bad name")
	waitFor(t, "the question again", 10*time.Second, exited, func() bool { return strings.Count(stderr.String(), prompt) == 2 })
	if !strings.Contains(stderr.String(), `migration name "bad name" must be`) {
		t.Errorf("no word of the bad name:\n%s", stderr)
	}
	answer("add_due")
	waitFor(t, "the switch", 10*time.Second, exited, switched(1))
	if !fileContains(filepath.Join(dir, "migrations", "db", "1700000001_add_due.sql"), `ADD COLUMN "due" TEXT`) || !fileContains(cidl, `"due"`) {
		t.Errorf("the migration or the new build is missing:\n%s", stdout)
	}
	if f.applies() != 2 {
		t.Errorf("%d applies, want 2", f.applies())
	}

	// A rename, asked about.
	replaceInFile(t, schema, "text: string", "body: string")
	waitFor(t, "the question", 10*time.Second, exited, func() bool { return strings.Count(stderr.String(), prompt) == 3 })
	answer("rename_text")
	waitFor(t, "the rename question", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), `column "Item.text" is gone and "Item.body" is new: was it renamed?`)
	})
	answer("1")
	waitFor(t, "the switch", 10*time.Second, exited, switched(2))
	if !fileContains(filepath.Join(dir, "migrations", "db", "1700000002_rename_text.sql"), `RENAME COLUMN "text" TO "body"`) {
		t.Error("the rename migration does not rename")
	}

	// A column dropped needs consent; without it, nothing is written.
	replaceInFile(t, schema, "done: bool\n", "")
	waitFor(t, "the question", 10*time.Second, exited, func() bool { return strings.Count(stderr.String(), prompt) == 4 })
	answer("drop_done")
	waitFor(t, "the confirmation", 10*time.Second, exited, func() bool { return strings.Contains(stderr.String(), "Write them anyway? [y/N] ") })
	answer("n")
	waitFor(t, "the refusal", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), "cloesce: nothing written\ncloesce dev: still serving the last build\ncloesce dev: write the migration with `cloesce migrate --all --dir")
	})
	if fileContains(cidl, `"done"`) == false {
		t.Error("the build without the column is served without its migration")
	}
	// Saving the schema again asks again.
	appendFile(t, schema, "\n")
	waitFor(t, "the question", 10*time.Second, exited, func() bool { return strings.Count(stderr.String(), prompt) == 5 })
	answer("drop_done")
	waitFor(t, "the confirmation", 10*time.Second, exited, func() bool { return strings.Count(stderr.String(), "Write them anyway? [y/N] ") == 2 })
	answer("y")
	waitFor(t, "the switch", 10*time.Second, exited, switched(3))
	if fileContains(cidl, `"done"`) {
		t.Error("the column is still served")
	}
}

func addColumn(t *testing.T, dir, column string) {
	t.Helper()
	replaceInFile(t, filepath.Join(dir, "src", "schema", "schema.clo"), "done: bool", "done: bool\n        "+column)
}

func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	// Replaced whole, as editors save, so that dev never reads half of it.
	if err := writeFileAtomic(path, []byte(strings.Replace(string(text), old, new, 1))); err != nil {
		t.Fatal(err)
	}
}

func TestWatcher(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "cloesce.jsonc"), `{"src_paths": ["schema"]}`)
	writeFile(t, filepath.Join(dir, "schema", "a.clo"), "d1 { db }\n")
	w := newWatcher(func() map[string]stamp { return sourceStamps(dir, "") })
	m := newWatcher(func() map[string]stamp { return migrationStamps(dir, "") })
	steps := []struct {
		name          string
		change        func()
		want, wantMig bool
	}{
		{"nothing", func() {}, false, false},
		{"a schema file edited", func() { writeFile(t, filepath.Join(dir, "schema", "a.clo"), "d1 { db, other }\n") }, true, false},
		{"nothing since", func() {}, false, false},
		{"a schema file added", func() { writeFile(t, filepath.Join(dir, "schema", "sub", "b.cloesce"), "") }, true, false},
		{"another file added", func() { writeFile(t, filepath.Join(dir, "schema", "notes.txt"), "x") }, false, false},
		{"a schema file removed", func() { os.Remove(filepath.Join(dir, "schema", "sub", "b.cloesce")) }, true, false},
		{"the config edited", func() { writeFile(t, filepath.Join(dir, "cloesce.jsonc"), `{"src_paths": ["schema", "more"]}`) }, true, false},
		{"a file in a new source path", func() { writeFile(t, filepath.Join(dir, "more", "c.clo"), "") }, true, false},
		{"a migration added", func() { writeFile(t, filepath.Join(dir, "migrations", "db", "1_x.sql"), "") }, false, true},
		{"a migration edited", func() { writeFile(t, filepath.Join(dir, "migrations", "db", "1_x.sql"), "SELECT 1;") }, false, true},
	}
	for _, s := range steps {
		s.change()
		if got, gotMig := w.changed(), m.changed(); got != s.want || gotMig != s.wantMig {
			t.Errorf("after %s: changed() = %v, %v, want %v, %v", s.name, got, gotMig, s.want, s.wantMig)
		}
	}
}

func TestDevDefaults(t *testing.T) {
	for _, tt := range []struct {
		url  string
		port int
		path string
	}{
		{"http://localhost:8787/api", 8787, "/api"},
		{"http://localhost:5000/api/", 5000, "/api"},
		{"http://127.0.0.1:3000", 3000, ""},
		{"http://localhost/x", 8787, "/x"},
		{"https://example.com:8443/v1", 8787, "/v1"},
	} {
		if got := defaultPort(tt.url); got != tt.port {
			t.Errorf("defaultPort(%q) = %d, want %d", tt.url, got, tt.port)
		}
		if got := apiPath(tt.url); got != tt.path {
			t.Errorf("apiPath(%q) = %q, want %q", tt.url, got, tt.path)
		}
	}
	for ip, want := range map[string]string{"": "localhost", "0.0.0.0": "localhost", "127.0.0.1": "127.0.0.1", "::1": "::1"} {
		if got := browseHost(ip); got != want {
			t.Errorf("browseHost(%q) = %q, want %q", ip, got, want)
		}
	}
}

func TestFindWrangler(t *testing.T) {
	root := t.TempDir()
	project := filepath.Join(root, "apps", "one")
	os.MkdirAll(project, 0o755)
	if got := findWrangler(project); !slices.Equal(got, []string{"npx", "wrangler"}) {
		t.Errorf("without node_modules: %q, want npx wrangler", got)
	}
	bin := filepath.Join(root, "node_modules", ".bin", "wrangler")
	writeFile(t, bin, "")
	if got := findWrangler(project); !slices.Equal(got, []string{bin}) {
		t.Errorf("with a workspace's node_modules: %q, want %s", got, bin)
	}
}

// TestDevServes runs dev with the repository's wrangler on a new project,
// as a terminal user would: it serves the API; a new column is held back
// (the old build goes on answering) until the migration named on the
// terminal is applied, then served without restarting wrangler; a
// migration written by cloesce migrate meanwhile is applied and served;
// errors in the schema leave the last build serving; Ctrl-C stops dev and
// wrangler's whole process group.
func TestDevServes(t *testing.T) {
	dir, _ := newProject(t, true)
	port := testPort(t)
	origin := "http://127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	in, typed := io.Pipe()
	defer typed.Close()
	e := &env{stdio: Stdio{In: in, Out: &stdout, Err: &stderr}, interactive: true}
	if cwd, err := os.Getwd(); err == nil {
		e.cwd = cwd
	}
	d := newDevServer(e, dir)
	d.port, d.ip = port, "127.0.0.1"
	exited := make(chan error, 1)
	go func() { exited <- d.serve(ctx) }()
	defer func() {
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
		}
	}()
	waitFor(t, "the server", 90*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "cloesce dev: serving "+origin) })

	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, origin+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(data)
	}
	if code, body := call("POST", "/api/TodoList/$save", `{"model": {"title": "Served"}}`); code != 200 || !strings.Contains(body, `"title":"Served"`) {
		t.Fatalf("POST $save: %d %s", code, body)
	}

	// A new column: held back, the old build serving, until migrated.
	schema := filepath.Join(dir, "src", "schema", "schema.clo")
	replaceInFile(t, schema, "title: string", "title: string\n        note: option<string>")
	prompt := "Name the migration to write and apply (Enter: not now): "
	waitFor(t, "the question", 20*time.Second, exited, func() bool { return strings.Contains(stderr.String(), prompt) })
	if code, body := call("GET", "/api/TodoList/$list?limit=10", ""); code != 200 || strings.Contains(body, "note") {
		t.Errorf("while held back, $list: %d %s", code, body)
	}
	io.WriteString(typed, "add_note\n")
	waitFor(t, "the new build", 60*time.Second, exited, func() bool {
		return strings.Contains(stdout.String(), "cloesce dev: the local databases match the schema; serving the new build")
	})
	waitFor(t, "the column served", 30*time.Second, exited, func() bool {
		code, body := call("POST", "/api/TodoList/$save", `{"model": {"title": "Noted", "note": "n"}}`)
		return code == 200 && strings.Contains(body, `"note":"n"`)
	})

	// A migration written in another terminal.
	replaceInFile(t, schema, "title: string", "title: string\n        rank: option<int>")
	waitFor(t, "the question", 20*time.Second, exited, func() bool { return strings.Count(stderr.String(), prompt) == 2 })
	var out, errOut strings.Builder
	if code := Run(t.Context(), []string{"migrate", "--all", "--dir", dir, "add_rank"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}); code != 0 {
		t.Fatalf("migrate exited %d:\n%s%s", code, &out, &errOut)
	}
	waitFor(t, "the new build", 60*time.Second, exited, func() bool {
		return strings.Count(stdout.String(), "serving the new build") == 2
	})
	waitFor(t, "the column served", 30*time.Second, exited, func() bool {
		code, body := call("POST", "/api/TodoList/$save", `{"model": {"title": "Ranked", "rank": 3}}`)
		return code == 200 && strings.Contains(body, `"rank":3`)
	})

	// A schema with errors: the last good build goes on serving.
	appendFile(t, schema, "\nmodel Broken for db {\n    primary {\n        id int\n    }\n}\n")
	waitFor(t, "the diagnostic", 20*time.Second, exited, func() bool {
		out := stderr.String()
		return strings.Contains(out, "error[") && strings.Contains(out, "schema.clo:") && strings.Contains(out, "still serving the last good build")
	})
	if code, body := call("GET", "/api/TodoList/$list?limit=10", ""); code != 200 || !strings.Contains(body, `"rank":3`) {
		t.Errorf("with a broken schema, $list: %d %s", code, body)
	}
	if strings.Count(stdout.String(), "cloesce dev: serving ") != 1 {
		t.Error("wrangler dev was restarted")
	}

	cancel()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("dev ended with %v after cancel, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("dev did not stop within 20s of cancel")
	}
	if conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err == nil {
		conn.Close()
		t.Error("something still listens on the port after dev stopped")
	}
	if pids := processesIn(t, dir); len(pids) > 0 {
		t.Errorf("processes %v still run in the project after dev stopped", pids)
	}
}

// testPort returns a TCP port that is free now.
func testPort(t *testing.T) int {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// processesIn lists the processes whose working directory is dir, as
// /proc tells (none where there is no /proc).
func processesIn(t *testing.T, dir string) []string {
	t.Helper()
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir("/proc")
	var pids []string
	for _, ent := range entries {
		if _, err := strconv.Atoi(ent.Name()); err != nil {
			continue
		}
		if cwd, err := os.Readlink(filepath.Join("/proc", ent.Name(), "cwd")); err == nil && cwd == real {
			pids = append(pids, ent.Name())
		}
	}
	return pids
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func fileContains(path, s string) bool {
	data, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(data), s)
}
