package config

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
)

// skipDirs are directories that hold no schema sources of the project but
// may be large or hold copies of them.
var skipDirs = map[string]bool{
	"node_modules": true,
	".git":         true,
	".wrangler":    true,
}

// Discover returns the schema files (.clo, .cloesce and the decorator
// edition's .cloesce.ts) named by
// cfg.SrcPaths, resolved against root, which is normally cfg.Root.
// Directories are searched recursively, skipping node_modules, .git,
// .wrangler and the output directory below them, which may hold copies of
// the sources; a directory named by an entry is searched whatever its name.
// A file named by an entry is taken only if it is a schema file. Entries
// that do not exist are reported as warnings; finding no files at all is
// left to the caller.
//
// The result is sorted and free of duplicates, so that overlapping entries
// such as "." and "src" do not compile a file twice and the output does not
// depend on the order of the entries.
func Discover(root string, cfg *Config, diags *diag.List) []string {
	out, _ := os.Stat(resolve(root, cfg.OutPath)) // nil if not yet created
	found := make(map[string]bool)
	for i, entry := range cfg.SrcPaths {
		path := resolve(root, entry)
		span := cfg.srcSpan(i)
		info, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			diags.Warnf(diag.SourcePathMissing, span, "source path %q does not exist", path)
		case err != nil:
			diags.Warnf(diag.SourcePathMissing, span, "cannot read source path %q: %v", path, cause(err))
		case !info.IsDir():
			if isSchema(path) {
				found[path] = true
			}
		default:
			walk(path, out, span, found, diags)
		}
	}
	return slices.Sorted(maps.Keys(found))
}

// walk adds the schema files under dir to found. It walks an fs.FS rather
// than the path so that dir itself may be a symbolic link.
func walk(dir string, out fs.FileInfo, span source.Span, found map[string]bool, diags *diag.List) {
	fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		path := filepath.Join(dir, filepath.FromSlash(p))
		if err != nil {
			diags.Warnf(diag.SourcePathMissing, span, "cannot read source path %q: %v", path, cause(err))
			return nil
		}
		if !d.IsDir() {
			if isSchema(p) {
				found[path] = true
			}
			return nil
		}
		if p != "." && (skipDirs[d.Name()] || isSame(d, out)) {
			return fs.SkipDir
		}
		return nil
	})
}

// isSchema reports whether path names a schema file.
func isSchema(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".clo" || ext == ".cloesce" || strings.HasSuffix(path, ".cloesce.ts")
}

// isSame reports whether d is the file described by fi, comparing identity
// rather than names so that an absolute or oddly spelled out_path matches.
func isSame(d fs.DirEntry, fi fs.FileInfo) bool {
	if fi == nil {
		return false
	}
	info, err := d.Info()
	return err == nil && os.SameFile(info, fi)
}

// cause strips the operation and path from err, which the message
// already names.
func cause(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}
