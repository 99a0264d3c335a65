package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
)

// writeFiles creates files, given by slash-separated path, under the
// current directory.
func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.FromSlash(name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// render formats diagnostics in one line each, for comparison.
func render(l *diag.List) []string {
	var out []string
	for _, d := range l.Sorted() {
		s := fmt.Sprintf("%s: %s %s: %s", d.Span, d.Severity, d.Code, d.Message)
		if d.Label != "" {
			s += " [" + d.Label + "]"
		}
		for _, n := range d.Notes {
			s += "; note: " + n
		}
		for _, h := range d.Help {
			s += "; help: " + h
		}
		out = append(out, s)
	}
	return out
}

func defaults(path string, found bool) Config {
	return Config{
		Root:                 ".",
		Path:                 path,
		Found:                found,
		SrcPaths:             []string{"."},
		OutPath:              ".cloesce",
		WorkersURL:           "http://localhost:8787",
		MigrationsPath:       "./migrations",
		WranglerConfigFormat: "toml",
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		env   string
		files map[string]string
		want  func(c *Config) // edits the defaults for a found cloesce.jsonc
		diags []string
	}{
		{
			name:  "empty object",
			files: map[string]string{"cloesce.jsonc": "{}"},
		},
		{
			name: "all keys with comments and trailing commas",
			files: map[string]string{"cloesce.jsonc": `// project config
{
	/* where the schemas are */
	"src_paths": ["schema", "more.clo",],
	"out_path": "gen", // generated code
	"workers_url": "https://api.example.com",
	"migrations_path": "db/migrations",
	"wrangler_config_format": "jsonc",
}
`},
			want: func(c *Config) {
				c.SrcPaths = []string{"schema", "more.clo"}
				c.OutPath = "gen"
				c.WorkersURL = "https://api.example.com"
				c.MigrationsPath = "db/migrations"
				c.WranglerConfigFormat = "jsonc"
			},
		},
		{
			name:  "empty src_paths",
			files: map[string]string{"cloesce.jsonc": `{"src_paths": []}`},
			want:  func(c *Config) { c.SrcPaths = []string{} },
		},
		{
			name: "env file selected",
			env:  "staging",
			files: map[string]string{
				"cloesce.jsonc":         `{"out_path": "plain"}`,
				"staging.cloesce.jsonc": `{"out_path": "staged"}`,
			},
			want: func(c *Config) {
				c.Path = "staging.cloesce.jsonc"
				c.Env = "staging"
				c.OutPath = "staged"
			},
		},
		{
			name:  "syntax error",
			files: map[string]string{"cloesce.jsonc": "{\n  \"out_path\": \"gen\"\n  \"src_paths\": []\n}\n"},
			diags: []string{
				`cloesce.jsonc:3:3: error E0101: invalid character '"' after object value (expecting ',' or '}')`,
			},
		},
		{
			name:  "syntax error after multibyte text",
			files: map[string]string{"cloesce.jsonc": `{"out_path": "é" x}`},
			diags: []string{
				`cloesce.jsonc:1:18: error E0101: invalid character 'x' after object value (expecting ',' or '}')`,
			},
		},
		{
			name:  "unexpected end of file",
			files: map[string]string{"cloesce.jsonc": "{\n\t\"out_path\": \"gen\""},
			diags: []string{
				`cloesce.jsonc:2:19: error E0101: parsing object after value: unexpected EOF`,
			},
		},
		{
			name:  "unterminated comment",
			files: map[string]string{"cloesce.jsonc": "{} /* never closed"},
			diags: []string{
				`cloesce.jsonc:1:4: error E0101: parsing comment: unexpected EOF`,
			},
		},
		{
			name:  "top level not an object",
			files: map[string]string{"cloesce.jsonc": "// comment\n[\"src\"]\n"},
			diags: []string{
				`cloesce.jsonc:2:1: error E0102: the top level of cloesce.jsonc must be an object [found an array]`,
			},
		},
		{
			name:  "src_paths not an array",
			files: map[string]string{"cloesce.jsonc": `{"src_paths": "src"}`},
			diags: []string{
				`cloesce.jsonc:1:15: error E0102: "src_paths" must be an array of strings [found a string]`,
			},
		},
		{
			name:  "src_paths element not a string",
			files: map[string]string{"cloesce.jsonc": "{\n  \"src_paths\": [\"src\", 42],\n}"},
			diags: []string{
				`cloesce.jsonc:2:24: error E0102: "src_paths" must be an array of strings [found a number]`,
			},
		},
		{
			name: "string keys with wrong types",
			files: map[string]string{"cloesce.jsonc": `{
	"out_path": null,
	"workers_url": 8787,
	"migrations_path": ["m"],
	"wrangler_config_format": true,
}`},
			diags: []string{
				`cloesce.jsonc:2:14: error E0102: "out_path" must be a string [found null]`,
				`cloesce.jsonc:3:17: error E0102: "workers_url" must be a string [found a number]`,
				`cloesce.jsonc:4:21: error E0102: "migrations_path" must be a string [found an array]`,
				`cloesce.jsonc:5:28: error E0102: "wrangler_config_format" must be a string [found a boolean]`,
			},
		},
		{
			name:  "object where a string belongs",
			files: map[string]string{"cloesce.jsonc": `{"out_path": {}}`},
			diags: []string{
				`cloesce.jsonc:1:14: error E0102: "out_path" must be a string [found an object]`,
			},
		},
		{
			name:  "unknown key with suggestion",
			files: map[string]string{"cloesce.jsonc": "{\n  \"srcpaths\": [\"x\"],\n  \"outPath\": \"gen\",\n}"},
			diags: []string{
				`cloesce.jsonc:2:3: warning W0103: unknown key "srcpaths" in cloesce.jsonc; help: did you mean "src_paths"?`,
				`cloesce.jsonc:3:3: warning W0103: unknown key "outPath" in cloesce.jsonc; help: did you mean "out_path"?`,
			},
		},
		{
			name:  "unknown key without suggestion",
			env:   "dev",
			files: map[string]string{"dev.cloesce.jsonc": `{"compatibility_date": "2024-01-01", "out_path": "gen"}`},
			want: func(c *Config) {
				c.Path = "dev.cloesce.jsonc"
				c.Env = "dev"
				c.OutPath = "gen"
			},
			diags: []string{
				`dev.cloesce.jsonc:1:2: warning W0103: unknown key "compatibility_date" in dev.cloesce.jsonc`,
			},
		},
		{
			name:  "repeated key",
			files: map[string]string{"cloesce.jsonc": `{"out_path": "a", "out_path": "b", "out_path": 3}`},
			want:  func(c *Config) { c.OutPath = "b" },
			diags: []string{
				`cloesce.jsonc:1:48: error E0102: "out_path" must be a string [found a number]`,
			},
		},
		{
			name:  "wrangler_config_format toml",
			files: map[string]string{"cloesce.jsonc": `{"wrangler_config_format": "toml"}`},
		},
		{
			name:  "wrangler_config_format invalid",
			files: map[string]string{"cloesce.jsonc": `{"wrangler_config_format": "yaml"}`},
			diags: []string{
				`cloesce.jsonc:1:28: error E0106: invalid value "yaml" for "wrangler_config_format"; help: valid values are "toml" and "jsonc"`,
			},
		},
		{
			name:  "wrangler_config_format is case sensitive",
			files: map[string]string{"cloesce.jsonc": `{"wrangler_config_format": "JSONC"}`},
			diags: []string{
				`cloesce.jsonc:1:28: error E0106: invalid value "JSONC" for "wrangler_config_format"; help: valid values are "toml" and "jsonc"`,
			},
		},
		{
			name:  "workers_url http with port and path",
			files: map[string]string{"cloesce.jsonc": `{"workers_url": "http://127.0.0.1:9000/api"}`},
			want:  func(c *Config) { c.WorkersURL = "http://127.0.0.1:9000/api" },
		},
		{
			name: "workers_url invalid",
			files: map[string]string{"cloesce.jsonc": `{
"workers_url": "localhost:8787",
"workers_url": "ftp://example.com",
"workers_url": "https://",
"workers_url": "/api",
"workers_url": "http://a b",
}`},
			diags: []string{
				`cloesce.jsonc:2:16: error E0106: invalid value "localhost:8787" for "workers_url"; note: "workers_url" must be an absolute http or https URL; help: use a URL such as "http://localhost:8787"`,
				`cloesce.jsonc:3:16: error E0106: invalid value "ftp://example.com" for "workers_url"; note: "workers_url" must be an absolute http or https URL; help: use a URL such as "http://localhost:8787"`,
				`cloesce.jsonc:4:16: error E0106: invalid value "https://" for "workers_url"; note: "workers_url" must be an absolute http or https URL; help: use a URL such as "http://localhost:8787"`,
				`cloesce.jsonc:5:16: error E0106: invalid value "/api" for "workers_url"; note: "workers_url" must be an absolute http or https URL; help: use a URL such as "http://localhost:8787"`,
				`cloesce.jsonc:6:16: error E0106: invalid value "http://a b" for "workers_url"; note: "workers_url" must be an absolute http or https URL; help: use a URL such as "http://localhost:8787"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			writeFiles(t, tt.files)
			var diags diag.List
			c, err := Load(".", tt.env, &diags)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := defaults("cloesce.jsonc", true)
			if tt.want != nil {
				tt.want(&want)
			}
			got := *c
			got.srcSpans = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load:\ngot  %+v\nwant %+v", got, want)
			}
			if got := render(&diags); !slices.Equal(got, tt.diags) {
				t.Errorf("diagnostics:\ngot  %q\nwant %q", got, tt.diags)
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	t.Chdir(t.TempDir())
	var diags diag.List
	c, err := Load(".", "", &diags)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if want := defaults("cloesce.jsonc", false); !reflect.DeepEqual(*c, want) {
		t.Errorf("Load:\ngot  %+v\nwant %+v", *c, want)
	}
	if diags.Len() != 0 {
		t.Errorf("diagnostics: %q", render(&diags))
	}
}

func TestLoadMissingEnv(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{"cloesce.jsonc": "{}"})
	var diags diag.List
	_, err := Load("proj", "staging", &diags)
	want := `no config for environment "staging": ` + filepath.Join("proj", "staging.cloesce.jsonc") + " does not exist"
	if err == nil || err.Error() != want {
		t.Errorf("Load error = %v, want %s", err, want)
	}
	if diags.Len() != 0 {
		t.Errorf("diagnostics: %q", render(&diags))
	}
}

func TestLoadReadError(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("cloesce.jsonc", 0o755); err != nil {
		t.Fatal(err)
	}
	var diags diag.List
	if _, err := Load(".", "", &diags); err == nil {
		t.Error("Load of a directory succeeded")
	}
}

func TestLoadAbsoluteRoot(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "cloesce.jsonc")
	if err := os.WriteFile(path, []byte(`{"bogus": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var diags diag.List
	c, err := Load(root, "", &diags)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != path || !c.Found || c.Root != root {
		t.Errorf("Load = %+v, want Path %s, Found, Root %s", c, path, root)
	}
	want := []string{path + `:1:2: warning W0103: unknown key "bogus" in cloesce.jsonc`}
	if got := render(&diags); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\ngot  %q\nwant %q", got, want)
	}
}

func TestFileName(t *testing.T) {
	for env, want := range map[string]string{"": "cloesce.jsonc", "staging": "staging.cloesce.jsonc"} {
		if got := FileName(env); got != want {
			t.Errorf("FileName(%q) = %q, want %q", env, got, want)
		}
	}
}

func TestOutDir(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "out")
	tests := []struct{ root, out, want string }{
		{"proj", ".cloesce", filepath.Join("proj", ".cloesce")},
		{".", "./gen/", "gen"},
		{"proj", abs, abs},
	}
	for _, tt := range tests {
		c := &Config{Root: tt.root, OutPath: tt.out}
		if got := c.OutDir(); got != tt.want {
			t.Errorf("OutDir with Root %q, OutPath %q = %q, want %q", tt.root, tt.out, got, tt.want)
		}
	}
}

func TestDiscover(t *testing.T) {
	tree := map[string]string{
		"a.clo":                     "",
		"B.cloesce":                 "",
		"notes.txt":                 "",
		"src/b.cloesce":             "",
		"src/c.txt":                 "",
		"src/deep/er/d.clo":         "",
		"src/node_modules/n.clo":    "",
		"node_modules/pkg/x.clo":    "",
		".git/y.clo":                "",
		".wrangler/z.clo":           "",
		".cloesce/gen.clo":          "",
		"build/out/generated.clo":   "",
		"build/keep.clo":            "",
		"vendor/node_modules/v.clo": "",
	}
	tests := []struct {
		name   string
		config string // cloesce.jsonc; none if empty
		root   string
		want   []string
		diags  []string
	}{
		{
			name: "defaults",
			want: []string{
				"B.cloesce",
				"a.clo",
				"build/keep.clo",
				"build/out/generated.clo",
				"src/b.cloesce",
				"src/deep/er/d.clo",
			},
		},
		{
			name:   "custom out_path is skipped",
			config: `{"out_path": "build/out"}`,
			want: []string{
				".cloesce/gen.clo",
				"B.cloesce",
				"a.clo",
				"build/keep.clo",
				"src/b.cloesce",
				"src/deep/er/d.clo",
			},
		},
		{
			name:   "overlapping entries",
			config: `{"src_paths": ["src", ".", "./src/b.cloesce", "src/deep"]}`,
			want: []string{
				"B.cloesce",
				"a.clo",
				"build/keep.clo",
				"build/out/generated.clo",
				"src/b.cloesce",
				"src/deep/er/d.clo",
			},
		},
		{
			name:   "explicit files",
			config: `{"src_paths": ["src/deep/er/d.clo", "notes.txt", "a.clo"]}`,
			want:   []string{"a.clo", "src/deep/er/d.clo"},
		},
		{
			name:   "skipped directory named explicitly",
			config: `{"src_paths": ["vendor/node_modules", ".cloesce"]}`,
			want:   []string{".cloesce/gen.clo", "vendor/node_modules/v.clo"},
		},
		{
			name:   "missing entries",
			config: "{\n  \"src_paths\": [\"src\", \"nope\", \"gone.clo\", \"a.clo/x\"],\n}",
			want:   []string{"src/b.cloesce", "src/deep/er/d.clo"},
			diags: []string{
				`cloesce.jsonc:2:24: warning W0104: source path "nope" does not exist`,
				`cloesce.jsonc:2:32: warning W0104: source path "gone.clo" does not exist`,
				`cloesce.jsonc:2:44: warning W0104: cannot read source path "a.clo/x": not a directory`,
			},
		},
		{
			name:  "missing root",
			root:  "elsewhere",
			diags: []string{`-: warning W0104: source path "elsewhere" does not exist`},
		},
		{
			name:   "no schema files",
			config: `{"src_paths": ["notes.txt", "src/c.txt"]}`,
		},
		{
			name: "subdirectory root",
			root: "src",
			want: []string{"src/b.cloesce", "src/deep/er/d.clo"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			writeFiles(t, tree)
			if tt.config != "" {
				writeFiles(t, map[string]string{"cloesce.jsonc": tt.config})
			}
			root := tt.root
			if root == "" {
				root = "."
			}
			var diags diag.List
			c, err := Load(root, "", &diags)
			if err != nil {
				t.Fatal(err)
			}
			got := Discover(root, c, &diags)
			want := make([]string, len(tt.want))
			for i, p := range tt.want {
				want[i] = filepath.FromSlash(p)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Discover:\ngot  %q\nwant %q", got, want)
			}
			if got := render(&diags); !slices.Equal(got, tt.diags) {
				t.Errorf("diagnostics:\ngot  %q\nwant %q", got, tt.diags)
			}
		})
	}
}

func TestDiscoverAbsolute(t *testing.T) {
	root := t.TempDir()
	other := t.TempDir()
	for _, p := range []string{
		filepath.Join(root, "a.clo"),
		filepath.Join(root, "gen", "g.clo"),
		filepath.Join(other, "sub", "o.cloesce"),
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &Config{
		Root:     root,
		SrcPaths: []string{".", other},
		OutPath:  filepath.Join(root, "gen"), // absolute out_path is skipped too
	}
	var diags diag.List
	got := Discover(root, c, &diags)
	want := []string{filepath.Join(root, "a.clo"), filepath.Join(other, "sub", "o.cloesce")}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Discover:\ngot  %q\nwant %q", got, want)
	}
	if diags.Len() != 0 {
		t.Errorf("diagnostics: %q", render(&diags))
	}
}

func TestDiscoverSymlinkedDir(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{"real/a.clo": ""})
	if err := os.Symlink("real", "link"); err != nil {
		t.Skipf("cannot create symbolic link: %v", err)
	}
	c := &Config{Root: ".", SrcPaths: []string{"link"}, OutPath: ".cloesce"}
	var diags diag.List
	got := Discover(".", c, &diags)
	if want := []string{filepath.Join("link", "a.clo")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %q, want %q", got, want)
	}
}
