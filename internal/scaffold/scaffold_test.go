package scaffold

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestFiles(t *testing.T) {
	opts := Options{Name: "my-app", Runtime: "file:/src/cloesce/runtime", Cloesce: "'/opt/my tools/cloesce'"}
	files, err := Files(opts)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	byPath := map[string]string{}
	for _, f := range files {
		paths = append(paths, f.Path)
		byPath[f.Path] = string(f.Data)
		if strings.Contains(string(f.Data), "{{") {
			t.Errorf("%s has an unrendered template action", f.Path)
		}
	}
	want := []string{
		"cloesce.jsonc",
		".gitignore", // from "gitignore"
		"package.json",
		"src/api/main.ts",
		"src/schema/schema.clo",
		"src/web/index.html",
		"test/api.test.ts",
		"test/models.test.ts",
		"test/tsconfig.json",
		"tsconfig.json",
		"wrangler.jsonc",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("files = %q, want %q", paths, want)
	}

	var pkg struct {
		Name         string
		Scripts      map[string]string
		Dependencies map[string]string
	}
	if err := json.Unmarshal([]byte(byPath["package.json"]), &pkg); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	if pkg.Name != "my-app" || pkg.Dependencies["cloesce"] != opts.Runtime {
		t.Errorf("package.json has name %q and cloesce %q", pkg.Name, pkg.Dependencies["cloesce"])
	}
	for _, script := range []string{"compile", "migrate", "dev", "test"} {
		if !strings.HasPrefix(pkg.Scripts[script], opts.Cloesce+" ") {
			t.Errorf("script %s = %q, want it to run %s", script, pkg.Scripts[script], opts.Cloesce)
		}
	}
	if !strings.Contains(byPath["wrangler.jsonc"], `"name": "my-app"`) {
		t.Errorf("wrangler.jsonc does not name the Worker:\n%s", byPath["wrangler.jsonc"])
	}
}

func TestName(t *testing.T) {
	for _, tt := range []struct{ dir, want string }{
		{"app", "app"},
		{"My Cloesce_App.v2", "my-cloesce-app-v2"},
		{"--x--", "x"},
		{"données", "donn-es"},
		{"___", "cloesce-app"},
		{strings.Repeat("a", 62) + "-b", strings.Repeat("a", 62)},
	} {
		if got := Name(tt.dir); got != tt.want {
			t.Errorf("Name(%q) = %q, want %q", tt.dir, got, tt.want)
		}
	}
}
