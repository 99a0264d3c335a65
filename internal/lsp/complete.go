package lsp

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/scanner"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// Completion reads the tokens before the cursor rather than the syntax
// tree: the text being typed rarely parses. A stack of the braces still
// open says which block the cursor is in, and the tokens of the item
// being written say what comes next; the index of the last analysis
// supplies the names.

// blockKind says what a brace-delimited block holds.
type blockKind int

const (
	topLevel    blockKind = iota
	modelBody             // model M { ... }
	primaryBody           // primary { ... }
	fieldsBody            // column, route, shard, poo, vars: name: type
	namesBody             // d1, and the names a foreign, nav, kv or r2 block declares
	injectBody            // inject { ... }: [inject ...] Name, or Name: type
	storeBody             // kv, r2 or durable N { templates }
	keyBody               // a template's key format
	sourceBody            // source S for M { ... }
	includeBody           // include { ... }, and each entry's braces
	apiBody               // api M { methods }
	unknownBody           // a block the cursor cannot tell
)

// A frame is an open block: its kind and the names it is about.
type frame struct {
	kind    blockKind
	model   string // the model of a model, source, include or api block
	binding string // the binding of a store block
	columns bool   // a column block, whose fields take [index]
}

// tokens returns the tokens and comments of the file, scanned once per
// text (completion scans the editor's text instead, which may be newer).
func (pf *parsedFile) tokens() ([]token.Token, []token.Comment) {
	if pf.toks == nil {
		pf.toks, pf.comments = scanner.Scan(pf.file.Src, &diag.List{})
	}
	return pf.toks, pf.comments
}

func (s *server) completion(params json.RawMessage) (any, *protocol.Error) {
	p, rerr := decode[protocol.TextDocumentPositionParams](params)
	if rerr != nil {
		return nil, rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The editor asks on almost every keystroke: the names come from the
	// last analysis, which may be one pause in typing behind, and only
	// the current text before the cursor is read now (scanned, not
	// analysed), so that typing does not wait for analysis.
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return nil, protocol.Errorf(protocol.InvalidParams, "%v", err)
	}
	if !isCloesce(path) {
		return nil, errNoAnswer
	}
	proj := s.projectOf(path)
	snap := proj.snap
	if snap == nil {
		snap = s.current(proj)
	}
	var text string
	var l *lines
	if d := s.docs[path]; d != nil {
		text, l = d.text, d.lines
	} else if pf := snap.byPath[path]; pf != nil {
		text, l = pf.text, pf.lines
	} else {
		return nil, errNoAnswer
	}
	off := l.offset(p.Position, s.enc)
	toks, comments := scanner.Scan(source.NewFile(path, text[:off]), &diag.List{})
	c := &completer{x: snap.index, text: text}
	if !slices.ContainsFunc(comments, func(cm token.Comment) bool { return cm.Start < off && off <= cm.End }) {
		c.complete(toks, off)
	}
	slices.SortFunc(c.items, func(a, b protocol.CompletionItem) int {
		return cmp.Or(strings.Compare(a.Label, b.Label), a.Kind-b.Kind)
	})
	items := slices.CompactFunc(c.items, func(a, b protocol.CompletionItem) bool { return a.Label == b.Label })
	if items == nil {
		items = []protocol.CompletionItem{}
	}
	return protocol.CompletionList{Items: items}, nil
}

type completer struct {
	x     *index
	text  string
	toks  []token.Token // the tokens before the cursor, without the word being typed
	items []protocol.CompletionItem
}

func (c *completer) word(t token.Token) string { return c.text[t.Start:t.End] }

func (c *completer) is(t token.Token, words ...string) bool {
	return t.Kind == token.Ident && slices.Contains(words, c.word(t))
}

func (c *completer) add(label string, kind int, detail string) {
	c.items = append(c.items, protocol.CompletionItem{Label: label, Kind: kind, Detail: detail})
}

