package diag

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/source"
)

// spanOf returns the span of sub inside the first occurrence of context,
// which must be unique enough to pick the intended place.
func spanOf(f *source.File, context, sub string) source.Span {
	i := strings.Index(f.Text, context)
	j := strings.Index(context, sub)
	if i < 0 || j < 0 {
		panic("spanOf: " + context + " / " + sub + " not found")
	}
	return source.Span{File: f, Start: i + j, End: i + j + len(sub)}
}

var (
	schemaFile = source.NewFile("schema.clo", "// users\nmodel User {\n    id int\n}\n")
	eofFile    = source.NewFile("eof.clo", "model A {")
	eolFile    = source.NewFile("eol.clo", "model A {\n")
	multiFile  = source.NewFile("multi.clo", "model User {\n    id: int\n}\n")
	dupFile    = source.NewFile("dup.clo", "model A {\n    a: int, a: real\n}\n")
	farFile    = source.NewFile("far.clo", "model A {\n    id: int\n}\n\nmodel B {\n    id: int\n}\n\nmodel A {\n    x: int\n}\n")
	aFile      = source.NewFile("a.clo", "model User {}\n")
	bFile      = source.NewFile("b.clo", "// b\nmodel User {}\n")
	tabFile    = source.NewFile("tab.clo", "model A {\n\tid int\n}\n")
)

// expectedColon is the diagnostic of the package documentation's example.
func expectedColon() *Diagnostic {
	return &Diagnostic{
		Code:    UnexpectedToken,
		Message: "expected ':' after field name, found 'int'",
		Span:    spanOf(schemaFile, "id int", "int"),
		Label:   "expected ':'",
		Help:    []string{"fields are written `name: type`"},
	}
}

