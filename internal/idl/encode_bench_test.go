package idl_test

import (
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// BenchmarkEncode1000 writes cidl.json for the analysed 1,000-model
// synthetic schema (make bench).
func BenchmarkEncode1000(b *testing.B) {
	s := synth.Analyze(b, 1000)
	for b.Loop() {
		if _, err := idl.Encode(s); err != nil {
			b.Fatal(err)
		}
	}
}
