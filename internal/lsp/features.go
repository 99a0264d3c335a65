package lsp

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/cloesce-go/cloesce/internal/decorators"
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/lsp/protocol"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/format"
	"github.com/cloesce-go/cloesce/internal/syntax/parser"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// locate returns the up-to-date snapshot holding a request's document,
// the file and the byte offset of the position. The caller holds mu.
func (s *server) locate(p protocol.TextDocumentPositionParams) (*snapshot, *parsedFile, int, *protocol.Error) {
	snap, pf, rerr := s.fileSnapshot(p.TextDocument.URI)
	if rerr != nil {
		return nil, nil, 0, rerr
	}
	return snap, pf, pf.lines.offset(p.Position, s.enc), nil
}

// symbolAt returns the occurrence at a request's position.
func (s *server) symbolAt(params json.RawMessage) (*snapshot, *parsedFile, int, occurrence, bool, *protocol.Error) {
	p, rerr := decode[protocol.TextDocumentPositionParams](params)
	if rerr != nil {
		return nil, nil, 0, occurrence{}, false, rerr
	}
	snap, pf, off, rerr := s.locate(p)
	if rerr != nil {
		return nil, nil, 0, occurrence{}, false, rerr
	}
	occ, ok := snap.index.at(pf.path, off)
	return snap, pf, off, occ, ok, nil
}

// location converts a span of a file of the snapshot.
func (s *server) location(snap *snapshot, span source.Span) protocol.Location {
	return protocol.Location{URI: s.uriOf(span.File.Name), Range: s.rangeOf(snap, span)}
}

func (s *server) rangeOf(snap *snapshot, span source.Span) protocol.Range {
	return s.linesOf(snap, span.File.Name).rangeOf(span.Start, span.End, s.enc)
}

// declOf is where a symbol is declared: an implicit data source stands
// for its model.
func (x *index) declOf(sym *symbol) (source.Span, bool) {
	if sym.decl.IsValid() {
		return sym.decl, true
	}
	if sym.kind == symSource {
		if m := x.models[sym.owner]; m != nil {
			return m.Name.Span(), true
		}
	}
	return source.Span{}, false
}

func (s *server) definition(params json.RawMessage) (any, *protocol.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, _, _, occ, ok, rerr := s.symbolAt(params)
	if rerr != nil || !ok {
		return nil, rerr
	}
	span, ok := snap.index.declOf(occ.sym)
	if !ok {
		return nil, nil
	}
	return s.location(snap, span), nil
}

// occurrencesOf lists a symbol's occurrences in file and then source
// order, each place once. It looks through every occurrence of the
// project (40,000 for 1,000 models take a fraction of a millisecond),
// which spares every analysis an index by symbol.
func (x *index) occurrencesOf(sym *symbol, decls bool) []occurrence {
	var out []occurrence
	for _, name := range slices.Sorted(maps.Keys(x.byFile)) {
		for _, o := range x.byFile[name] {
			if o.sym == sym && (decls || !o.decl) {
				out = append(out, x.occurrence(name, o))
			}
		}
	}
	return slices.CompactFunc(out, func(a, b occurrence) bool {
		return a.span.File == b.span.File && a.span.Start == b.span.Start
	})
}

