// Package scaffold holds the starter project that "cloesce init" writes,
// in either edition: models in the schema language or in the decorator
// edition's TypeScript classes, the Worker running them, tests that drive
// the served API through the generated client and the models without
// HTTP, a page, and the configuration tying them together. It only
// renders the files; the command writes them.
package scaffold

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

// The editions a project's models are written in.
const (
	// EditionClo is the schema language: src/schema/schema.clo, and the
	// Worker in src/api/main.ts implementing its methods.
	EditionClo = "clo"
	// EditionTS is the decorator edition: decorated classes in
	// src/data/*.cloesce.ts, their methods written inside them, and the
	// Worker compile generates (.cloesce/workers.ts).
	EditionTS = "ts"
)

// Editions lists the editions, the default first.
var Editions = []string{EditionClo, EditionTS}

// The template directory holds the project as written: template/common
// the files of both editions, template/<edition> those of one; a path is
// in one of the two only. A ".tmpl" file is rendered with Options first,
// and "gitignore" becomes ".gitignore" (a real one would apply to this
// repository).
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
	// Edition is one of Editions; "" is EditionClo.
	Edition string
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
	if opts.Edition == "" {
		opts.Edition = EditionClo
	}
	if !slices.Contains(Editions, opts.Edition) {
		return nil, fmt.Errorf("unknown edition %q", opts.Edition)
	}
	byPath := map[string]File{} // by the template's path, relative to its directory
	for _, dir := range []string{"common", opts.Edition} {
		root := "template/" + dir
		err := fs.WalkDir(files, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel := strings.TrimPrefix(p, root+"/")
			if _, ok := byPath[rel]; ok {
				return fmt.Errorf("template/common and %s both hold %s", root, rel)
			}
			f, err := render(p, rel, opts)
			byPath[rel] = f
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	var out []File
	for _, rel := range slices.Sorted(maps.Keys(byPath)) {
		out = append(out, byPath[rel])
	}
	return out, nil
}

// render returns the file of the project that the template file at p
// (rel inside its edition's directory) becomes.
func render(p, rel string, opts Options) (File, error) {
	data, err := files.ReadFile(p)
	if err != nil {
		return File{}, err
	}
	if name, ok := strings.CutSuffix(rel, ".tmpl"); ok {
		t, err := template.New(rel).Funcs(funcs).Option("missingkey=error").Parse(string(data))
		if err != nil {
			return File{}, err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, opts); err != nil {
			return File{}, err
		}
		rel, data = name, b.Bytes()
	}
	if rel == "gitignore" {
		rel = ".gitignore"
	}
	return File{Path: rel, Data: data}, nil
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
