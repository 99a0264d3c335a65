package wrangler

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// go-toml cannot write a document back with its comments, so TOML is
// merged as text: the file is indexed with go-toml's parser, which knows
// where every expression is, and new keys and tables are inserted next to
// their relatives.

func decodeTOML(src []byte, path string) (map[string]any, error) {
	doc := map[string]any{}
	if err := toml.Unmarshal(src, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return nil, &configError{path: path, line: row, col: col, msg: strings.TrimPrefix(de.Error(), "toml: ")}
		}
		return nil, &configError{path: path, msg: err.Error()}
	}
	return doc, nil
}

// A section is the top level of the file or a [table] or [[table]]
// header with the key/value lines under it.
type section struct {
	path     []string
	start    int // offset of the header line; 0 for the top level
	last     int // offset past the last key/value line, or past the header
	lastKV   int // offset of the last key/value, -1 if none
	end      int // offset past the section's own content, see contentEnd
	topLevel bool
}

type nodeKind uint8

const (
	sectionTable  nodeKind = iota // the top level, a [table] or a [[table]] element
	implicitTable                 // exists only through its sub-tables' headers
	dottedTable                   // exists through dotted keys: a.b = 1
	inlineTable                   // { ... }
	tableArray                    // [[array]] elements
	inlineArray                   // [ ... ]
	scalarValue
)

// A tnode says where a table or array of the file is written.
type tnode struct {
	kind    nodeKind
	sec     *section // sectionTable
	element bool     // sectionTable: an element of a [[table]] array
	owner   *tnode   // dottedTable: the table whose keys spell it
	prefix  []string // dottedTable: its keys relative to owner
	open    int      // inline table or array: offset of the opening bracket
	close   int      // ... and of the closing one
	lastEnd int      // inline table or array: end of the last member or element, -1 if none
	starts  []int    // inlineArray: start offset of each element
	elems   []*tnode // arrays: their elements
	kids    map[string]*tnode
	// start and end delimit the node's text, for diagnostics: a value, or
	// the [header] of a section; end is 0 when the file spells out none.
	start, end int
}

func newNode(k nodeKind) *tnode { return &tnode{kind: k, lastEnd: -1, kids: map[string]*tnode{}} }

func (n *tnode) isTable() bool { return n.kind <= inlineTable }

type tomlDoc struct {
	src      []byte
	sections []*section
	root     *tnode
	edits    []edit
}

var errLayout = errors.New("unexpected layout")

func indexTOML(src []byte) (*tomlDoc, error) {
	top := &section{lastKV: -1, topLevel: true}
	d := &tomlDoc{src: src, sections: []*section{top}, root: newNode(sectionTable)}
	d.root.sec = top
	cur, table := top, d.root
	var p unstable.Parser
	p.Reset(src)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			cur.lastKV = int(e.Raw.Offset)
			cur.last = lineEnd(src, int(e.Raw.Offset+e.Raw.Length))
			if err := d.keyValue(table, e); err != nil {
				return nil, err
			}
		case unstable.Table, unstable.ArrayTable:
			keys, first, last := keyOf(e.Key())
			cur = &section{path: keys, start: lineStart(src, first), last: lineEnd(src, last), lastKV: -1}
			d.sections = append(d.sections, cur)
			var err error
			if table, err = d.header(keys, e.Kind == unstable.ArrayTable, cur); err != nil {
				return nil, err
			}
			table.start, table.end = headerSpan(src, first, last)
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	for i, s := range d.sections {
		next, header := len(src), i+1 < len(d.sections)
		if header {
			next = d.sections[i+1].start
		}
		s.end = contentEnd(src, s.last, next, header)
		if s.topLevel && s.lastKV < 0 {
			s.last = s.end
		}
	}
	return d, nil
}

