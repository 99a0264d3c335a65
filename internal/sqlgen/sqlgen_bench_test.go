package sqlgen_test

import (
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/sqlgen"
)

// BenchmarkFill1000 writes the queries of every data source of the
// analysed 1,000-model synthetic schema (make bench).
func BenchmarkFill1000(b *testing.B) {
	s := synth.Analyze(b, 1000)
	for b.Loop() {
		sqlgen.Fill(s)
	}
}
