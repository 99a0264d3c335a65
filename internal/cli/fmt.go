package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/format"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
)

func fmtFlags(fs *flag.FlagSet) {
	fs.Bool("check", false, "report files that are not formatted instead of rewriting them; exit 1 if any")
}

// runFmt formats the named schema files and directories, or the configured
// sources when none are named; "-" formats standard input to standard
// output. Files that do not parse are reported and left as they are.
func runFmt(_ context.Context, e *env, fs *flag.FlagSet, args []string) error {
	check := fs.Lookup("check").Value.(flag.Getter).Get().(bool)
	if len(args) == 1 && args[0] == "-" {
		return e.fmtStdin(check)
	}
	var diags diag.List
	paths, err := e.fmtPaths(args, &diags)
	if err != nil {
		return err
	}
	unformatted := 0
	for _, path := range paths {
		changed, err := fmtFile(path, check, &diags)
		if err != nil {
			return err
		}
		if changed {
			unformatted++
			fmt.Fprintln(e.stdio.Out, filepath.ToSlash(path))
		}
	}
	if err := e.render(&diags); err != nil {
		return err
	}
	if check && unformatted > 0 {
		fmt.Fprintf(e.stdio.Err, "%d %s not formatted; run 'cloesce fmt' to format\n", unformatted, plural(unformatted, "file is", "files are"))
		return errReported
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// fmtPaths finds the files to format: those named, or the configured
// sources.
func (e *env) fmtPaths(args []string, diags *diag.List) ([]string, error) {
	cfg, err := config.Load(".", e.envArg, diags)
	if err != nil {
		return nil, err
	}
	if len(args) > 0 {
		cfg = &config.Config{SrcPaths: args, OutPath: cfg.OutPath}
	}
	paths := config.Discover(".", cfg, diags)
	if len(paths) == 0 {
		diags.Errorf(diag.NoSources, source.Span{}, "no schema files (.clo or .cloesce) to format in %s", describePaths(cfg.SrcPaths))
	}
	return paths, nil
}

// fmtFile formats one file, rewriting it unless check is set, and reports
// whether its text was not canonical.
func fmtFile(path string, check bool, diags *diag.List) (bool, error) {
	old, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	out, ok := formatSource(filepath.ToSlash(path), old, diags)
	if !ok || bytes.Equal(out, old) {
		return false, nil
	}
	if !check {
		if err := writeFileAtomic(path, out); err != nil {
			return false, err
		}
	}
	return true, nil
}

// formatSource returns the canonical text of src, or false if it does not
// parse.
func formatSource(name string, src []byte, diags *diag.List) ([]byte, bool) {
	var errs diag.List
	f := parser.Parse(source.NewFile(name, string(src)), &errs)
	diags.Append(errs.Sorted()...)
	if errs.HasErrors() {
		return nil, false
	}
	return format.File(f), true
}

func (e *env) fmtStdin(check bool) error {
	src, err := io.ReadAll(e.stdio.In)
	if err != nil {
		return err
	}
	var diags diag.List
	out, ok := formatSource("<stdin>", src, &diags)
	if err := e.render(&diags); err != nil || !ok {
		return err
	}
	if check {
		if !bytes.Equal(out, src) {
			fmt.Fprintln(e.stdio.Err, "<stdin> is not formatted")
			return errReported
		}
		return nil
	}
	_, err = e.stdio.Out.Write(out)
	return err
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, so that an interrupted write never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	info, err := os.Stat(path)
	mode := os.FileMode(0o644)
	if err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
