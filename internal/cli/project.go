package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

// A project is a loaded configuration and its parsed schema files.
type project struct {
	cfg   *config.Config
	files []*ast.File
	// ts are the decorator edition's files, extracted into files; link is
	// how the Worker calls their classes (nil without them).
	ts   []*source.File
	link *decorators.Linkage
}

// loadProject reads the configuration in root and parses every schema file
// it names, reporting problems into diags. It fails only on I/O errors.
func (e *env) loadProject(root string, diags *diag.List) (*project, error) {
	cfg, err := config.Load(root, e.envArg, diags)
	if err != nil {
		return nil, err
	}
	paths := config.Discover(root, cfg, diags)
	// The decorator edition's files are extracted together: a navigation's
	// key is read from the class at its other end.
	tsPaths := slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return !decorators.IsSource(p) })
	paths = slices.DeleteFunc(paths, decorators.IsSource)
	if len(paths)+len(tsPaths) == 0 && !diags.HasErrors() {
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
	p := &project{cfg: cfg, files: make([]*ast.File, len(paths))}
	if len(tsPaths) > 0 {
		srcs := make([]*source.File, len(tsPaths))
		for i, path := range tsPaths {
			text, err := readString(path)
			if err != nil {
				return nil, err
			}
			srcs[i] = source.NewFile(filepath.ToSlash(path), text)
		}
		p.ts = srcs
		defer func() {
			files, link := decorators.Extract(srcs, diags)
			p.files, p.link = append(p.files, files...), link
		}()
	}
	if len(paths) == 1 {
		f, err := parseFile(paths[0], diags)
		if err != nil {
			return nil, err
		}
		p.files[0] = f
		return p, nil
	}
	// Files parse independently: on every core at once, each into its own
	// list of diagnostics (rendering sorts them by file and position).
	lists := make([]diag.List, len(paths))
	errs := make([]error, len(paths))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, path := range paths {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			p.files[i], errs[i] = parseFile(path, &lists[i])
		})
	}
	wg.Wait()
	for i := range paths {
		if errs[i] != nil {
			return nil, errs[i]
		}
		diags.Append(lists[i].Sorted()...)
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
	text, err := readString(path)
	if err != nil {
		return nil, err
	}
	return parser.Parse(source.NewFile(filepath.ToSlash(path), text), diags), nil
}

// readString returns the content of the file at path, read straight into
// a string (os.ReadFile and a conversion would copy it).
func readString(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	if info, err := f.Stat(); err == nil && info.Size() < 1<<30 {
		b.Grow(int(info.Size()) + 1) // +1: the read that finds the end
	}
	_, err = io.Copy(&b, f)
	return b.String(), err
}
