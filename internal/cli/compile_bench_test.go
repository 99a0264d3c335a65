package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
)

// BenchmarkCompile100 and BenchmarkCompile1000 run `cloesce compile`
// in-process on the synthetic schemas of 100 and 1,000 models, as
// bench/compiler runs the binary, but with every output written each time
// (the previous run's outputs are removed first, so none is skipped as
// unchanged).
func BenchmarkCompile100(b *testing.B)  { benchCompile(b, 100) }
func BenchmarkCompile1000(b *testing.B) { benchCompile(b, 1000) }

func benchCompile(b *testing.B, models int) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, synth.FileName), []byte(synth.Schema(models)), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "main.ts"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	stdio := Stdio{In: nil, Out: io.Discard, Err: io.Discard}
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(filepath.Join(dir, ".cloesce"))
		b.StartTimer()
		if code := Run(context.Background(), []string{"compile", dir}, stdio); code != 0 {
			b.Fatalf("compile: exit %d", code)
		}
	}
}
