package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cloesce-go/cloesce/internal/golden"
	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestCurrent fails when the committed runtime/src/cidl.ts is not what
// tsgen writes from package idl: a change to the interface description
// must reach the runtime's types. UPDATE_GOLDEN=1 rewrites it.
func TestCurrent(t *testing.T) {
	want, err := Generate("..")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "..", filepath.FromSlash(Output))
	if golden.Updating() {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: it is not what package idl declares; run `go generate ./internal/idl` to refresh it\n%s", Output, firstDiff(string(got), string(want)))
	}
}

// firstDiff shows the first line where the committed file and the
// generated one differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		if i >= len(g) || i >= len(w) || g[i] != w[i] {
			line := func(l []string) string {
				if i < len(l) {
					return l[i]
				}
				return "(end of file)"
			}
			return fmt.Sprintf("first difference, line %d:\n  committed: %s\n  generated: %s", i+1, line(g), line(w))
		}
	}
	return ""
}

// TestEveryKind checks that CidlType has an alternative for the JSON of
// every kind of type.
func TestEveryKind(t *testing.T) {
	_, union, ok := custom(reflect.TypeFor[idl.Type]())
	if !ok {
		t.Fatal("idl.Type has no TypeScript method")
	}
	for k := idl.Void; k <= idl.KVObject; k++ {
		js, err := (&idl.Type{Kind: k, Name: "M", Elem: idl.Prim(idl.Int)}).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		// A primitive's quoted name, or an object's key.
		want := string(js)
		if key, _, ok := strings.Cut(strings.TrimPrefix(want, "{"), ":"); ok {
			want = "{ " + strings.Trim(key, `"`) + ":"
		}
		if !strings.Contains(strings.Join(union, " | "), want) {
			t.Errorf("CidlType %q has no alternative for %s", union, js)
		}
	}
}

// TestStale checks the message of a stale file.
func TestStale(t *testing.T) {
	got := firstDiff("a\nb\n", "a\nc\n")
	if want := "first difference, line 2:\n  committed: b\n  generated: c"; got != want {
		t.Errorf("firstDiff = %q, want %q", got, want)
	}
}