var humanTests = []struct {
	name  string
	diags []*Diagnostic
	want  string
}{
	{
		name:  "empty",
		diags: nil,
		want:  "",
	},
	{
		name:  "single line with label and help",
		diags: []*Diagnostic{expectedColon()},
		want: `error[E0005]: expected ':' after field name, found 'int'
 --> schema.clo:3:8
  |
3 |     id int
  |        ^^^ expected ':'
  |
  = help: fields are written ` + "`name: type`" + `

error: aborting due to 1 previous error
`,
	},
	{
		name: "zero length span at end of file",
		diags: []*Diagnostic{{
			Code:    UnclosedDelimiter,
			Message: "expected '}', found end of file",
			Span:    source.Span{File: eofFile, Start: len(eofFile.Text), End: len(eofFile.Text)},
			Label:   "expected '}'",
		}},
		want: `error[E0006]: expected '}', found end of file
 --> eof.clo:1:10
  |
1 | model A {
  |          ^ expected '}'

error: aborting due to 1 previous error
`,
	},
	{
		name: "zero length span on the empty last line",
		diags: []*Diagnostic{(&Diagnostic{
			Code:    UnclosedDelimiter,
			Message: "unclosed '{'",
			Span:    source.Span{File: eolFile, Start: len(eolFile.Text), End: len(eolFile.Text)},
			Label:   "expected '}'",
		}).Also(spanOf(eolFile, "{", "{"), "block opened here")},
		want: `error[E0006]: unclosed '{'
 --> eol.clo:2:1
  |
1 | model A {
  |         - block opened here
2 |
  | ^ expected '}'

error: aborting due to 1 previous error
`,
	},
	{
		name: "span over several lines",
		diags: []*Diagnostic{{
			Severity: Warning,
			Message:  "model 'User' is never used",
			Span:     source.Span{File: multiFile, Start: 0, End: len(multiFile.Text) - 1},
			Label:    "declared here",
		}},
		want: `warning: model 'User' is never used
 --> multi.clo:1:1
  |
1 | model User {
  | ^^^^^^^^^^^^ declared here

warning: 1 warning emitted
`,
	},
	{
		name: "span starting at a line break",
		diags: []*Diagnostic{{
			Code:    UnexpectedChar,
			Message: "unexpected line break",
			Span:    spanOf(eolFile, "{\n", "\n"),
		}},
		want: `error[E0001]: unexpected line break
 --> eol.clo:1:10
  |
1 | model A {
  |          ^

error: aborting due to 1 previous error
`,
	},
	{
		name: "secondary label on the same line",
		diags: []*Diagnostic{(&Diagnostic{
			Code:    "E0200",
			Message: "field 'a' is defined twice",
			Span:    spanOf(dupFile, ", a:", "a"),
			Label:   "redefined here",
		}).Also(spanOf(dupFile, "a: int", "a"), "first defined here")},
		want: `error[E0200]: field 'a' is defined twice
 --> dup.clo:2:13
  |
2 |     a: int, a: real
  |     - first defined here
  |             ^ redefined here

error: aborting due to 1 previous error
`,
	},
	{
		name: "secondary label far away",
		diags: []*Diagnostic{(&Diagnostic{
			Code:    "E0201",
			Message: "model 'A' is defined twice",
			Span:    spanOf(farFile, "model A {\n    x", "A"),
			Label:   "redefined here",
			Notes:   []string{"names of models must be unique"},
		}).Also(spanOf(farFile, "model A", "A"), "first defined here")},
		want: `error[E0201]: model 'A' is defined twice
 --> far.clo:9:7
  |
1 | model A {
  |       - first defined here
...
9 | model A {
  |       ^ redefined here
  |
  = note: names of models must be unique

error: aborting due to 1 previous error
`,
	},
	{
		name: "gap of one line and two digit line numbers",
		diags: []*Diagnostic{(&Diagnostic{
			Code:    UnexpectedToken,
			Message: "expected a field, found '}'",
			Span:    spanOf(farFile, "x: int\n}", "}"),
			Label:   "block closed here",
			Notes:   []string{"a model needs a primary key"},
			Help:    []string{"add `id: int`"},
		}).Also(spanOf(farFile, "A {\n    x", "{"), "opened here")},
		want: `error[E0005]: expected a field, found '}'
  --> far.clo:11:1
   |
 9 | model A {
   |         - opened here
10 |     x: int
11 | }
   | ^ block closed here
   |
   = note: a model needs a primary key
   = help: add ` + "`id: int`" + `

error: aborting due to 1 previous error
`,
	},
	{
		name: "secondary label in another file",
		diags: []*Diagnostic{(&Diagnostic{
			Code:    "E0201",
			Message: "model 'User' is defined twice",
			Span:    spanOf(bFile, "User", "User"),
			Label:   "redefined here",
		}).Also(spanOf(aFile, "User", "User"), "first defined here")},
		want: `error[E0201]: model 'User' is defined twice
 --> b.clo:2:7
  |
2 | model User {}
  |       ^^^^ redefined here
  |
 ::: a.clo:1:7
  |
1 | model User {}
  |       ---- first defined here

error: aborting due to 1 previous error
`,
	},
	{
		name: "secondary label without a span is not drawn",
		diags: []*Diagnostic{(&Diagnostic{
			Code:    UnexpectedToken,
			Message: "unexpected 'User'",
			Span:    spanOf(aFile, "User", "User"),
		}).Also(source.Span{}, "nowhere")},
		want: `error[E0005]: unexpected 'User'
 --> a.clo:1:7
  |
1 | model User {}
  |       ^^^^

error: aborting due to 1 previous error
`,
	},
	{
		name: "tab before the span",
		diags: []*Diagnostic{{
			Code:    UnexpectedToken,
			Message: "expected ':' after field name, found 'int'",
			Span:    spanOf(tabFile, "id int", "int"),
		}},
		want: `error[E0005]: expected ':' after field name, found 'int'
 --> tab.clo:2:5
  |
2 |     id int
  |        ^^^

error: aborting due to 1 previous error
`,
	},
	{
		name: "tab inside the span",
		diags: []*Diagnostic{{
			Severity: Warning,
			Message:  "indented with a tab",
			Span:     spanOf(tabFile, "\tid", "\tid"),
		}},
		want: `warning: indented with a tab
 --> tab.clo:2:1
  |
2 |     id int
  | ^^^^^^

warning: 1 warning emitted
`,
	},
	{
		name: "no span, summary counts",
		diags: []*Diagnostic{
			{Severity: Warning, Code: ConfigUnknownKey, Message: `unknown key "foo"`, Notes: []string{"it is ignored"}},
			{Code: NoSources, Message: "no .clo or .cloesce files found", Help: []string{"check src_paths in cloesce.jsonc"}},
			{Code: ConfigType, Message: `"src_paths" must be an array`},
		},
		want: `warning[W0103]: unknown key "foo"
 = note: it is ignored

error[E0105]: no .clo or .cloesce files found
 = help: check src_paths in cloesce.jsonc

error[E0102]: "src_paths" must be an array

error: aborting due to 2 previous errors; 1 warning emitted
`,
	},
	{
		name: "only warnings",
		diags: []*Diagnostic{
			{Severity: Warning, Code: ConfigUnknownKey, Message: `unknown key "foo"`},
			{Severity: Warning, Code: ConfigUnknownKey, Message: `unknown key "bar"`},
		},
		want: `warning[W0103]: unknown key "foo"

warning[W0103]: unknown key "bar"

warning: 2 warnings emitted
`,
	},
	{
		name: "errors and warnings",
		diags: []*Diagnostic{
			{Code: NoSources, Message: "no sources"},
			{Severity: Warning, Code: ConfigUnknownKey, Message: `unknown key "foo"`},
			{Severity: Warning, Code: SourcePathMissing, Message: `"gone" does not exist`},
		},
		want: `error[E0105]: no sources

warning[W0103]: unknown key "foo"

warning[W0104]: "gone" does not exist

error: aborting due to 1 previous error; 2 warnings emitted
`,
	},
}

