// Package config loads the project configuration, cloesce.jsonc, and finds
// the schema sources it points at.
//
// The file is JSON with comments and trailing commas, the format Wrangler
// uses, so that a project's configuration files all read alike. Problems in
// it are diagnostics with spans into the file, like problems in a schema;
// only I/O failures are Go errors.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/tailscale/hujson"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/suggest"
)

// A Config is the project configuration with defaults filled in.
type Config struct {
	Root                 string // directory the config was looked for in
	Path                 string // the config file path looked for
	Found                bool   // whether that file existed
	Env                  string // environment name, "" for none
	SrcPaths             []string
	OutPath              string
	WorkersURL           string
	MigrationsPath       string
	WranglerConfigFormat string // "toml" or "jsonc"

	// srcSpans holds the span of each SrcPaths element when the list came
	// from the file, so that Discover can point at a missing entry.
	srcSpans []source.Span
}

const defaultWorkersURL = "http://localhost:8787"

// knownKeys lists the keys Load accepts, for did-you-mean suggestions.
var knownKeys = []string{
	"src_paths",
	"out_path",
	"workers_url",
	"migrations_path",
	"wrangler_config_format",
}

var wranglerFormats = []string{"toml", "jsonc"}

// FileName returns the name of the config file for env: "cloesce.jsonc",
// or "<env>.cloesce.jsonc" for a named environment.
func FileName(env string) string {
	if env == "" {
		return "cloesce.jsonc"
	}
	return env + ".cloesce.jsonc"
}

// Load reads the config for root and env. It returns a Config with defaults
// filled in even when diagnostics were reported, so that the caller can go
// on and report more problems. A missing cloesce.jsonc is not a problem: the
// defaults describe a typical project. A missing environment file is an
// error, because the user asked for it by name. Other errors are I/O
// failures.
func Load(root, env string, diags *diag.List) (*Config, error) {
	path := filepath.Join(root, FileName(env))
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && env != "":
		return nil, fmt.Errorf("no config for environment %q: %s does not exist", env, path)
	case errors.Is(err, fs.ErrNotExist):
		return defaultConfig(root, env), nil
	case err != nil:
		return nil, err
	}
	return LoadText(root, env, data, diags), nil
}

// LoadText is Load for a config file whose text is data rather than what
// is on disk, such as the unsaved text an editor holds.
func LoadText(root, env string, data []byte, diags *diag.List) *Config {
	c := defaultConfig(root, env)
	c.Found = true
	d := &decoder{file: source.NewFile(c.Path, string(data)), name: FileName(env), diags: diags}
	v, err := hujson.Parse(data)
	if err != nil {
		d.syntaxError(err)
		return c
	}
	d.decode(c, &v)
	return c
}

// defaultConfig is the configuration of a project in root without a config
// file.
func defaultConfig(root, env string) *Config {
	return &Config{
		Root:                 root,
		Path:                 filepath.Join(root, FileName(env)),
		Env:                  env,
		SrcPaths:             []string{"."},
		OutPath:              ".cloesce",
		WorkersURL:           defaultWorkersURL,
		MigrationsPath:       "./migrations",
		WranglerConfigFormat: "toml",
	}
}

// OutDir returns the output directory: OutPath resolved against Root.
func (c *Config) OutDir() string {
	return resolve(c.Root, c.OutPath)
}

func (c *Config) srcSpan(i int) source.Span {
	if i < len(c.srcSpans) {
		return c.srcSpans[i]
	}
	return source.Span{}
}

// resolve joins a configured path to root unless it is absolute.
func resolve(root, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(root, path)
}

// A decoder stores the members of a parsed config file into a Config and
// reports problems against the file's text.
type decoder struct {
	file  *source.File
	name  string // file name used in messages
	diags *diag.List
}

func (d *decoder) span(v *hujson.Value) source.Span {
	return source.Span{File: d.file, Start: v.StartOffset, End: v.EndOffset}
}

// hujsonError matches the position prefix of hujson's syntax errors, which
// carry no offset of their own.
var hujsonError = regexp.MustCompile(`^hujson: line (\d+), column (\d+): `)

