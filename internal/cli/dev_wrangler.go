package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/wrangler"
	"github.com/cloesce-go/cloesce/internal/source"
)

// A runner runs the programs dev drives; tests substitute a fake.
type runner interface {
	// run runs argv in dir to completion, passing its output through.
	run(ctx context.Context, dir string, argv []string) error
	// start starts argv in dir, its output going to stdout and stderr, in
	// a process group of its own so that stopping it stops whatever it
	// started.
	start(dir string, argv []string, stdout, stderr io.Writer) (process, error)
}

// A process is a program started by a runner.
type process interface {
	// done is closed when the process has exited.
	done() <-chan struct{}
	// stop ends the process and everything it started, and waits for it.
	stop()
}

// waitReady waits until wrangler dev serves the Worker at origin, failing
// when wrangler reports that it cannot build it or cannot listen, or when
// it exits first.
//
// The Worker is taken to be ours, not another server that happens to
// answer on the port, when both hold: wrangler's own output, which only
// the process dev started writes to, says it is ready on the port (the
// port was free just before it started), and an HTTP request to origin
// gets an answer. Asking a cloesce route for a cloesce-shaped answer would
// depend on how the project's Worker routes requests.
func (d *devServer) waitReady(ctx context.Context, origin string, p process, log *wranglerLog, cfg *config.Config) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.After(d.ready)
	var settled <-chan time.Time
	for {
		ready, failed := log.state()
		if ready && answers(ctx, client, origin) {
			return nil
		}
		if failed && settled == nil {
			// The errors follow the "Build failed" line: let them arrive.
			settled = time.After(500 * time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.done():
			if why := explainBuild(log.errors(), d.root, d.e.cwd, cfg, log.port); why.msg != "" {
				return d.e.report(why.prefixed(diag.DevServe, "wrangler dev exited before serving"))
			}
			return d.e.report(problem{code: diag.DevServe, msg: "wrangler dev exited before serving", note: "its output above says why"})
		case <-settled:
			why := explainBuild(log.errors(), d.root, d.e.cwd, cfg, log.port)
			if why.msg == "" {
				why = problem{note: "its errors are above"}
			}
			return d.e.report(why.prefixed(diag.DevBuild, "wrangler dev could not build the Worker"))
		case <-deadline:
			return d.e.report(problem{code: diag.DevServe, msg: fmt.Sprintf("wrangler dev did not serve at %s within %v", origin, d.ready), note: "its output is above"})
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// answers reports whether an HTTP server answers at origin.
func answers(ctx context.Context, client *http.Client, origin string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, origin, nil)
	if err != nil {
		return false
	}
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return true
}

// unresolvedImport matches esbuild's error for an import it cannot find.
var unresolvedImport = regexp.MustCompile(`^Could not resolve "([^"]+)"`)

// A problem is what stops dev, in the project's terms: a diagnostic
// without a list, reported by env.report.
type problem struct {
	code diag.Code
	span source.Span
	msg  string
	note string // a fact, such as where the details are
	help string // what to do about it
}

// prefixed returns p as the reason of what happened, with code: its
// message "what: p.msg", or what alone when p has no message.
func (p problem) prefixed(code diag.Code, what string) problem {
	p.code = code
	if p.msg == "" {
		p.msg = what
	} else {
		p.msg = what + ": " + p.msg
	}
	return p
}

// report prints p as a diagnostic and makes the command exit 1.
func (e *env) report(p problem) error {
	var diags diag.List
	e.addProblem(&diags, p)
	return e.render(&diags)
}

// addProblem adds p to diags.
func (e *env) addProblem(diags *diag.List, p problem) {
	d := diags.Errorf(p.code, p.span, "%s", p.msg)
	if p.note != "" {
		d.Notef("%s", p.note)
	}
	if p.help != "" {
		d.Helpf("%s", p.help)
	}
}

// explainBuild turns wrangler's errors before serving into what to do
// about them, in the project's terms, pointing at the file esbuild names;
// no message when there is no error. Wrangler's own hint for a missing
// package, an "alias" in its config, is the wrong fix for a package that
// is simply not installed.
func explainBuild(errs []buildError, root, cwd string, cfg *config.Config, port int) problem {
	for _, e := range errs {
		if m := unresolvedImport.FindStringSubmatch(e.msg); m != nil {
			pkg := m[1]
			p := problem{span: e.span(root, cwd)}
			switch {
			case pkg == "cloesce":
				p.msg, p.help = runtimeMissing(root)
			case strings.HasPrefix(pkg, "@cloesce/"):
				out, err := filepath.Rel(cfg.Root, cfg.OutDir())
				if err != nil {
					out = cfg.OutDir()
				}
				p.msg = fmt.Sprintf(`the Worker imports %q, but nothing maps "@cloesce/" to the generated files`, pkg)
				p.help = fmt.Sprintf(`add "paths": {"@cloesce/*": ["./%s/*"]} to the compilerOptions of tsconfig.json`, filepath.ToSlash(out))
			case !strings.HasPrefix(pkg, ".") && !filepath.IsAbs(pkg):
				p.msg = fmt.Sprintf("the Worker imports %q, which is not installed", pkg)
				p.help = "add it to package.json and run `npm install`" + inDir(root)
			default:
				p.msg = fmt.Sprintf("the Worker imports %q, which does not exist", pkg)
			}
			return p
		}
		if strings.Contains(e.msg, "Address already in use") {
			return portProblem(port, "")
		}
	}
	if len(errs) > 0 {
		return problem{msg: errs[0].msg, span: errs[0].span(root, cwd)}
	}
	return problem{}
}

// A buildError is one of wrangler's or esbuild's [ERROR] messages, with
// the place esbuild gives for it: a file relative to the project and a
// 1-based line and 0-based byte column, as esbuild prints them.
type buildError struct {
	msg        string
	file       string // "" when esbuild gave no place
	line, col  int
	underlined int // how many bytes esbuild underlined
}

// span returns the place of e in its file, read from the project in
// root and named relative to cwd; the zero span when e has none or the
// file cannot be read.
func (e buildError) span(root, cwd string) source.Span {
	if e.file == "" {
		return source.Span{}
	}
	path := e.file
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return source.Span{}
	}
	f := source.NewFile(shownPath(cwd, path), string(text))
	start := lineOffset(f.Text, e.line, e.col)
	end := min(start+e.underlined, len(f.Text))
	if nl := strings.IndexByte(f.Text[start:end], '\n'); nl >= 0 {
		end = start + nl
	}
	return source.Span{File: f, Start: start, End: end}
}

// lineOffset converts a 1-based line and a 0-based byte column to an
// offset in text, clamped to the text and to the line.
func lineOffset(text string, line, col int) int {
	off := 0
	for range line - 1 {
		nl := strings.IndexByte(text[off:], '\n')
		if nl < 0 {
			return len(text)
		}
		off += nl + 1
	}
	end := len(text)
	if nl := strings.IndexByte(text[off:], '\n'); nl >= 0 {
		end = off + nl
	}
	return min(off+max(col, 0), end)
}

// runtimeProblem checks that the npm package "cloesce", which the
// generated backend imports, is installed where wrangler's bundler looks
// for it (the nearest node_modules at or above the project) and built:
// else the first build fails, and wrangler waits for a change that fixes
// it. It says what to do; no message when all is well. A wrangler config
// with an "alias" may resolve the package elsewhere, and is trusted.
func runtimeProblem(cfg *config.Config, root string) problem {
	if text, err := os.ReadFile(filepath.Join(cfg.Root, wrangler.FileName(cfg.WranglerConfigFormat))); err == nil && bytes.Contains(text, []byte("alias")) {
		return problem{}
	}
	missing := func() problem {
		msg, help := runtimeMissing(root)
		return problem{code: diag.DevRuntime, msg: msg, help: help}
	}
	pkgJSON, ok := findUp(cfg.Root, filepath.Join("node_modules", "cloesce", "package.json"))
	if !ok {
		return missing()
	}
	dir := filepath.Dir(pkgJSON)
	data, err := os.ReadFile(pkgJSON)
	if err != nil {
		return missing()
	}
	entry := packageEntry(data)
	if _, err := os.Stat(filepath.Join(dir, entry)); err == nil {
		return problem{}
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		real = dir
	}
	fix := "reinstall it with `npm install`" + inDir(root)
	// A checkout's runtime (a "file:" dependency) is built by its Makefile.
	if repo := filepath.Dir(real); filepath.Base(real) == "runtime" && fileExists(filepath.Join(repo, "Makefile")) {
		fix = "build it with `make runtime` in " + repo
	}
	return problem{
		code: diag.DevRuntime,
		msg:  fmt.Sprintf("the npm package \"cloesce\" (%s) is not built: %s is missing", real, filepath.ToSlash(filepath.Clean(entry))),
		help: fix + ", then run cloesce dev again",
	}
}

// runtimeMissing says that the runtime package is not installed, and what
// to do.
func runtimeMissing(root string) (msg, help string) {
	return "the npm package \"cloesce\", the runtime the generated backend imports, is not installed",
		"run `npm install`" + inDir(root) + ", then cloesce dev again"
}

func inDir(root string) string {
	if filepath.Clean(root) == "." {
		return ""
	}
	return " in " + root
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// packageEntry returns the file a bundler imports a package by, from its
// package.json: the "." export (for workerd, workers, browsers, import or
// by default), else "main", else index.js.
func packageEntry(data []byte) string {
	var pkg struct {
		Main    string          `json:"main"`
		Exports json.RawMessage `json:"exports"`
	}
	if json.Unmarshal(data, &pkg) != nil {
		return "index.js"
	}
	var exports any
	if json.Unmarshal(pkg.Exports, &exports) == nil {
		if m, ok := exports.(map[string]any); ok {
			if dot, ok := m["."]; ok {
				exports = dot
			}
		}
		for range 4 { // nested conditions, a few levels at most
			m, ok := exports.(map[string]any)
			if !ok {
				break
			}
			exports = nil
			for _, cond := range []string{"workerd", "worker", "browser", "import", "default"} {
				if v, ok := m[cond]; ok {
					exports = v
					break
				}
			}
		}
		if s, ok := exports.(string); ok {
			return s
		}
	}
	if pkg.Main != "" {
		return pkg.Main
	}
	return "index.js"
}

// portTaken reports whether a server listens on port where wrangler would
// listen (ip, or localhost when ip is ""), and the address it holds.
func portTaken(ip string, port int) (string, bool) {
	hosts := []string{ip}
	if ip == "" || ip == "localhost" {
		hosts = []string{"127.0.0.1", "::1"}
	}
	for _, h := range hosts {
		addr := net.JoinHostPort(h, strconv.Itoa(port))
		l, err := net.Listen("tcp", addr)
		if err == nil {
			l.Close()
			continue
		}
		if addrInUse(err) {
			return addr, true
		}
	}
	return "", false
}

// portProblem says that port is taken and what to do.
func portProblem(port int, addr string) problem {
	where := ""
	if addr != "" {
		where = " (on " + addr + ")"
	}
	return problem{
		code: diag.DevPortInUse,
		msg:  fmt.Sprintf("port %d is already in use%s", port, where),
		help: "stop the server using it (another cloesce dev or wrangler dev?), or serve on another port with --port <n>",
	}
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

// A wranglerLog passes wrangler dev's output through unchanged and reads
// it for what dev acts on until the Worker is served: wrangler saying it
// is ready on the port, or failing to build the Worker or to listen.
type wranglerLog struct {
	port   int
	mu     sync.Mutex
	ready  bool
	failed bool
	errs   []buildError // wrangler's and esbuild's [ERROR] messages, before ready
	placed bool         // the last error has its place
}

func newWranglerLog(port int) *wranglerLog { return &wranglerLog{port: port} }

// writer returns a writer passing one of wrangler's output streams to dst.
func (l *wranglerLog) writer(dst io.Writer) io.Writer { return &logWriter{log: l, dst: dst} }

func (l *wranglerLog) state() (ready, failed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ready, l.failed
}

func (l *wranglerLog) errors() []buildError {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]buildError(nil), l.errs...)
}

// esbuildPlace matches the line where esbuild says where an error is,
// "src/main.ts:3:14:", and esbuildUnderline the marks under the source
// line it shows next.
var (
	esbuildPlace     = regexp.MustCompile(`^(\S+):(\d+):(\d+):$`)
	esbuildUnderline = regexp.MustCompile(`[│╵|]\s*(~+|\^)`)
)

// ansiEscape matches the colour codes of wrangler's output.
var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// scan reads one line of output.
func (l *wranglerLog) scan(line string) {
	s := strings.TrimSpace(ansiEscape.ReplaceAllString(line, ""))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ready {
		return
	}
	if i := strings.Index(s, "Ready on "); i >= 0 && strings.Contains(s[i:], ":"+strconv.Itoa(l.port)) {
		l.ready = true
		return
	}
	i := strings.Index(s, "[ERROR]")
	if i < 0 {
		l.place(s)
		return
	}
	msg := strings.TrimSpace(s[i+len("[ERROR]"):])
	switch {
	case strings.HasPrefix(msg, "Build failed"):
		l.failed = true
	case strings.Contains(msg, "Address already in use"):
		l.failed = true
		l.errs = append(l.errs, buildError{msg: msg})
		l.placed = true
	default:
		l.errs = append(l.errs, buildError{msg: msg})
		l.placed = false
	}
}

// place reads a line after an error for where esbuild says it is, and
// how much of the source line it underlines.
func (l *wranglerLog) place(s string) {
	if len(l.errs) == 0 {
		return
	}
	last := &l.errs[len(l.errs)-1]
	if m := esbuildPlace.FindStringSubmatch(s); m != nil && !l.placed {
		last.file = m[1]
		last.line, _ = strconv.Atoi(m[2])
		last.col, _ = strconv.Atoi(m[3])
		l.placed = true
		return
	}
	if m := esbuildUnderline.FindStringSubmatch(s); m != nil && last.file != "" && last.underlined == 0 {
		last.underlined = len(m[1])
	}
}

// A logWriter is one output stream of wrangler, split into lines for its
// log.
type logWriter struct {
	log  *wranglerLog
	dst  io.Writer
	line []byte
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.line = append(w.line, p...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			break
		}
		w.log.scan(string(w.line[:i]))
		w.line = w.line[i+1:]
	}
	if len(w.line) > 64<<10 { // not a line anyone prints: drop it
		w.line = w.line[:0]
	}
	return w.dst.Write(p)
}

// An execRunner runs programs for real, with the output going to out and
// err and metrics to Cloudflare turned off.
type execRunner struct {
	out, err io.Writer
}

func (r *execRunner) command(dir string, argv []string, stdout, stderr io.Writer) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false")
	// Output goes through pipes unless out and err are files; children
	// still holding them must not keep Wait waiting.
	cmd.WaitDelay = stopTimeout
	return cmd
}

func (r *execRunner) run(ctx context.Context, dir string, argv []string) error {
	cmd := r.command(dir, argv, r.out, r.err)
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

func (r *execRunner) start(dir string, argv []string, stdout, stderr io.Writer) (process, error) {
	cmd := r.command(dir, argv, stdout, stderr)
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
