package cli

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
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
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, timeout)
		}
	}
}

// A fakeRunner records the commands dev runs; the process it starts runs
// until stopped or until exit is closed.
type fakeRunner struct {
	mu            sync.Mutex
	ran, started  [][]string
	exit, stopped chan struct{}
}

func newFakeRunner() *fakeRunner {
	return &fakeRunner{exit: make(chan struct{}), stopped: make(chan struct{})}
}

func (f *fakeRunner) run(_ context.Context, _ string, argv []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, argv)
	return nil
}

func (f *fakeRunner) start(_ string, argv []string) (process, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, argv)
	return f, nil
}

func (f *fakeRunner) done() <-chan struct{} { return f.exit }
func (f *fakeRunner) stop()                 { close(f.stopped) }

// fakeDev returns a dev server for the project in dir driving a fake
// runner, with a stand-in for wrangler's server, and its output.
func fakeDev(t *testing.T, dir string) (*devServer, *fakeRunner, *syncBuffer, *syncBuffer) {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	var stdout, stderr syncBuffer
	f := newFakeRunner()
	d := &devServer{
		e:        &env{stdio: Stdio{Out: &stdout, Err: &stderr}, cwd: dir},
		root:     dir,
		port:     p,
		ip:       "127.0.0.1",
		wrangler: []string{"wrangler"},
		run:      f,
		interval: 10 * time.Millisecond,
	}
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
	d, f, stdout, _ := fakeDev(t, dir)
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

	// A change to the schema is compiled.
	schema := filepath.Join(dir, "src", "schema", "schema.clo")
	cidl := filepath.Join(dir, ".cloesce", "cidl.json")
	appendFile(t, schema, "\n[crud get]\nmodel Tag for db {\n    primary {\n        id: int\n    }\n}\n")
	waitFor(t, "the new model in cidl.json", 10*time.Second, exited, func() bool { return fileContains(cidl, `"Tag"`) })

	cancel()
	if err := <-exited; err != nil {
		t.Errorf("serve returned %v after cancel, want nil", err)
	}
	select {
	case <-f.stopped:
	default:
		t.Error("wrangler dev was not stopped")
	}
}

func TestDevStopsWhenWranglerExits(t *testing.T) {
	dir, _ := newProject(t, false)
	d, f, stdout, stderr := fakeDev(t, dir)
	_, exited := serveInBackground(t, d)
	waitFor(t, "the watching message", 10*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "watching") })
	close(f.exit)
	if err := <-exited; !errors.Is(err, errReported) || !strings.Contains(stderr.String(), "cloesce: wrangler dev exited") {
		t.Errorf("serve returned %v, want errReported after saying wrangler dev exited:\n%s", err, stderr)
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
			"the migrations of D1 database \"db\" are out of date: write them with `cloesce migrate --all <name>`"},
		// A column gone and another new: migrate would ask whether it was renamed.
		{"a rename to ask about", func(s string) string { return strings.Replace(s, "text: string", "body: string", 1) },
			"the migrations of D1 database \"db\" are out of date"},
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

func TestWatcher(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "cloesce.jsonc"), `{"src_paths": ["schema"]}`)
	writeFile(t, filepath.Join(dir, "schema", "a.clo"), "d1 { db }\n")
	w := newWatcher(func() map[string]stamp { return sourceStamps(dir, "") })
	steps := []struct {
		name   string
		change func()
		want   bool
	}{
		{"nothing", func() {}, false},
		{"a schema file edited", func() { writeFile(t, filepath.Join(dir, "schema", "a.clo"), "d1 { db, other }\n") }, true},
		{"nothing since", func() {}, false},
		{"a schema file added", func() { writeFile(t, filepath.Join(dir, "schema", "sub", "b.cloesce"), "") }, true},
		{"another file added", func() { writeFile(t, filepath.Join(dir, "schema", "notes.txt"), "x") }, false},
		{"a schema file removed", func() { os.Remove(filepath.Join(dir, "schema", "sub", "b.cloesce")) }, true},
		{"the config edited", func() { writeFile(t, filepath.Join(dir, "cloesce.jsonc"), `{"src_paths": ["schema", "more"]}`) }, true},
		{"a file in a new source path", func() { writeFile(t, filepath.Join(dir, "more", "c.clo"), "") }, true},
	}
	for _, s := range steps {
		s.change()
		if got := w.changed(); got != s.want {
			t.Errorf("after %s: changed() = %v, want %v", s.name, got, s.want)
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

// TestDevServes runs the real dev command, with the repository's wrangler,
// on a new project: it serves the API, recompiles a changed schema and
// warns about its migrations, prints the diagnostics of a broken one, and
// stops wrangler when cancelled.
func TestDevServes(t *testing.T) {
	dir, _ := newProject(t, true)
	port := testPort(t)
	origin := "http://127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	exited := make(chan error, 1)
	go func() {
		code := Run(ctx, []string{"dev", "--port", strconv.Itoa(port), "--ip", "127.0.0.1", dir}, Stdio{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
		exited <- errors.New("exit code " + strconv.Itoa(code))
	}()
	defer func() {
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
		}
	}()
	waitFor(t, "the server", 90*time.Second, exited, func() bool { return strings.Contains(stdout.String(), "cloesce dev: serving "+origin) })

	res, err := http.Post(origin+"/api/TodoList/$save", "application/json", strings.NewReader(`{"model": {"title": "Served"}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"title":"Served"`) {
		t.Fatalf("POST $save: %d %s", res.StatusCode, body)
	}

	schema := filepath.Join(dir, "src", "schema", "schema.clo")
	text, err := os.ReadFile(schema)
	if err != nil {
		t.Fatal(err)
	}
	withDue := strings.Replace(string(text), "done: bool", "done: bool\n        due: option<date>", 1)
	writeFile(t, schema, withDue)
	waitFor(t, "the new column in cidl.json", 20*time.Second, exited, func() bool {
		return fileContains(filepath.Join(dir, ".cloesce", "cidl.json"), `"due"`)
	})
	waitFor(t, "the migration warning", 10*time.Second, exited, func() bool {
		return strings.Contains(stderr.String(), `warning: the schema changed the tables of D1 database "db"`)
	})

	writeFile(t, schema, withDue+"\nmodel Broken for db {\n    primary {\n        id int\n    }\n}\n")
	waitFor(t, "the diagnostic", 20*time.Second, exited, func() bool {
		out := stderr.String()
		return strings.Contains(out, "error[") && strings.Contains(out, "schema.clo:") && strings.Contains(out, "still serving the last good build")
	})

	cancel()
	select {
	case err := <-exited:
		if err.Error() != "exit code 0" {
			t.Errorf("dev ended with %v after cancel, want exit code 0", err)
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