func (s *server) references(params json.RawMessage) (any, *protocol.Error) {
	p, rerr := decode[protocol.ReferenceParams](params)
	if rerr != nil {
		return nil, rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, pf, off, rerr := s.locate(p.TextDocumentPositionParams)
	if rerr != nil {
		return nil, rerr
	}
	locs := []protocol.Location{}
	if occ, ok := snap.index.at(pf.path, off); ok {
		for _, o := range snap.index.occurrencesOf(occ.sym, p.Context.IncludeDeclaration) {
			locs = append(locs, s.location(snap, o.span))
		}
	}
	return locs, nil
}

// Document symbols.

func (s *server) documentSymbol(params json.RawMessage) (any, *protocol.Error) {
	p, rerr := decode[protocol.DocumentSymbolParams](params)
	if rerr != nil {
		return nil, rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, pf, rerr := s.fileSnapshot(p.TextDocument.URI)
	if rerr != nil {
		return nil, rerr
	}
	if !isCloesce(pf.path) {
		return nil, errNoAnswer // TypeScript's outline is the one of a .cloesce.ts file
	}
	syms := s.outline(snap, pf.file)
	if s.hierarchy {
		return syms, nil
	}
	flat := []protocol.SymbolInformation{}
	var walk func(container string, syms []protocol.DocumentSymbol)
	walk = func(container string, syms []protocol.DocumentSymbol) {
		for _, d := range syms {
			flat = append(flat, protocol.SymbolInformation{Name: d.Name, Kind: d.Kind, ContainerName: container,
				Location: protocol.Location{URI: pf.uri, Range: d.Range}})
			walk(d.Name, d.Children)
		}
	}
	walk("", syms)
	return flat, nil
}

// outline returns the declarations of a file as a tree of symbols.
func (s *server) outline(snap *snapshot, f *ast.File) []protocol.DocumentSymbol {
	out := []protocol.DocumentSymbol{}
	sym := func(n ast.Node, id *ast.Ident, kind int, detail string, children []protocol.DocumentSymbol) protocol.DocumentSymbol {
		sel := n.Span()
		if id != nil {
			sel = id.Span()
		}
		return protocol.DocumentSymbol{Name: id.Name, Detail: detail, Kind: kind, Range: s.rangeOf(snap, n.Span()), SelectionRange: s.rangeOf(snap, sel), Children: children}
	}
	fields := func(fs []*ast.Field, kind int, what string) []protocol.DocumentSymbol {
		var out []protocol.DocumentSymbol
		for _, f := range fs {
			if f.Name != nil {
				out = append(out, sym(f, f.Name, kind, typeText(f.Type, what), nil))
			}
		}
		return out
	}
	names := func(ids []*ast.Ident, n ast.Node, kind int, detail string) []protocol.DocumentSymbol {
		var out []protocol.DocumentSymbol
		for _, id := range ids {
			out = append(out, protocol.DocumentSymbol{Name: id.Name, Detail: detail, Kind: kind, Range: s.rangeOf(snap, id.Span()), SelectionRange: s.rangeOf(snap, id.Span())})
		}
		return out
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.ModelDecl:
			var children []protocol.DocumentSymbol
			for _, it := range d.Items {
				switch it := it.(type) {
				case *ast.FieldBlock:
					children = append(children, fields(it.Fields, protocol.SymbolField, it.Keyword.Name)...)
				case *ast.PrimaryBlock:
					for _, n := range it.Items {
						switch n := n.(type) {
						case *ast.Field:
							children = append(children, fields([]*ast.Field{n}, protocol.SymbolField, "primary key")...)
						case *ast.ForeignBlock:
							children = append(children, names(n.Fields, n, protocol.SymbolField, "primary key, foreign key "+refsText(n.Refs))...)
						}
					}
				case *ast.ForeignBlock:
					children = append(children, names(it.Fields, it, protocol.SymbolField, "foreign key "+refsText(it.Refs))...)
				case *ast.NavBlock:
					children = append(children, names(it.Fields, it, protocol.SymbolProperty, "navigation to "+navTarget(it))...)
				case *ast.StoreField:
					children = append(children, names(it.Fields, it, protocol.SymbolProperty, it.Kind.String()+" "+identName(it.Binding)+"::"+identName(it.Template))...)
				}
			}
			detail := "model"
			if d.Backing != nil {
				detail += " " + collapse(d.Backing.Span().Text())
			}
			out = append(out, sym(d, d.Name, protocol.SymbolClass, detail, children))
		case *ast.PooDecl:
			out = append(out, sym(d, d.Name, protocol.SymbolStruct, "poo", fields(d.Fields, protocol.SymbolField, "")))
		case *ast.StoreDecl:
			var children []protocol.DocumentSymbol
			for _, b := range d.Shards {
				children = append(children, fields(b.Fields, protocol.SymbolField, "shard")...)
			}
			for _, t := range d.Templates {
				detail := ""
				if t.Key != nil {
					detail = keyText(t.Key)
				}
				children = append(children, sym(t, t.Name, protocol.SymbolKey, detail, nil))
			}
			out = append(out, sym(d, d.Name, protocol.SymbolNamespace, d.Kind.String(), children))
		case *ast.D1Decl:
			out = append(out, names(d.Names, d, protocol.SymbolModule, "d1")...)
		case *ast.InjectDecl:
			out = append(out, fields(d.Entries, protocol.SymbolInterface, "inject")...)
		case *ast.VarsDecl:
			out = append(out, fields(d.Fields, protocol.SymbolVariable, "vars")...)
		case *ast.SourceDecl:
			var children []protocol.DocumentSymbol
			for _, it := range d.Items {
				if st, ok := it.(*ast.Stub); ok {
					children = append(children, sym(st, st.Kind, protocol.SymbolMethod, paramsText(st.Params), nil))
				}
			}
			out = append(out, sym(d, d.Name, protocol.SymbolConstant, "source for "+identName(d.Model), children))
		case *ast.APIDecl:
			var children []protocol.DocumentSymbol
			for _, m := range d.Methods {
				detail := identName(m.Verb) + " " + paramsText(m.Params)
				if m.Result != nil {
					detail += " -> " + typeText(m.Result, "")
				}
				children = append(children, sym(m, m.Name, protocol.SymbolMethod, detail, nil))
			}
			out = append(out, protocol.DocumentSymbol{Name: "api " + d.Name.Name, Kind: protocol.SymbolInterface,
				Range: s.rangeOf(snap, d.Span()), SelectionRange: s.rangeOf(snap, d.Name.Span()), Children: children})
		}
	}
	return out
}

func identName(id *ast.Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}

// extracted reports whether n was extracted from a .cloesce.ts file: its
// span holds TypeScript, not the schema's text, so what hover shows of
// it is written from the tree.
func extracted(n ast.Node) bool {
	s := n.Span()
	return s.File != nil && decorators.IsSource(s.File.Name)
}

// typeText is a field's type as written, or what when it has none; an
// extracted type as the schema reads it (int for Integer, option<T> for
// T | null).
func typeText(t *ast.TypeExpr, what string) string {
	switch {
	case t == nil:
		return what
	case !extracted(t):
		return t.Span().Text()
	case t.Arg != nil:
		return identName(t.Name) + "<" + typeText(t.Arg, what) + ">"
	}
	return identName(t.Name)
}

// refText is "Model::field(key)" as written, or as the schema reads an
// extracted one (whose span is a decorator or a property).
func refText(r *ast.FieldRef) string {
	if !extracted(r) {
		return r.Span().Text()
	}
	s := identName(r.Model) + "::" + identName(r.Field)
	if r.Key != nil {
		s += "(" + r.Key.Name + ")"
	}
	return s
}

func refsText(refs []*ast.FieldRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = refText(r)
	}
	return strings.Join(parts, ", ")
}

