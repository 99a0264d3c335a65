// Package golden compares test output with files under testdata, and
// rewrites those files instead when UPDATE_GOLDEN is set:
//
//	UPDATE_GOLDEN=1 go test ./...
//
// An environment variable rather than a -update flag, because a flag that
// only some packages define breaks "go test ./... -update".
package golden

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/rogpeppe/go-internal/txtar"
)

// Updating reports whether golden files are being rewritten.
func Updating() bool { return os.Getenv("UPDATE_GOLDEN") != "" }

// File compares got with the contents of path, or writes got there.
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if d := diff.Diff("want "+path, want, "got", got); d != nil {
		t.Errorf("output differs from %s (rerun with UPDATE_GOLDEN=1 to accept):\n%s", path, d)
	}
}

// Txtar runs fn on every .txtar archive in dir as a subtest. fn returns the
// outputs it produced, keyed by archive entry name; each is compared with
// the entry of that name, or written into the archive when updating.
// Entries fn does not return are inputs and are left alone.
func Txtar(t *testing.T, dir string, fn func(t *testing.T, ar *txtar.Archive) map[string]string) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no test cases in %s", dir)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := fn(t, ar)
			if Updating() {
				writeBack(t, path, ar, got)
				return
			}
			names := make([]string, 0, len(got))
			for name := range got {
				names = append(names, name)
			}
			slices.Sort(names)
			for _, name := range names {
				want, ok := entry(ar, name)
				if !ok {
					t.Errorf("%s has no entry %q (rerun with UPDATE_GOLDEN=1 to add it)", path, name)
					continue
				}
				if d := diff.Diff("want "+name, []byte(want), "got "+name, []byte(got[name])); d != nil {
					t.Errorf("%s: entry %q differs (rerun with UPDATE_GOLDEN=1 to accept):\n%s", path, name, d)
				}
			}
		})
	}
}

func entry(ar *txtar.Archive, name string) (string, bool) {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

// writeBack replaces or appends the output entries of the archive at path.
func writeBack(t *testing.T, path string, ar *txtar.Archive, got map[string]string) {
	t.Helper()
	seen := map[string]bool{}
	for i, f := range ar.Files {
		if data, ok := got[f.Name]; ok {
			ar.Files[i].Data = []byte(data)
			seen[f.Name] = true
		}
	}
	var names []string
	for name := range got {
		if !seen[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(got[name])})
	}
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
