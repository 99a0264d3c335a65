// Package gentest holds what the generators' tests share: the schemas
// their goldens are made from, and running the npm-installed tools that
// check generated TypeScript.
package gentest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// RepoRoot returns the repository root (where go.mod and node_modules
// are), found upwards from the test's directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// Schema is a golden input: a schema file under the repository root and
// the workers URL its generated code is for.
type Schema struct {
	Name, Path, WorkersURL string
}

// Schemas are the schemas every generator has goldens for: both samples
// and the comprehensive schema, which uses every construct.
var Schemas = []Schema{
	{"weather", "testdata/samples/weather.clo", "http://localhost:5000/api"},
	{"reddit", "testdata/samples/reddit.clo", "http://localhost:8787"},
	{"comprehensive", "internal/syntax/parser/testdata/comprehensive.clo", "https://example.com"},
}

// Analyze parses and analyses the schema file at path (relative to the
// repository root unless absolute), which must be valid.
func Analyze(t testing.TB, path string) *idl.Schema {
	t.Helper()
	if !filepath.IsAbs(path) {
		path = filepath.Join(RepoRoot(t), path)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.List
	f := parser.Parse(source.NewFile(filepath.Base(path), string(text)), &diags)
	s := sema.Analyze([]*ast.File{f}, &diags)
	if diags.Len() > 0 {
		t.Fatalf("%s has diagnostics:\n%s", path, diags.Text())
	}
	return s
}

// Tool returns the absolute path of an npm-installed tool
// (node_modules/.bin/<name>), failing the test when it is missing: these
// tests must run, never skip.
func Tool(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(RepoRoot(t), "node_modules", ".bin", name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is missing: run npm ci at the repository root", path)
	}
	return path
}

// Run runs a command in dir ("" for the current one) and returns its
// output, failing the test with the output when it fails.
func Run(t testing.TB, dir, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "CI=1", "WRANGLER_SEND_METRICS=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, out)
	}
	return out
}

// topLevel matches a declaration at the top level of a generated file.
var topLevel = regexp.MustCompile(`(?m)^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|function|type|interface|class|namespace)\s+([A-Za-z_$][\w$]*)`)

// imported matches the names an import statement binds.
var imported = regexp.MustCompile(`(?s)import\s+(?:([\w$]+)|\{([^}]*)\})\s+from`)

// CheckReservedGlobals fails t for every name generated code declares or
// imports at its top level that is neither one of the schema's own global
// names nor in sema.ReservedGlobals: a schema could take that name and
// break the file, so sema must refuse it.
func CheckReservedGlobals(t *testing.T, code []byte, s *idl.Schema) {
	t.Helper()
	own := map[string]bool{}
	for _, p := range s.Poos {
		own[p.Name] = true
	}
	for _, m := range s.Models {
		own[m.Name] = true
	}
	for _, d := range s.Env.Durable {
		own[d.Name] = true
	}
	for _, n := range s.Injects {
		own[n] = true
	}
	var names []string
	for _, m := range topLevel.FindAllSubmatch(code, -1) {
		names = append(names, string(m[1]))
	}
	for _, m := range imported.FindAllSubmatch(code, -1) {
		if len(m[1]) > 0 {
			names = append(names, string(m[1]))
		}
		for _, spec := range strings.Split(string(m[2]), ",") {
			if f := strings.Fields(spec); len(f) > 0 {
				names = append(names, f[len(f)-1]) // "type X", "X as Y": the local name is last
			}
		}
	}
	for _, n := range names {
		if !own[n] && !slices.Contains(sema.ReservedGlobals, n) {
			t.Errorf("generated code declares %q at the top level, but sema.ReservedGlobals does not reserve it", n)
		}
	}
}