// paramsText is a parameter list on one line; an extracted one written
// from the tree (a method's is "(self, a: string)").
func paramsText(ps *ast.Params) string {
	switch {
	case ps == nil:
		return "()"
	case !extracted(ps):
		return collapse(ps.Span().Text())
	}
	parts := make([]string, len(ps.List))
	for i, p := range ps.List {
		parts[i] = identName(p.Name)
		if p.Type != nil {
			parts[i] += ": " + typeText(p.Type, "")
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// keyText is a key format as written, in the schema's quotes.
func keyText(k *ast.KeyFormat) string {
	if !extracted(k) {
		return k.Lit.Raw
	}
	var b strings.Builder
	for _, p := range k.Parts {
		if p.Param {
			b.WriteString("{" + p.Text + "}")
		} else {
			b.WriteString(p.Text)
		}
	}
	return strconv.Quote(b.String())
}

// collapse puts text written over several lines on one.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func (s *server) workspaceSymbol(params json.RawMessage) (any, *protocol.Error) {
	p, rerr := decode[protocol.WorkspaceSymbolParams](params)
	if rerr != nil {
		return nil, rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	query := strings.ToLower(p.Query)
	out := []protocol.SymbolInformation{}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range s.projects {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		snap := s.current(s.projects[k])
		var syms []*symbol
		for _, g := range snap.index.globals {
			syms = append(syms, g)
		}
		for _, scope := range snap.index.methods {
			for _, m := range scope {
				syms = append(syms, m)
			}
		}
		slices.SortFunc(syms, func(a, b *symbol) int {
			return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.decl.File.Name, b.decl.File.Name), a.decl.Start-b.decl.Start)
		})
		for _, sym := range syms {
			if !strings.Contains(strings.ToLower(sym.name), query) {
				continue
			}
			out = append(out, protocol.SymbolInformation{Name: sym.name, Kind: symbolKind(sym), ContainerName: sym.owner, Location: s.location(snap, sym.decl)})
		}
	}
	return out, nil
}

func symbolKind(sym *symbol) int {
	switch sym.kind {
	case symModel:
		return protocol.SymbolClass
	case symPoo:
		return protocol.SymbolStruct
	case symD1:
		return protocol.SymbolModule
	case symKV, symR2, symDurable:
		return protocol.SymbolNamespace
	case symVar:
		return protocol.SymbolVariable
	case symInject:
		return protocol.SymbolInterface
	case symMethod:
		return protocol.SymbolMethod
	}
	return protocol.SymbolField
}

// Formatting.

// formatting answers with the edit that makes the document what cloesce
// fmt writes. A document that does not parse is left alone: its errors
// are already among the diagnostics.
func (s *server) formatting(params json.RawMessage) (any, *protocol.Error) {
	p, rerr := decode[protocol.DocumentFormattingParams](params)
	if rerr != nil {
		return nil, rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return nil, protocol.Errorf(protocol.InvalidParams, "%v", err)
	}
	if !isCloesce(path) {
		return nil, errNoAnswer // a .cloesce.ts file is TypeScript's to format
	}
	var text string
	var l *lines
	if d := s.docs[path]; d != nil {
		text, l = d.text, d.lines
	} else {
		_, pf, rerr := s.fileSnapshot(p.TextDocument.URI)
		if rerr != nil {
			return nil, rerr
		}
		text, l = pf.text, pf.lines
	}
	var diags diag.List
	f := parser.Parse(source.NewFile(path, text), &diags)
	if diags.HasErrors() {
		return []protocol.TextEdit{}, nil
	}
	return minimalEdit(l, text, string(format.File(f)), s.enc), nil
}

// minimalEdit returns the edits turning text into out: one edit of the
// lines between their common first and last lines, or none, so that the
// editor keeps the cursor and folds of the lines that do not change.
func minimalEdit(l *lines, text, out string, enc encoding) []protocol.TextEdit {
	if text == out {
		return []protocol.TextEdit{}
	}
	a, b := strings.SplitAfter(text, "\n"), strings.SplitAfter(out, "\n")
	pre := 0
	preBytes := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		preBytes += len(a[pre])
		pre++
	}
	suf := 0
	sufBytes := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		sufBytes += len(a[len(a)-1-suf])
		suf++
	}
	newText := out[preBytes : len(out)-sufBytes]
	return []protocol.TextEdit{{Range: l.rangeOf(preBytes, len(text)-sufBytes, enc), NewText: newText}}
}

