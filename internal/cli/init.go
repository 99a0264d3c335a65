package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/scaffold"
	"github.com/cloesce-go/cloesce/internal/version"
)

// initFlags registers init's flags.
func initFlags(fs *flag.FlagSet) {
	fs.String("edition", scaffold.EditionClo, "write the models in `edition`: clo, the schema language, or ts, the decorator edition's TypeScript classes (*.cloesce.ts)")
}

// runInit writes a new project into the directory named by args: the
// scaffold's files, in the edition --edition names, then what "cloesce
// compile" and "cloesce migrate --all initial" would write, so that the
// project serves as created.
func runInit(_ context.Context, e *env, fs *flag.FlagSet, args []string) error {
	dir, err := rootArg(args)
	if err != nil {
		return err
	}
	if e.envArg != "" {
		return usagef("init writes cloesce.jsonc; --env names the config of an existing project")
	}
	edition := fs.Lookup("edition").Value.String()
	if !slices.Contains(scaffold.Editions, edition) {
		return usagef("unknown edition %q: --edition is %s", edition, strings.Join(scaffold.Editions, " or "))
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	opts, runtime := scaffoldOptions(abs, exe)
	opts.Edition = edition
	files, err := scaffold.Files(opts)
	if err != nil {
		return err
	}
	if err := checkInitDir(abs, files); err != nil {
		return err
	}
	for _, f := range files {
		path := filepath.Join(abs, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := writeFileAtomic(path, f.Data); err != nil {
			return err
		}
	}
	shown := dir
	if dir == "." {
		shown = abs
	}
	fmt.Fprintf(e.stdio.Out, "created %s in %s\n", opts.Name, shown)
	proj, schema, err := e.compile([]string{dir})
	if err != nil {
		return err
	}
	if err := e.initialMigrations(proj, schema); err != nil {
		return err
	}

	out := e.stdio.Out
	if runtime != "" {
		fmt.Fprintf(out, "\nThe \"cloesce\" dependency is %s: the runtime of the checkout this compiler was built in.\n", opts.Runtime)
		if !runtimeBuilt(runtime) {
			fmt.Fprintf(e.stdio.Err, "warning: that runtime is not built yet: run make runtime in its repository\n")
		}
	} else {
		fmt.Fprintf(out, "\nThe \"cloesce\" dependency is %s, from the npm registry.\n", opts.Runtime)
	}
	fmt.Fprintf(out, "\nNext steps:\n\n%s", nextSteps(dir, runtime, opts.Cloesce, proj.cfg.WorkersURL))
	return nil
}

// runtimeBuilt reports whether the runtime package in dir is built.
func runtimeBuilt(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "dist", "index.js"))
	return err == nil
}

// nextSteps lists the commands that take the new project in dir to a
// served app: building the checkout's runtime (runtime, "" for one from
// the registry) when it is not built, installing the npm packages, dev,
// and the tests; cloesce runs the compiler.
func nextSteps(dir, runtime, cloesce, workersURL string) string {
	var steps [][2]string // command, comment
	if runtime != "" && !runtimeBuilt(runtime) {
		steps = append(steps, [2]string{"make -C " + shellQuote(filepath.Dir(runtime)) + " runtime", "build the runtime package \"cloesce\" (once)"})
	}
	if dir != "." {
		steps = append(steps, [2]string{"cd " + shellQuote(dir), ""})
	}
	origin := fmt.Sprintf("http://localhost:%d", defaultPort(workersURL))
	steps = append(steps,
		[2]string{"npm install", "wrangler, TypeScript, vitest and the runtime \"cloesce\""},
		[2]string{cloesce + " dev", fmt.Sprintf("serve the page at %s/ and the API at %s%s; Ctrl-C stops", origin, origin, apiPath(workersURL))},
		[2]string{"npm test", "compile, type-check and run the tests (on a wrangler dev of their own)"},
	)
	width := 0
	for _, s := range steps {
		width = max(width, len(s[0]))
	}
	var b strings.Builder
	for _, s := range steps {
		if s[1] == "" {
			fmt.Fprintf(&b, "  %s\n", s[0])
			continue
		}
		fmt.Fprintf(&b, "  %-*s  # %s\n", width, s[0], s[1])
	}
	return b.String()
}

// initialMigrations writes the first migration of every binding, as
// "cloesce migrate --all initial" does.
func (e *env) initialMigrations(proj *project, schema *idl.Schema) error {
	now, err := clock()
	if err != nil {
		return err
	}
	for _, b := range migrate.Bindings(schema) {
		m, err := e.planBinding(proj.cfg, schema, b, migrate.Options{})
		if err != nil {
			return err
		}
		if err := e.writeMigration(m, "initial", now, false); err != nil {
			return err
		}
	}
	return nil
}

// checkInitDir refuses a directory holding anything but dotfiles (such as
// .git), or a dotfile the scaffold would overwrite.
func checkInitDir(dir string, files []scaffold.File) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !info.IsDir():
		return usagef("%s is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	writes := map[string]bool{}
	for _, f := range files {
		top, _, _ := strings.Cut(f.Path, "/")
		writes[top] = true
	}
	var taken []string
	for _, ent := range entries {
		if !strings.HasPrefix(ent.Name(), ".") || writes[ent.Name()] {
			taken = append(taken, ent.Name())
		}
	}
	switch {
	case len(taken) == 0:
		return nil
	case len(taken) > 3:
		taken = append(taken[:3], "...")
	}
	return usagef("%s is not empty (it holds %s): init needs a new or empty directory", dir, strings.Join(taken, ", "))
}

// scaffoldOptions returns what the scaffold of a project in dir depends
// on, for a compiler running as exe, and the runtime directory of the
// checkout exe was built in ("" if none). The runtime package is not on the
// npm registry yet, so a compiler built from this repository points the
// project at the runtime next to it.
func scaffoldOptions(dir, exe string) (scaffold.Options, string) {
	opts := scaffold.Options{
		Name:    scaffold.Name(filepath.Base(dir)),
		Runtime: "^" + version.Version,
		Cloesce: compilerCommand(exe),
	}
	runtime, ok := checkoutRuntime(exe)
	if ok {
		opts.Runtime = "file:" + filepath.ToSlash(runtime)
	}
	return opts, runtime
}

// checkoutRuntime finds the runtime package of the repository checkout
// holding exe (<repo>/bin/cloesce -> <repo>/runtime), searching upwards.
func checkoutRuntime(exe string) (string, bool) {
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	for dir := filepath.Dir(exe); ; {
		runtime := filepath.Join(dir, "runtime")
		data, err := os.ReadFile(filepath.Join(runtime, "package.json"))
		var pkg struct{ Name string }
		if err == nil && json.Unmarshal(data, &pkg) == nil && pkg.Name == "cloesce" {
			return runtime, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// compilerCommand is how the project's npm scripts run this compiler:
// "cloesce" when that finds exe on the PATH, else exe's path.
func compilerCommand(exe string) string {
	if found, err := exec.LookPath("cloesce"); err == nil && sameFile(found, exe) {
		return "cloesce"
	}
	return shellQuote(exe)
}

func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote quotes s for a POSIX shell, which runs npm scripts.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
