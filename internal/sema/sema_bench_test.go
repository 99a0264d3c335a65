package sema_test

import (
	"testing"

	"github.com/cloesce-go/cloesce/bench/synth"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// BenchmarkAnalyze1000 analyses the parsed 1,000-model synthetic schema,
// SQL generation included (make bench).
func BenchmarkAnalyze1000(b *testing.B) {
	files := []*ast.File{synth.Parse(b, 1000)}
	for b.Loop() {
		var diags diag.List
		sema.Analyze(files, &diags)
	}
}
