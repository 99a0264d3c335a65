package wrangler

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// An edit inserts text at an offset of the original file. Merging only
// ever inserts, so every byte the user wrote survives in place.
type edit struct {
	at   int
	text string
	line bool // text is whole lines: start it on a new line
	gap  bool // a block: keep a blank line before it and before what follows
}

// apply returns src with the edits made. At the same offset, lines go
// before blocks (they belong to the section ending there), and otherwise
// edits keep the order they were made in. Inserted newlines follow the
// file's convention.
func apply(src []byte, edits []edit) []byte {
	rank := func(e edit) int {
		switch {
		case !e.gap:
			return 0
		case e.line:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(edits, func(a, b edit) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(rank(a), rank(b)))
	})
	nl := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		nl = "\r\n"
	}
	var out bytes.Buffer
	prev := 0
	for i, e := range edits {
		out.Write(src[prev:e.at])
		prev = e.at
		if (e.line || e.gap) && out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteString(nl)
		}
		if e.gap && out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n"+nl)) {
			out.WriteString(nl)
		}
		out.WriteString(strings.ReplaceAll(e.text, "\n", nl))
		last := i == len(edits)-1 || edits[i+1].at != e.at
		if last && slices.ContainsFunc(edits[:i+1], func(o edit) bool { return o.at == e.at && o.gap }) &&
			e.at < len(src) && !startsBlank(src[e.at:]) {
			out.WriteString(nl)
		}
	}
	out.Write(src[prev:])
	return out.Bytes()
}

// startsBlank reports whether b starts with an empty line.
func startsBlank(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\n")) || bytes.HasPrefix(b, []byte("\r\n"))
}

// lineEnd returns the offset just past the newline that ends the line
// holding offset i, or len(src).
func lineEnd(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(src)
}

// lineStart returns the offset of the start of the line holding offset i.
func lineStart(src []byte, i int) int {
	return bytes.LastIndexByte(src[:i], '\n') + 1
}

// indentAt returns the leading blanks of the line holding offset i.
func indentAt(src []byte, i int) string {
	s := lineStart(src, i)
	e := s
	for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
		e++
	}
	return string(src[s:e])
}

// firstOnLine reports whether only blanks precede offset i on its line.
func firstOnLine(src []byte, i int) bool {
	return len(bytes.Trim(src[lineStart(src, i):i], " \t")) == 0
}

// insertItems returns the edits that append items to the bracketed array
// or object at open and close whose last item ends at lastEnd (-1 if
// none). New items follow the layout: one per line at indent when the
// closing bracket has a line of its own, else on the same line; a
// trailing comma stays last. expand spreads an empty one-line list over
// lines. comment reports the end of a comment starting at an offset.
func insertItems(src []byte, open, close, lastEnd int, items []string, indent string, comment func([]byte, int) int, expand bool) []edit {
	multi := bytes.IndexByte(src[max(open, lastEnd):close], '\n') >= 0
	lines := indent + strings.Join(items, ",\n"+indent)
	if lastEnd < 0 {
		switch {
		case multi:
			return []edit{{at: lineEnd(src, open), text: lines + "\n"}}
		case expand:
			return []edit{{at: open + 1, text: "\n" + lines + "\n" + indentAt(src, open)}}
		}
		text := strings.Join(items, ", ")
		if src[open+1] == ' ' { // "[ ]" gives "[ a ]"
			text = " " + text
		}
		return []edit{{at: open + 1, text: text}}
	}
	comma := commaAfter(src, lastEnd, close, comment)
	if !multi {
		if comma >= 0 {
			return []edit{{at: comma + 1, text: " " + strings.Join(items, ", ") + ","}}
		}
		return []edit{{at: lastEnd, text: ", " + strings.Join(items, ", ")}}
	}
	var edits []edit
	trail, after := "", lastEnd
	if comma >= 0 {
		trail, after = ",", comma+1
	} else {
		edits = append(edits, edit{at: lastEnd, text: ","})
	}
	at, text := lineEnd(src, after), lines+trail+"\n"
	if at > close { // the comma shares the closing bracket's line
		at, text = close, "\n"+text
	}
	return append(edits, edit{at: at, text: text})
}

// commaAfter returns the offset of the comma that follows a value ending
// at i, before to, or -1.
func commaAfter(src []byte, i, to int, comment func([]byte, int) int) int {
	for i < to {
		switch src[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case ',':
			return i
		default:
			j := comment(src, i)
			if j == i {
				return -1
			}
			i = j
		}
	}
	return -1
}
