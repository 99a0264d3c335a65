package cli

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWriteOutputs checks that outputs are written all or nothing, and
// that a file with the same bytes is not touched.
func TestWriteOutputs(t *testing.T) {
	dir := t.TempDir()
	same, changed := filepath.Join(dir, "same.txt"), filepath.Join(dir, "changed.txt")
	for _, p := range []string{same, changed} {
		if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	// A file where a directory should be: the third output cannot be
	// staged, so the second must not be written either.
	blocker := filepath.Join(dir, "blocker")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	outs := []output{newOutput(same, []byte("ol"), []byte("d\n")), newOutput(changed, []byte("new\n")), newOutput(filepath.Join(blocker, "x.txt"), []byte("x"))}
	if written, err := writeOutputs(outs); err == nil || len(written) > 0 {
		t.Fatalf("writeOutputs = %q, %v; want an error and nothing written", written, err)
	}
	if data, _ := os.ReadFile(changed); string(data) != "old\n" {
		t.Errorf("changed.txt = %q after a failed write, want it untouched", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("the directory holds %d files after a failed write, want 3 (no temporary file left)", len(entries))
	}

	written, err := writeOutputs(outs[:2])
	if err != nil || !slices.Equal(written, []string{changed}) {
		t.Fatalf("writeOutputs = %q, %v; want only changed.txt written", written, err)
	}
	for path, want := range map[string]bool{same: false, changed: true} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := !info.ModTime().Equal(past); got != want {
			t.Errorf("%s rewritten: %v, want %v", filepath.Base(path), got, want)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want its own 0600 kept", filepath.Base(path), info.Mode().Perm())
		}
	}
	if data, _ := os.ReadFile(changed); string(data) != "new\n" {
		t.Errorf("changed.txt = %q, want %q", data, "new\n")
	}
}
