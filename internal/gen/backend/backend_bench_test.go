package backend_test

import (
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/gen/backend"
)

// BenchmarkGenerate1000 writes backend.ts for the analysed 1,000-model
// synthetic schema (make bench).
func BenchmarkGenerate1000(b *testing.B) {
	s := synth.Analyze(b, 1000)
	for b.Loop() {
		backend.Generate(s, "http://localhost:8787")
	}
}
