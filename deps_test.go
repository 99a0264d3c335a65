package cloesce_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/cloesce-go/cloesce/"

// allowed lists, for each internal package, the internal packages its
// non-test code may import. Data flows one way through the pipeline: a
// stage never knows the stages after it, and only cli does I/O for users.
var allowed = map[string][]string{
	"internal/source":         nil,
	"internal/suggest":        nil,
	"internal/version":        nil,
	"internal/golden":         nil,
	"internal/scaffold":       nil,
	"internal/diag":           {"internal/source"},
	"internal/config":         {"internal/source", "internal/diag", "internal/suggest"},
	"internal/syntax/token":   nil,
	"internal/syntax/scanner": {"internal/source", "internal/diag", "internal/syntax/token"},
	"internal/syntax/ast":     {"internal/source", "internal/syntax/token"},
	"internal/syntax/parser":  {"internal/source", "internal/diag", "internal/suggest", "internal/syntax/token", "internal/syntax/scanner", "internal/syntax/ast"},
	"internal/syntax/format":  {"internal/diag", "internal/syntax/token", "internal/syntax/scanner", "internal/syntax/ast"},
	"internal/sema":           {"internal/diag", "internal/suggest", "internal/syntax/token", "internal/syntax/ast", "internal/idl", "internal/sqlgen", "internal/version", "internal/gen/ts"},
	"internal/idl":            nil,
	"internal/idl/tsgen":      {"internal/idl"}, // go generate: runtime/src/cidl.ts
	"internal/sqlgen":         {"internal/idl"},
	"internal/gen/ts":         {"internal/idl"},
	"internal/gen/openapi":    {"internal/idl"},
	"internal/decorators":     {"internal/source", "internal/diag", "internal/syntax/ast", "internal/syntax/token"},
	"internal/gen/backend":    {"internal/idl", "internal/gen/ts"},
	"internal/gen/client":     {"internal/idl", "internal/gen/ts", "runtime"},
	"internal/gen/wrangler":   {"internal/idl", "internal/diag", "internal/source"},
	"internal/gen/worker":     {"internal/idl", "internal/gen/ts", "internal/decorators"},
	"internal/gen/gentest":    {"internal/diag", "internal/gen/ts", "internal/golden", "internal/idl", "internal/sema", "internal/source", "internal/syntax/ast", "internal/syntax/parser"},
	"internal/cli":            {"*"},

	// The language server: an editor's front end to the same stages as
	// cli (config, parser, sema, the formatter), reading the project's
	// files itself; its wire protocol depends on nothing of ours.
	"internal/lsp":          {"internal/config", "internal/decorators", "internal/diag", "internal/idl", "internal/lsp/protocol", "internal/sema", "internal/source", "internal/syntax/ast", "internal/syntax/format", "internal/syntax/parser", "internal/syntax/scanner", "internal/syntax/token", "internal/version"},
	"internal/lsp/protocol": nil,
	"internal/doccorpus":    nil, // tests only

	// The migrations engine, and the scenarios its tests share with e2e.
	"internal/migrate":             {"internal/idl"},
	"internal/migrate/migratetest": {"internal/diag", "internal/idl", "internal/migrate", "internal/sema", "internal/source", "internal/syntax/ast", "internal/syntax/parser"},
}

func TestPackageLayering(t *testing.T) {
	dirs := map[string]bool{}
	filepath.WalkDir("internal", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dirs[filepath.ToSlash(filepath.Dir(path))] = true
		}
		return err
	})
	for dir := range dirs {
		rules, ok := allowed[dir]
		if !ok {
			t.Errorf("package %s has no layering rule; add it to allowed", dir)
			continue
		}
		for _, imp := range imports(t, dir) {
			own, ours := strings.CutPrefix(imp, module)
			if ours && !slices.Contains(rules, "*") && !slices.Contains(rules, own) {
				t.Errorf("%s imports %s, which the layering does not allow", dir, imp)
			}
		}
	}
}

// imports returns the import paths of the non-test files of dir.
func imports(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, path)
		}
	}
	return out
}
