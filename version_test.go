package cloesce_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/version"
)

// TestRuntimeVersion checks that the runtime package has the compiler's
// version: generated code is only accepted by the runtime of the same one.
func TestRuntimeVersion(t *testing.T) {
	data, err := os.ReadFile("runtime/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Version != version.Version {
		t.Errorf("runtime/package.json has version %s, the compiler %s", pkg.Version, version.Version)
	}
	src, err := os.ReadFile("runtime/src/version.ts")
	if err != nil {
		t.Fatal(err)
	}
	if want := `export const VERSION = "` + version.Version + `";`; !strings.Contains(string(src), want) {
		t.Errorf("runtime/src/version.ts does not say %s", want)
	}
}