// complete fills items for the cursor at off.
func (c *completer) complete(all []token.Token, off int) {
	n := 0
	for n < len(all) && all[n].Kind != token.EOF && all[n].End <= off {
		n++
	}
	// The word being typed, cursor inside or just after it, is left out:
	// the editor filters the items by it.
	at := off // where the word being typed starts
	if n > 0 && all[n-1].Kind == token.Ident && all[n-1].End == off {
		n--
		at = all[n].Start
	}
	if n < len(all) && all[n].Kind != token.EOF && all[n].Start < off && all[n].Kind != token.Ident {
		return // inside a string, regex or number
	}
	if n > 0 && all[n-1].End == off && all[n-1].Bad {
		return // in an unterminated string or regex, cut at the cursor
	}
	c.toks = all[:n]
	stack := []frame{{kind: topLevel}}
	boundary := 0 // the index of the first token after the last brace
	for i := 0; i < n; i++ {
		switch c.toks[i].Kind {
		case token.LBrace:
			stack = append(stack, c.open(stack[len(stack)-1], c.item(boundary, i)))
			boundary = i + 1
		case token.RBrace:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			boundary = i + 1
		}
	}
	cur := c.item(boundary, n)
	// The cursor on a line of its own, indented no deeper than the item,
	// starts the next one.
	if len(cur) > 0 && strings.Contains(c.text[cur[len(cur)-1].End:at], "\n") &&
		at-(strings.LastIndexByte(c.text[:at], '\n')+1) <= c.indent(cur[0]) {
		cur = nil
	}
	c.inItem(stack[len(stack)-1], cur)
}

// item returns the tokens of the last item in toks[from:to]: from its
// first token standing first on a line outside brackets, so that the
// items of a block without braces of their own (unique, api methods)
// and tags on their own line are told apart.
func (c *completer) item(from, to int) []token.Token {
	start, depth := from, 0
	for i := from; i < to; i++ {
		t := c.toks[i]
		// A line indented no deeper than the item starts another one,
		// even when the item left a bracket open.
		if t.LineStart && i > from && (depth == 0 || c.indent(t) <= c.indent(c.toks[start])) {
			start, depth = i, 0
		}
		switch t.Kind {
		case token.LParen, token.LBrack:
			depth++
		case token.RParen, token.RBrack:
			depth = max(0, depth-1)
		}
	}
	// A tag on a line of its own belongs to the item after it.
	for start > from && c.toks[start-1].Kind == token.RBrack {
		j := start - 1
		for j >= from && c.toks[j].Kind != token.LBrack {
			j--
		}
		if j < from || !c.toks[j].LineStart {
			break
		}
		start = j
	}
	return c.toks[start:to]
}

// indent is the column of a token, in bytes.
func (c *completer) indent(t token.Token) int {
	return t.Start - (strings.LastIndexByte(c.text[:t.Start], '\n') + 1)
}

// stripTags drops the complete tags an item starts with; it reports
// false when a tag is still open.
func stripTags(item []token.Token) ([]token.Token, bool) {
	for len(item) > 0 && item[0].Kind == token.LBrack {
		end := slices.IndexFunc(item, func(t token.Token) bool { return t.Kind == token.RBrack })
		if end < 0 {
			return item, false
		}
		item = item[end+1:]
	}
	return item, true
}

