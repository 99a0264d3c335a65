package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/golden"
)

// TestConvert converts a copy of the decorator edition's e2e fixture and
// checks each file convert writes against the committed conversion
// (e2e/fixtures/decorators-converted, whose e2e tests are the fixture's:
// the converted project must behave the same). UPDATE_GOLDEN=1 rewrites
// the committed files. Convert itself refuses to finish when the
// converted schema describes another interface.
func TestConvert(t *testing.T) {
	repo := gentest.RepoRoot(t)
	fixture := filepath.Join(repo, "e2e", "fixtures", "decorators")
	want := filepath.Join(repo, "e2e", "fixtures", "decorators-converted")
	dir := t.TempDir()
	for _, name := range []string{"cloesce.jsonc", "wrangler.toml", "src/main.cloesce.ts", "src/models.cloesce.ts"} {
		copyInto(t, filepath.Join(fixture, name), filepath.Join(dir, name))
	}
	code, stdout, stderr := run(t, dir, "convert")
	if code != 0 {
		t.Fatalf("convert exited %d:\n%s%s", code, stdout, stderr)
	}
	for _, name := range []string{"src/main.clo", "src/main.ts", "src/models.clo", "src/models.ts", "src/worker.ts", "wrangler.toml"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden.File(t, filepath.Join(want, name), got)
	}
	for _, name := range []string{"src/main.cloesce.ts", "src/models.cloesce.ts"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s is still there after convert", name)
		}
	}
	if !strings.Contains(stdout, `wrote wrangler.toml (main = "src/worker.ts")`) {
		t.Errorf("convert did not point wrangler.toml at the Worker:\n%s", stdout)
	}

	// Converted, the project has nothing left to convert.
	code, _, stderr = run(t, dir, "convert")
	if code == 0 || !strings.Contains(stderr, "no .cloesce.ts files") {
		t.Errorf("a second convert exited %d:\n%s", code, stderr)
	}
}

// TestConvertKeepsExistingFiles checks that convert writes nothing when a
// file it would write exists.
func TestConvertKeepsExistingFiles(t *testing.T) {
	fixture := filepath.Join(gentest.RepoRoot(t), "e2e", "fixtures", "decorators")
	dir := t.TempDir()
	for _, name := range []string{"src/main.cloesce.ts", "src/models.cloesce.ts"} {
		copyInto(t, filepath.Join(fixture, name), filepath.Join(dir, name))
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "worker.ts"), []byte("// mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, dir, "convert")
	if code == 0 || !strings.Contains(stderr, "src/worker.ts exists: convert writes it; move it away first") {
		t.Fatalf("convert exited %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "src", "models.clo")); !os.IsNotExist(err) {
		t.Error("convert wrote models.clo although it stopped")
	}
}

// copyInto copies the file from to the path to, making its directory.
func copyInto(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(from, to); err != nil {
		t.Fatal(err)
	}
}
