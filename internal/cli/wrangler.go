package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/wrangler"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// wranglerLookup is the order in which wrangler looks for its config: the
// first file that exists wins.
var wranglerLookup = []string{"wrangler.json", "wrangler.jsonc", "wrangler.toml"}

// writeWrangler merges what the schema needs into the project's wrangler
// config, in the environment given by --env, creating the file if it is
// missing. A file that already has everything is left untouched, so that
// a running "wrangler dev" does not restart for nothing.
func (e *env) writeWrangler(proj *project, schema *idl.Schema) error {
	cfg := proj.cfg
	name := wrangler.FileName(cfg.WranglerConfigFormat)
	path := filepath.Join(cfg.Root, name)
	shown := filepath.ToSlash(path)
	existing, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir, err := filepath.Abs(cfg.Root)
	if err != nil {
		return err
	}
	opts := wrangler.Options{Env: e.envArg, ProjectName: filepath.Base(dir), MigrationsPath: cfg.MigrationsPath}
	out, warnings, err := wrangler.Merge(existing, shown, cfg.WranglerConfigFormat, schema, opts)
	var cerr *wrangler.ConfigError
	if errors.As(err, &cerr) {
		fmt.Fprintf(e.stdio.Err, "error: %v\n", err)
		return errReported
	}
	if err != nil {
		return err
	}
	mine := slices.Index(wranglerLookup, name)
	for i, other := range wranglerLookup {
		if _, err := os.Stat(filepath.Join(cfg.Root, other)); i == mine || err != nil {
			continue
		}
		if i < mine {
			warnings = append(warnings, fmt.Sprintf("wrangler reads %s, not %s; remove it or set \"wrangler_config_format\" in %s", other, name, filepath.Base(cfg.Path)))
		} else {
			warnings = append(warnings, fmt.Sprintf("%s is ignored: wrangler reads %s first", other, name))
		}
	}
	for _, w := range warnings {
		fmt.Fprintf(e.stdio.Err, "warning: %s: %s\n", shown, w)
	}
	if existing != nil && bytes.Equal(out, existing) {
		return nil
	}
	if err := writeFileAtomic(path, out); err != nil {
		return err
	}
	if e.format != diag.JSON {
		fmt.Fprintf(e.stdio.Out, "wrote %s\n", shown)
	}
	return nil
}
