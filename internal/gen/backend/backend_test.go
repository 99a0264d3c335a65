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

// TestTypeCheck type-checks each golden backend.ts, next to its cidl.ts
// and the user code beside it in testdata (use.ts, whose @ts-expect-error
// lines show what must not compile), with tsc's strictest options against
// the runtime package's declarations (as npm ships them), as a user's
// project would.
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
		gentest.WriteFile(t, filepath.Join(dir, sc.Name, "cidl.ts"), cidl)
		ts, err := filepath.Glob(filepath.Join("testdata", sc.Name, "*.ts"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range ts {
			code, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(sc.Name, filepath.Base(path))
			gentest.WriteFile(t, filepath.Join(dir, name), code)
			files = append(files, name)
		}
	}
	options := gentest.StrictOptions()
	options["lib"] = []string{"ES2022"}
	options["types"] = []string{filepath.Join(root, "node_modules", "@cloudflare", "workers-types")}
	options["paths"] = map[string][]string{"cloesce": {filepath.Join(runtime, "index.d.ts")}}
	gentest.TypeCheck(t, dir, options, files)
}