func render(t *testing.T, diags []*Diagnostic, opts Options) string {
	t.Helper()
	var b strings.Builder
	if err := Render(&b, diags, opts); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

func TestHuman(t *testing.T) {
	for _, tt := range humanTests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.diags, Options{})
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			if strings.Contains(got, "\x1b") {
				t.Errorf("output without Color contains an escape sequence:\n%q", got)
			}
		})
	}
}

var escapes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour must change nothing but the escape sequences.
func TestColorOnlyAddsEscapes(t *testing.T) {
	for _, tt := range humanTests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.diags, Options{Color: true})
			if plain := escapes.ReplaceAllString(got, ""); plain != tt.want {
				t.Errorf("coloured output without escapes:\n%s\nwant:\n%s", plain, tt.want)
			}
		})
	}
}

func TestColor(t *testing.T) {
	d := expectedColon()
	d.Also(spanOf(schemaFile, "id", "id"), "field")
	got := render(t, []*Diagnostic{d}, Options{Color: true})
	want := "\x1b[1;31merror[E0005]\x1b[0m\x1b[1m: expected ':' after field name, found 'int'\x1b[0m\n" +
		" \x1b[1;34m--> \x1b[0mschema.clo:3:8\n" +
		"\x1b[1;34m  |\x1b[0m\n" +
		"\x1b[1;34m3 |\x1b[0m     id int\n" +
		"\x1b[1;34m  |\x1b[0m     \x1b[1;34m-- field\x1b[0m\n" +
		"\x1b[1;34m  |\x1b[0m        \x1b[1;31m^^^ expected ':'\x1b[0m\n" +
		"\x1b[1;34m  |\x1b[0m\n" +
		"  \x1b[1;34m=\x1b[0m\x1b[1m help\x1b[0m: fields are written `name: type`\n" +
		"\n" +
		"\x1b[1;31merror\x1b[0m\x1b[1m: aborting due to 1 previous error\x1b[0m\n"
	if got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}

	w := &Diagnostic{Severity: Warning, Code: ConfigUnknownKey, Message: "w", Span: spanOf(schemaFile, "User", "User")}
	got = render(t, []*Diagnostic{w}, Options{Color: true})
	for _, s := range []string{"\x1b[1;33mwarning[W0103]\x1b[0m", "\x1b[1;33m^^^^\x1b[0m", "\x1b[1;33mwarning\x1b[0m"} {
		if !strings.Contains(got, s) {
			t.Errorf("warning output lacks %q:\n%q", s, got)
		}
	}
}

