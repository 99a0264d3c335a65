package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/backend"
	"github.com/cloesce-go/cloesce/internal/gen/client"
	"github.com/cloesce-go/cloesce/internal/gen/openapi"
	"github.com/cloesce-go/cloesce/internal/gen/worker"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sema"
)

// runCheck reports every problem in the project's schema without writing
// anything.
func runCheck(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
	batchGC()
	_, _, err := e.analyze(args)
	return err
}

// runCompile analyses the schema and writes the generated files to the
// output directory: the interface description (cidl.json, and cidl.ts,
// the same as a typed module), the OpenAPI description of the HTTP API
// (openapi.json), the backend surface (backend.ts, which imports cidl.ts)
// and the client (client.ts).
func runCompile(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
	batchGC()
	_, _, err := e.compile(args)
	return err
}

// batchGC turns the garbage collector off below a soft memory limit of
// 1 GiB, for a command that runs once and exits (compile, check). Such a
// command keeps most of what it allocates (the syntax tree, the
// description, the outputs), so collecting as it goes mostly costs time:
// a quarter of a 1,000-model compile on two cores, which allocates about
// 65 MB (bench/compiler). Past the limit, about 15,000 synthetic models,
// the collector runs again. GOGC and GOMEMLIMIT in the environment keep
// their say; cloesce dev, which runs for hours, keeps the default.
func batchGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(1 << 30)
	debug.SetGCPercent(-1)
}

// compile analyses the project named by args and, when its schema has no
// errors, writes the generated files and the wrangler config. The
// diagnostics of both are printed together at the end, so that
// --format json prints one list.
func (e *env) compile(args []string) (*project, *idl.Schema, error) {
	var diags diag.List
	proj, schema, finish, err := e.loadDeferringSQL(args, &diags)
	if err != nil {
		return nil, nil, err
	}
	if diags.HasErrors() {
		return nil, nil, e.render(&diags)
	}
	if err := e.generateFinishing(proj, schema, finish, &diags); err != nil {
		e.render(&diags) // the warnings found so far; err says what failed
		return nil, nil, err
	}
	return proj, schema, e.render(&diags)
}

// generate computes every file compile writes (the generated files and
// the wrangler config) and, when none of them has an error, writes those
// whose bytes changed. Output is all or nothing: after an error in any of
// them, such as a wrangler config that does not parse, no file has changed
// on disk. A file whose bytes are unchanged is not touched, so that
// wrangler dev and Vite, which watch them, do not reload for nothing.
func (e *env) generate(proj *project, schema *idl.Schema, diags *diag.List) error {
	return e.generateFinishing(proj, schema, func() {}, diags)
}

// generateFinishing is generate for a schema that finish completes
// (sema.AnalyzeDeferringSQL): finish runs on the goroutine that then
// encodes the description, while the other generators, which read
// neither the SQL nor the hashes, run beside it. The schema is complete
// when it returns.
func (e *env) generateFinishing(proj *project, schema *idl.Schema, finish func(), diags *diag.List) error {
	dir := proj.cfg.OutDir()
	// The generated files are made and staged in the background while the
	// wrangler config is worked out here.
	wait := stageGenerated(schema, finish, proj, dir)
	wrangler, err := e.wranglerOutput(proj, schema, diags)
	gen, genErr := wait()
	if err := errors.Join(genErr, err); err != nil || diags.HasErrors() {
		discard(gen)
		return err
	}
	all := gen
	for _, w := range wrangler {
		s, err := stage(w)
		if err != nil {
			discard(all)
			return err
		}
		all = append(all, s)
	}
	written, err := commit(all)
	if err != nil {
		return err
	}
	if e.format == diag.JSON { // keep stdout pure JSON for tools
		return nil
	}
	var names []string
	for _, g := range gen {
		if slices.Contains(written, g.path) {
			names = append(names, filepath.Base(g.path))
		}
	}
	models := count(len(schema.Models), "model", "models")
	if len(names) == 0 {
		fmt.Fprintf(e.stdio.Out, "%s is up to date (%s)\n", dir, models)
	} else {
		fmt.Fprintf(e.stdio.Out, "wrote %s in %s (%s)\n", andList(names), dir, models)
	}
	for _, w := range wrangler {
		if slices.Contains(written, w.path) {
			fmt.Fprintf(e.stdio.Out, "wrote %s\n", filepath.ToSlash(w.path))
		}
	}
	return nil
}

// generatedNames are the files of the output directory, in the order
// compile names them; a project of the decorator edition has workers.ts
// too, its Worker.
var generatedNames = []string{"cidl.json", "cidl.ts", "openapi.json", "backend.ts", "client.ts", "workers.ts"}

