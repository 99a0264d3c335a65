package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/scaffold"
)

// newProject runs init with flags in a new temporary directory and
// returns the project's directory and init's output. When linkModules is
// set, the repository's node_modules are linked into the project, as npm
// install would provide them.
func newProject(t *testing.T, linkModules bool, flags ...string) (string, string) {
	t.Helper()
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	repo := gentest.RepoRoot(t) // before run changes the directory
	parent := t.TempDir()
	code, stdout, stderr := run(t, parent, slices.Concat([]string{"init"}, flags, []string{"app"})...)
	if code != 0 {
		t.Fatalf("init exited %d:\n%s", code, stderr)
	}
	dir := filepath.Join(parent, "app")
	if linkModules {
		if _, err := os.Stat(filepath.Join(repo, "runtime", "dist", "index.js")); err != nil {
			t.Fatal("the runtime is not built: run make runtime")
		}
		if err := os.Symlink(filepath.Join(repo, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
			t.Fatal(err)
		}
	}
	return dir, stdout
}

// projectFiles lists the files under dir, slash-separated, skipping
// node_modules.
func projectFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.Name() == "node_modules" {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestInitWritesProject(t *testing.T) {
	generated := []string{
		".cloesce/backend.ts",
		".cloesce/cidl.json",
		".cloesce/cidl.ts",
		".cloesce/client.ts",
		".cloesce/openapi.json",
	}
	both := []string{
		".gitignore",
		"cloesce.jsonc",
		"migrations/db/1700000000_initial.json",
		"migrations/db/1700000000_initial.sql",
		"package.json",
		"src/web/index.html",
		"test/api.test.ts",
		"test/local.ts",
		"test/models.test.ts",
		"test/tsconfig.json",
		"tsconfig.json",
		"wrangler.jsonc",
	}
	clo := slices.Concat(generated, both, []string{"src/api/main.ts", "src/schema/schema.clo"})
	for _, tt := range []struct {
		flags    []string
		files    []string
		wrangler []string // what wrangler.jsonc holds
	}{
		{nil, clo, []string{`"main": "src/api/main.ts"`}},
		{[]string{"--edition", "clo"}, clo, []string{`"main": "src/api/main.ts"`}},
		{[]string{"--edition=ts"},
			slices.Concat(generated, []string{".cloesce/workers.ts", "README.md"}, both, []string{"src/data/main.cloesce.ts", "src/data/models.cloesce.ts"}),
			[]string{`"main": ".cloesce/workers.ts"`, `"binding": "bucket"`, `"myVariable": ""`}},
	} {
		name := strings.Join(tt.flags, " ")
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			dir, stdout := newProject(t, false, tt.flags...)
			want := slices.Clone(tt.files)
			slices.Sort(want)
			if got := projectFiles(t, dir); !slices.Equal(got, want) {
				t.Errorf("init wrote %q, want %q", got, want)
			}
			for _, s := range []string{"created app in app", "wrote app/migrations/db/1700000000_initial.sql", "Next steps:\n\n  cd app\n  npm install ", " dev ", "\n  npm test "} {
				if !strings.Contains(stdout, s) {
					t.Errorf("init's output lacks %q:\n%s", s, stdout)
				}
			}
			wranglerConfig, _ := os.ReadFile(filepath.Join(dir, "wrangler.jsonc"))
			for _, s := range append([]string{`"binding": "db"`, `"migrations_dir": "migrations/db"`}, tt.wrangler...) {
				if !strings.Contains(string(wranglerConfig), s) {
					t.Errorf("wrangler.jsonc lacks %s:\n%s", s, wranglerConfig)
				}
			}

			// The project is as cloesce migrate would leave it: nothing to write.
			code, stdout, stderr := run(t, dir, "migrate", "--all", "--dry-run", "check")
			if code != 0 || !strings.Contains(stdout, `D1 database "db": no changes`) {
				t.Errorf("migrate --dry-run exited %d:\n%s%s", code, stdout, stderr)
			}
		})
	}
}