func TestShort(t *testing.T) {
	diags := []*Diagnostic{
		{Code: NoSources, Message: "no .clo or .cloesce files found", Help: []string{"check src_paths", "or add files"}},
		expectedColon(),
		{Severity: Warning, Message: "model 'A' is unused", Span: spanOf(farFile, "model A", "A")},
	}
	got := render(t, diags, Options{Format: Short})
	want := `error[E0105]: no .clo or .cloesce files found (help: check src_paths)
schema.clo:3:8: error[E0005]: expected ':' after field name, found 'int' (help: fields are written ` + "`name: type`" + `)
far.clo:1:7: warning: model 'A' is unused
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := render(t, nil, Options{Format: Short}); got != "" {
		t.Errorf("no diagnostics: got %q, want nothing", got)
	}
}

func TestJSON(t *testing.T) {
	f := source.NewFile("a.clo", "model A {}\n")
	diags := []*Diagnostic{
		(&Diagnostic{
			Code:    "E0201",
			Message: "model 'A' is defined twice",
			Span:    spanOf(f, "A", "A"),
			Label:   "here",
			Help:    []string{"rename it"},
		}).Also(spanOf(f, "{", "{"), "opened here"),
		{Severity: Warning, Code: SourcePathMissing, Message: "partial<T> & more"},
	}
	got := render(t, diags, Options{Format: JSON})
	want := `[
  {
    "severity": "error",
    "code": "E0201",
    "message": "model 'A' is defined twice",
    "file": "a.clo",
    "start": {
      "line": 1,
      "column": 7,
      "offset": 6
    },
    "end": {
      "line": 1,
      "column": 8,
      "offset": 7
    },
    "label": "here",
    "secondary": [
      {
        "file": "a.clo",
        "start": {
          "line": 1,
          "column": 9,
          "offset": 8
        },
        "end": {
          "line": 1,
          "column": 10,
          "offset": 9
        },
        "message": "opened here"
      }
    ],
    "notes": [],
    "help": [
      "rename it"
    ]
  },
  {
    "severity": "warning",
    "code": "W0104",
    "message": "partial<T> & more",
    "secondary": [],
    "notes": [],
    "help": []
  }
]
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}

	if got := render(t, nil, Options{Format: JSON}); got != "[]\n" {
		t.Errorf("no diagnostics: got %q, want %q", got, "[]\n")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var diags []*Diagnostic
	for _, tt := range humanTests {
		diags = append(diags, tt.diags...)
	}
	var got []struct {
		Severity  string
		Code      string
		Message   string
		File      *string
		Start     *jsonPos
		End       *jsonPos
		Label     string
		Secondary []struct {
			File    string
			Start   jsonPos
			End     jsonPos
			Message string
		}
		Notes []string
		Help  []string
	}
	out := render(t, diags, Options{Format: JSON})
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got) != len(diags) {
		t.Fatalf("got %d elements, want %d", len(got), len(diags))
	}
	for i, d := range diags {
		g := got[i]
		if g.Severity != d.Severity.String() || g.Code != string(d.Code) || g.Message != d.Message || g.Label != d.Label {
			t.Errorf("%d: got %+v for %+v", i, g, d)
		}
		if g.Notes == nil || g.Help == nil || g.Secondary == nil {
			t.Errorf("%d: notes, help and secondary must be arrays, got %s", i, out)
		}
		if len(g.Notes) != len(d.Notes) || len(g.Help) != len(d.Help) || len(g.Secondary) != len(d.Secondary) {
			t.Errorf("%d: got %+v for %+v", i, g, d)
		}
		if !d.Span.IsValid() {
			if g.File != nil || g.Start != nil || g.End != nil {
				t.Errorf("%d: location of a diagnostic without span: %+v", i, g)
			}
			continue
		}
		start, end := d.Span.Pos(), d.Span.EndPos()
		if g.File == nil || *g.File != d.Span.File.Name ||
			g.Start == nil || *g.Start != (jsonPos{start.Line, start.Column, start.Offset}) ||
			g.End == nil || *g.End != (jsonPos{end.Line, end.Column, end.Offset}) {
			t.Errorf("%d: location: got %+v, want %v to %v", i, g, start, end)
		}
		for j, l := range d.Secondary {
			gl := g.Secondary[j]
			if !l.Span.IsValid() {
				if gl.File != "" || gl.Start != (jsonPos{}) || gl.Message != l.Message {
					t.Errorf("%d: secondary %d without span: got %+v", i, j, gl)
				}
				continue
			}
			if gl.File != l.Span.File.Name || gl.Message != l.Message || gl.Start.Offset != l.Span.Start {
				t.Errorf("%d: secondary %d: got %+v, want %+v", i, j, gl, l)
			}
		}
	}
}

