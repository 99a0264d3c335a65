package wrangler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tailscale/hujson"
)

// JSONC is merged as text too: hujson's syntax tree carries the offset of
// every value, and new members are inserted where they belong, indented
// like their neighbours. (hujson.Patch would reformat what it touches.)

// hujsonError matches the position prefix of hujson's syntax errors.
var hujsonError = regexp.MustCompile(`^hujson: line (\d+), column (\d+): `)

func parseJSONC(src []byte, path string) (hujson.Value, error) {
	v, err := hujson.Parse(src)
	if err != nil {
		msg := err.Error()
		if m := hujsonError.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			return v, &configError{path: path, line: line, col: col, msg: msg[len(m[0]):]}
		}
		return v, &configError{path: path, msg: strings.TrimPrefix(msg, "hujson: ")}
	}
	if _, ok := v.Value.(*hujson.Object); !ok {
		return v, &configError{path: path, msg: "the top level must be an object"}
	}
	return v, nil
}

func decodeJSONC(src []byte, path string) (map[string]any, error) {
	// Standardize works in place, on the bytes the tree points into.
	v, err := parseJSONC(bytes.Clone(src), path)
	if err != nil {
		return nil, err
	}
	v.Standardize()
	doc := map[string]any{}
	if err := json.Unmarshal(v.Pack(), &doc); err != nil {
		return nil, &configError{path: path, msg: err.Error()}
	}
	return doc, nil
}

type jsonDoc struct {
	src   []byte
	unit  string // one level of indentation
	edits []edit
}

// writeJSONC inserts the changes of root into src.
func writeJSONC(src []byte, root *table) ([]byte, error) {
	v, err := parseJSONC(src, "")
	if err != nil {
		return nil, err
	}
	d := &jsonDoc{src: src, unit: "\t"}
	// The first member of the top level shows the file's indentation.
	if obj := v.Value.(*hujson.Object); len(obj.Members) > 0 {
		if at := obj.Members[0].Name.StartOffset; firstOnLine(src, at) && indentAt(src, at) != "" {
			d.unit = indentAt(src, at)
		}
	}
	if err := d.object(&v, root, ""); err != nil {
		return nil, err
	}
	return apply(src, d.edits), nil
}

// memberValue returns the value of the last member named key: the one that
// counts when a key repeats.
func memberValue(obj *hujson.Object, key string) *hujson.Value {
	for i := len(obj.Members) - 1; i >= 0; i-- {
		if lit, ok := obj.Members[i].Name.Value.(hujson.Literal); ok && lit.String() == key {
			return &obj.Members[i].Value
		}
	}
	return nil
}

// object writes the changes of t into the object v.
func (d *jsonDoc) object(v *hujson.Value, t *table, path string) error {
	obj, ok := v.Value.(*hujson.Object)
	if !ok {
		return fmt.Errorf("cannot find object %s: %w", path, errLayout)
	}
	first, last := -1, -1
	if n := len(obj.Members); n > 0 {
		first, last = obj.Members[0].Name.StartOffset, obj.Members[n-1].Value.EndOffset
	}
	indent := d.itemIndent(v.StartOffset, first)
	if adds := t.adds(); len(adds) > 0 {
		items := make([]string, len(adds))
		for i, m := range adds {
			items[i] = jsonString(m.key) + ": " + d.value(m.value, indent)
		}
		d.edits = append(d.edits, insertItems(d.src, v.StartOffset, v.EndOffset-1, last, items, indent, jsonComment, true)...)
	}
	for _, c := range t.changes {
		if !c.existing {
			continue
		}
		mv := memberValue(obj, c.key)
		if mv == nil {
			return fmt.Errorf("cannot find %s.%s: %w", path, c.key, errLayout)
		}
		var err error
		switch ov := c.value.(type) {
		case *table:
			err = d.object(mv, ov, path+"."+c.key)
		case *list:
			err = d.array(mv, ov, path+"."+c.key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// array writes the changes of l into the array v.
func (d *jsonDoc) array(v *hujson.Value, l *list, path string) error {
	arr, ok := v.Value.(*hujson.Array)
	if !ok {
		return fmt.Errorf("cannot find array %s: %w", path, errLayout)
	}
	for _, e := range l.elems {
		if e.index >= len(arr.Elements) {
			return fmt.Errorf("cannot find %s[%d]: %w", path, e.index, errLayout)
		}
		if err := d.object(&arr.Elements[e.index], e.t, fmt.Sprintf("%s[%d]", path, e.index)); err != nil {
			return err
		}
	}
	if len(l.add) == 0 {
		return nil
	}
	first, last := -1, -1
	if n := len(arr.Elements); n > 0 {
		first, last = arr.Elements[0].StartOffset, arr.Elements[n-1].EndOffset
	}
	indent := d.itemIndent(v.StartOffset, first)
	items := make([]string, len(l.add))
	for i, e := range l.add {
		items[i] = d.value(e, indent)
	}
	d.edits = append(d.edits, insertItems(d.src, v.StartOffset, v.EndOffset-1, last, items, indent, jsonComment, true)...)
	return nil
}

// itemIndent is the indentation of the items of the list opened at open:
// that of its first item when it starts a line, else one level deeper
// than the line of the bracket.
func (d *jsonDoc) itemIndent(open, first int) string {
	if first >= 0 && firstOnLine(d.src, first) {
		return indentAt(d.src, first)
	}
	return indentAt(d.src, open) + d.unit
}

// value writes a new value whose first line is at indentation indent.
func (d *jsonDoc) value(v any, indent string) string {
	inner := indent + d.unit
	block := func(open, close string, items []string) string {
		if len(items) == 0 {
			return open + close
		}
		return open + "\n" + inner + strings.Join(items, ",\n"+inner) + "\n" + indent + close
	}
	switch v := v.(type) {
	case string:
		return jsonString(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return formatFloat(v)
	case bool:
		return strconv.FormatBool(v)
	case *list:
		return d.value(v.add, indent)
	case []any:
		items := make([]string, len(v))
		for i, e := range v {
			items[i] = d.value(e, inner)
		}
		if !isBlock(v) {
			return "[" + strings.Join(items, ", ") + "]"
		}
		return block("[", "]", items)
	case *table:
		items := make([]string, len(v.changes))
		for i, c := range v.changes {
			items[i] = jsonString(c.key) + ": " + d.value(c.value, inner)
		}
		return block("{", "}", items)
	}
	return "" // unreachable: plans hold no other values; the output check would fail
}

// jsonString quotes s without the HTML escapes of encoding/json.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonComment returns the end of the comment at i, or i if none starts
// there.
func jsonComment(src []byte, i int) int {
	switch {
	case bytes.HasPrefix(src[i:], []byte("//")):
		return lineEnd(src, i)
	case bytes.HasPrefix(src[i:], []byte("/*")):
		if j := bytes.Index(src[i+2:], []byte("*/")); j >= 0 {
			return i + 2 + j + 2
		}
		return len(src)
	}
	return i
}
