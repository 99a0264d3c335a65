// Package migrate_test applies the migration scenarios of
// internal/migrate/testdata/scenarios the way users do: `cloesce migrate`
// writes each step's migration into a project whose wrangler.toml names
// the directory, and `wrangler d1 migrations apply --local` applies them
// to a local D1 (SQLite under .wrangler, foreign keys enforced inside
// migrations as on Cloudflare); the scenario's checks then run through
// `wrangler d1 execute --json`. A step's seed data goes in as a migration
// file of its own, after the step's migration and before the next, so the
// next migration runs on populated tables while a scenario costs two
// wrangler runs (each starts Node and workerd: seconds on 2 cores). A
// scenario that starts from a database an earlier cloesce made gets the
// files that release wrote, and their seed, first. Once every step is
// migrated, migrating the same schema again must write nothing. The
// Durable Object modules the scenarios hold must type-check under tsc
// --strict against the runtime package.
package migrate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/cli"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/migrate/migratetest"
)

// wranglers bounds the wrangler processes (each with its workerd) that run
// at once, for 2-core machines.
var wranglers = make(chan struct{}, 2)

// repo returns the repository root and the path of one of its npm tools,
// failing when npm packages are not installed.
func repo(t *testing.T, tool string) (string, string) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	bin := filepath.Join(dir, "node_modules", ".bin", tool)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run npm ci at the repository root", bin)
	}
	return dir, bin
}

