package cli

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/source"
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"age":   cmdAge,
			"mtime": cmdMtime,
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("RUNTIME", runtimeDir)
			return nil
		},
	})
}

// runtimeDir is this repository's runtime package.
var runtimeDir, _ = filepath.Abs(filepath.Join("..", "..", "runtime"))

// past is the modification time "age" gives files: any write after it
// shows in "mtime".
var past = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

// cmdAge sets the modification time of the named files, and of the files
// in the named directories, to long ago, so that a later write, however
// soon, changes what "mtime" prints.
func cmdAge(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: age path...")
	}
	for _, path := range files(ts, args) {
		ts.Check(os.Chtimes(ts.MkAbs(path), past, past))
	}
}

// cmdMtime prints the named files, and the files in the named
// directories, one a line with its modification time and the SHA-256 of
// its content, for "cmp stdout" against an earlier listing: no file
// appeared, went, or was written.
func cmdMtime(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: mtime path...")
	}
	for _, path := range files(ts, args) {
		info, err := os.Stat(ts.MkAbs(path))
		ts.Check(err)
		data, err := os.ReadFile(ts.MkAbs(path))
		ts.Check(err)
		fmt.Fprintf(ts.Stdout(), "%s %s %x\n", path, info.ModTime().UTC().Format(time.RFC3339Nano), sha256.Sum256(data))
	}
}

// files expands directories among paths to the files in them, sorted.
func files(ts *testscript.TestScript, paths []string) []string {
	var out []string
	for _, p := range paths {
		entries, err := os.ReadDir(ts.MkAbs(p))
		if err != nil {
			out = append(out, p)
			continue
		}
		for _, e := range entries {
			out = append(out, filepath.ToSlash(filepath.Join(p, e.Name())))
		}
	}
	return out
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

// TestFirstDifference checks where fmt --check points: the first line
// that differs, and what cloesce fmt writes instead.
func TestFirstDifference(t *testing.T) {
	for _, tt := range []struct {
		have, want string
		pos        string // line:column of the span
		text       string // the text it covers
		note       string
	}{
		{"a\nb\nc\n", "a\nB\nc\n", "2:1", "b", `cloesce fmt writes this line as "B"`},
		{"a\nb", "a\nb\n", "2:2", "", "cloesce fmt ends the file with a newline"},
		{"a\n\n\n", "a\n", "2:1", "", "cloesce fmt removes this line and those after it"},
		{"a\n", "a\nb\n", "2:1", "", `cloesce fmt adds "b\n" at the end`},
		{"  x\n", "x\n", "1:1", "  x", `cloesce fmt writes this line as "x"`},
	} {
		f := source.NewFile("f.clo", tt.have)
		span, note := firstDifference(f, tt.want)
		pos := span.Pos()
		if got := fmt.Sprintf("%d:%d", pos.Line, pos.Column); got != tt.pos || f.Text[span.Start:span.End] != tt.text || note != tt.note {
			t.Errorf("firstDifference(%q, %q) = %s %q, %q; want %s %q, %q", tt.have, tt.want, got, f.Text[span.Start:span.End], note, tt.pos, tt.text, tt.note)
		}
	}
}
