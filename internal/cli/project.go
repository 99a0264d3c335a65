package cli

import (
	"fmt"
	"os"
	"path/filepath"

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
		d := diags.Errorf(diag.NoSources, source.Span{}, "no schema files (.clo or .cloesce) found in %s", describePaths(cfg.SrcPaths))
		if !cfg.Found {
			d.Helpf("create %s with \"src_paths\" naming the schema directories", cfg.Path)
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

func describePaths(paths []string) string {
	if len(paths) == 1 {
		return fmt.Sprintf("%q", paths[0])
	}
	return fmt.Sprintf("%q", paths)
}

// parseFile reads and parses one schema file.
func parseFile(path string, diags *diag.List) (*ast.File, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parser.Parse(source.NewFile(filepath.ToSlash(path), string(text)), diags), nil
}
