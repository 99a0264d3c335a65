// Package wrangler merges what a schema needs into the project's wrangler
// configuration, wrangler.toml or wrangler.jsonc: D1 databases, KV
// namespaces, R2 buckets, Durable Object bindings and class migrations,
// and variables.
//
// The user's file is the source of truth. Merging only inserts: every key,
// value, comment and blank line already there stays byte for byte where
// it was, and what exists is never changed, only completed. Merging a
// merged file changes nothing. docs/wrangler.md describes the result.
package wrangler

import (
	"bytes"
	"fmt"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// Options tune a merge.
type Options struct {
	// Env is the wrangler environment to write bindings into (env.<Env>);
	// "" writes them at the top level.
	Env string
	// ProjectName is the project directory's name, from which a missing
	// worker name is derived.
	ProjectName string
	// MigrationsPath is the configured migrations directory; each D1
	// database's migrations_dir is <MigrationsPath>/<binding>.
	MigrationsPath string
}

// A codec reads and writes one configuration format.
type codec struct {
	decode func(src []byte, path string) (map[string]any, error)
	write  func(src []byte, root *table) ([]byte, error)
}

var codecs = map[string]codec{
	"toml":  {decodeTOML, writeTOML},
	"jsonc": {decodeJSONC, writeJSONC},
}

// A ConfigError is a problem in the user's config file, as opposed to a
// failure of the merge itself.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

// FileName returns the name of the config file in format: "wrangler.toml"
// or "wrangler.jsonc".
func FileName(format string) string { return "wrangler." + format }

// Merge returns the config existing, read from path (used in messages),
// with everything schema s needs added, and warnings about what it found.
// format is "toml" or "jsonc"; existing may be empty, for a new file.
// Problems in existing are a *ConfigError: one that does not parse names
// the line and column, a key of the wrong type its path.
func Merge(existing []byte, path, format string, s *idl.Schema, opts Options) ([]byte, []string, error) {
	c, ok := codecs[format]
	if !ok {
		return nil, nil, fmt.Errorf("unknown wrangler config format %q (want \"toml\" or \"jsonc\")", format)
	}
	src := existing
	if format == "jsonc" && len(bytes.TrimSpace(src)) == 0 {
		src = []byte("{}\n")
	}
	doc, err := c.decode(src, path)
	if err != nil {
		return nil, nil, &ConfigError{err.Error()}
	}
	root, warnings, err := plan(doc, s, opts)
	if err != nil {
		return nil, nil, &ConfigError{path + ": " + err.Error()}
	}
	if !root.changed() {
		return existing, warnings, nil
	}
	out, err := c.write(src, root)
	if err == nil {
		err = verify(c, out, s, opts)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("internal error merging %s: %w; please report this", path, err)
	}
	return out, warnings, nil
}

// verify checks that out is valid and complete: planning again must find
// nothing to add. It guards against an insertion landing in the wrong
// table, which would otherwise go unnoticed until wrangler runs.
func verify(c codec, out []byte, s *idl.Schema, opts Options) error {
	doc, err := c.decode(out, "merged output")
	if err != nil {
		return err
	}
	again, _, err := plan(doc, s, opts)
	if err != nil {
		return err
	}
	if again.changed() {
		return fmt.Errorf("the merged file still lacks entries")
	}
	return nil
}