// Rename.

// renamable reports whether a symbol can be renamed: it is declared in
// the schema.
func renamable(sym *symbol) bool {
	return sym.decl.IsValid() && sym.kind != symPrimitive
}

func (s *server) prepareRename(params json.RawMessage) (any, *protocol.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, _, _, occ, ok, rerr := s.symbolAt(params)
	if rerr != nil || !ok || !renamable(occ.sym) {
		return nil, rerr
	}
	if rerr := snap.index.checkTS(occ.sym); rerr != nil {
		return nil, rerr
	}
	return protocol.PrepareRenameResult{Range: s.rangeOf(snap, occ.span), Placeholder: occ.sym.name}, nil
}

func (s *server) rename(params json.RawMessage) (any, *protocol.Error) {
	p, rerr := decode[protocol.RenameParams](params)
	if rerr != nil {
		return nil, rerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, pf, off, rerr := s.locate(p.TextDocumentPositionParams)
	if rerr != nil {
		return nil, rerr
	}
	occ, ok := snap.index.at(pf.path, off)
	if !ok || !renamable(occ.sym) {
		return nil, protocol.Errorf(protocol.RequestFailed, "there is no model, field or other declared name here to rename")
	}
	sym := occ.sym
	if rerr := snap.index.checkTS(sym); rerr != nil {
		return nil, rerr
	}
	if msg := snap.index.checkRename(sym, p.NewName); msg != "" {
		return nil, protocol.Errorf(protocol.RequestFailed, "%s", msg)
	}
	edit := protocol.WorkspaceEdit{Changes: map[string][]protocol.TextEdit{}}
	for _, o := range snap.index.occurrencesOf(sym, true) {
		uri := s.uriOf(o.span.File.Name)
		edit.Changes[uri] = append(edit.Changes[uri], protocol.TextEdit{Range: s.rangeOf(snap, o.span), NewText: p.NewName})
	}
	return edit, nil
}

// checkTS refuses to rename a name that a .cloesce.ts file declares
// or uses: it is a class or property there, which TypeScript code uses
// too, so TypeScript's rename is the one that can change it.
func (x *index) checkTS(sym *symbol) *protocol.Error {
	if !x.inTS(sym) {
		return nil
	}
	return protocol.Errorf(protocol.RequestFailed, "'%s' is written in a .cloesce.ts file: rename it there with TypeScript's rename, then where the .clo files use it", sym.name)
}

// inTS reports whether a .cloesce.ts file declares or uses sym.
func (x *index) inTS(sym *symbol) bool {
	if sym.decl.IsValid() && decorators.IsSource(sym.decl.File.Name) {
		return true
	}
	for file, occs := range x.byFile {
		if decorators.IsSource(file) && slices.ContainsFunc(occs, func(o occ) bool { return o.sym == sym }) {
			return true
		}
	}
	return false
}

// checkRename says why sym cannot be called name, or "".
func (x *index) checkRename(sym *symbol, name string) string {
	if !token.IsIdentifier(name) {
		return "'" + name + "' is not a name: use letters, digits and _, starting with a letter or _"
	}
	if token.Reserved(name) {
		return "'" + name + "' is reserved: generated code uses it"
	}
	if name == sym.name {
		return ""
	}
	var scope map[string]*symbol
	switch {
	case sym.kind.isGlobal():
		scope = x.globals
		if (sym.kind == symModel || sym.kind == symPoo) && (slices.Contains(primitiveNames, name) || slices.Contains(genericNames, name)) {
			return "'" + name + "' is a built-in type: types naming it would no longer name " + sym.name
		}
	case sym.kind == symField:
		scope = x.fields[sym.owner]
	case sym.kind == symPooField:
		scope = x.pooFields[sym.owner]
	case sym.kind == symSource:
		scope = x.sources[sym.owner]
	case sym.kind == symTemplate:
		scope = x.templates[sym.owner]
	case sym.kind == symShard:
		scope = x.shards[sym.owner]
	case sym.kind == symMethod:
		scope = x.methods[sym.owner]
	case sym.kind == symTemplateParam || sym.kind == symParam:
		scope = x.paramScopes[sym.owner]
	}
	if other := scope[name]; other != nil {
		return "'" + name + "' is already declared here as a " + what(other)
	}
	return ""
}

// what describes a symbol's kind in a sentence.
func what(sym *symbol) string {
	switch sym.kind {
	case symModel:
		return "model"
	case symPoo:
		return "plain old object"
	case symD1:
		return "D1 database"
	case symKV:
		return "KV namespace"
	case symR2:
		return "R2 bucket"
	case symDurable:
		return "Durable Object"
	case symVar:
		return "variable"
	case symInject:
		return "injectable"
	case symField:
		return memberWhat[sym.member]
	case symPooField:
		return "field"
	case symShard:
		return "shard field"
	case symTemplate:
		return "template"
	case symTemplateParam:
		return "template parameter"
	case symSource:
		return "data source"
	case symMethod:
		return "API method"
	case symParam:
		return "parameter"
	}
	return "type"
}
