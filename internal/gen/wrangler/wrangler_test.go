package wrangler

import (
	"bytes"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"github.com/rogpeppe/go-internal/txtar"
	"github.com/tailscale/hujson"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/sema"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

var testOptions = Options{ProjectName: "My App", MigrationsPath: "./migrations/", Main: "src/main.ts"}

// TestMerge runs each archive in testdata/merge: its "wrangler.toml" or
// "wrangler.jsonc" (empty for a new file) merged with testdata/schema.clo,
// or its own "schema.clo", gives "want", and "warnings" (the diagnostics
// as printed) when there are any; or "error" when the file has errors. An
// "env" entry names the wrangler environment; a "main" entry the entry
// point the caller found ("-" for none). Every merge that succeeds must also only insert text, be
// idempotent, and give a config that decodes to the bindings the schema
// needs.
func TestMerge(t *testing.T) {
	shared := gentest.Analyze(t, "internal/gen/wrangler/testdata/schema.clo")
	golden.Txtar(t, "testdata/merge", func(t *testing.T, ar *txtar.Archive) map[string]string {
		files := map[string]string{}
		for _, f := range ar.Files {
			files[f.Name] = string(f.Data)
		}
		s := shared
		if text, ok := files["schema.clo"]; ok {
			s = analyze(t, text)
		}
		opts := testOptions
		opts.Env = strings.TrimSpace(files["env"])
		if main, ok := files["main"]; ok {
			opts.Main = strings.TrimPrefix(strings.TrimSpace(main), "-")
		}
		var format, in string
		for _, f := range []string{"toml", "jsonc"} {
			if text, ok := files[FileName(f)]; ok {
				format, in = f, text
			}
		}
		if format == "" {
			t.Fatal("archive has neither wrangler.toml nor wrangler.jsonc")
		}
		var diags diag.List
		out, err := Merge([]byte(in), FileName(format), format, s, opts, &diags)
		if err != nil {
			t.Fatal(err)
		}
		if diags.HasErrors() {
			if out != nil {
				t.Error("Merge reported errors and returned output")
			}
			return map[string]string{"error": diags.Text()}
		}
		if _, ok := files["error"]; ok {
			t.Errorf("merge succeeded, want error %q", files["error"])
		}
		if !isSubsequence([]byte(in), out) {
			t.Error("the merge changed or dropped bytes of the input")
		}
		var again diag.List
		if out2, err := Merge(out, FileName(format), format, s, opts, &again); err != nil || !bytes.Equal(out2, out) || again.HasErrors() {
			t.Errorf("merging the output again changes it (err %v):\n%s%s", err, out2, again.Text())
		}
		checkConfig(t, format, out, s, opts.Env, renamedBindings(&diags))
		got := map[string]string{"want": string(out)}
		if _, ok := files["warnings"]; ok || diags.Len() > 0 {
			got["warnings"] = diags.Text()
		}
		return got
	})
}

func analyze(t *testing.T, text string) *idl.Schema {
	t.Helper()
	var diags diag.List
	f := parser.Parse(source.NewFile("schema.clo", text), &diags)
	s := sema.Analyze([]*ast.File{f}, &diags)
	if diags.HasErrors() {
		t.Fatalf("schema has errors:\n%s", diags.Text())
	}
	return s
}

// isSubsequence reports whether every byte of in appears in out, in order:
// merging may only insert.
func isSubsequence(in, out []byte) bool {
	for _, b := range in {
		i := bytes.IndexByte(out, b)
		if i < 0 {
			return false
		}
		out = out[i+1:]
	}
	return true
}

// wranglerConfig is the part of a wrangler config this package writes,
// decoded independently of the merging code.
type wranglerConfig struct {
	Name              string                 `toml:"name" json:"name"`
	Main              string                 `toml:"main" json:"main"`
	CompatibilityDate string                 `toml:"compatibility_date" json:"compatibility_date"`
	Env               map[string]scopeConfig `toml:"env" json:"env"`
}

type scopeConfig struct {
	D1             []d1Entry `toml:"d1_databases" json:"d1_databases"`
	KV             []kvEntry `toml:"kv_namespaces" json:"kv_namespaces"`
	R2             []r2Entry `toml:"r2_buckets" json:"r2_buckets"`
	DurableObjects struct {
		Bindings []doBinding `toml:"bindings" json:"bindings"`
	} `toml:"durable_objects" json:"durable_objects"`
	Migrations *[]migrationStep `toml:"migrations" json:"migrations"`
	Vars       map[string]any   `toml:"vars" json:"vars"`
}

type d1Entry struct {
	Binding       string `toml:"binding" json:"binding"`
	DatabaseName  string `toml:"database_name" json:"database_name"`
	DatabaseID    string `toml:"database_id" json:"database_id"`
	MigrationsDir string `toml:"migrations_dir" json:"migrations_dir"`
}

type kvEntry struct {
	Binding string `toml:"binding" json:"binding"`
	ID      string `toml:"id" json:"id"`
}

type r2Entry struct {
	Binding    string `toml:"binding" json:"binding"`
	BucketName string `toml:"bucket_name" json:"bucket_name"`
}

type doBinding struct {
	Name      string `toml:"name" json:"name"`
	ClassName string `toml:"class_name" json:"class_name"`
}

type migrationStep struct {
	Tag              string   `toml:"tag" json:"tag"`
	NewClasses       []string `toml:"new_classes" json:"new_classes"`
	NewSqliteClasses []string `toml:"new_sqlite_classes" json:"new_sqlite_classes"`
	DeletedClasses   []string `toml:"deleted_classes" json:"deleted_classes"`
	RenamedClasses   []struct {
		From string `toml:"from" json:"from"`
		To   string `toml:"to" json:"to"`
	} `toml:"renamed_classes" json:"renamed_classes"`
}

// renamedBindings returns the bindings of the schema that Merge reported
// as renamed in the file, and so left out.
func renamedBindings(diags *diag.List) map[string]bool {
	out := map[string]bool{}
	re := regexp.MustCompile(`binding "([^"]+)" is renamed`)
	for _, d := range diags.Sorted() {
		if m := re.FindStringSubmatch(d.Message); d.Code == diag.WranglerRenamed && m != nil {
			out[m[1]] = true
		}
	}
	return out
}

// checkConfig decodes out and checks that it gives the Worker every
// binding and variable of s, in the environment env, but those renamed.
func checkConfig(t *testing.T, format string, out []byte, s *idl.Schema, env string, renamed map[string]bool) {
	t.Helper()
	var top wranglerConfig
	var scope scopeConfig
	decode := func(v any) error { return toml.Unmarshal(out, v) }
	if format == "jsonc" {
		std, err := hujson.Standardize(slices.Clone(out))
		if err != nil {
			t.Fatal(err)
		}
		decode = func(v any) error { return json.Unmarshal(std, v) }
	}
	if err := decode(&top); err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if err := decode(&scope); err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if !regexp.MustCompile(`^[a-z0-9_][a-z0-9-_]*$`).MatchString(top.Name) || top.Main == "" || top.CompatibilityDate == "" {
		t.Errorf("top level lacks a valid name, main or compatibility_date: %+v", top)
	}
	migrations := scope.Migrations
	if env != "" {
		own, ok := top.Env[env]
		if !ok {
			t.Fatalf("no env.%s", env)
		}
		if own.Migrations != nil { // else inherited
			migrations = own.Migrations
		}
		scope = own
	}
	for _, b := range s.Env.D1 {
		if renamed[b] {
			continue
		}
		i := slices.IndexFunc(scope.D1, func(d d1Entry) bool { return d.Binding == b })
		if i < 0 || scope.D1[i].DatabaseName == "" || scope.D1[i].DatabaseID == "" || scope.D1[i].MigrationsDir == "" {
			t.Errorf("D1 database %s is missing or incomplete", b)
		}
	}
	for _, kv := range s.Env.KV {
		if renamed[kv.Name] {
			continue
		}
		if !slices.ContainsFunc(scope.KV, func(k kvEntry) bool { return k.Binding == kv.Name && k.ID != "" }) {
			t.Errorf("KV namespace %s is missing or incomplete", kv.Name)
		}
	}
	bucket := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	for _, r2 := range s.Env.R2 {
		if renamed[r2.Name] {
			continue
		}
		if !slices.ContainsFunc(scope.R2, func(r r2Entry) bool { return r.Binding == r2.Name && bucket.MatchString(r.BucketName) }) {
			t.Errorf("R2 bucket %s is missing or has an invalid name", r2.Name)
		}
	}
	live := map[string]bool{}
	if migrations != nil {
		for _, m := range *migrations {
			for _, c := range slices.Concat(m.NewClasses, m.NewSqliteClasses) {
				live[c] = true
			}
			for _, r := range m.RenamedClasses {
				delete(live, r.From)
				live[r.To] = true
			}
			for _, c := range m.DeletedClasses {
				delete(live, c)
			}
		}
	}
	for _, d := range s.Env.Durable {
		if renamed[d.Name] {
			continue
		}
		i := slices.IndexFunc(scope.DurableObjects.Bindings, func(b doBinding) bool { return b.Name == d.Name })
		if i < 0 {
			t.Errorf("Durable Object binding %s is missing", d.Name)
			continue
		}
		if class := scope.DurableObjects.Bindings[i].ClassName; !live[class] {
			t.Errorf("no migration creates class %q of binding %s (live: %v)", class, d.Name, slices.Sorted(maps.Keys(live)))
		}
	}
	for _, v := range s.Env.Vars {
		if _, ok := scope.Vars[v.Name]; !ok {
			t.Errorf("variable %s is missing", v.Name)
		}
	}
}

// TestMergeUnchanged checks that a file needing nothing comes back as the
// very same bytes, whatever their layout.
func TestMergeUnchanged(t *testing.T) {
	s := analyze(t, "d1 { Db }")
	const in = "# mine\r\nname = 'x'  \nmain = \"w.ts\"\ncompatibility_date = \"2025-01-01\"\n" +
		"d1_databases = [ { binding = \"Db\", database_name = \"d\", database_id = \"i\", migrations_dir = \"m\" } ]"
	var diags diag.List
	out, err := Merge([]byte(in), "wrangler.toml", "toml", s, testOptions, &diags)
	if err != nil || diags.Len() > 0 || string(out) != in {
		t.Errorf("Merge = %q, %v; want the input unchanged\n%s", out, err, diags.Text())
	}
}

// TestMergeFormats checks the format argument.
func TestMergeFormats(t *testing.T) {
	if _, err := Merge(nil, "wrangler.yaml", "yaml", &idl.Schema{}, testOptions, new(diag.List)); err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("Merge with format yaml: err = %v", err)
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name     string
		fn       func(string) string
		in, want string
	}{
		{"WorkerName", WorkerName, "My App", "my-app"},
		{"WorkerName", WorkerName, "hello_world", "hello_world"},
		{"WorkerName", WorkerName, "--Ünïcode--", "n-code"},
		{"WorkerName", WorkerName, "...", DefaultName},
		{"WorkerName", WorkerName, strings.Repeat("ab-", 30), strings.Repeat("ab-", 20) + "ab"},
		{"BucketName", BucketName, "ProfilePics", "profile-pics"},
		{"BucketName", BucketName, "HTTPCache2Files", "httpcache2-files"},
		{"BucketName", BucketName, "DB", "db-bucket"},
		{"BucketName", BucketName, "_", "bucket"},
		{"BucketName", BucketName, "X_Y", "x-y"},
		{"BucketName", BucketName, strings.Repeat("a", 70), strings.Repeat("a", 63)},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestMigrationsDir(t *testing.T) {
	for in, want := range map[string]string{
		"./migrations/": "migrations",
		"migrations":    "migrations",
		"":              "migrations",
		"db/sql//":      "db/sql",
		".":             ".",
		"/abs/m/":       "/abs/m",
	} {
		if got := migrationsDir(in); got != want {
			t.Errorf("migrationsDir(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMergeLineEndings checks that CRLF files get CRLF insertions and
// that a last line without a newline gets one before new lines.
func TestMergeLineEndings(t *testing.T) {
	s := analyze(t, "d1 { Db }\nvars { X: int }")
	tests := []struct{ in, want string }{
		{
			"name = \"app\"\r\nmain = \"m.ts\"\r\ncompatibility_date = \"2025-01-01\"\r\n\r\n[vars]\r\nX = 1",
			"name = \"app\"\r\nmain = \"m.ts\"\r\ncompatibility_date = \"2025-01-01\"\r\n\r\n[vars]\r\nX = 1\r\n\r\n" +
				"[[d1_databases]]\r\nbinding = \"Db\"\r\ndatabase_name = \"Db\"\r\ndatabase_id = \"local-Db\"\r\nmigrations_dir = \"migrations/Db\"\r\n",
		},
		{
			"name = \"app\"\nmain = \"m.ts\"\ncompatibility_date = \"2025-01-01\"\nd1_databases = []\n[vars]\nY = 2",
			"name = \"app\"\nmain = \"m.ts\"\ncompatibility_date = \"2025-01-01\"\n" +
				"d1_databases = [{ binding = \"Db\", database_name = \"Db\", database_id = \"local-Db\", migrations_dir = \"migrations/Db\" }]\n" +
				"[vars]\nY = 2\nX = 0\n",
		},
	}
	for _, tt := range tests {
		out, err := Merge([]byte(tt.in), "wrangler.toml", "toml", s, testOptions, new(diag.List))
		if err != nil || string(out) != tt.want {
			t.Errorf("Merge(%q) = %q, %v\nwant %q", tt.in, out, err, tt.want)
		}
	}
}