func TestCwd(t *testing.T) {
	cwd := filepath.FromSlash("/home/u/proj")
	inside := source.NewFile(filepath.Join(cwd, "schemas", "a.clo"), "model A {}\n")
	outside := source.NewFile(filepath.FromSlash("/home/u/other/b.clo"), "model B {}\n")
	relative := source.NewFile("c.clo", "model C {}\n")
	diags := []*Diagnostic{
		(&Diagnostic{Message: "in", Span: spanOf(inside, "A", "A")}).Also(spanOf(outside, "B", "B"), "elsewhere"),
		{Message: "out", Span: spanOf(outside, "B", "B")},
		{Message: "rel", Span: spanOf(relative, "C", "C")},
	}
	opts := Options{Format: Short, Cwd: cwd}
	want := "schemas/a.clo:1:7: error: in\n" +
		filepath.ToSlash(outside.Name) + ":1:7: error: out\n" +
		"c.clo:1:7: error: rel\n"
	if got := render(t, diags, opts); got != want {
		t.Errorf("short: got:\n%s\nwant:\n%s", got, want)
	}

	opts.Format = Human
	got := render(t, diags[:1], opts)
	for _, s := range []string{" --> schemas/a.clo:1:7\n", " ::: " + filepath.ToSlash(outside.Name) + ":1:7\n"} {
		if !strings.Contains(got, s) {
			t.Errorf("human output lacks %q:\n%s", s, got)
		}
	}

	opts.Format = JSON
	got = render(t, diags[:1], opts)
	for _, s := range []string{`"file": "schemas/a.clo"`, `"file": "` + filepath.ToSlash(outside.Name) + `"`} {
		if !strings.Contains(got, s) {
			t.Errorf("JSON output lacks %q:\n%s", s, got)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Format
	}{
		{"human", Human},
		{"short", Short},
		{"json", JSON},
	} {
		got, err := ParseFormat(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tt.in)
		}
	}
	for _, in := range []string{"", "JSON", "text"} {
		if _, err := ParseFormat(in); err == nil || !strings.Contains(err.Error(), "human, short, json") {
			t.Errorf("ParseFormat(%q): got error %v, want one naming the valid formats", in, err)
		}
	}
	var b strings.Builder
	if err := Render(&b, nil, Options{Format: Format(7)}); err == nil {
		t.Errorf("Render with an unknown format: got no error")
	}
}

func TestUseColor(t *testing.T) {
	regular, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	dev, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	// Neither is a terminal, though the null device is a character device.
	for _, f := range []*os.File{regular, dev, nil} {
		if UseColor(f) {
			t.Errorf("UseColor(%v) = true", f)
		}
	}
}

func TestColorWanted(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"TERM": "xterm"}, true},
		{map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, false},
		{map[string]string{"TERM": "dumb"}, false},
		{map[string]string{}, true},
	}
	for _, tt := range tests {
		if got := colorWanted(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("colorWanted(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}
