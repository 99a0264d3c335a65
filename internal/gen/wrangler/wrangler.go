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
	"unicode/utf8"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/source"
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
	// Main is the Worker's entry point, relative to the config, that a
	// config without "main" gets. "" means the caller found none: the
	// config gets DefaultMain, with a warning.
	Main string
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

// A configError is a problem in the user's config file, as opposed to a
// failure of the merge itself.
type configError struct {
	path      string
	line, col int // 1-based, the column in bytes; 0 when unknown
	msg       string
}

func (e *configError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.path, e.line, e.col, e.msg)
	}
	return e.path + ": " + e.msg
}

// FileName returns the name of the config file in format: "wrangler.toml"
// or "wrangler.jsonc".
func FileName(format string) string { return "wrangler." + format }

// Merge returns the config existing, read from path (the name messages
// and diagnostics use), with everything schema s needs added. format is
// "toml" or "jsonc"; existing may be empty, for a new file.
//
// What Merge finds is reported into diags. A file that does not parse, or
// has a key of the wrong type, is an error at its position when known;
// Merge then returns no output. A binding of the schema that the file
// binds under another name, a binding the schema does not declare, a
// Durable Object class the schema no longer declares and a missing entry
// point are warnings. The error is for failures of Merge itself.
func Merge(existing []byte, path, format string, s *idl.Schema, opts Options, diags *diag.List) ([]byte, error) {
	c, ok := codecs[format]
	if !ok {
		return nil, fmt.Errorf("unknown wrangler config format %q (want \"toml\" or \"jsonc\")", format)
	}
	src := existing
	if format == "jsonc" && len(bytes.TrimSpace(src)) == 0 {
		src = []byte("{}\n")
	}
	file := source.NewFile(path, string(existing))
	doc, err := c.decode(src, path)
	if err != nil {
		report(file, err, diags)
		return nil, nil
	}
	at := noLocator
	if len(existing) > 0 {
		at = newLocator(file, format)
	}
	var found diag.List
	root, err := plan(doc, s, opts, path, at, &found)
	if err != nil {
		report(file, &configError{path: path, msg: err.Error()}, diags)
		return nil, nil
	}
	diags.Append(found.Sorted()...)
	if !root.changed() {
		return existing, nil
	}
	out, err := c.write(src, root)
	if err == nil {
		err = verify(c, out, s, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("internal error merging %s: %w; please report this", path, err)
	}
	return out, nil
}

// report records err, a *configError, as an error diagnostic at its
// position in file.
func report(file *source.File, err error, diags *diag.List) {
	ce, ok := err.(*configError)
	if !ok || ce.line <= 0 {
		diags.Errorf(diag.WranglerConfig, source.Span{}, "%v", err)
		return
	}
	off := file.Offset(ce.line, ce.col)
	_, size := utf8.DecodeRuneInString(file.Text[off:])
	diags.Errorf(diag.WranglerConfig, source.Span{File: file, Start: off, End: off + size}, "%s", ce.msg)
}

// verify checks that out is valid and complete: planning again must find
// nothing to add. It guards against an insertion landing in the wrong
// table, which would otherwise go unnoticed until wrangler runs.
func verify(c codec, out []byte, s *idl.Schema, opts Options) error {
	doc, err := c.decode(out, "merged output")
	if err != nil {
		return err
	}
	var ignored diag.List
	again, err := plan(doc, s, opts, "merged output", noLocator, &ignored)
	if err != nil {
		return err
	}
	if again.changed() {
		return fmt.Errorf("the merged file still lacks entries")
	}
	return nil
}
