package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
	for _, path := range paths {
		changed, err := fmtFile(path, check, &diags)
		if err != nil {
			return err
		}
		// Like gofmt -l: the files rewritten, or not formatted, one a
		// line; stdout is the diagnostics' in JSON.
		if changed && e.format != diag.JSON {
			fmt.Fprintln(e.stdio.Out, filepath.ToSlash(path))
		}
	}
	return e.render(&diags)
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
// whether its text was not canonical: with check, as a diagnostic at its
// first line that differs.
func fmtFile(path string, check bool, diags *diag.List) (bool, error) {
	old, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	name := filepath.ToSlash(path)
	out, ok := formatSource(name, old, diags)
	if !ok || bytes.Equal(out, old) {
		return false, nil
	}
	if check {
		reportUnformatted(name, old, out, "cloesce fmt "+shellQuote(name), diags)
		return true, nil
	}
	return true, writeFileAtomic(path, out)
}

// reportUnformatted reports that the file name, whose text is old, is not
// formatted (cloesce fmt writes out), at the first line that differs.
// command is the command formatting it.
func reportUnformatted(name string, old, out []byte, command string, diags *diag.List) {
	file := source.NewFile(name, string(old))
	span, note := firstDifference(file, string(out))
	diags.Errorf(diag.NotFormatted, span, "the file is not formatted").
		Labelled("first difference").
		Notef("%s", note).
		Helpf("run `%s` to format it", command)
}

// firstDifference returns the first line of file that differs from the
// formatted text out (an empty span at the end of the file when out only
// goes on after it) and says what cloesce fmt writes there instead.
func firstDifference(file *source.File, out string) (source.Span, string) {
	have, want := lines(file.Text), lines(out)
	start, i := 0, 0
	for i < len(have) && i < len(want) && have[i] == want[i] {
		start += len(have[i])
		i++
	}
	if i == len(have) {
		end := len(file.Text)
		return source.Span{File: file, Start: end, End: end}, fmt.Sprintf("cloesce fmt adds %q at the end", strings.Join(want[i:], ""))
	}
	h := strings.TrimSuffix(have[i], "\n")
	line := source.Span{File: file, Start: start, End: start + len(h)}
	if i == len(want) {
		return line, "cloesce fmt removes this line and those after it"
	}
	w := strings.TrimSuffix(want[i], "\n")
	if h == w { // the last line, without its newline
		return source.Span{File: file, Start: line.End, End: line.End}, "cloesce fmt ends the file with a newline"
	}
	return line, fmt.Sprintf("cloesce fmt writes this line as %q", w)
}

// lines splits text into lines, each with its newline but perhaps the
// last.
func lines(text string) []string {
	l := strings.SplitAfter(text, "\n")
	if l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
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
			reportUnformatted("<stdin>", src, out, "cloesce fmt -", &diags)
		}
		return e.render(&diags)
	}
	_, err = e.stdio.Out.Write(out)
	return err
}
