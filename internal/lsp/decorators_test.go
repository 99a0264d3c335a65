package lsp

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
)

// TestExtractedLikeClo checks the index and hover of .cloesce.ts files
// against the .clo files they are equivalent to: the examples of the
// decorator edition's book (internal/decorators/testdata/examples, where
// both give the same cidl.json). Every name the .clo project declares has
// the same hover in the .ts project, and every name the index finds in a
// .ts file covers that name as the text writes it (a built-in type, the
// TypeScript type the schema reads as it: Integer for int).
func TestExtractedLikeClo(t *testing.T) {
	paths, err := filepath.Glob("../decorators/testdata/examples/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ts := analyzeArchive(t, ar, decorators.IsSource)
			clo := analyzeArchive(t, ar, isCloesce)
			tsSyms := symbolsOf(ts.index)
			for key, sym := range symbolsOf(clo.index) {
				other := tsSyms[key]
				if other == nil {
					t.Errorf("%s: declared in the .clo, not in the .ts", key)
					continue
				}
				want := (&hoverer{snap: clo}).symbol(sym)
				if got := (&hoverer{snap: ts}).symbol(other); got != want {
					t.Errorf("hover on %s:\n.cloesce.ts:\n%s\n.clo:\n%s", key, got, want)
				}
			}
			for file, occs := range ts.index.byFile {
				for _, o := range occs {
					oc := ts.index.occurrence(file, o)
					if text := oc.span.Text(); text != oc.sym.name && oc.sym.kind != symPrimitive {
						t.Errorf("%s:%d: %q is an occurrence of %s", filepath.Base(file), oc.span.Start, text, oc.sym.name)
					}
				}
			}
		})
	}
}

// analyzeArchive analyses, as a project of its own, the files of an
// archive that keep says are schema files, failing on errors.
func analyzeArchive(t *testing.T, ar *txtar.Archive, keep func(string) bool) *snapshot {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cloesce.jsonc"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var first string
	for _, f := range ar.Files {
		if !keep(f.Name) {
			continue
		}
		path := filepath.Join(dir, f.Name)
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = path
		}
	}
	s := newServer(protocol.NewConn(strings.NewReader(""), &syncBuffer{}), Options{Debounce: time.Hour})
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.current(s.projectOf(first))
	for _, d := range snap.diags {
		// An example may leave a class unexported: the Worker could not
		// call it (E0610), but the schema is whole.
		if d.Severity == diag.Error && d.Code != diag.TSLink {
			t.Fatalf("%s: %s %s", d.Span, d.Code, d.Message)
		}
	}
	return snap
}

// symbolsOf returns every declared symbol of an index by kind, owner and
// name.
func symbolsOf(x *index) map[string]*symbol {
	out := map[string]*symbol{}
	add := func(scope map[string]*symbol) {
		for _, sym := range scope {
			if sym.kind != symPrimitive {
				out[fmt.Sprintf("%s %s.%s", what(sym), sym.owner, sym.name)] = sym
			}
		}
	}
	add(x.globals)
	for _, scopes := range []map[string]map[string]*symbol{x.fields, x.pooFields, x.sources, x.templates, x.shards, x.methods, x.paramScopes} {
		for _, owner := range slices.Sorted(maps.Keys(scopes)) {
			add(scopes[owner])
		}
	}
	return out
}

// TestExtractionReused checks that a project's .cloesce.ts files are
// extracted again only when one of them changes, as a .clo file is
// parsed again only when it changes.
func TestExtractionReused(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"cloesce.jsonc":   "{}",
		"dogs.cloesce.ts": "@WranglerEnv\nexport class Env {\n    db: D1Database;\n}\n\n@Model()\nexport class Dog {\n    id: Integer;\n}\n",
		"walks.clo":       "model Walk {\n    primary {\n        id: int\n    }\n\n    foreign Dog::id {\n        dogId\n    }\n}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := newServer(protocol.NewConn(strings.NewReader(""), &syncBuffer{}), Options{Debounce: time.Hour})
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range []struct {
		edit   string // the file the editor changes
		reused bool
	}{
		{"walks.clo", true},
		{"dogs.cloesce.ts", false},
		{"walks.clo", true},
	} {
		path := filepath.Join(dir, c.edit)
		p := s.projectOf(path)
		last := s.current(p)
		before := p.extracted
		files[c.edit] += "\n"
		s.docs[path] = &document{uri: pathToURI(path), path: path, text: files[c.edit], lines: newLines(files[c.edit])}
		p.dirty = true
		snap := s.current(p)
		if got := p.extracted == before; got != c.reused {
			t.Errorf("after an edit of %s: extraction reused %v, want %v", c.edit, got, c.reused)
		}
		if len(snap.diags) > 0 {
			t.Errorf("after an edit of %s: %s", c.edit, snap.diags[0].Message)
		}
		// The last snapshot keeps its trees.
		if pf := last.byPath[filepath.Join(dir, "dogs.cloesce.ts")]; pf == nil || len(pf.file.Decls) == 0 {
			t.Errorf("after an edit of %s: the last snapshot lost the extracted tree", c.edit)
		}
	}
}
