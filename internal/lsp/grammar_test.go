package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/version"
)

// TestGrammar checks the VS Code extension's TextMate grammar against
// the language the server knows: it is valid JSON of a grammar's shape,
// every include resolves, every scope is the language's, and every
// keyword, tag and type the server documents is highlighted. (Its
// regular expressions are Oniguruma's, with look-arounds Go's regexp
// lacks: editors/vscode/test tokenizes a sample with VS Code's engine.)
func TestGrammar(t *testing.T) {
	data, err := os.ReadFile("../../editors/vscode/syntaxes/cloesce.tmLanguage.json")
	if err != nil {
		t.Fatal(err)
	}
	type pattern struct {
		Name, Match, Begin, End, Include string
		Patterns                         []*pattern
		Captures, BeginCaptures          map[string]struct{ Name string }
	}
	var g struct {
		ScopeName  string
		Patterns   []*pattern
		Repository map[string]*pattern
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&g); err != nil {
		t.Fatal(err)
	}
	if g.ScopeName != "source.cloesce" {
		t.Errorf("scopeName %q", g.ScopeName)
	}
	var regexes []string
	var walk func(where string, p *pattern)
	walk = func(where string, p *pattern) {
		switch {
		case p.Include != "":
			if key, ok := strings.CutPrefix(p.Include, "#"); !ok || g.Repository[key] == nil {
				t.Errorf("%s: include %q names no repository entry", where, p.Include)
			}
		case p.Match != "":
			regexes = append(regexes, p.Match)
		case p.Begin != "" && p.End != "":
			regexes = append(regexes, p.Begin)
		case len(p.Patterns) == 0:
			t.Errorf("%s: a pattern needs match, begin and end, include or patterns", where)
		}
		names := []string{p.Name}
		for _, c := range p.Captures {
			names = append(names, c.Name)
		}
		for _, c := range p.BeginCaptures {
			names = append(names, c.Name)
		}
		for _, n := range names {
			if n != "" && !strings.HasSuffix(n, ".cloesce") {
				t.Errorf("%s: scope %q is not the language's", where, n)
			}
		}
		for _, q := range p.Patterns {
			walk(where, q)
		}
	}
	for _, p := range g.Patterns {
		walk("patterns", p)
	}
	for k, p := range g.Repository {
		walk(k, p)
	}
	all := strings.Join(regexes, "\n")
	words := append(append([]string{}, primitiveNames...), genericNames...)
	for k := range keywordDocs {
		words = append(words, k)
	}
	for k := range tagDocs {
		words = append(words, k)
	}
	for _, w := range words {
		// The word, standing alone in a regex (perhaps after "\b").
		if !regexp.MustCompile(`(^|[^A-Za-z0-9_]|\\b)` + w + `([^A-Za-z0-9_]|$)`).MatchString(all) {
			t.Errorf("the grammar does not highlight %q", w)
		}
	}
}

// TestExtensionManifest checks what the VS Code extension's package.json
// promises: the compiler's version (the extension runs the server of
// its release), exact pins, @types/vscode no newer than the VS Code it
// requires (vsce refuses that), and the files it names.
func TestExtensionManifest(t *testing.T) {
	data, err := os.ReadFile("../../editors/vscode/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Version         string
		Main            string
		Engines         struct{ Vscode string }
		Dependencies    map[string]string
		DevDependencies map[string]string
		Contributes     struct {
			Languages []struct {
				ID         string
				Extensions []string
			}
			Grammars []struct{ Language, ScopeName, Path string }
		}
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Version != version.Version {
		t.Errorf("the extension has version %s, the compiler %s", pkg.Version, version.Version)
	}
	for name, v := range pkg.Dependencies {
		if strings.ContainsAny(v, "^~<>*x ") {
			t.Errorf("dependency %s is not pinned: %s", name, v)
		}
	}
	for name, v := range pkg.DevDependencies {
		if strings.ContainsAny(v, "^~<>*x ") {
			t.Errorf("devDependency %s is not pinned: %s", name, v)
		}
	}
	if want := "^" + pkg.DevDependencies["@types/vscode"]; pkg.Engines.Vscode != want {
		t.Errorf("engines.vscode is %s; with @types/vscode %s it should be %s", pkg.Engines.Vscode, pkg.DevDependencies["@types/vscode"], want)
	}
	if pkg.Main != "./out/extension.js" {
		t.Errorf("main is %s, not what the build writes", pkg.Main)
	}
	if len(pkg.Contributes.Languages) != 1 || pkg.Contributes.Languages[0].ID != "cloesce" ||
		strings.Join(pkg.Contributes.Languages[0].Extensions, " ") != ".clo .cloesce" {
		t.Errorf("languages: %+v", pkg.Contributes.Languages)
	}
	for _, g := range pkg.Contributes.Grammars {
		if _, err := os.Stat(filepath.Join("../../editors/vscode", g.Path)); err != nil || g.ScopeName != "source.cloesce" {
			t.Errorf("grammar %+v: %v", g, err)
		}
	}
}
