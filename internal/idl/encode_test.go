package idl

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// indent must produce exactly what json.Indent does, on every interface
// description the golden tests keep and on edge cases of strings and
// empty containers.
func TestIndentMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{}`, `[]`, `{"a":[]}`, `{"a":{},"b":[1,2.5,-3e7,true,false,null]}`,
		`{"s":"quote \" backslash \\ \\\" {[,:]} \u00e9 \n","t":"\\"}`,
		`[[[]],[{}],{"":""}]`,
	}
	files, _ := filepath.Glob("../sema/testdata/cidl/*.json")
	if len(files) == 0 {
		t.Fatal("no golden interface descriptions found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		inputs = append(inputs, compact.String())
	}
	for _, in := range inputs {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(in), "", "  "); err != nil {
			t.Fatalf("%.40q: %v", in, err)
		}
		if got := indent(nil, []byte(in)); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indent(%.60q) =\n%.300s\nwant\n%.300s", in, got, want.Bytes())
		}
	}
}
