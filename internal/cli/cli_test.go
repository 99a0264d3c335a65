package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cloesce-go/cloesce/internal/golden"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"cloesce": func() {
			os.Exit(Run(context.Background(), os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
		},
	})
}

// TestScripts runs the command-line scenarios in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: golden.Updating(),
	})
}

// run executes the command line in dir and returns its exit code and
// output.
func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut strings.Builder
	code := Run(t.Context(), args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

// TestFmtCorpus formats copies of every documented schema and sample, then
// checks that they are canonical: every snippet of the documentation can be
// formatted.
func TestFmtCorpus(t *testing.T) {
	dir := t.TempDir()
	var n int
	for _, pattern := range []string{"../../testdata/spec-examples/*.clo", "../../testdata/samples/*.clo"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if n != 66 {
		t.Fatalf("copied %d schema files, want 66", n)
	}
	if code, _, stderr := run(t, dir, "fmt"); code != 0 {
		t.Fatalf("cloesce fmt exited %d:\n%s", code, stderr)
	}
	if code, stdout, stderr := run(t, dir, "fmt", "--check"); code != 0 {
		t.Fatalf("cloesce fmt --check exited %d after formatting:\n%s%s", code, stdout, stderr)
	}
}
