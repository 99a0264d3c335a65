package scaffold

import (
	"cmp"
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestFiles(t *testing.T) {
	for _, tt := range []struct {
		edition string
		want    []string // besides those of both editions
		main    string   // the wrangler config's main
	}{
		{"", []string{"src/api/main.ts", "src/schema/schema.clo"}, "src/api/main.ts"},
		{EditionClo, []string{"src/api/main.ts", "src/schema/schema.clo"}, "src/api/main.ts"},
		{EditionTS, []string{"README.md", "src/data/main.cloesce.ts", "src/data/models.cloesce.ts"}, ".cloesce/workers.ts"},
	} {
		t.Run(cmp.Or(tt.edition, "default"), func(t *testing.T) {
			opts := Options{Name: "my-app", Runtime: "file:/src/cloesce/runtime", Cloesce: "'/opt/my tools/cloesce'", Edition: tt.edition}
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
			want := append([]string{
				"cloesce.jsonc",
				".gitignore", // from "gitignore"
				"package.json",
				"src/web/index.html",
				"test/api.test.ts",
				"test/local.ts",
				"test/models.test.ts",
				"test/tsconfig.json",
				"tsconfig.json",
				"wrangler.jsonc",
			}, tt.want...)
			// In the template's order: "gitignore" sorts as itself.
			slices.SortFunc(want, func(a, b string) int {
				return strings.Compare(strings.TrimPrefix(a, "."), strings.TrimPrefix(b, "."))
			})
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
			for _, s := range []string{`"name": "my-app"`, `"main": "` + tt.main + `"`} {
				if !strings.Contains(byPath["wrangler.jsonc"], s) {
					t.Errorf("wrangler.jsonc lacks %s:\n%s", s, byPath["wrangler.jsonc"])
				}
			}
			decorators := strings.Contains(byPath["tsconfig.json"], `"experimentalDecorators": true`)
			if decorators != (tt.edition == EditionTS) {
				t.Errorf("tsconfig.json has experimentalDecorators %v:\n%s", decorators, byPath["tsconfig.json"])
			}
		})
	}
	if _, err := Files(Options{Name: "my-app", Edition: "py"}); err == nil || !strings.Contains(err.Error(), `unknown edition "py"`) {
		t.Errorf("Files with edition py: %v", err)
	}
}

// TestTemplateShared checks that the editions' own directories share no
// file: what both need is in template/common, parameterised where it
// differs.
func TestTemplateShared(t *testing.T) {
	seen := map[string]string{} // contents -> path
	for _, edition := range Editions {
		err := fs.WalkDir(files, "template/"+edition, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := files.ReadFile(p)
			if other, ok := seen[string(data)]; ok {
				t.Errorf("%s is a copy of %s: move it to template/common", p, other)
			}
			seen[string(data)] = p
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
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
