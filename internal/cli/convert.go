package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/worker"
	"github.com/cloesce-go/cloesce/internal/idl"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/format"
)

// runConvert moves a project of the decorator edition to the schema
// language: each x.cloesce.ts file becomes x.clo (its schema) and x.ts
// (its classes and method bodies, without decorators), and the Worker that
// compile generated becomes worker.ts beside them, the user's own. The
// converted project must describe the same interface: convert compiles it
// and compares, and says so if it does not.
func runConvert(_ context.Context, e *env, _ *flag.FlagSet, args []string) error {
	root, err := rootArg(args)
	if err != nil {
		return err
	}
	var diags diag.List
	proj, before, err := e.loadValid(root, &diags)
	if err != nil {
		return err
	}
	if len(proj.ts) == 0 {
		return fmt.Errorf("no .cloesce.ts files in %s: nothing to convert", describeSources(proj.cfg.Root, proj.cfg.SrcPaths))
	}
	outs, removed, err := convertedFiles(proj, before, &diags)
	if err != nil || diags.HasErrors() {
		if rerr := e.render(&diags); rerr != nil {
			return rerr
		}
		return err
	}
	for _, o := range outs {
		if _, err := os.Stat(o.path); err == nil {
			return fmt.Errorf("%s exists: convert writes it; move it away first", filepath.ToSlash(o.path))
		}
	}
	if _, err := writeOutputs(outs); err != nil {
		return err
	}
	for _, path := range removed {
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	for _, o := range outs {
		fmt.Fprintf(e.stdio.Out, "wrote %s\n", filepath.ToSlash(o.path))
	}
	for _, path := range removed {
		fmt.Fprintf(e.stdio.Out, "removed %s\n", filepath.ToSlash(path))
	}
	if err := e.pointWranglerAt(proj, outs[len(outs)-1].path); err != nil {
		return err
	}
	_, after, err := e.compile([]string{proj.cfg.Root})
	if err != nil {
		return err
	}
	return sameInterface(before, after)
}

// convertedFiles returns the files convert writes, the Worker last, and
// the .cloesce.ts files it removes.
func convertedFiles(proj *project, schema *idl.Schema, diags *diag.List) ([]output, []string, error) {
	trees := map[string]*ast.File{}
	for _, f := range proj.files {
		trees[f.Src.Name] = f
	}
	var outs []output
	var removed []string
	converted := map[string]string{} // .cloesce.ts path -> converted .ts path
	for _, src := range proj.ts {
		stem := strings.TrimSuffix(src.Name, ".cloesce.ts")
		if tree := trees[src.Name]; tree != nil && len(tree.Decls) > 0 {
			outs = append(outs, newOutput(filepath.FromSlash(stem+".clo"), format.Tree(tree)))
		}
		code := decorators.Undecorate(src, diags)
		if code == nil {
			return nil, nil, nil
		}
		converted[src.Name] = stem + ".ts"
		outs = append(outs, newOutput(filepath.FromSlash(stem+".ts"), code))
		removed = append(removed, filepath.FromSlash(src.Name))
	}
	dir := filepath.Dir(filepath.FromSlash(proj.ts[0].Name))
	if proj.link.Main != nil {
		dir = filepath.Dir(filepath.FromSlash(proj.link.Main.File))
	}
	generated, err := filepath.Rel(dir, proj.cfg.OutDir())
	if err != nil {
		return nil, nil, err
	}
	module := moduleFrom(dir)
	w := worker.Generate(schema, proj.link, worker.Options{
		Module:    func(file string) string { return module(converted[file]) },
		Generated: relativeSpecifier(filepath.ToSlash(generated)),
		Converted: true,
	})
	return append(outs, newOutput(filepath.Join(dir, "worker.ts"), w)), removed, nil
}

// wranglerMain matches the main entry of a wrangler config, TOML or JSON.
var wranglerMain = regexp.MustCompile(`(?m)^(\s*"?main"?\s*[=:]\s*")([^"]*)(")`)

// pointWranglerAt makes the project's wrangler config name entry as the
// Worker's main: it named the generated workers.ts, which compile no
// longer writes.
func (e *env) pointWranglerAt(proj *project, entry string) error {
	for _, name := range wranglerLookup {
		path := filepath.Join(proj.cfg.Root, name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(proj.cfg.Root, entry)
		if err != nil {
			return err
		}
		loc := wranglerMain.FindSubmatchIndex(data)
		if loc == nil {
			fmt.Fprintf(e.stdio.Out, "note: %s has no main; set it to %s\n", filepath.ToSlash(path), filepath.ToSlash(rel))
			return nil
		}
		out := bytes.Join([][]byte{data[:loc[4]], []byte(filepath.ToSlash(rel)), data[loc[5]:]}, nil)
		if err := writeFileAtomic(path, out); err != nil {
			return err
		}
		fmt.Fprintf(e.stdio.Out, "wrote %s (main = %q)\n", filepath.ToSlash(path), filepath.ToSlash(rel))
		return nil
	}
	return nil
}

// sameInterface checks that the converted project describes the interface
// the decorator edition's files did.
func sameInterface(before, after *idl.Schema) error {
	a, err := idl.Encode(before)
	if err != nil {
		return err
	}
	b, err := idl.Encode(after)
	if err != nil {
		return err
	}
	if !bytes.Equal(a, b) {
		return errors.New("the converted schema describes another interface than the .cloesce.ts files did (a bug in convert: please report it)")
	}
	return nil
}
