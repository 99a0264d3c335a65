package wrangler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
)

// TestWranglerAccepts has the real wrangler read merged configs: a new
// wrangler.toml completed for the staging environment, and a new
// wrangler.jsonc. "deploy --dry-run" validates the whole file and lists
// the bindings it would upload; "d1 migrations list --local" resolves a
// database's migrations_dir.
func TestWranglerAccepts(t *testing.T) {
	wrangler := gentest.Tool(t, "wrangler")
	s := gentest.Analyze(t, "internal/gen/wrangler/testdata/schema.clo")
	for _, format := range []string{"toml", "jsonc"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			out, err := Merge(nil, FileName(format), format, s, testOptions, new(diag.List))
			if err != nil {
				t.Fatal(err)
			}
			var env []string
			if format == "toml" {
				staging := testOptions
				staging.Env = "staging"
				if out, err = Merge(out, FileName(format), format, s, staging, new(diag.List)); err != nil {
					t.Fatal(err)
				}
				env = []string{"--env", "staging"}
			}
			dir := t.TempDir()
			write(t, filepath.Join(dir, FileName(format)), string(out))
			write(t, filepath.Join(dir, DefaultMain), `import { DurableObject } from "cloudflare:workers";
export class Lobby extends DurableObject {}
export class Room extends DurableObject {}
export default { fetch: () => new Response("ok") };
`)
			write(t, filepath.Join(dir, "migrations", "Db", "0001_init.sql"), "CREATE TABLE t (id INTEGER);\n")

			deploy := string(gentest.Run(t, dir, wrangler, append([]string{"deploy", "--dry-run", "--outdir", filepath.Join(dir, "dist")}, env...)...))
			if strings.Contains(deploy, "WARNING") {
				t.Errorf("wrangler warns about the config:\n%s", deploy)
			}
			for _, want := range []string{
				"env.Db (Db)", "env.Analytics (Analytics)", "env.Cache (local-Cache)",
				"env.ProfilePics (profile-pics)", "env.Lobby (Lobby)", "env.Room (Room)",
				`env.API_URL ("")`, "env.MAX_ITEMS (0)", "env.DEBUG (false)", "env.FLAGS ({})",
			} {
				if !strings.Contains(deploy, want) {
					t.Errorf("wrangler deploy --dry-run does not list %q:\n%s", want, deploy)
				}
			}
			if format == "toml" {
				list := string(gentest.Run(t, dir, wrangler, append([]string{"d1", "migrations", "list", "Db", "--local"}, env...)...))
				if !strings.Contains(list, "0001_init.sql") {
					t.Errorf("wrangler d1 migrations list does not find 0001_init.sql:\n%s", list)
				}
			}
		})
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
