package doccorpus

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cloesce-go/cloesce/internal/cli"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
)

// A tsCase is one TypeScript check: a snippet of the docs (with its
// completion appended), or the conformance file of a listing of generated
// code, type-checked against the code generated for schemas.
type tsCase struct {
	name    string   // the snippet, or the conformance file without .ts
	schemas []string // snippets of testdata/spec-examples, each with its completion
	fails   string   // for a listed exception: the tsc error code it must still fail with
}

// tsCases covers every file of testdata/spec-ts: user snippets by name,
// listings of generated code by their conformance files.
var tsCases = []tsCase{
	// User code.
	{name: "ch3-3-durable-objects-01", schemas: []string{"ch3-3-durable-objects-01"}, fails: "TS1109"},
	{name: "ch5-2-custom-data-sources-01", schemas: []string{"ch5-2-custom-data-sources-06"}},
	{name: "ch6-1-rest-apis-01", schemas: []string{"ch6-1-rest-apis-01"}, fails: "TS2322"},
	{name: "ch6-1-rest-apis-03", schemas: []string{"ch6-1-rest-apis-02"}},
	{name: "ch6-1-rest-apis-05", schemas: []string{"ch6-1-rest-apis-09"}},
	{name: "ch6-2-crud-generation-02", schemas: []string{"ch6-2-crud-generation-03"}, fails: "TS2353"},
	{name: "ch6-2-crud-generation-03", schemas: []string{"ch6-2-crud-generation-04"}, fails: "TS2554"},
	{name: "ch6-3-dependency-injection-02", schemas: []string{"ch6-3-dependency-injection-02"}},
	{name: "ch6-6-services-01", schemas: []string{"ch6-6-services-01"}},
	{name: "ch7-0-orm-reference-02", schemas: []string{"ch7-0-orm-reference-01"}},
	{name: "ch7-0-orm-reference-03", schemas: []string{"ch7-0-orm-reference-01"}},

	// Listings of generated code.
	{name: "ch3-1-kv-and-r2-01.conform", schemas: []string{"ch3-1-kv-and-r2-01"}},
	{name: "ch4-1-sqlite-backed-model-01.conform", schemas: []string{"ch4-1-sqlite-backed-model-02"}},
	{name: "ch4-1-sqlite-backed-model-01.do.conform", schemas: []string{"ch4-1-sqlite-backed-model-03"}},
	{name: "ch4-3-kv-fields-01.conform", schemas: []string{"ch4-3-kv-fields-01"}},
	{name: "ch4-4-r2-fields-01.conform", schemas: []string{"ch4-4-r2-fields-01"}},
	{name: "ch6-1-rest-apis-02.conform", schemas: []string{"ch6-1-rest-apis-01"}},
	{name: "ch6-1-rest-apis-04.conform", schemas: []string{"ch6-1-rest-apis-09"}},
	{name: "ch6-2-crud-generation-01.conform", schemas: []string{"ch6-2-crud-generation-03"}},
	{name: "ch6-3-dependency-injection-01.conform", schemas: []string{"ch6-3-dependency-injection-01"}},
	{name: "ch7-0-orm-reference-01.conform", schemas: []string{"samples/weather"}},
}

// TestTypeScriptSnippets compiles each case's schemas with the cloesce
// command, puts the snippet beside the generated code (imported as the
// docs do, "@cloesce/backend.js") and runs tsc --strict on it.
func TestTypeScriptSnippets(t *testing.T) {
	root := gentest.RepoRoot(t)
	tsc := gentest.Tool(t, "tsc")
	checkCoverage(t, root)

	var wg sync.WaitGroup
	slots := make(chan struct{}, 2) // tsc is CPU-bound; CI machines have 2 cores
	for _, c := range tsCases {
		dir := project(t, root, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			out, err := exec.CommandContext(t.Context(), tsc, "-p", dir).CombinedOutput()
			switch {
			case c.fails == "" && err != nil:
				t.Errorf("%s does not type-check against the generated code:\n%s", c.name, out)
			case c.fails != "" && !strings.Contains(string(out), "error "+c.fails):
				t.Errorf("%s is listed as failing with %s (docs/spec-corpus.md), but tsc says:\n%s", c.name, c.fails, out)
			}
		}()
	}
	wg.Wait()
}

// checkCoverage fails unless every snippet of testdata/spec-ts has a case,
// as itself (user code) or as a conformance file (generated code).
func checkCoverage(t *testing.T, root string) {
	snippets, _ := filepath.Glob(filepath.Join(root, "testdata/spec-ts/*.ts"))
	if len(snippets) != 20 {
		t.Fatalf("found %d TypeScript snippets, want 20", len(snippets))
	}
	covered := map[string]bool{}
	for _, c := range tsCases {
		covered[strings.SplitN(c.name, ".", 2)[0]] = true
	}
	for _, s := range snippets {
		if name := strings.TrimSuffix(filepath.Base(s), ".ts"); !covered[name] {
			t.Errorf("snippet %s has no case in tsCases", name)
		}
	}
}

// project lays out a compiled project for c in a temporary directory and
// returns it: the schemas with their completions, the generated code, the
// snippet with its completion (or the conformance file) and a tsconfig.
func project(t *testing.T, root string, c tsCase) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), c.name)
	for _, s := range c.schemas {
		src := filepath.Join(root, "testdata/spec-examples", s+".clo")
		if filepath.Dir(s) == "samples" {
			src = filepath.Join(root, "testdata", s+".clo")
		}
		copyFile(t, src, filepath.Join(dir, "schema", filepath.Base(s)+".clo"))
		completion := filepath.Join(root, "testdata/spec-complete", s+".clo")
		if _, err := os.Stat(completion); err == nil {
			copyFile(t, completion, filepath.Join(dir, "schema", filepath.Base(s)+".complete.clo"))
		}
	}
	write(t, filepath.Join(dir, "cloesce.jsonc"), `{ "src_paths": ["schema"] }`)
	var stderr strings.Builder
	if code := cli.Run(context.Background(), []string{"compile", dir}, cli.Stdio{In: strings.NewReader(""), Out: &strings.Builder{}, Err: &stderr}); code != 0 {
		t.Fatalf("%s: cloesce compile exited %d:\n%s", c.name, code, stderr.String())
	}
	var code []byte
	if snippet, err := os.ReadFile(filepath.Join(root, "testdata/spec-ts", c.name+".ts")); err == nil {
		code = snippet
	}
	if completion, err := os.ReadFile(filepath.Join(root, "testdata/spec-ts-complete", c.name+".ts")); err == nil {
		code = append(code, completion...)
	}
	write(t, filepath.Join(dir, "src", "snippet.ts"), string(code))
	write(t, filepath.Join(dir, "tsconfig.json"), `{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "target": "ES2022",
    "module": "ES2022",
    "moduleResolution": "bundler",
    "resolveJsonModule": true,
    "skipLibCheck": true,
    "lib": ["ES2022"],
    "types": ["@cloudflare/workers-types"],
    "paths": { "@cloesce/*": ["./.cloesce/*"] }
  },
  "include": ["src", ".cloesce"]
}
`)
	if err := os.Symlink(filepath.Join(root, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(data))
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
