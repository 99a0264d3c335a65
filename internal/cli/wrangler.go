package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/wrangler"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/source"
)

// wranglerLookup is the order in which wrangler looks for its config: the
// first file that exists wins.
var wranglerLookup = []string{"wrangler.json", "wrangler.jsonc", "wrangler.toml"}

// writeWrangler merges what the schema needs into the project's wrangler
// config and writes it when it changed (see wranglerOutput); dev uses it
// to add a new D1 database before applying its migrations.
func (e *env) writeWrangler(proj *project, schema *idl.Schema, diags *diag.List) error {
	outs, err := e.wranglerOutput(proj, schema, diags)
	if err != nil || diags.HasErrors() {
		return err
	}
	written, err := writeOutputs(outs)
	if err != nil {
		return err
	}
	if len(written) > 0 && e.format != diag.JSON {
		fmt.Fprintf(e.stdio.Out, "wrote %s\n", filepath.ToSlash(written[0]))
	}
	return nil
}

// wranglerOutput merges what the schema needs into the project's wrangler
// config, in the environment given by --env, creating the file if it is
// missing, and reports what it finds into diags. It returns the file to
// write, or nothing when the config has errors (it is then left as it is)
// or already has everything (so that a running "wrangler dev" does not
// restart for nothing).
func (e *env) wranglerOutput(proj *project, schema *idl.Schema, diags *diag.List) ([]output, error) {
	cfg := proj.cfg
	name := wrangler.FileName(cfg.WranglerConfigFormat)
	path := filepath.Join(cfg.Root, name)
	shown := filepath.ToSlash(path)
	existing, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	dir, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, err
	}
	opts := wrangler.Options{
		Env:            e.envArg,
		ProjectName:    filepath.Base(dir),
		MigrationsPath: cfg.MigrationsPath,
		Main:           findEntry(cfg.Root),
	}
	if proj.link != nil { // the decorator edition's Worker is generated
		if rel, err := filepath.Rel(cfg.Root, filepath.Join(cfg.OutDir(), "workers.ts")); err == nil {
			opts.Main = filepath.ToSlash(rel)
		}
	}
	out, err := wrangler.Merge(existing, shown, cfg.WranglerConfigFormat, schema, opts, diags)
	if err != nil {
		return nil, err
	}
	mine := slices.Index(wranglerLookup, name)
	for i, other := range wranglerLookup {
		if _, err := os.Stat(filepath.Join(cfg.Root, other)); i == mine || err != nil {
			continue
		}
		shadow := filepath.ToSlash(filepath.Join(cfg.Root, other))
		if i < mine {
			diags.Warnf(diag.WranglerShadowed, source.Span{}, "wrangler reads %s, not %s", shadow, shown).
				Helpf("remove %s, or set \"wrangler_config_format\" in %s", other, filepath.Base(cfg.Path))
		} else {
			diags.Warnf(diag.WranglerShadowed, source.Span{}, "%s is ignored: wrangler reads %s first", shadow, name).
				Helpf("remove %s: compile keeps %s up to date", other, name)
		}
	}
	if out == nil || existing != nil && bytes.Equal(out, existing) {
		return nil, nil
	}
	return []output{newOutput(path, out)}, nil
}

// findEntry returns the Worker's entry point in the project at root,
// relative to it, for a wrangler config without "main": the file named by
// package.json's "main" or by a wrangler command of its scripts, else the
// first of wrangler.EntryCandidates that exists; "" if none does.
func findEntry(root string) string {
	var candidates []string
	if data, err := os.ReadFile(filepath.Join(root, "package.json")); err == nil {
		var pkg struct {
			Main    string            `json:"main"`
			Scripts map[string]string `json:"scripts"`
		}
		if json.Unmarshal(data, &pkg) == nil {
			if isScript(pkg.Main) {
				candidates = append(candidates, pkg.Main)
			}
			// Sorted, so that the choice does not depend on map order.
			for _, name := range slices.Sorted(maps.Keys(pkg.Scripts)) {
				candidates = append(candidates, scriptEntries(pkg.Scripts[name])...)
			}
		}
	}
	for _, c := range append(candidates, wrangler.EntryCandidates...) {
		c = filepath.ToSlash(filepath.Clean(filepath.FromSlash(c)))
		if !filepath.IsLocal(filepath.FromSlash(c)) {
			continue
		}
		if info, err := os.Stat(filepath.Join(root, filepath.FromSlash(c))); err == nil && info.Mode().IsRegular() {
			return c
		}
	}
	return ""
}

// wranglerCommand matches a wrangler command that takes an entry point,
// up to the end of the shell command.
var wranglerCommand = regexp.MustCompile(`\bwrangler\s+(?:dev|deploy|publish|versions\s+upload)\b([^;&|]*)`)

// scriptEntries returns the source files that the wrangler commands of an
// npm script name, as in "wrangler dev src/index.ts" or "wrangler deploy
// --minify worker.js".
func scriptEntries(script string) []string {
	var out []string
	for _, m := range wranglerCommand.FindAllStringSubmatch(script, -1) {
		for _, arg := range strings.Fields(m[1]) {
			if !strings.HasPrefix(arg, "-") && isScript(arg) {
				out = append(out, arg)
			}
		}
	}
	return out
}

// isScript reports whether path looks like a Worker's source file.
func isScript(path string) bool {
	switch filepath.Ext(path) {
	case ".ts", ".js", ".mts", ".mjs", ".tsx", ".jsx":
		return true
	}
	return false
}
