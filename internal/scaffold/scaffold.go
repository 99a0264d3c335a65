// Package scaffold holds the starter project that "cloesce init" writes:
// a schema, a Worker implementing it, a test that drives the served API
// through the generated client, and the configuration tying them together.
// It only renders the files; the command writes them.
package scaffold

import (
	"bytes"
	"embed"
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"text/template"
)

// The template directory is the project as written, except that a
// ".tmpl" file is rendered with Options first and "gitignore" becomes
// ".gitignore" (a real one would apply to this repository).
//
//go:embed template
var files embed.FS

// Options are what the rendered files depend on.
type Options struct {
	// Name is the project's name in package.json, the wrangler config and
	// the page; see Name.
	Name string
	// Runtime is the version range or location (file:/path) of the npm
	// package "cloesce" in package.json's dependencies.
	Runtime string
	// Cloesce is the command the npm scripts run the compiler with.
	Cloesce string
}

// A File is one file of the project.
type File struct {
	Path string // slash-separated, relative to the project directory
	Data []byte
}

var funcs = template.FuncMap{
	// json quotes a string for JSON, leaving "&&" in npm scripts readable.
	"json": func(s string) (string, error) {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		err := enc.Encode(s)
		return strings.TrimSuffix(b.String(), "\n"), err
	},
}

// Files renders the project for opts, in lexical order of the template's
// paths.
func Files(opts Options) ([]File, error) {
	var out []File
	err := fs.WalkDir(files, "template", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "template/")
		if name, ok := strings.CutSuffix(rel, ".tmpl"); ok {
			t, err := template.New(rel).Funcs(funcs).Option("missingkey=error").Parse(string(data))
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := t.Execute(&b, opts); err != nil {
				return err
			}
			rel, data = name, b.Bytes()
		}
		if rel == "gitignore" {
			rel = ".gitignore"
		}
		out = append(out, File{Path: rel, Data: data})
		return nil
	})
	return out, err
}

var notNameChar = regexp.MustCompile(`[^a-z0-9]+`)

// Name turns a directory's base name into one that is valid both as an
// npm package and as a Worker name: lower case letters and digits, with
// runs of anything else as "-", at most 63 characters; "cloesce-app" when
// nothing is left.
func Name(base string) string {
	name := strings.Trim(notNameChar.ReplaceAllString(strings.ToLower(base), "-"), "-")
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	if name == "" {
		return "cloesce-app"
	}
	return name
}