// syntaxError reports err, a hujson syntax error, at the character where
// parsing stopped, or at the start of the file if err has no position.
func (d *decoder) syntaxError(err error) {
	msg, off := err.Error(), 0
	if m := hujsonError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		off = d.file.Offset(line, col)
		msg = msg[len(m[0]):]
	}
	_, size := utf8.DecodeRuneInString(d.file.Text[off:])
	d.diags.Errorf(diag.ConfigSyntax, source.Span{File: d.file, Start: off, End: off + size}, "%s", msg)
}

// decode stores the members of v, which should be an object, into c.
// A member that is reported leaves its field at the default; of repeated
// keys, the last valid one wins, as in encoding/json.
func (d *decoder) decode(c *Config, v *hujson.Value) {
	obj, ok := v.Value.(*hujson.Object)
	if !ok {
		d.diags.Errorf(diag.ConfigType, d.span(v), "the top level of %s must be an object", d.name).
			Labelled("found %s", kindName(v))
		return
	}
	for i := range obj.Members {
		name, val := &obj.Members[i].Name, &obj.Members[i].Value
		// The parser accepts only strings as names.
		key := name.Value.(hujson.Literal).String()
		switch key {
		case "src_paths":
			d.srcPaths(c, val)
		case "out_path":
			if s, ok := d.str(key, val); ok {
				c.OutPath = s
			}
		case "workers_url":
			if s, ok := d.str(key, val); ok {
				if isHTTPURL(s) {
					c.WorkersURL = s
				} else {
					d.diags.Errorf(diag.ConfigValue, d.span(val), "invalid value %q for %q", s, key).
						Notef("%q must be an absolute http or https URL", key).
						Helpf("use a URL such as %q", defaultWorkersURL)
				}
			}
		case "migrations_path":
			if s, ok := d.str(key, val); ok {
				c.MigrationsPath = s
			}
		case "wrangler_config_format":
			if s, ok := d.str(key, val); ok {
				if slices.Contains(wranglerFormats, s) {
					c.WranglerConfigFormat = s
				} else {
					d.diags.Errorf(diag.ConfigValue, d.span(val), "invalid value %q for %q", s, key).
						Helpf("valid values are %q and %q", wranglerFormats[0], wranglerFormats[1])
				}
			}
		default:
			w := d.diags.Warnf(diag.ConfigUnknownKey, d.span(name), "unknown key %q in %s", key, d.name)
			if k, ok := suggest.Closest(key, knownKeys); ok {
				w.Helpf("did you mean %q?", k)
			}
		}
	}
}

// isHTTPURL reports whether s is an absolute http or https URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// str returns the value of key if it is a string, and reports it otherwise.
func (d *decoder) str(key string, v *hujson.Value) (string, bool) {
	if lit, ok := v.Value.(hujson.Literal); ok && lit.Kind() == '"' {
		return lit.String(), true
	}
	d.diags.Errorf(diag.ConfigType, d.span(v), "%q must be a string", key).
		Labelled("found %s", kindName(v))
	return "", false
}

// srcPaths stores the src_paths array, keeping the default if any part of
// it has the wrong type.
func (d *decoder) srcPaths(c *Config, v *hujson.Value) {
	const msg = `"src_paths" must be an array of strings`
	arr, ok := v.Value.(*hujson.Array)
	if !ok {
		d.diags.Errorf(diag.ConfigType, d.span(v), msg).Labelled("found %s", kindName(v))
		return
	}
	paths := make([]string, 0, len(arr.Elements))
	spans := make([]source.Span, 0, len(arr.Elements))
	for i := range arr.Elements {
		e := &arr.Elements[i]
		lit, ok := e.Value.(hujson.Literal)
		if !ok || lit.Kind() != '"' {
			// Point at the element: it is the smallest wrong thing.
			d.diags.Errorf(diag.ConfigType, d.span(e), msg).Labelled("found %s", kindName(e))
			return
		}
		paths = append(paths, lit.String())
		spans = append(spans, d.span(e))
	}
	c.SrcPaths, c.srcSpans = paths, spans
}

// kindName describes the JSON type of v for messages.
func kindName(v *hujson.Value) string {
	switch v.Value.Kind() {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '[':
		return "an array"
	default:
		return "an object"
	}
}
