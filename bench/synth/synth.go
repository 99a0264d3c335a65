// Package synth writes synthetic schemas for the compiler benchmarks: the
// scaling runs of cmd bench/compiler and the Benchmark functions of the
// compiler's packages measure the same input.
package synth

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// FileName is the name the benchmarks give the schema's source file.
const FileName = "schema.clo"

// Schema returns a valid schema of n D1 models (DESIGN §5: 10 fields and
// one API method each). Model i has a primary key, a foreign key to model
// i-1 with its navigation, a one-to-many navigation to model i+1, eight
// columns of every SQL type with validators, a data source including both
// navigations, CRUD endpoints and an instance method.
func Schema(n int) string {
	var b strings.Builder
	b.WriteString("d1 {\n    db\n}\n")
	for i := range n {
		writeModel(&b, i, n)
	}
	return b.String()
}

func name(i int) string { return fmt.Sprintf("M%04d", i) }

func writeModel(b *strings.Builder, i, n int) {
	m := name(i)
	fmt.Fprintf(b, "\n[crud get, list, save]\nmodel %s for db {\n    primary {\n        id: int\n    }\n", m)
	include := ""
	if i > 0 {
		p := name(i - 1)
		fmt.Fprintf(b, "\n    foreign %s::id optional {\n        parentId\n    }\n", p)
		fmt.Fprintf(b, "\n    nav %s::id(parentId) {\n        parent\n    }\n", p)
		include += "        parent\n"
	}
	if i+1 < n {
		fmt.Fprintf(b, "\n    nav %s::parentId {\n        children\n    }\n", name(i+1))
		include += "        children\n"
	}
	b.WriteString(`
    column {
        [minlen 1]
        [maxlen 80]
        title: string
        [regex /^[a-z0-9-]+$/]
        slug: string
        [gte 0]
        count: int
        ratio: real
        active: bool
        created: date
        notes: option<string>
        extra: json
    }
}
`)
	fmt.Fprintf(b, "\nsource Default for %s {\n    include {\n%s    }\n}\n", m, include)
	fmt.Fprintf(b, "\napi %s {\n    post touch(self, [gte 1] by: int) -> int\n}\n", m)
}

// Parse parses a schema of n models, failing tb on any diagnostic.
func Parse(tb testing.TB, n int) *ast.File {
	tb.Helper()
	var diags diag.List
	f := parser.Parse(source.NewFile(FileName, Schema(n)), &diags)
	check(tb, &diags)
	return f
}

// Analyze parses and analyses a schema of n models, failing tb on any
// diagnostic, so that benchmarks never measure an error path.
func Analyze(tb testing.TB, n int) *idl.Schema {
	tb.Helper()
	f := Parse(tb, n)
	var diags diag.List
	s := sema.Analyze([]*ast.File{f}, &diags)
	check(tb, &diags)
	return s
}

func check(tb testing.TB, diags *diag.List) {
	tb.Helper()
	if diags.Len() > 0 {
		d := diags.Sorted()[0]
		tb.Fatalf("synthetic schema: %d diagnostics, first: %s %s", diags.Len(), d.Code, d.Message)
	}
}
