package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// A project is a loaded configuration and its parsed schema files.
type project struct {
	cfg   *config.Config
	files []*ast.File
}

// loadProject reads the configuration in root and parses every schema file
// it names, reporting problems into diags. It fails only on I/O errors.
func (e *env) loadProject(root string, diags *diag.List) (*project, error) {
	cfg, err := config.Load(root, e.envArg, diags)
	if err != nil {
		return nil, err
	}
	paths := config.Discover(root, cfg, diags)
	if len(paths) == 0 && !diags.HasErrors() {
		d := diags.Errorf(diag.NoSources, source.Span{}, "no schema files (.clo or .cloesce) found in %s", describeSources(root, cfg.SrcPaths))
		switch {
		case cfg.Found:
		case isEmptyDir(root):
			if root == "." {
				d.Helpf("to start a project here, run `cloesce init`")
			} else {
				d.Helpf("to start a project in %s, run `cloesce init %s`", filepath.ToSlash(root), shellQuote(filepath.ToSlash(root)))
			}
		default:
			d.Helpf("create %s with \"src_paths\" naming the schema directories", filepath.ToSlash(cfg.Path))
		}
	}
	p := &project{cfg: cfg}
	for _, path := range paths {
		f, err := parseFile(path, diags)
		if err != nil {
			return nil, err
		}
		p.files = append(p.files, f)
	}
	return p, nil
}

// describeSources shows the source paths as the user finds them:
// resolved against the project directory root.
func describeSources(root string, paths []string) string {
	shown := make([]string, len(paths))
	for i, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		shown[i] = filepath.ToSlash(p)
	}
	return describePaths(shown)
}

func describePaths(paths []string) string {
	if len(paths) == 1 {
		return fmt.Sprintf("%q", paths[0])
	}
	return fmt.Sprintf("%q", paths)
}

// isEmptyDir reports whether dir holds nothing but dotfiles, such as .git:
// a directory cloesce init accepts.
func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return !strings.HasPrefix(e.Name(), ".") })
}

// parseFile reads and parses one schema file.
func parseFile(path string, diags *diag.List) (*ast.File, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parser.Parse(source.NewFile(filepath.ToSlash(path), string(text)), diags), nil
}
