package backend

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestGenerate compares backend.ts for each schema with its golden.
func TestGenerate(t *testing.T) {
	gentest.Goldens(t, gentest.Schemas, "backend.ts", Generate)
}

// BenchmarkGenerate1000 writes backend.ts for the analysed 1,000-model
// synthetic schema (make bench).
func BenchmarkGenerate1000(b *testing.B) {
	s := synth.Analyze(b, 1000)
	for b.Loop() {
		Generate(s, "http://localhost:8787")
	}
}

// TestTypeCheck type-checks each golden backend.ts, next to its cidl.ts,
// with tsc's strictest options against the runtime package's declarations
// (as npm ships them), as a user's project would.
func TestTypeCheck(t *testing.T) {
	root := gentest.RepoRoot(t)
	dir := t.TempDir()
	runtime := filepath.Join(dir, "cloesce")
	gentest.Run(t, root, gentest.Tool(t, "tsc"), "-p", "runtime/tsconfig.build.json", "--emitDeclarationOnly", "--outDir", runtime)
	var files []string
	for _, sc := range gentest.Schemas {
		schema := gentest.Analyze(t, sc.Path)
		encoded, err := idl.Encode(schema)
		if err != nil {
			t.Fatal(err)
		}
		cidl := Description(schema, encoded)
		backend, err := os.ReadFile(filepath.Join("testdata", sc.Name, "backend.ts"))
		if err != nil {
			t.Fatal(err)
		}
		gentest.WriteFile(t, filepath.Join(dir, sc.Name, "cidl.ts"), cidl)
		gentest.WriteFile(t, filepath.Join(dir, sc.Name, "backend.ts"), backend)
		files = append(files, filepath.Join(sc.Name, "backend.ts"))
	}
	options := gentest.StrictOptions()
	options["lib"] = []string{"ES2022"}
	options["types"] = []string{filepath.Join(root, "node_modules", "@cloudflare", "workers-types")}
	options["paths"] = map[string][]string{"cloesce": {filepath.Join(runtime, "index.d.ts")}}
	gentest.TypeCheck(t, dir, options, files)
}
