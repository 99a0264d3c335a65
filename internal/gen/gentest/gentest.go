// Package gentest holds what the generators' tests share: the schemas
// their goldens are made from, and running the npm-installed tools that
// check generated TypeScript.
package gentest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/ts"
	"github.com/cloesce-go/cloesce/internal/golden"
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

// Schemas are the schemas every generator has goldens for: both samples,
// the comprehensive schema, which uses every construct, one whose global
// names are those of the platform's globals the generated code refers to
// (Record, Map, Response, Date, Promise, ...), and one of deletes, counts
// and filtered lists.
var Schemas = []Schema{
	{"weather", "testdata/samples/weather.clo", "http://localhost:5000/api"},
	{"reddit", "testdata/samples/reddit.clo", "http://localhost:8787"},
	{"comprehensive", "internal/syntax/parser/testdata/comprehensive.clo", "https://example.com"},
	{"globals", "internal/gen/gentest/testdata/globals.clo", "http://localhost:8787"},
	{"crud", "internal/gen/gentest/testdata/crud.clo", "https://example.com"},
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

// StrictOptions are the compiler options generated code must pass: tsc's
// strictest, so that it compiles in any project that imports it.
func StrictOptions() map[string]any {
	return map[string]any{
		"strict": true, "noEmit": true, "target": "ES2022", "module": "ES2022", "moduleResolution": "bundler",
		"skipLibCheck": true, "isolatedModules": true, "erasableSyntaxOnly": true,
		"exactOptionalPropertyTypes": true, "noUncheckedIndexedAccess": true, "noPropertyAccessFromIndexSignature": true,
		"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true, "noImplicitOverride": true,
	}
}

// TypeCheck writes dir/tsconfig.json with options and files (relative to
// dir) and runs tsc on it, failing t with its diagnostics.
func TypeCheck(t testing.TB, dir string, options map[string]any, files []string) {
	t.Helper()
	config, err := json.MarshalIndent(map[string]any{"compilerOptions": options, "files": files}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	WriteFile(t, filepath.Join(dir, "tsconfig.json"), config)
	Run(t, dir, Tool(t, "tsc"), "-p", "tsconfig.json")
}

// WriteFile writes data to path, making its directory.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
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

// declaration matches a declaration at the start of a line, and captures
// its indentation and its name.
var declaration = regexp.MustCompile(`(?m)^( *)(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|function|type|interface|class|namespace)\s+([A-Za-z_$][\w$]*)`)

// imported matches the names an import statement binds, or an export
// statement exports from another module.
var imported = regexp.MustCompile(`(?s)(?:import|export)\s+(?:type\s+)?(?:([\w$]+)|\*\s+as\s+([\w$]+)|\{([^}]*)\})\s+from`)

// Declared returns the names generated code declares, imports or
// re-exports at its top level, and with members, those its top-level
// namespaces declare too (a model's Self).
func Declared(code []byte, members bool) []string {
	var names []string
	for _, m := range declaration.FindAllSubmatch(code, -1) {
		if len(m[1]) == 0 || members && len(m[1]) == 2 {
			names = append(names, string(m[2]))
		}
	}
	for _, m := range imported.FindAllSubmatch(code, -1) {
		for _, local := range m[1:3] {
			if len(local) > 0 {
				names = append(names, string(local))
			}
		}
		for _, spec := range strings.Split(string(m[3]), ",") {
			if f := strings.Fields(spec); len(f) > 0 {
				names = append(names, f[len(f)-1]) // "type X", "X as Y": the local name is last
			}
		}
	}
	return names
}

// Goldens checks, for each schema, that generate (given the schema and
// its workers URL) writes the golden testdata/<schema>/<file>, the same
// bytes twice, declaring only names sema reserves (CheckReservedGlobals).
func Goldens(t *testing.T, schemas []Schema, file string, generate func(*idl.Schema, string) []byte) {
	for _, sc := range schemas {
		t.Run(sc.Name, func(t *testing.T) {
			s := Analyze(t, sc.Path)
			got := generate(s, sc.WorkersURL)
			if again := generate(s, sc.WorkersURL); !bytes.Equal(got, again) {
				t.Error("two runs give different output")
			}
			golden.File(t, filepath.Join("testdata", sc.Name, file), got)
			CheckReservedGlobals(t, got, s)
		})
	}
}

// CheckReservedGlobals fails t for every name generated code declares or
// imports at its top level that is not `$`-prefixed (no schema name has a
// `$`), not one of the schema's own global names and not in
// sema.ReservedGlobals: a schema could take that name and break the file,
// so sema must refuse it.
func CheckReservedGlobals(t *testing.T, code []byte, s *idl.Schema) {
	t.Helper()
	own := ts.Globals(s)
	for _, n := range Declared(code, false) {
		if !own[n] && !strings.HasPrefix(n, "$") && !slices.Contains(sema.ReservedGlobals, n) {
			t.Errorf("generated code declares %q at the top level, but sema.ReservedGlobals does not reserve it", n)
		}
	}
}
