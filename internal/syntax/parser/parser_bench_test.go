package parser_test

import (
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// BenchmarkParse1000 parses the 1,000-model synthetic schema (make bench).
func BenchmarkParse1000(b *testing.B) {
	text := synth.Schema(1000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		var diags diag.List
		parser.Parse(source.NewFile(synth.FileName, text), &diags)
	}
}