// headerSpan returns the offsets of a [table] or [[table]] header whose
// key runs from first to last.
func headerSpan(src []byte, first, last int) (int, int) {
	start := first
	for start > 0 && (src[start-1] == '[' || src[start-1] == ' ' || src[start-1] == '\t') {
		start--
	}
	for src[start] == ' ' || src[start] == '\t' {
		start++
	}
	end := last
	for end < len(src) && src[end] != ']' && src[end] != '\n' {
		end++
	}
	for end < len(src) && src[end] == ']' {
		end++
	}
	return start, end
}

// keyOf returns the parts of a key and the offsets of its first byte and
// of the byte after it.
func keyOf(it unstable.Iterator) (keys []string, start, end int) {
	start = -1
	for it.Next() {
		k := it.Node()
		keys = append(keys, string(k.Data))
		if start < 0 {
			start = int(k.Raw.Offset)
		}
		end = int(k.Raw.Offset + k.Raw.Length)
	}
	return keys, start, end
}

// contentEnd returns the end of a section's content in src[from:to], the
// comment and blank lines after its last key: trailing blank lines, and
// comments directly above the next header, belong to what follows.
func contentEnd(src []byte, from, to int, header bool) int {
	lines := strings.SplitAfter(string(src[from:to]), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	k := len(lines)
	isComment := func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "#") }
	for header && k > 0 && isComment(lines[k-1]) {
		k--
	}
	for k > 0 && strings.TrimSpace(lines[k-1]) == "" {
		k--
	}
	end := from
	for _, l := range lines[:k] {
		end += len(l)
	}
	return end
}

// header records a [table] or [[table]] header and returns the table its
// keys go into.
func (d *tomlDoc) header(keys []string, array bool, sec *section) (*tnode, error) {
	n := d.root
	for i, k := range keys {
		if n.kind == tableArray {
			n = n.elems[len(n.elems)-1] // sub-tables belong to the last element
		}
		if !n.isTable() {
			return nil, errLayout
		}
		child := n.kids[k]
		if i < len(keys)-1 {
			if child == nil {
				child = newNode(implicitTable)
				n.kids[k] = child
			}
			n = child
			continue
		}
		if array {
			if child == nil {
				child = newNode(tableArray)
				n.kids[k] = child
			}
			if child.kind != tableArray {
				return nil, errLayout
			}
			el := newNode(sectionTable)
			el.sec, el.element = sec, true
			child.elems = append(child.elems, el)
			return el, nil
		}
		if child == nil {
			child = newNode(sectionTable)
			n.kids[k] = child
		}
		if child.kind != implicitTable && child.kind != sectionTable {
			return nil, errLayout
		}
		child.kind, child.sec = sectionTable, sec
		return child, nil
	}
	return nil, errLayout
}

// keyValue records a key/value of the table owner, the section's table or
// an inline table.
func (d *tomlDoc) keyValue(owner *tnode, kv *unstable.Node) error {
	keys, _, keyEnd := keyOf(kv.Key())
	if len(keys) == 0 {
		return errLayout
	}
	n := owner
	for i, k := range keys[:len(keys)-1] {
		child := n.kids[k]
		if child == nil {
			child = newNode(dottedTable)
			child.owner, child.prefix = owner, slices.Clone(keys[:i+1])
			n.kids[k] = child
		}
		if !child.isTable() {
			return errLayout
		}
		n = child
	}
	// The value starts after the '=' that follows the key.
	start := keyEnd
	for start < len(d.src) && d.src[start] != '=' {
		start++
	}
	start = skipBlank(d.src, start+1, len(d.src))
	child, _, err := d.value(kv.Value(), start)
	if err != nil {
		return err
	}
	n.kids[keys[len(keys)-1]] = child
	if owner.kind == inlineTable {
		owner.lastEnd = int(kv.Raw.Offset + kv.Raw.Length)
	}
	return nil
}