// open returns the block a "{" opens after the item header, in parent.
func (c *completer) open(parent frame, header []token.Token) frame {
	header, _ = stripTags(header)
	if len(header) == 0 {
		return frame{kind: unknownBody}
	}
	head := c.word(header[0])
	next := func(i int) string {
		if i < len(header) && header[i].Kind == token.Ident {
			return c.word(header[i])
		}
		return ""
	}
	switch parent.kind {
	case topLevel:
		switch head {
		case "model":
			return frame{kind: modelBody, model: next(1)}
		case "poo", "vars":
			return frame{kind: fieldsBody}
		case "d1":
			return frame{kind: namesBody}
		case "inject":
			return frame{kind: injectBody}
		case "kv", "r2", "durable":
			return frame{kind: storeBody, binding: next(1)}
		case "source":
			model := ""
			for i, t := range header {
				if c.is(t, "for") {
					model = next(i + 1)
				}
			}
			return frame{kind: sourceBody, model: model}
		case "api":
			return frame{kind: apiBody, model: next(1)}
		}
	case modelBody, primaryBody:
		switch head {
		case "primary":
			return frame{kind: primaryBody, model: parent.model}
		case "column", "route":
			return frame{kind: fieldsBody, model: parent.model, columns: head == "column"}
		case "foreign", "nav", "kv", "r2":
			return frame{kind: namesBody, model: parent.model}
		}
	case storeBody:
		if head == "shard" {
			return frame{kind: fieldsBody}
		}
		return frame{kind: keyBody}
	case sourceBody:
		if head == "include" {
			return frame{kind: includeBody, model: parent.model}
		}
	case includeBody:
		// An entry "nav { ... }": the model the navigation reaches.
		last := header[len(header)-1]
		if last.Kind == token.Ident {
			if f := lookup(c.x.fields, parent.model, c.word(last)); f != nil && f.member == navMember {
				return frame{kind: includeBody, model: navTarget(f.block.(*ast.NavBlock))}
			}
		}
		return frame{kind: includeBody}
	}
	return frame{kind: unknownBody}
}

// inItem completes inside the item cur of block f.
func (c *completer) inItem(f frame, cur []token.Token) {
	// Inside a tag.
	for i := len(cur) - 1; i >= 0; i-- {
		if cur[i].Kind == token.RBrack {
			break
		}
		if cur[i].Kind == token.LBrack {
			c.tag(f, cur[i+1:], c.inParens(cur))
			return
		}
	}
	cur, _ = stripTags(cur)
	var last token.Token
	if len(cur) > 0 {
		last = cur[len(cur)-1]
	}
	head := ""
	if len(cur) > 0 && cur[0].Kind == token.Ident {
		head = c.word(cur[0])
	}
	switch {
	case len(cur) > 0 && last.Kind == token.ColonColon:
		if len(cur) < 2 || cur[len(cur)-2].Kind != token.Ident {
			return
		}
		name := c.word(cur[len(cur)-2])
		if head == "kv" || head == "r2" {
			c.templates(name)
		} else {
			c.fields(name, func(m memberKind) bool { return m <= foreignMember })
		}
		return
	case len(cur) > 0 && (last.Kind == token.Colon || last.Kind == token.Arrow):
		c.types(false)
		return
	case len(cur) > 1 && last.Kind == token.Lt:
		c.types(c.is(cur[len(cur)-2], "partial"))
		return
	}
	if open := c.openParen(cur); open >= 0 {
		c.inParen(f, cur, open)
		return
	}
	switch {
	case len(cur) == 0 && f.kind == includeBody:
		c.fields(f.model, func(m memberKind) bool { return m >= navMember })
	case len(cur) == 0:
		c.keywords(f)
	case f.kind == topLevel && head == "model" && c.is(last, "for"):
		c.bindings(symD1, symDurable)
	case f.kind == topLevel && head == "source" && c.is(last, "for"):
		c.models()
	case f.kind == topLevel && head == "api" && len(cur) == 1:
		c.models()
	case (f.kind == modelBody || f.kind == primaryBody) && (head == "nav" || head == "foreign") && len(cur) == 1:
		c.models()
	case f.kind == modelBody && head == "kv" && len(cur) == 1:
		c.bindings(symKV, symDurable)
	case f.kind == modelBody && head == "r2" && len(cur) == 1:
		c.bindings(symR2)
	case (f.kind == modelBody || f.kind == primaryBody) && c.is(cur[len(cur)-1], "optional"):
	case f.kind == includeBody:
		// After an entry on the same line, another one.
		c.fields(f.model, func(m memberKind) bool { return m >= navMember })
	}
}

