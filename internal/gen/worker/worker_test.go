package worker

import (
	"path"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
)

// TestGenerate checks the Worker generated for each archive in testdata:
// its .cloesce.ts files, extracted and analysed, give "workers.ts", and
// the Worker cloesce convert writes in src/ beside them, "worker.ts".
func TestGenerate(t *testing.T) {
	golden.Txtar(t, "testdata", func(t *testing.T, ar *txtar.Archive) map[string]string {
		var diags diag.List
		var srcs []*source.File
		for _, f := range ar.Files {
			if decorators.IsSource(f.Name) {
				srcs = append(srcs, source.NewFile(f.Name, string(f.Data)))
			}
		}
		trees, link := decorators.Extract(srcs, &diags)
		schema := sema.Analyze(trees, &diags)
		if diags.HasErrors() {
			t.Fatalf("errors:\n%s", diags.Text())
		}
		// The generated directory is .cloesce; the files are in src.
		generated := Generate(schema, link, Options{Module: func(file string) string { return "../" + strings.TrimSuffix(file, ".ts") }, Generated: "."})
		converted := Generate(schema, link, Options{
			Module:    func(file string) string { return "./" + path.Base(strings.TrimSuffix(file, ".cloesce.ts")) },
			Generated: "../.cloesce",
			Converted: true,
		})
		return map[string]string{"workers.ts": string(generated), "worker.ts": string(converted)}
	})
}
