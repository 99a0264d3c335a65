package wrangler

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/gentest"
)

// FuzzMerge merges arbitrary files in both formats. Whatever the input,
// Merge must not panic; a file it accepts must come back with every input
// byte in place (unless blank), and merging the result again must change nothing. Merge
// checks itself that the result decodes and is complete: a failure of that
// check is an internal error, which fails here too.
func FuzzMerge(f *testing.F) {
	paths, _ := filepath.Glob("testdata/merge/*.txtar")
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if file.Name == "wrangler.toml" || file.Name == "wrangler.jsonc" {
				f.Add(file.Data, file.Name == "wrangler.toml", false)
				f.Add(file.Data, file.Name == "wrangler.toml", true)
			}
		}
	}
	s := gentest.Analyze(f, "internal/gen/wrangler/testdata/schema.clo")
	f.Fuzz(func(t *testing.T, in []byte, isTOML, staging bool) {
		format := "jsonc"
		if isTOML {
			format = "toml"
		}
		opts := testOptions
		if staging {
			opts.Env = "staging"
		}
		var diags diag.List
		out, err := Merge(in, FileName(format), format, s, opts, &diags)
		if err != nil {
			t.Fatalf("%v\ninput:\n%s", err, in)
		}
		if diags.HasErrors() {
			return
		}
		// A blank JSONC file is replaced by a new one.
		blank := format == "jsonc" && len(bytes.TrimSpace(in)) == 0
		if !blank && !isSubsequence(in, out) {
			t.Fatalf("input bytes were changed:\n%s\noutput:\n%s", in, out)
		}
		again, err := Merge(out, FileName(format), format, s, opts, new(diag.List))
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent (%v):\n%s", err, out)
		}
	})
}