// stageGenerated starts making the files of the output directory dir and
// staging each (stage) as soon as it is made; wait returns them staged, in
// the order of generatedNames, or the first error, with nothing left
// staged. The generators only read the schema, so they run in parallel,
// and a file's comparison with the disk and its write overlap with the
// others' generation. The description is encoded once for cidl.json and
// cidl.ts, after finish completes the schema (see generateFinishing).
func stageGenerated(schema *idl.Schema, finish func(), proj *project, dir string) (wait func() ([]staged, error)) {
	names := generatedNames
	if proj.link == nil {
		names = names[:len(names)-1]
	}
	workersURL := proj.cfg.WorkersURL
	files := make([]staged, len(names))
	errs := make([]error, len(names))
	put := func(name string, parts ...[]byte) {
		i := slices.Index(names, name)
		files[i], errs[i] = stage(newOutput(filepath.Join(dir, name), parts...))
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		finish()
		cidl, err := idl.Encode(schema)
		if err != nil {
			errs[0] = err
			return
		}
		// The two largest files: written side by side.
		wg.Go(func() { put("cidl.ts", backend.DescriptionParts(schema, cidl)...) })
		put("cidl.json", cidl)
	})
	wg.Go(func() { put("openapi.json", openapi.Generate(schema, workersURL)) })
	wg.Go(func() { put("backend.ts", backend.Generate(schema, workersURL)) })
	wg.Go(func() { put("client.ts", client.Generate(schema, workersURL)) })
	if proj.link != nil {
		wg.Go(func() {
			put("workers.ts", worker.Generate(schema, proj.link, worker.Options{Module: moduleFrom(dir), Generated: "."}))
		})
	}
	return func() ([]staged, error) {
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			discard(files)
			return nil, err
		}
		return files, nil
	}
}

// moduleFrom returns how a module in dir imports a TypeScript file: by a
// relative specifier without the extension.
func moduleFrom(dir string) func(file string) string {
	return func(file string) string {
		rel, err := filepath.Rel(dir, filepath.FromSlash(file))
		if err != nil {
			rel = file
		}
		return relativeSpecifier(strings.TrimSuffix(filepath.ToSlash(rel), ".ts"))
	}
}

// relativeSpecifier makes a relative path an import specifier, which
// starts with "." to be read as a path.
func relativeSpecifier(rel string) string {
	if !strings.HasPrefix(rel, ".") {
		return "./" + rel
	}
	return rel
}

// andList joins names for a sentence: "a", "a and b", "a, b and c".
func andList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// count writes n and the noun that goes with it: "1 model", "2 models".
func count(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, plural(n, one, many))
}

// analyze loads the project named by args and analyses its schema,
// printing diagnostics. It fails with errReported when any is an error.
func (e *env) analyze(args []string) (*project, *idl.Schema, error) {
	var diags diag.List
	proj, schema, err := e.load(args, &diags)
	if err != nil {
		return nil, nil, err
	}
	return proj, schema, e.render(&diags)
}

// load loads the project named by args and analyses its schema, reporting
// problems into diags. The schema is nil when the sources do not parse.
func (e *env) load(args []string, diags *diag.List) (*project, *idl.Schema, error) {
	proj, schema, finish, err := e.loadDeferringSQL(args, diags)
	if err != nil {
		return nil, nil, err
	}
	finish()
	return proj, schema, nil
}

// loadValid is load for commands that go on only with a valid schema:
// errors end them (rendered), and warnings are printed at once, before
// the command's own output or questions.
func (e *env) loadValid(dir string, diags *diag.List) (*project, *idl.Schema, error) {
	proj, schema, err := e.load([]string{dir}, diags)
	if err != nil {
		return nil, nil, err
	}
	if diags.HasErrors() {
		return nil, nil, e.render(diags)
	}
	e.flush(diags)
	return proj, schema, nil
}

// loadDeferringSQL is load with the schema's SQL and hashes left to
// finish (see sema.AnalyzeDeferringSQL).
func (e *env) loadDeferringSQL(args []string, diags *diag.List) (*project, *idl.Schema, func(), error) {
	root, err := rootArg(args)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkProjectDir(root); err != nil {
		return nil, nil, nil, err
	}
	proj, err := e.loadProject(root, diags)
	if err != nil {
		return nil, nil, nil, err
	}
	if diags.HasErrors() {
		// Syntax errors leave holes in the tree; checking meaning on top
		// of them would report the same mistakes again in other words.
		return proj, nil, func() {}, nil
	}
	schema, finish := sema.AnalyzeDeferringSQL(proj.files, diags)
	return proj, schema, finish, nil
}

// rootArg returns the project directory named by the optional argument.
func rootArg(args []string) (string, error) {
	switch len(args) {
	case 0:
		return ".", nil
	case 1:
		return args[0], nil
	}
	return "", usagef("expected at most one project directory, got %d arguments", len(args))
}

// checkProjectDir reports a project directory that does not exist, or is
// not a directory, as a mistake on the command line.
func checkProjectDir(root string) error {
	info, err := os.Stat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usagef("project directory %q does not exist", root)
	case err != nil:
		return err
	case !info.IsDir():
		return usagef("%q is not a directory: give the project directory, which holds cloesce.jsonc or the schema files", root)
	}
	return nil
}
