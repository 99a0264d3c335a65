package decorators

import (
	"regexp"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/source"
)

// Undecorate returns the text of a .cloesce.ts file as a module of the
// current edition (cloesce convert): the same classes and method bodies,
// with every decorator removed (the schema is now in .clo files), the
// decorators' names dropped from its import of "cloesce/backend", and
// imports of other .cloesce modules pointed at their converted names.
// Text it does not parse is reported, and nil returned.
func Undecorate(src *source.File, diags *diag.List) []byte {
	errs := diags.ErrorCount()
	classes, _ := parse(src, diags)
	if diags.ErrorCount() > errs {
		return nil
	}
	var spans []source.Span
	for _, c := range classes {
		spans = appendDecorators(spans, c.decos)
		for _, m := range c.members {
			spans = appendDecorators(spans, m.decos)
			for _, p := range m.params {
				spans = appendDecorators(spans, p.decos)
			}
		}
	}
	slices.SortFunc(spans, func(a, b source.Span) int { return a.Start - b.Start })
	text := src.Text
	var out strings.Builder
	at := 0
	for _, s := range spans {
		start, end := lineAware(text, s.Start, s.End)
		out.WriteString(text[at:start])
		at = end
	}
	out.WriteString(text[at:])
	return []byte(renameImports(out.String()))
}

func appendDecorators(spans []source.Span, ds []*decorator) []source.Span {
	for _, d := range ds {
		spans = append(spans, d.span)
	}
	return spans
}

// lineAware widens the span of a decorator to what removing it takes: its
// whole line when nothing else is on it, else the blanks after it.
func lineAware(text string, start, end int) (int, int) {
	lineStart := strings.LastIndexByte(text[:start], '\n') + 1
	for end < len(text) && (text[end] == ' ' || text[end] == '\t') {
		end++
	}
	if strings.TrimSpace(text[lineStart:start]) == "" && (end == len(text) || text[end] == '\n' || text[end] == '\r') {
		if end < len(text) && text[end] == '\r' {
			end++
		}
		if end < len(text) {
			end++
		}
		return lineStart, end
	}
	return start, end
}

// backendImport matches a named import of "cloesce/backend".
var backendImport = regexp.MustCompile(`import\s*\{([^}]*)\}\s*from\s*(["'])cloesce/backend["'];?[ \t]*\r?\n?`)

// cloesceModule matches the specifier of an import of another .cloesce module.
var cloesceModule = regexp.MustCompile(`(from\s*["'][^"'\n]*)\.cloesce(["'])`)

// decoratorNames are what "cloesce/backend" exports that only decorators use.
var decoratorNames = map[string]bool{
	"Model": true, "Service": true, "WranglerEnv": true, "PrimaryKey": true, "ForeignKey": true,
	"OneToOne": true, "OneToMany": true, "ManyToMany": true, "KV": true, "R2": true, "KeyParam": true,
	"DataSource": true, "Inject": true, "GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
}

// renameImports drops the decorators from the imports of "cloesce/backend"
// (the whole import when nothing else is left) and renames imports of
// .cloesce modules.
func renameImports(text string) string {
	text = backendImport.ReplaceAllStringFunc(text, func(imp string) string {
		m := backendImport.FindStringSubmatch(imp)
		var kept []string
		for _, n := range strings.Split(m[1], ",") {
			n = strings.TrimSpace(n)
			if n != "" && !decoratorNames[strings.TrimPrefix(n, "type ")] {
				kept = append(kept, n)
			}
		}
		if len(kept) == 0 {
			return ""
		}
		end := ""
		if strings.HasSuffix(imp, "\n") {
			end = "\n"
		}
		return "import { " + strings.Join(kept, ", ") + " } from " + m[2] + "cloesce/backend" + m[2] + ";" + end
	})
	return cloesceModule.ReplaceAllString(text, "$1$2")
}