// TestNextSteps checks the steps init prints from a new project to a
// served app: a checkout's runtime is built first when it is not.
func TestNextSteps(t *testing.T) {
	repo := t.TempDir()
	runtime := filepath.Join(repo, "runtime")
	// lines lays out commands and comments as init does: the comments
	// line up after the longest command.
	lines := func(steps ...string) string {
		width := 0
		for i := 0; i < len(steps); i += 2 {
			width = max(width, len(steps[i]))
		}
		var b strings.Builder
		for i := 0; i < len(steps); i += 2 {
			if steps[i+1] == "" {
				fmt.Fprintf(&b, "  %s\n", steps[i])
			} else {
				fmt.Fprintf(&b, "  %-*s  # %s\n", width, steps[i], steps[i+1])
			}
		}
		return b.String()
	}
	install := []string{"npm install", `wrangler, TypeScript, vitest and the runtime "cloesce"`}
	test := []string{"npm test", "compile, type-check and run the tests (on a wrangler dev of their own)"}
	dev5000 := []string{"cloesce dev", "serve the page at http://localhost:5000/ and the API at http://localhost:5000/api; Ctrl-C stops"}
	for _, tt := range []struct {
		name, dir, runtime, workersURL string
		built                          bool
		want                           string
	}{
		{"an unbuilt checkout runtime", "my-app", runtime, "http://localhost:5000/api", false,
			lines(slices.Concat([]string{"make -C " + repo + " runtime", `build the runtime package "cloesce" (once)`, "cd my-app", ""}, install, dev5000, test)...)},
		{"a built checkout runtime", "my-app", runtime, "http://localhost:5000/api", true,
			lines(slices.Concat([]string{"cd my-app", ""}, install, dev5000, test)...)},
		{"the registry's runtime, here", ".", "", "http://localhost:8787", false,
			lines(slices.Concat(install, []string{"cloesce dev", "serve the page at http://localhost:8787/ and the API at http://localhost:8787; Ctrl-C stops"}, test)...)},
	} {
		if tt.built {
			writeFile(t, filepath.Join(runtime, "dist", "index.js"), "")
		}
		if got := nextSteps(tt.dir, tt.runtime, "cloesce", tt.workersURL); got != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
}

func TestInitRefuses(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, dir string) // in the directory init runs in
		arg   string
		want  string
	}{
		{"a file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "schema.clo"), "")
		}, ".", "is not empty (it holds schema.clo)"},
		{"a directory", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "src", "main.ts"), "")
		}, ".", "is not empty (it holds src)"},
		{"many files", func(t *testing.T, dir string) {
			for _, name := range []string{"a", "b", "c", "d"} {
				writeFile(t, filepath.Join(dir, name), "")
			}
		}, ".", "is not empty (it holds a, b, c, ...)"},
		{"a dotfile it would overwrite", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, ".gitignore"), "dist/\n")
		}, ".", "is not empty (it holds .gitignore)"},
		{"a path that is a file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "taken"), "")
		}, "taken", "taken is not a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			code, stdout, stderr := run(t, dir, "init", tt.arg)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("init exited %d, want %d with %q:\n%s%s", code, exitUsage, tt.want, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
				t.Error("init wrote files after refusing")
			}
		})
	}
	for _, args := range [][]string{{"init", "a", "b"}, {"--env", "staging", "init"}} {
		if code, _, _ := run(t, t.TempDir(), args...); code != exitUsage {
			t.Errorf("%q exited %d, want %d", args, code, exitUsage)
		}
	}
	dir := t.TempDir()
	code, stdout, stderr := run(t, dir, "init", "--edition", "js", "app")
	if want := `unknown edition "js": --edition is clo or ts`; code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("init --edition js exited %d, want %d with %q:\n%s%s", code, exitUsage, want, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "app")); err == nil {
		t.Error("init wrote files for an unknown edition")
	}
}

func TestInitAcceptsDotfiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git", "objects"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, ".editorconfig"), "root = true\n")
	if code, _, stderr := run(t, dir, "init"); code != 0 {
		t.Fatalf("init in a directory with only dotfiles exited %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "src", "schema", "schema.clo")); err != nil {
		t.Error(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, ".editorconfig")); string(data) != "root = true\n" {
		t.Error("init changed .editorconfig")
	}
}

