package wrangler

import (
	"github.com/tailscale/hujson"

	"github.com/cloesce-go/cloesce/internal/source"
)

// Diagnostics point into the user's file. Planning works on decoded data,
// which has no positions, so a locator finds a value again from its path:
// keys (string) and array indexes (int), as in
// {"d1_databases", 1, "binding"}.

// A locator returns the span of the value at path, or of the nearest
// enclosing value the file spells out; the zero Span when it finds none.
type locator func(path ...any) source.Span

// noLocator is for files not worth indexing: new ones, and the merged
// output that verify plans again.
func noLocator(...any) source.Span { return source.Span{} }

// newLocator indexes src, which decodes without error, in format.
func newLocator(file *source.File, format string) locator {
	src := []byte(file.Text)
	span := func(start, end int) source.Span {
		if start < 0 || end < start {
			return source.Span{}
		}
		return source.Span{File: file, Start: start, End: end}
	}
	if format == "jsonc" {
		v, err := hujson.Parse(src)
		if err != nil {
			return noLocator
		}
		return func(path ...any) source.Span {
			at := &v
			for _, p := range path {
				next := jsonChild(at, p)
				if next == nil {
					break
				}
				at = next
			}
			if at == &v {
				return source.Span{}
			}
			return span(at.StartOffset, at.EndOffset)
		}
	}
	d, err := indexTOML(src)
	if err != nil {
		return noLocator
	}
	return func(path ...any) source.Span {
		var found *tnode
		for n := d.root; n != nil; {
			if n != d.root && n.end > 0 {
				found = n
			}
			if len(path) == 0 {
				break
			}
			n, path = n.child(path[0]), path[1:]
		}
		if found == nil {
			return source.Span{}
		}
		return span(found.start, found.end)
	}
}

// jsonChild returns the member or element p of v, nil if there is none.
func jsonChild(v *hujson.Value, p any) *hujson.Value {
	switch p := p.(type) {
	case string:
		if obj, ok := v.Value.(*hujson.Object); ok {
			return memberValue(obj, p)
		}
	case int:
		if arr, ok := v.Value.(*hujson.Array); ok && p >= 0 && p < len(arr.Elements) {
			return &arr.Elements[p]
		}
	}
	return nil
}

// child returns the member or element p of n, nil if there is none.
func (n *tnode) child(p any) *tnode {
	switch p := p.(type) {
	case string:
		if n.isTable() {
			return n.kids[p]
		}
	case int:
		if (n.kind == tableArray || n.kind == inlineArray) && p >= 0 && p < len(n.elems) {
			return n.elems[p]
		}
	}
	return nil
}
