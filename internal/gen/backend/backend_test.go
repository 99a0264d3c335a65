package backend

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestGenerate compares backend.ts for each schema with its golden, and
// checks that generating twice gives the same bytes.
func TestGenerate(t *testing.T) {
	for _, sc := range gentest.Schemas {
		t.Run(sc.Name, func(t *testing.T) {
			s := gentest.Analyze(t, sc.Path)
			got := Generate(s, sc.WorkersURL)
			if again := Generate(s, sc.WorkersURL); !bytes.Equal(got, again) {
				t.Error("two runs give different output")
			}
			golden.File(t, filepath.Join("testdata", sc.Name, "backend.ts"), got)
			gentest.CheckReservedGlobals(t, got, s)
		})
	}
}

// TestTypeCheck type-checks each golden backend.ts, next to its
// cidl.json, against the runtime package's sources with tsc --strict, as
// a user's project would.
func TestTypeCheck(t *testing.T) {
	root := gentest.RepoRoot(t)
	tsc := gentest.Tool(t, "tsc")
	dir := t.TempDir()
	var files []string
	for _, sc := range gentest.Schemas {
		s := gentest.Analyze(t, sc.Path)
		cidl, err := idl.Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		golden, err := os.ReadFile(filepath.Join("testdata", sc.Name, "backend.ts"))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, sc.Name, "cidl.json"), cidl)
		write(t, filepath.Join(dir, sc.Name, "backend.ts"), golden)
		files = append(files, filepath.Join(sc.Name, "backend.ts"))
	}
	config := map[string]any{
		"compilerOptions": map[string]any{
			"strict": true, "noEmit": true, "target": "ES2022", "module": "ES2022",
			"moduleResolution": "bundler", "resolveJsonModule": true, "skipLibCheck": true,
			"noUnusedLocals": true, "noUnusedParameters": true, "noImplicitReturns": true,
			"isolatedModules": true, "lib": []string{"ES2022"},
			"types":   []string{filepath.Join(root, "node_modules", "@cloudflare", "workers-types")},
			"baseUrl": ".",
			"paths":   map[string][]string{"cloesce": {filepath.Join(root, "runtime", "src", "index.ts")}},
		},
		"files": files,
	}
	data, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "tsconfig.json"), data)
	gentest.Run(t, dir, tsc, "-p", "tsconfig.json")
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