// value indexes the value v starting at offset start and returns its end.
func (d *tomlDoc) value(v *unstable.Node, start int) (*tnode, int, error) {
	switch v.Kind {
	case unstable.InlineTable:
		n := newNode(inlineTable)
		n.open = int(v.Raw.Offset) // the raw text of an inline table is its '{'
		n.close = closing(d.src, n.open)
		n.start, n.end = n.open, n.close+1
		it := v.Children()
		for it.Next() {
			if err := d.keyValue(n, it.Node()); err != nil {
				return nil, 0, err
			}
		}
		return n, n.close + 1, nil
	case unstable.Array:
		if start >= len(d.src) || d.src[start] != '[' {
			return nil, 0, errLayout
		}
		n := newNode(inlineArray)
		n.open, n.close = start, closing(d.src, start)
		n.start, n.end = n.open, n.close+1
		pos := start + 1
		it := v.Children()
		for it.Next() {
			if it.Node().Kind == unstable.Comment {
				continue
			}
			s := skipBlank(d.src, pos, n.close)
			el, end, err := d.value(it.Node(), s)
			if err != nil {
				return nil, 0, err
			}
			n.elems, n.starts, n.lastEnd = append(n.elems, el), append(n.starts, s), end
			pos = end
		}
		return n, n.close + 1, nil
	}
	n := newNode(scalarValue)
	n.start, n.end = int(v.Raw.Offset), int(v.Raw.Offset+v.Raw.Length)
	return n, n.end, nil
}

// closing returns the offset of the bracket that closes the one at open,
// skipping strings and comments. The document is known to be valid.
func closing(src []byte, open int) int {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '[', '{':
			depth++
		case ']', '}':
			if depth--; depth == 0 {
				return i
			}
		case '#':
			i = lineEnd(src, i) - 1
		case '"', '\'':
			i = stringEnd(src, i) - 1
		}
	}
	return len(src) - 1
}