// openParen returns the index in cur of the innermost "(" still open, or
// -1.
func (c *completer) openParen(cur []token.Token) int {
	depth := 0
	for i := len(cur) - 1; i >= 0; i-- {
		switch cur[i].Kind {
		case token.RParen:
			depth++
		case token.LParen:
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

func (c *completer) inParens(cur []token.Token) bool { return c.openParen(cur) >= 0 }

// inParen completes inside the parentheses opened at cur[open].
func (c *completer) inParen(f frame, cur []token.Token, open int) {
	head := c.word(cur[0])
	before := cur[:open]
	last := cur[len(cur)-1]
	afterSep := last.Kind == token.LParen || last.Kind == token.Comma
	// "Ns::tmpl(" or "Model::field(": local fields of this model.
	if len(before) >= 3 && before[len(before)-2].Kind == token.ColonColon {
		if afterSep {
			c.fields(f.model, func(m memberKind) bool { return m <= foreignMember })
		}
		return
	}
	switch {
	case (f.kind == modelBody || f.kind == primaryBody) && (head == "unique" || head == "index") && afterSep:
		c.fields(f.model, func(m memberKind) bool { return m == columnMember || m == primaryMember || m == foreignMember })
	case (f.kind == modelBody || f.kind == primaryBody) && (head == "nav" || head == "foreign") && open == 1 && afterSep:
		c.models()
	case f.kind == topLevel && head == "model" && afterSep && len(before) >= 2 && c.is(before[len(before)-2], "for"):
		// "for Do(": the Durable Object's shard fields, as aliases.
		for _, sym := range sortedSyms(c.x.shards[c.word(before[len(before)-1])]) {
			c.add(sym.name, protocol.CompletionField, "shard field of "+sym.owner)
		}
	case f.kind == apiBody && afterSep:
		c.add("self", protocol.CompletionKeyword, "the object an instance method runs on")
	}
}

// tag completes inside "[...": tag names fitting the block, or a tag's
// arguments.
func (c *completer) tag(f frame, args []token.Token, inParams bool) {
	if len(args) == 0 {
		var names []string
		switch {
		case inParams && f.kind == apiBody:
			names = []string{"gt", "gte", "lt", "lte", "step", "len", "minlen", "maxlen", "regex", "header", "source"}
		case inParams:
			names = []string{"gt", "gte", "lt", "lte", "step", "len", "minlen", "maxlen", "regex", "instance"}
		case f.kind == topLevel:
			names = []string{"crud", "internal"}
		case f.kind == apiBody || f.kind == sourceBody || f.kind == injectBody:
			names = []string{"inject"}
		case f.kind == modelBody:
			names = []string{"cascade"}
		case f.kind == primaryBody || f.kind == fieldsBody && f.columns:
			names = []string{"gt", "gte", "lt", "lte", "step", "len", "minlen", "maxlen", "regex", "index"}
		case f.kind == fieldsBody || f.kind == storeBody:
			names = []string{"gt", "gte", "lt", "lte", "step", "len", "minlen", "maxlen", "regex"}
		default:
			names = slices.Sorted(func(yield func(string) bool) {
				for k := range tagDocs {
					if !yield(k) {
						return
					}
				}
			})
		}
		for _, n := range names {
			c.add(n, protocol.CompletionKeyword, firstSentence(tagDocs[n]))
		}
		return
	}
	last := args[len(args)-1]
	afterSep := len(args) == 1 || last.Kind == token.Comma
	switch c.word(args[0]) {
	case "crud":
		if afterSep {
			for _, k := range []string{"get", "list", "save", "delete", "count"} {
				c.add(k, protocol.CompletionKeyword, "generate the $"+k+" endpoint")
			}
		}
	case "inject":
		if afterSep && c.openParen(args) < 0 {
			c.bindings(symD1, symKV, symR2, symDurable, symVar, symInject)
			c.add("Request", protocol.CompletionVariable, "the request being answered")
			c.add("Env", protocol.CompletionVariable, "the Worker's whole environment")
		}
	case "source":
		if len(args) == 1 {
			names := map[string]bool{"Default": true}
			for n := range c.x.sources[f.model] {
				names[n] = true
			}
			for _, n := range slices.Sorted(func(yield func(string) bool) {
				for k := range names {
					if !yield(k) {
						return
					}
				}
			}) {
				c.add(n, protocol.CompletionConstant, "data source of "+f.model)
			}
		}
	}
}

func firstSentence(s string) string {
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "Validator") {
		s = s[i+2:]
	}
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

var blockKeywords = map[blockKind][]string{
	topLevel:    {"api", "d1", "durable", "inject", "kv", "model", "poo", "r2", "source", "vars"},
	modelBody:   {"column", "foreign", "index", "kv", "nav", "primary", "r2", "route", "unique"},
	primaryBody: {"foreign"},
	storeBody:   {"shard"},
	sourceBody:  {"get", "include", "list", "save"},
	apiBody:     {"delete", "get", "patch", "post", "put"},
}

func (c *completer) keywords(f frame) {
	for _, k := range blockKeywords[f.kind] {
		c.add(k, protocol.CompletionKeyword, firstSentence(keywordDocs[k]))
	}
}

// types offers every type name: primitives, generics, models and poos;
// only models and poos when objects is set (partial<...>).
func (c *completer) types(objects bool) {
	if !objects {
		for _, p := range primitiveNames {
			c.add(p, protocol.CompletionTypeParameter, firstSentence(primitiveDocs[p]))
		}
		for _, g := range genericNames {
			c.add(g, protocol.CompletionKeyword, firstSentence(keywordDocs[g]))
		}
	}
	for _, sym := range sortedSyms(c.x.globals) {
		switch sym.kind {
		case symModel:
			c.add(sym.name, protocol.CompletionClass, "model")
		case symPoo:
			c.add(sym.name, protocol.CompletionStruct, "poo")
		}
	}
}

func (c *completer) models() {
	for _, sym := range sortedSyms(c.x.globals) {
		if sym.kind == symModel {
			c.add(sym.name, protocol.CompletionClass, "model")
		}
	}
}

func (c *completer) bindings(kinds ...symKind) {
	for _, sym := range sortedSyms(c.x.globals) {
		if slices.Contains(kinds, sym.kind) {
			kind := protocol.CompletionModule
			if sym.kind == symVar || sym.kind == symInject {
				kind = protocol.CompletionVariable
			}
			c.add(sym.name, kind, what(sym))
		}
	}
}

func (c *completer) fields(model string, keep func(memberKind) bool) {
	for _, sym := range sortedSyms(c.x.fields[model]) {
		if keep(sym.member) {
			c.add(sym.name, protocol.CompletionField, memberWhat[sym.member]+" of "+model)
		}
	}
}

func (c *completer) templates(binding string) {
	for _, sym := range sortedSyms(c.x.templates[binding]) {
		c.add(sym.name, protocol.CompletionFunction, "template of "+binding)
	}
}

// sortedSyms returns the symbols of a scope in declaration order.
func sortedSyms(scope map[string]*symbol) []*symbol {
	out := make([]*symbol, 0, len(scope))
	for _, s := range scope {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *symbol) int {
		return cmp.Or(strings.Compare(fileOf(a.decl), fileOf(b.decl)), a.decl.Start-b.decl.Start, strings.Compare(a.name, b.name))
	})
	return out
}

func fileOf(s source.Span) string {
	if s.File == nil {
		return ""
	}
	return s.File.Name
}
