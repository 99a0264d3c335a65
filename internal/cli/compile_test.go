package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cloesce-go/cloesce/internal/gen/backend"
	"github.com/cloesce-go/cloesce/internal/gen/client"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/gen/openapi"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestCompileOutputs checks that compile, which generates openapi.json,
// backend.ts and client.ts while the schema's SQL and hashes are still being computed
// and writes cidl.json's bytes into cidl.ts, writes exactly what the
// generators give for the completely analysed schema. Under -race it
// also checks that the generators read nothing finish writes.
func TestCompileOutputs(t *testing.T) {
	t.Setenv("GOGC", "100") // keep the collector of this test process on (batchGC)
	root := gentest.RepoRoot(t)
	for _, sc := range gentest.Schemas {
		t.Run(sc.Name, func(t *testing.T) {
			dir := t.TempDir()
			text, err := os.ReadFile(filepath.Join(root, sc.Path))
			if err != nil {
				t.Fatal(err)
			}
			gentest.WriteFile(t, filepath.Join(dir, "schema.clo"), text)
			gentest.WriteFile(t, filepath.Join(dir, "cloesce.jsonc"), []byte(`{"workers_url": "`+sc.WorkersURL+`"}`))
			gentest.WriteFile(t, filepath.Join(dir, "src", "main.ts"), nil)
			var stderr bytes.Buffer
			if code := Run(context.Background(), []string{"compile", dir}, Stdio{Out: io.Discard, Err: &stderr}); code != 0 {
				t.Fatalf("compile: exit %d\n%s", code, stderr.String())
			}
			s := gentest.Analyze(t, filepath.Join(dir, "schema.clo"))
			cidl, err := idl.Encode(s)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range map[string][]byte{
				"cidl.json":    cidl,
				"cidl.ts":      backend.Description(s, cidl),
				"openapi.json": openapi.Generate(s, sc.WorkersURL),
				"backend.ts":   backend.Generate(s, sc.WorkersURL),
				"client.ts":    client.Generate(s, sc.WorkersURL),
			} {
				got, err := os.ReadFile(filepath.Join(dir, ".cloesce", name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the generator's output for the analysed schema", name)
				}
			}
		})
	}
}