// stringEnd returns the offset after the TOML string starting at i.
func stringEnd(src []byte, i int) int {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q { // multi-line
		for j := i + 3; j+2 < len(src); j++ {
			if q == '"' && src[j] == '\\' {
				j++
				continue
			}
			if src[j] == q && src[j+1] == q && src[j+2] == q {
				end := j + 3
				for k := 0; k < 2 && end < len(src) && src[end] == q; k++ {
					end++ // up to two quotes may end the content
				}
				return end
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch {
		case q == '"' && src[j] == '\\':
			j++
		case src[j] == q:
			return j + 1
		}
	}
	return len(src)
}

// skipBlank returns the offset of the first byte in src[i:to] that is
// not blank, a newline, a comment or a comma, or to.
func skipBlank(src []byte, i, to int) int {
	for i < to {
		switch src[i] {
		case ' ', '\t', '\r', '\n', ',':
			i++
		case '#':
			i = lineEnd(src, i)
		default:
			return i
		}
	}
	return to
}

// tomlComment returns the end of the comment at i, or i if none starts there.
func tomlComment(src []byte, i int) int {
	if src[i] == '#' {
		return lineEnd(src, i)
	}
	return i
}

// writeTOML inserts the changes of root into src.
func writeTOML(src []byte, root *table) ([]byte, error) {
	d, err := indexTOML(src)
	if err != nil {
		return nil, err
	}
	if err := d.table(d.root, root, nil); err != nil {
		return nil, err
	}
	return apply(src, d.edits), nil
}

// table writes the changes of t into the table n at path: first those
// inside existing members, so that new elements of an array come right
// after it, then its new members.
func (d *tomlDoc) table(n *tnode, t *table, path []string) error {
	for _, c := range t.changes {
		if !c.existing {
			continue
		}
		p := append(slices.Clone(path), c.key)
		child := n.kids[c.key]
		var err error
		switch v := c.value.(type) {
		case *table:
			if child == nil || !child.isTable() {
				return fmt.Errorf("cannot find table %s: %w", dotted(p), errLayout)
			}
			err = d.table(child, v, p)
		case *list:
			if child == nil || (child.kind != tableArray && child.kind != inlineArray) {
				return fmt.Errorf("cannot find array %s: %w", dotted(p), errLayout)
			}
			err = d.list(child, v, p)
		}
		if err != nil {
			return err
		}
	}
	if adds := t.adds(); len(adds) > 0 {
		d.add(n, adds, path)
	}
	return nil
}

// list writes the changes of l into the array n at path.
func (d *tomlDoc) list(n *tnode, l *list, path []string) error {
	for _, e := range l.elems {
		if e.index >= len(n.elems) || !n.elems[e.index].isTable() {
			return fmt.Errorf("cannot find %s[%d]: %w", dotted(path), e.index, errLayout)
		}
		if err := d.table(n.elems[e.index], e.t, path); err != nil {
			return err
		}
	}
	if len(l.add) == 0 {
		return nil
	}
	if n.kind == tableArray {
		d.edits = append(d.edits, edit{at: d.afterArray(path), text: tomlSections(path, l.add), gap: true})
		return nil
	}
	vals := make([]string, len(l.add))
	for i, v := range l.add {
		vals[i] = tomlInline(v)
	}
	var indent string
	if len(n.starts) > 0 && firstOnLine(d.src, n.starts[0]) {
		indent = indentAt(d.src, n.starts[0])
	} else {
		indent = indentAt(d.src, n.open) + "  "
	}
	d.edits = append(d.edits, insertItems(d.src, n.open, n.close, n.lastEnd, vals, indent, tomlComment, false)...)
	return nil
}

// add writes new members into the table n at path.
func (d *tomlDoc) add(n *tnode, adds []member, path []string) {
	switch n.kind {
	case inlineTable:
		d.inline(n, adds, nil)
		return
	case dottedTable:
		if n.owner.kind == inlineTable {
			d.inline(n.owner, adds, n.prefix)
		} else {
			d.lines(n.owner.sec, adds, n.prefix)
		}
		return
	}
	// Tables and arrays of tables become sections of their own, except in
	// an element of an array of tables: a section after it could belong
	// to a later element.
	var lines, blocks []member
	for _, m := range adds {
		if isBlock(m.value) && !n.element {
			blocks = append(blocks, m)
		} else {
			lines = append(lines, m)
		}
	}
	if len(lines) > 0 {
		if n.kind == implicitTable {
			t := newTable("")
			for _, m := range lines {
				t.setDefault(m.key, m.value)
			}
			d.edits = append(d.edits, edit{at: d.scopeEnd(path), text: tomlSections(path, t), gap: true})
		} else {
			d.lines(n.sec, lines, nil)
		}
	}
	for _, m := range blocks {
		p := append(slices.Clone(path), m.key)
		d.edits = append(d.edits, edit{at: d.scopeEnd(p), text: tomlSections(p, m.value), gap: true})
	}
}

// lines adds key/value lines after the last one of section s.
func (d *tomlDoc) lines(s *section, adds []member, prefix []string) {
	indent := ""
	if s.lastKV >= 0 {
		indent = indentAt(d.src, s.lastKV)
	}
	var b strings.Builder
	for _, m := range adds {
		fmt.Fprintf(&b, "%s%s = %s\n", indent, dotted(append(slices.Clone(prefix), m.key)), tomlInline(m.value))
	}
	// Keys added to a top level that had none open the file as a block.
	d.edits = append(d.edits, edit{at: s.last, text: b.String(), line: true, gap: s.topLevel && s.lastKV < 0})
}

// inline adds members to an inline table.
func (d *tomlDoc) inline(n *tnode, adds []member, prefix []string) {
	parts := make([]string, len(adds))
	for i, m := range adds {
		parts[i] = dotted(append(slices.Clone(prefix), m.key)) + " = " + tomlInline(m.value)
	}
	text := strings.Join(parts, ", ")
	if n.lastEnd < 0 {
		tail := ""
		if d.src[n.open+1] == '}' {
			tail = " "
		}
		d.edits = append(d.edits, edit{at: n.open + 1, text: " " + text + tail})
		return
	}
	switch comma := commaAfter(d.src, n.lastEnd, n.close, tomlComment); {
	case comma >= 0:
		d.edits = append(d.edits, edit{at: comma + 1, text: " " + text + ","})
	default:
		d.edits = append(d.edits, edit{at: n.lastEnd, text: ", " + text})
	}
}

// scopeOf names the environment a table path belongs to, "" for the top
// level.
func scopeOf(p []string) string {
	if len(p) >= 2 && p[0] == "env" {
		return "env." + p[1]
	}
	return ""
}

// scopeEnd is where a new section with path p goes: after the last
// section of its environment, or of the top level; a new environment
// goes at the end of the file.
func (d *tomlDoc) scopeEnd(p []string) int {
	scope := scopeOf(p)
	end := len(d.src)
	if scope == "" {
		end = d.sections[0].end
	}
	for _, s := range d.sections[1:] {
		if scopeOf(s.path) == scope {
			end = s.end
		}
	}
	return end
}

// afterArray is where new elements of the array of tables p go: after its
// last element and that element's sub-tables.
func (d *tomlDoc) afterArray(p []string) int {
	end := len(d.src)
	for _, s := range d.sections[1:] {
		if len(s.path) >= len(p) && slices.Equal(s.path[:len(p)], p) {
			end = s.end
		}
	}
	return end
}

// isBlock reports whether a new value is written as sections: a table
// with members, or an array of tables.
func isBlock(v any) bool {
	switch v := v.(type) {
	case *table:
		return len(v.changes) > 0
	case *list:
		return isBlock(v.add)
	case []any:
		return len(v) > 0 && !slices.ContainsFunc(v, func(e any) bool { _, ok := e.(*table); return !ok })
	}
	return false
}

// tomlSections writes a new table, or array of tables, at path p as
// sections; a table's own header is left out when only sub-tables follow.
func tomlSections(p []string, v any) string {
	var b strings.Builder
	// Inside an element of an array of tables, nested tables stay inline:
	// sections would make the element hard to read.
	body := func(t *table, header string, element bool) {
		var blocks []change
		var lines strings.Builder
		for _, c := range t.changes {
			if isBlock(c.value) && !element {
				blocks = append(blocks, c)
			} else {
				fmt.Fprintf(&lines, "%s = %s\n", tomlKey(c.key), tomlInline(c.value))
			}
		}
		if lines.Len() > 0 || len(blocks) == 0 || element {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(header + "\n" + lines.String())
		}
		for _, c := range blocks {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(tomlSections(append(slices.Clone(p), c.key), c.value))
		}
	}
	switch v := v.(type) {
	case *table:
		body(v, "["+dotted(p)+"]", false)
	case *list:
		return tomlSections(p, v.add)
	case []any:
		for _, e := range v {
			if t, ok := e.(*table); ok { // isBlock checked that all are
				body(t, "[["+dotted(p)+"]]", true)
			}
		}
	}
	return b.String()
}

// tomlInline writes a new value on one line.
func tomlInline(v any) string {
	switch v := v.(type) {
	case string:
		return tomlString(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return formatFloat(v)
	case bool:
		return strconv.FormatBool(v)
	case *list:
		return tomlInline(v.add)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = tomlInline(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *table:
		if len(v.changes) == 0 {
			return "{}"
		}
		parts := make([]string, len(v.changes))
		for i, c := range v.changes {
			parts[i] = tomlKey(c.key) + " = " + tomlInline(c.value)
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return "" // unreachable: plans hold no other values; the output check would fail
}

// formatFloat writes a float so that it reads back as one in TOML and in
// JSON alike: always with a fraction, never NaN or infinite.
func formatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func tomlKey(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return tomlString(k)
}

func dotted(keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = tomlKey(k)
	}
	return strings.Join(parts, ".")
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