func scenarios(t *testing.T, root string) []*migratetest.Scenario {
	t.Helper()
	all, err := migratetest.Load(filepath.Join(root, "internal", "migrate", "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// TestWranglerApply plays every D1 scenario on a local D1 through wrangler.
func TestWranglerApply(t *testing.T) {
	root, wrangler := repo(t, "wrangler")
	n := 0
	for _, s := range scenarios(t, root) {
		schema, err := migratetest.Analyze(s.Steps[0].Schema)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		binding, err := migratetest.Binding(schema)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if len(schema.Env.D1) == 0 {
			continue // a Durable Object: see TestDurableModules and the runtime's tests
		}
		n++
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			playD1(t, wrangler, s, binding)
		})
	}
	if n < 15 {
		t.Fatalf("only %d D1 scenarios; the suite promises at least 15", n)
	}
}

func playD1(t *testing.T, wrangler string, s *migratetest.Scenario, binding string) {
	dir := t.TempDir()
	toml := fmt.Sprintf(`name = "migrate-e2e"
compatibility_date = "2026-04-01"

[[d1_databases]]
binding = %q
database_name = %q
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = "migrations/%s"
`, binding, binding, binding)
	write(t, filepath.Join(dir, "wrangler.toml"), toml)
	w := func(args ...string) []byte {
		wranglers <- struct{}{}
		defer func() { <-wranglers }()
		cmd := exec.CommandContext(t.Context(), wrangler, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "WRANGLER_LOG_PATH="+filepath.Join(dir, "logs"), "NO_COLOR=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("wrangler %s: %v\n%s%s", strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
		}
		return stdout.Bytes()
	}
	migrations := filepath.Join(dir, "migrations", binding)
	files := 0
	if s.Start != nil {
		// The files an earlier cloesce wrote, and the rows put in then.
		if err := os.MkdirAll(migrations, 0o755); err != nil {
			t.Fatal(err)
		}
		stem := filepath.Join(migrations, migrate.Stem(1700000000, "step0"))
		write(t, stem+".sql", s.Start.SQL)
		write(t, stem+".json", s.Start.Snapshot)
		files++
		if s.Start.Seed != "" {
			write(t, filepath.Join(migrations, migrate.Stem(1700000001, "seed0")+".sql"), s.Start.Seed)
			files++
		}
	}
	migrateArgs := func(st *migratetest.Step, name string) []string {
		args := []string{"migrate", "--dir", dir, "--binding", binding}
		for _, a := range st.Args {
			args = append(args, strings.Fields(a)...)
		}
		return append(args, name)
	}
	for i, st := range s.Steps {
		write(t, filepath.Join(dir, "schema.clo"), st.Schema)
		args := migrateArgs(st, fmt.Sprintf("step%d", i+1))
		var out, errOut bytes.Buffer
		if code := cli.Run(context.Background(), args, cli.Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}); code != 0 {
			t.Fatalf("cloesce %s exited %d:\n%s%s", strings.Join(args, " "), code, out.Bytes(), errOut.Bytes())
		}
		files++
		if st.Seed != "" {
			write(t, filepath.Join(migrations, migrate.Stem(latest(t, migrations)+1, fmt.Sprintf("seed%d", i+1))+".sql"), st.Seed)
			files++
		}
	}
	// Once migrated, the same schema needs no migration: no churn.
	args := migrateArgs(&migratetest.Step{}, "again")
	var out, errOut bytes.Buffer
	if code := cli.Run(context.Background(), args, cli.Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}); code != 0 || !strings.Contains(out.String(), "nothing to write") {
		t.Fatalf("cloesce %s exited %d, want nothing to write:\n%s%s", strings.Join(args, " "), code, out.Bytes(), errOut.Bytes())
	}
	applied, err := filepath.Glob(filepath.Join(migrations, "*.sql"))
	if err != nil || len(applied) != files {
		t.Fatalf("%d migration files, want %d (%v)", len(applied), files, err)
	}
	w("d1", "migrations", "apply", binding, "--local")
	var queries []string
	for _, c := range s.Checks {
		queries = append(queries, c.Query+";")
	}
	results, err := decodeResults(w("d1", "execute", binding, "--local", "--json", "--command", strings.Join(queries, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(s.Checks) {
		t.Fatalf("%d results for %d checks", len(results), len(s.Checks))
	}
	for i, c := range s.Checks {
		if !slices.Equal(results[i], c.Rows) {
			t.Errorf("%s\ngot rows:\n%s\nwant:\n%s", c.Query, strings.Join(results[i], "\n"), strings.Join(c.Rows, "\n"))
		}
	}
}

// latest returns the timestamp of the latest migration in dir.
func latest(t *testing.T, dir string) int64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ts int64
	for _, e := range entries {
		if n, _, _, ok := migrate.ParseFileName(e.Name()); ok {
			ts = max(ts, n)
		}
	}
	return ts
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// decodeResults reads the output of `wrangler d1 execute --json`: one
// result per statement, each with rows as objects whose keys are in
// column order, which a Go map would lose. Rows come back as checks spell
// them.
func decodeResults(data []byte) ([][]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out [][]string
	err := array(dec, func() error {
		var rows []string
		err := object(dec, func(key string) error {
			if key != "results" {
				var skip any
				return dec.Decode(&skip)
			}
			return array(dec, func() error {
				var fields []string
				err := object(dec, func(string) error {
					var v any
					if err := dec.Decode(&v); err != nil {
						return err
					}
					s, err := migratetest.Value(v)
					fields = append(fields, s)
					return err
				})
				rows = append(rows, strings.Join(fields, "|"))
				return err
			})
		})
		out = append(out, rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading wrangler's JSON: %v\n%s", err, data)
	}
	return out, nil
}

// array calls elem for each element of the JSON array that comes next.
func array(dec *json.Decoder, elem func() error) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return fmt.Errorf("expected an array, got %v (%v)", tok, err)
	}
	for dec.More() {
		if err := elem(); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// object calls field for each key of the JSON object that comes next,
// with the decoder at the key's value.
func object(dec *json.Decoder, field func(key string) error) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("expected an object, got %v (%v)", tok, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := field(key); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// TestDurableModules type-checks every Durable Object migration module of
// the scenarios under tsc --strict (with unused names and parameters
// reported) against the runtime package, as the list a Durable Object
// passes to this.cloesce(env, migrations).
func TestDurableModules(t *testing.T) {
	root, tsc := repo(t, "tsc")
	dir := t.TempDir()
	var imports, names []string
	for _, s := range scenarios(t, root) {
		for i, m := range s.Modules {
			name := fmt.Sprintf("m%d_%s_%d", len(names), strings.ReplaceAll(s.Name, "-", "_"), i+1)
			write(t, filepath.Join(dir, name+".ts"), m)
			imports = append(imports, fmt.Sprintf("import %s from \"./%s\";\n", name, name))
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Fatal("no scenario holds a Durable Object migration module")
	}
	list := "import type { DurableMigration } from \"cloesce\";\n" + strings.Join(imports, "") +
		"export const migrations: DurableMigration[] = [" + strings.Join(names, ", ") + "];\n"
	write(t, filepath.Join(dir, "list.ts"), list)
	config, _ := json.Marshal(map[string]any{
		"compilerOptions": map[string]any{
			"strict": true, "noEmit": true, "noUnusedLocals": true, "noUnusedParameters": true,
			"target": "ES2022", "module": "ES2022", "moduleResolution": "bundler", "lib": []string{"ES2022"},
			"resolveJsonModule": true, "skipLibCheck": true,
			"types":   []string{filepath.Join(root, "node_modules", "@cloudflare", "workers-types")},
			"baseUrl": ".",
			"paths":   map[string]any{"cloesce": []string{filepath.Join(root, "runtime", "src", "index.ts")}},
		},
		"include": []string{"*.ts"},
	})
	write(t, filepath.Join(dir, "tsconfig.json"), string(config))
	out, err := exec.CommandContext(t.Context(), tsc, "-p", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("the Durable Object migrations do not type-check: %v\n%s", err, out)
	}
}