func TestScaffoldOptions(t *testing.T) {
	root := t.TempDir()
	// A checkout: <repo>/bin/cloesce and the runtime package next to it.
	repo := filepath.Join(root, "repo")
	writeFile(t, filepath.Join(repo, "bin", "cloesce"), "")
	writeFile(t, filepath.Join(repo, "runtime", "package.json"), `{"name": "cloesce", "version": "0.1.0"}`)
	// A link to the checkout's binary, as from a bin directory on the PATH.
	linked := filepath.Join(root, "links", "cloesce")
	os.MkdirAll(filepath.Dir(linked), 0o755)
	if err := os.Symlink(filepath.Join(repo, "bin", "cloesce"), linked); err != nil {
		t.Fatal(err)
	}
	// Another project whose runtime directory is not the cloesce package.
	writeFile(t, filepath.Join(root, "other", "bin", "cloesce"), "")
	writeFile(t, filepath.Join(root, "other", "runtime", "package.json"), `{"name": "something-else"}`)
	writeFile(t, filepath.Join(root, "installed", "cloesce"), "")

	runtime := filepath.Join(repo, "runtime")
	for _, tt := range []struct {
		exe, want, checkout string
	}{
		{filepath.Join(repo, "bin", "cloesce"), "file:" + filepath.ToSlash(runtime), runtime},
		{linked, "file:" + filepath.ToSlash(runtime), runtime},
		{filepath.Join(root, "other", "bin", "cloesce"), "^0.1.0", ""},
		{filepath.Join(root, "installed", "cloesce"), "^0.1.0", ""},
	} {
		opts, checkout := scaffoldOptions(filepath.Join(root, "My App"), tt.exe)
		if opts.Runtime != tt.want || checkout != tt.checkout {
			t.Errorf("for %s: runtime %q (checkout %q), want %q (%q)", tt.exe, opts.Runtime, checkout, tt.want, tt.checkout)
		}
		if opts.Name != "my-app" {
			t.Errorf("name %q, want my-app", opts.Name)
		}
	}
}

func TestCompilerCommand(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "bin dir", "cloesce")
	writeFile(t, exe, "#!/bin/sh\n")
	if err := os.Chmod(exe, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	if got, want := compilerCommand(exe), "'"+exe+"'"; got != want {
		t.Errorf("off the PATH: %q, want %q", got, want)
	}
	t.Setenv("PATH", filepath.Dir(exe))
	if got := compilerCommand(exe); got != "cloesce" {
		t.Errorf("on the PATH: %q, want cloesce", got)
	}
	if got, want := shellQuote("it's"), `'it'\''s'`; got != want {
		t.Errorf("shellQuote = %s, want %s", got, want)
	}
}

// TestInitTypeChecks checks the new project of each edition under tsc
// --strict: the Worker with the generated backend (the models and main of
// the decorator edition, with the Worker compile generates), and the
// tests with the client.
func TestInitTypeChecks(t *testing.T) {
	tsc := gentest.Tool(t, "tsc")
	for _, edition := range scaffold.Editions {
		t.Run(edition, func(t *testing.T) {
			dir, _ := newProject(t, true, "--edition", edition)
			gentest.Run(t, dir, tsc, "-p", ".")
			gentest.Run(t, dir, tsc, "-p", "test")
		})
	}
}

// TestScaffoldTests runs the new project's own test script, in each
// edition, which serves it with wrangler dev and drives it through the
// generated client, and uses its models on Miniflare. The project comes
// from the real binary, since its scripts run the compiler.
func TestScaffoldTests(t *testing.T) {
	repo := gentest.RepoRoot(t)
	bin := filepath.Join(t.TempDir(), "cloesce")
	gentest.Run(t, repo, "go", "build", "-o", bin, "./cmd/cloesce")
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		edition string
		tests   int
	}{
		{scaffold.EditionClo, 4},
		{scaffold.EditionTS, 7},
	} {
		t.Run(tt.edition, func(t *testing.T) {
			parent := t.TempDir()
			gentest.Run(t, parent, bin, "init", "--edition", tt.edition, "app")
			dir := filepath.Join(parent, "app")
			if err := os.Symlink(filepath.Join(repo, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
				t.Fatal(err)
			}
			out := gentest.Run(t, dir, npm, "test")
			if want := fmt.Sprintf("Tests  %d passed (%d)", tt.tests, tt.tests); !strings.Contains(string(out), want) {
				t.Errorf("npm test passed, but not the scaffold's %d tests:\n%s", tt.tests, out)
			}
		})
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
