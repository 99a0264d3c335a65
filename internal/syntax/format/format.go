// Package format prints a syntax tree as canonical schema text: four-space
// indentation, one item per line, one blank line between top-level blocks,
// single spaces between tokens, no trailing commas, and a final newline.
//
// Every comment is kept. A comment on the line of the token before it stays
// there; any other comment goes on a line of its own, indented like the item
// it precedes. Blank lines between items are kept, runs of them collapsed to
// one. Layout choices the user made that carry meaning to a reader — whether
// a tag sits on its own line — are kept too.
//
// The printer places comments by source position: before each token it
// writes, it flushes the comments that precede that token in the source.
// Tokens the tree does not record (punctuation) are found in the file's token
// stream, so comments land in the same place on every run and formatting is
// idempotent.
package format

import (
	"bytes"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/scanner"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// File returns the canonical text of f. f must have parsed without errors:
// the printer trusts the tree to match the source it came from.
func File(f *ast.File) []byte {
	var discard diag.List
	toks, _ := scanner.Scan(f.Src, &discard)
	p := &printer{src: f.Src.Text, toks: toks, comments: f.Comments}
	for i, d := range f.Decls {
		p.newline()
		if i > 0 {
			// Keep the user's blank lines between blocks where they are
			// (a closing comment may belong to the block above); add one
			// only when there is none.
			p.forceBlank = !hasBlankLine(p.src[f.Decls[i-1].Span().End:d.Span().Start])
		}
		p.decl(d)
	}
	p.flushComments(len(p.src) + 1)
	if p.out.Len() > 0 {
		p.out.WriteByte('\n')
	}
	return p.out.Bytes()
}

// Tree returns the canonical text of a tree that has no schema source,
// such as one extracted from TypeScript (cloesce convert): its spans point
// into another language, so there are no comments or blank lines to keep;
// blocks are separated by one blank line and tags stand on lines of their
// own.
func Tree(f *ast.File) []byte {
	p := &printer{sourceless: true}
	for i, d := range f.Decls {
		p.newline()
		p.forceBlank = i > 0
		p.decl(d)
	}
	if p.out.Len() > 0 {
		p.out.WriteByte('\n')
	}
	return p.out.Bytes()
}

type printer struct {
	// sourceless is set when the tree's spans do not point into schema
	// text (Tree): positions then only order the output.
	sourceless bool

	src      string
	toks     []token.Token
	comments []token.Comment
	next     int // index of the first comment not yet printed

	out    bytes.Buffer
	indent int

	lastEnd int // source offset just past the last token or comment printed
	// lineOpen is set while the current output line has text on it.
	lineOpen bool
	// breakPending asks for the next text to start a new line, as the
	// structure does before each item.
	breakPending bool
	// contBreak asks for the next text to start a continuation line,
	// indented one level more, because a line comment ended the line in
	// the middle of an item.
	contBreak bool
	// blankOK allows a blank line from the source to be kept before the
	// next line; it is false just after "{" and at the start of the file.
	blankOK bool
	// forceBlank puts a blank line before the next line whatever the
	// source had: top-level blocks are always separated.
	forceBlank bool
}

// newline asks for the next token to start a line of its own.
func (p *printer) newline() { p.breakPending = true }

// tok writes text found at source offset pos, after the comments before it.
func (p *printer) tok(pos int, text string) {
	p.flushComments(pos)
	p.write(pos, text)
	p.lastEnd = pos + len(text)
}

// punct writes punctuation that the tree does not record, taking its
// position from the token stream.
func (p *printer) punct(text string) {
	if pos, ok := p.find(text); ok {
		p.tok(pos, text)
		return
	}
	p.write(p.lastEnd, text)
}

// comma writes a list separator. Comments before it are printed after it,
// so that a comment ending a list line never leaves the comma to start the
// next one.
func (p *printer) comma() {
	if p.breakPending || p.contBreak {
		p.write(p.lastEnd, ",")
		return
	}
	p.out.WriteByte(',')
}

// find locates the next source token, which must be text; trailing commas
// the printer drops are stepped over.
func (p *printer) find(text string) (int, bool) {
	i, _ := slices.BinarySearchFunc(p.toks, p.lastEnd, func(t token.Token, off int) int { return t.Start - off })
	for ; i < len(p.toks); i++ {
		t := p.toks[i]
		got := p.src[t.Start:t.End]
		if got == text {
			return t.Start, true
		}
		if got != "," {
			return 0, false
		}
	}
	return 0, false
}

// space writes one space between tokens on the same line.
func (p *printer) space() {
	if p.lineOpen && !p.breakPending {
		p.out.WriteByte(' ')
	}
}

// write puts text on the output, starting a new line first if one is
// pending, with a blank line before it if the source had one there.
func (p *printer) write(pos int, text string) {
	if p.breakPending || p.contBreak || !p.lineOpen {
		p.startLine(pos)
	}
	p.out.WriteString(text)
	p.lineOpen = true
}

func (p *printer) startLine(pos int) {
	if p.out.Len() > 0 {
		p.endLine()
		if p.forceBlank || p.blankOK && p.blankBefore(pos) {
			p.out.WriteByte('\n')
		}
	}
	indent := p.indent
	if p.contBreak && !p.breakPending {
		indent++
	}
	p.out.WriteString(strings.Repeat("    ", indent))
	p.breakPending, p.contBreak, p.forceBlank, p.blankOK = false, false, false, true
}

func (p *printer) endLine() {
	p.trimLine()
	p.out.WriteByte('\n')
	p.lineOpen = false
}

// blankBefore reports whether the source has an empty line between the last
// printed text and pos.
func (p *printer) blankBefore(pos int) bool {
	if p.sourceless || pos <= p.lastEnd || pos > len(p.src) {
		return false
	}
	return hasBlankLine(p.src[p.lastEnd:pos])
}

// hasBlankLine reports whether s holds a whole line with nothing on it but
// blanks (or the markers of a quoted file).
func hasBlankLine(s string) bool {
	lines := strings.Split(s, "\n")
	if len(lines) < 3 {
		return false
	}
	for _, l := range lines[1 : len(lines)-1] {
		if strings.Trim(l, " \t\r>") == "" {
			return true
		}
	}
	return false
}

// flushComments prints every comment that starts before pos.
//
// Nothing may follow a line comment on its line, so after one the next
// token starts a line: the item line the structure asked for, or else a
// continuation line.
func (p *printer) flushComments(pos int) {
	requested := p.breakPending
	printed := false
	for p.next < len(p.comments) && p.comments[p.next].Start < pos {
		c := p.comments[p.next]
		p.next++
		text := commentText(p.src[c.Start:c.End])
		if p.lineOpen && !p.breakPending && !p.contBreak && !strings.Contains(p.src[p.lastEnd:c.Start], "\n") {
			p.trimLine()
			p.out.WriteString(" " + text) // trailing: stays on its line
		} else {
			p.startLine(c.Start)
			p.out.WriteString(text)
			p.lineOpen = true
		}
		p.lastEnd = c.End
		printed = true
	}
	if printed {
		p.breakPending, p.contBreak = requested, !requested
	}
}

// trimLine drops spaces at the end of the output.
func (p *printer) trimLine() {
	for n := p.out.Len(); n > 0 && p.out.Bytes()[n-1] == ' '; n-- {
		p.out.Truncate(n - 1)
	}
}

// commentText normalises "//x" to "// x" and drops trailing blanks. Comments
// that start with a third slash or "!" are left as written.
func commentText(c string) string {
	c = strings.TrimRight(c, " \t\r")
	body := c[2:]
	if body != "" && body[0] != ' ' && body[0] != '\t' && body[0] != '/' && body[0] != '!' {
		return "// " + body
	}
	return c
}

// ---------------------------------------------------------------------------
// Blocks

// block prints "{ ... }" around the items that items prints, each of which
// must call item before it. An empty block with no comments inside prints
// as "{}".
func (p *printer) block(br ast.Braces, empty bool, items func()) {
	p.space()
	p.tok(br.Open, "{")
	if empty && !p.commentBefore(br.Close) {
		p.tok(br.Close, "}")
		return
	}
	p.indent++
	p.blankOK = false
	items()
	p.flushComments(br.Close)
	p.indent--
	p.blankOK = false
	p.newline()
	p.tok(br.Close, "}")
}

// commentBefore reports whether a comment not yet printed starts before pos.
func (p *printer) commentBefore(pos int) bool {
	return p.next < len(p.comments) && p.comments[p.next].Start < pos
}

// item starts a block item on a new line.
func (p *printer) item() { p.newline() }

func (p *printer) ident(id *ast.Ident) { p.tok(id.Span().Start, id.Name) }

// names prints a body of names, one per line.
func (p *printer) names(br ast.Braces, names []*ast.Ident) {
	p.block(br, len(names) == 0, func() {
		for _, n := range names {
			p.item()
			p.ident(n)
		}
	})
}

func (p *printer) fields(br ast.Braces, fields []*ast.Field) {
	p.block(br, len(fields) == 0, func() {
		for _, f := range fields {
			p.item()
			p.field(f, false)
		}
	})
}

// keywordIdent prints a keyword followed by a name: "model User".
func (p *printer) keywordIdent(start int, keyword string, name *ast.Ident) {
	p.tok(start, keyword)
	p.space()
	p.ident(name)
}

// ---------------------------------------------------------------------------
// Declarations

func (p *printer) decl(d ast.Decl) {
	switch d := d.(type) {
	case *ast.ModelDecl:
		p.model(d)
	case *ast.SourceDecl:
		p.source(d)
	case *ast.APIDecl:
		p.tags(d.Tags, false)
		p.keywordIdent(p.afterTags(d.Tags, d.Span().Start), "api", d.Name)
		p.block(d.Braces, len(d.Methods) == 0, func() {
			for _, m := range d.Methods {
				p.item()
				p.method(m)
			}
		})
	case *ast.PooDecl:
		p.tags(d.Tags, false)
		p.keywordIdent(p.afterTags(d.Tags, d.Span().Start), "poo", d.Name)
		p.fields(d.Braces, d.Fields)
	case *ast.D1Decl:
		p.tags(d.Tags, false)
		p.tok(p.afterTags(d.Tags, d.Span().Start), "d1")
		p.names(d.Braces, d.Names)
	case *ast.InjectDecl:
		p.tags(d.Tags, false)
		p.tok(p.afterTags(d.Tags, d.Span().Start), "inject")
		p.fields(d.Braces, d.Entries)
	case *ast.VarsDecl:
		p.tags(d.Tags, false)
		p.tok(p.afterTags(d.Tags, d.Span().Start), "vars")
		p.fields(d.Braces, d.Fields)
	case *ast.StoreDecl:
		p.store(d)
	case *ast.Fragment:
		p.fragment(d.Item)
	}
}

// afterTags returns the offset of the keyword that follows tags in a
// declaration starting at start.
func (p *printer) afterTags(tags []ast.Tag, start int) int {
	if len(tags) == 0 {
		return start
	}
	pos, _ := p.findFrom(tags[len(tags)-1].Span().End)
	return pos
}

// findFrom returns the offset of the first token at or after off.
func (p *printer) findFrom(off int) (int, bool) {
	i, _ := slices.BinarySearchFunc(p.toks, off, func(t token.Token, off int) int { return t.Start - off })
	if i < len(p.toks) {
		return p.toks[i].Start, true
	}
	return 0, false
}

func (p *printer) fragment(n ast.Node) {
	switch n := n.(type) {
	case *ast.Field:
		p.field(n, false)
	case *ast.Method:
		p.method(n)
	case *ast.Stub:
		p.stub(n)
	case *ast.IncludeBlock:
		p.include(n)
	case ast.ModelItem:
		p.modelItem(n)
	}
}

func (p *printer) store(d *ast.StoreDecl) {
	p.tags(d.Tags, false)
	p.keywordIdent(p.afterTags(d.Tags, d.Span().Start), d.Kind.String(), d.Name)
	items := make([]ast.Node, 0, len(d.Shards)+len(d.Templates))
	for _, s := range d.Shards {
		items = append(items, s)
	}
	for _, t := range d.Templates {
		items = append(items, t)
	}
	slices.SortFunc(items, func(a, b ast.Node) int { return a.Span().Start - b.Span().Start })
	p.block(d.Braces, len(items) == 0, func() {
		for _, it := range items {
			p.item()
			switch it := it.(type) {
			case *ast.FieldBlock:
				p.fieldBlock(it)
			case *ast.Template:
				p.template(it)
			}
		}
	})
}

func (p *printer) template(t *ast.Template) {
	p.tags(t.Tags, false)
	p.ident(t.Name)
	p.params(t.Params)
	p.result(t.Result)
	p.block(t.Braces, false, func() {
		p.item()
		p.tok(t.Key.Span().Start, t.Key.Lit.Raw)
	})
}

func (p *printer) result(t *ast.TypeExpr) {
	if t == nil {
		return
	}
	p.space()
	p.punct("->")
	p.space()
	p.typeExpr(t)
}

func (p *printer) model(m *ast.ModelDecl) {
	p.tags(m.Tags, false)
	p.keywordIdent(p.afterTags(m.Tags, m.Span().Start), "model", m.Name)
	if b := m.Backing; b != nil {
		p.space()
		p.tok(b.Span().Start, "for")
		p.space()
		p.ident(b.Binding)
		if b.Args != nil {
			p.identList(b.Args)
		}
	}
	p.block(m.Braces, len(m.Items) == 0, func() {
		for i, it := range m.Items {
			p.item()
			p.forceBlank = p.sourceless && i > 0 // blocks apart, as the documentation writes them
			p.modelItem(it)
		}
	})
}

// modelItem prints a model item after its tags.
func (p *printer) modelItem(it ast.ModelItem) {
	tags := it.ItemTags()
	p.tags(tags, false)
	start := p.afterTags(tags, it.Span().Start) // the item's keyword
	switch it := it.(type) {
	case *ast.FieldBlock:
		p.fieldBlock(it)
	case *ast.PrimaryBlock:
		p.ident(it.Keyword)
		p.block(it.Braces, len(it.Items) == 0, func() {
			for _, n := range it.Items {
				p.item()
				switch n := n.(type) {
				case *ast.Field:
					p.field(n, false)
				case *ast.ForeignBlock:
					p.foreign(n.Span().Start, n)
				}
			}
		})
	case *ast.ForeignBlock:
		p.foreign(start, it)
	case *ast.NavBlock:
		p.tok(start, "nav")
		p.space()
		if it.Model != nil {
			p.ident(it.Model)
		} else {
			p.refs(it.Refs, it.Paren)
		}
		p.names(it.Braces, it.Fields)
	case *ast.StoreField:
		p.tok(start, it.Kind.String())
		p.space()
		if it.Paren {
			p.punct("(")
		}
		p.ident(it.Binding)
		p.punct("::")
		p.ident(it.Template)
		if it.Args != nil {
			p.identList(it.Args)
		}
		if it.Paren {
			p.punct(")")
		}
		p.names(it.Braces, it.Fields)
	case *ast.UniqueDecl:
		p.tok(start, "unique")
		p.space()
		p.identList(it.Fields)
	case *ast.IndexDecl:
		p.tok(start, "index")
		p.space()
		p.identList(it.Fields)
	}
}

func (p *printer) fieldBlock(b *ast.FieldBlock) {
	p.ident(b.Keyword)
	p.fields(b.Braces, b.Fields)
}

// foreign prints a foreign key whose keyword is at start.
func (p *printer) foreign(start int, f *ast.ForeignBlock) {
	p.tok(start, "foreign")
	p.space()
	p.refs(f.Refs, f.Paren)
	if f.Optional != nil {
		p.space()
		p.ident(f.Optional)
	}
	p.names(f.Braces, f.Fields)
}

func (p *printer) refs(refs []*ast.FieldRef, paren bool) {
	if paren {
		p.punct("(")
	}
	for i, r := range refs {
		if i > 0 {
			p.comma()
			p.space()
		}
		p.ident(r.Model)
		p.punct("::")
		p.ident(r.Field)
		if r.Key != nil {
			p.punct("(")
			p.ident(r.Key)
			p.punct(")")
		}
	}
	if paren {
		p.punct(")")
	}
}

func (p *printer) identList(l *ast.IdentList) {
	p.tok(l.Span().Start, "(")
	for i, n := range l.Names {
		if i > 0 {
			p.comma()
			p.space()
		}
		p.ident(n)
	}
	p.punct(")")
}

func (p *printer) source(s *ast.SourceDecl) {
	p.tags(s.Tags, false)
	p.keywordIdent(p.afterTags(s.Tags, s.Span().Start), "source", s.Name)
	p.space()
	p.punct("for")
	p.space()
	p.ident(s.Model)
	p.block(s.Braces, len(s.Items) == 0, func() {
		for _, it := range s.Items {
			p.item()
			switch it := it.(type) {
			case *ast.IncludeBlock:
				p.include(it)
			case *ast.Stub:
				p.stub(it)
			}
		}
	})
}

func (p *printer) include(b *ast.IncludeBlock) {
	p.ident(b.Keyword)
	p.includeEntries(b.Braces, b.Entries)
}

func (p *printer) includeEntries(br ast.Braces, entries []*ast.IncludeEntry) {
	p.block(br, len(entries) == 0, func() {
		for _, e := range entries {
			p.item()
			p.ident(e.Name)
			if e.HasBody {
				p.includeEntries(e.Braces, e.Children)
			}
		}
	})
}

func (p *printer) stub(s *ast.Stub) {
	p.tags(s.Tags, false)
	p.ident(s.Kind)
	p.params(s.Params)
}

func (p *printer) method(m *ast.Method) {
	p.tags(m.Tags, false)
	p.ident(m.Verb)
	p.space()
	p.ident(m.Name)
	p.params(m.Params)
	p.result(m.Result)
}

// ---------------------------------------------------------------------------
// Fields, types, tags

// field prints "[tags] name: type"; parameters keep their tags inline.
func (p *printer) field(f *ast.Field, inline bool) {
	p.tags(f.Tags, inline)
	p.ident(f.Name)
	if f.Type == nil {
		return // self, or a class injectable
	}
	p.punct(":")
	p.space()
	p.typeExpr(f.Type)
}

func (p *printer) params(ps *ast.Params) {
	p.tok(ps.Span().Start, "(")
	for i, f := range ps.List {
		if i > 0 {
			p.comma()
			p.space()
		}
		p.field(f, true)
	}
	p.punct(")")
}

func (p *printer) typeExpr(t *ast.TypeExpr) {
	p.ident(t.Name)
	if t.Arg != nil {
		p.punct("<")
		p.typeExpr(t.Arg)
		p.punct(">")
	}
}

// tags prints tags before an item. A tag the source put on a line of its
// own stays on its own line, unless inline is set.
func (p *printer) tags(tags []ast.Tag, inline bool) {
	for _, t := range tags {
		p.tag(t)
		if !inline && (p.sourceless || strings.Contains(p.src[t.Span().End:p.nextTokenStart(t.Span().End)], "\n")) {
			p.newline()
		} else {
			p.space()
		}
	}
}

func (p *printer) nextTokenStart(off int) int {
	pos, ok := p.findFrom(off)
	if !ok {
		return off
	}
	return pos
}

func (p *printer) tag(t ast.Tag) {
	p.tok(t.Span().Start, "[")
	p.ident(t.TagName())
	switch t := t.(type) {
	case *ast.ValidatorTag:
		p.space()
		p.tok(t.Value.Span().Start, t.Value.Raw)
	case *ast.CrudTag:
		for i, k := range t.Kinds {
			if i > 0 {
				p.comma()
			}
			p.space()
			p.ident(k)
		}
	case *ast.InjectTag:
		for i, e := range t.Entries {
			if i > 0 {
				p.comma()
			}
			p.space()
			p.ident(e.Name)
			if e.Context {
				p.punct("(")
				for j, a := range e.Args {
					if j > 0 {
						p.comma()
						p.space()
					}
					p.ident(a)
				}
				p.punct(")")
			}
		}
	case *ast.SourceTag:
		p.space()
		p.ident(t.Source)
	}
	p.punct("]")
}
