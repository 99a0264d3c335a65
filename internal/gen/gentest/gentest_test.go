package gentest_test

import (
	"slices"
	"testing"

	"github.com/cloesce-go/cloesce/internal/gen/backend"
	"github.com/cloesce-go/cloesce/internal/gen/client"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/gen/ts"
	"github.com/cloesce-go/cloesce/internal/sema"
)

// TestReservedGlobalsAreTaken is the converse of CheckReservedGlobals:
// every name sema reserves besides the reserved words is declared by the
// generated code, at its top level or in a model's namespace (where it
// would hide a model of that name), so sema refuses no name a schema
// could take.
func TestReservedGlobalsAreTaken(t *testing.T) {
	declared := map[string]bool{}
	for _, sc := range gentest.Schemas {
		s := gentest.Analyze(t, sc.Path)
		for _, code := range [][]byte{backend.Generate(s, sc.WorkersURL), client.Generate(s, sc.WorkersURL)} {
			for _, n := range gentest.Declared(code, true) {
				declared[n] = true
			}
		}
	}
	for _, n := range sema.ReservedGlobals {
		if !slices.Contains(ts.Reserved, n) && !declared[n] {
			t.Errorf("sema reserves %q, but no generated code declares it", n)
		}
	}
}
