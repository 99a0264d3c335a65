// Package ast declares the syntax tree of a schema file.
//
// Every node carries the span of source it was parsed from, tags included.
// The tree records what was written, not what it means: whether a name is a
// model or a primitive, or whether a tag is allowed where it stands, is for
// semantic analysis to decide. Nodes the parser could not complete after an
// error are left out or have nil children; consumers must tolerate both.
package ast

import (
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// A Node is any element of the tree.
type Node interface {
	Span() source.Span
}

// Pos is embedded in nodes to implement Node.
type Pos struct{ S source.Span }

func (p Pos) Span() source.Span { return p.S }

// A File is one parsed schema file.
type File struct {
	Pos
	Src      *source.File
	Decls    []Decl
	Comments []token.Comment
}

// A Decl is a top-level declaration.
type Decl interface {
	Node
	decl()
}

// Braces records where a "{ ... }" body opens and closes, so that the
// formatter can place comments that stand just before the closing brace.
// Close is -1 when the body was never closed.
type Braces struct{ Open, Close int }

// An Ident is a name or a contextual keyword as written.
type Ident struct {
	Pos
	Name string
}

// A Literal is a tag argument or a key format as written.
type Literal struct {
	Pos
	Kind token.Kind // Int, Real, String, Template or Regex
	Raw  string     // as written, delimiters included
}

// Value returns the literal without its delimiters.
func (l *Literal) Value() string {
	switch l.Kind {
	case token.String, token.Template, token.Regex:
		if len(l.Raw) >= 2 && l.Raw[len(l.Raw)-1] == l.Raw[0] {
			return l.Raw[1 : len(l.Raw)-1]
		}
		return l.Raw[1:] // unterminated; reported by the scanner
	}
	return l.Raw
}

// A TypeExpr is a type: a name, or a generic applied to one argument
// (option<T>, array<T>, kvobject<T>, partial<T>).
type TypeExpr struct {
	Pos
	Name *Ident
	Arg  *TypeExpr // nil unless generic
}

// A Field is a typed symbol "[tags] name: type": a column, a route, vars,
// poo and shard fields, parameters and injectables. The parameter "self"
// is a Field named self with no Type, and so is a class injectable.
type Field struct {
	Pos
	Tags []Tag
	Name *Ident
	Type *TypeExpr
}

// IsSelf reports whether the field is the instance parameter "self".
func (f *Field) IsSelf() bool { return f.Type == nil && f.Name != nil && f.Name.Name == "self" }

// A Params is a parenthesised parameter list.
type Params struct {
	Pos
	List []*Field
}

// Tag is one "[...]" annotation.
type Tag interface {
	Node
	TagName() *Ident
}

// A ValidatorTag is "[gt 0]", "[regex /.../]" and the like.
type ValidatorTag struct {
	Pos
	Name  *Ident
	Value *Literal // nil after a syntax error
}

// A CrudTag is "[crud get, list, save]"; Kinds may be empty.
type CrudTag struct {
	Pos
	Name  *Ident
	Kinds []*Ident
}

// An InjectTag is "[inject A, B(x, y)]"; Entries may be empty.
type InjectTag struct {
	Pos
	Name    *Ident
	Entries []*InjectEntry
}

// An InjectEntry names a binding, var or custom inject. With parentheses
// (Context true) it asks for a Durable Object instance, addressed by the
// listed parameter names.
type InjectEntry struct {
	Pos
	Name    *Ident
	Context bool
	Args    []*Ident
}

// A FlagTag is a tag without arguments: "[internal]", "[instance]",
// "[index]", "[cascade]", "[header]".
type FlagTag struct {
	Pos
	Name *Ident
}

// A SourceTag is "[source Name]".
type SourceTag struct {
	Pos
	Name   *Ident
	Source *Ident
}

func (t *ValidatorTag) TagName() *Ident { return t.Name }
func (t *CrudTag) TagName() *Ident      { return t.Name }
func (t *InjectTag) TagName() *Ident    { return t.Name }
func (t *FlagTag) TagName() *Ident      { return t.Name }
func (t *SourceTag) TagName() *Ident    { return t.Name }

// D1Decl is "d1 { A B }".
type D1Decl struct {
	Pos
	Tags  []Tag
	Names []*Ident
	Braces
}

// InjectDecl is "inject { A  [inject Db] B  C: string }": injectables.
// An entry without a Type is a class the user extends and registers (a
// service when it has an [inject] tag); one with a Type is a value of that
// type that a hook sets per request.
type InjectDecl struct {
	Pos
	Tags    []Tag
	Entries []*Field
	Braces
}

// VarsDecl is "vars { NAME: type ... }".
type VarsDecl struct {
	Pos
	Tags   []Tag
	Fields []*Field
	Braces
}

// PooDecl is "poo Name { field: type ... }".
type PooDecl struct {
	Pos
	Tags   []Tag
	Name   *Ident
	Fields []*Field
	Braces
}

// StoreKind tells the three kinds of key-addressed store apart.
type StoreKind int

const (
	KV StoreKind = iota
	R2
	Durable
)

func (k StoreKind) String() string {
	return [...]string{"kv", "r2", "durable"}[k]
}

// A StoreDecl is a KV namespace ("kv N { ... }"), an R2 bucket
// ("r2 N { ... }") or a Durable Object ("durable N { shard {...} ... }").
type StoreDecl struct {
	Pos
	Tags      []Tag
	Kind      StoreKind
	Name      *Ident
	Shards    []*FieldBlock // durable only
	Templates []*Template
	Braces
}

// A Template names a key in a store: "name(params) -> T { "key/{p}" }".
// R2 templates have no result type.
type Template struct {
	Pos
	Tags   []Tag
	Name   *Ident
	Params *Params
	Result *TypeExpr
	Key    *KeyFormat
	Braces
}

// A KeyFormat is a key template string split into literal text and
// "{param}" placeholders ("${param}" in a backquoted string).
type KeyFormat struct {
	Lit   *Literal
	Parts []KeyPart
}

func (k *KeyFormat) Span() source.Span { return k.Lit.Span() }

// A KeyPart is literal text or, when Param is set, a placeholder; its span
// covers the braces.
type KeyPart struct {
	Pos
	Text  string
	Param bool
}

// A FieldBlock is a braced list of fields: "column {...}", "route {...}",
// "shard {...}". Only a model's field blocks have tags.
type FieldBlock struct {
	Pos
	Tags    []Tag
	Keyword *Ident
	Fields  []*Field
	Braces
}

// ModelDecl is "[tags] model Name [for Binding[(a, b)]] { items }".
type ModelDecl struct {
	Pos
	Tags    []Tag
	Name    *Ident
	Backing *Backing
	Items   []ModelItem
	Braces
}

// A Backing is "for Db" or, for a sharded Durable Object, "for Do(a, b)".
type Backing struct {
	Pos
	Binding *Ident
	Args    *IdentList // nil without parentheses
}

// An IdentList is a parenthesised list of names.
type IdentList struct {
	Pos
	Names []*Ident
}

// A ModelItem is one member of a model body. Any item may be written
// after tags (only [cascade] before a nav means something); its span
// then starts at the first tag.
type ModelItem interface {
	Node
	ItemTags() []Tag
	modelItem()
}

// A PrimaryBlock lists primary-key fields, which may be foreign keys.
type PrimaryBlock struct {
	Pos
	Tags    []Tag
	Keyword *Ident
	Items   []Node // *Field or *ForeignBlock
	Braces
}

// A ForeignBlock is "foreign A::id [optional] { localField }", or the
// composite "foreign (A::x, A::y) { lx ly }".
type ForeignBlock struct {
	Pos
	Tags     []Tag
	Refs     []*FieldRef
	Paren    bool
	Optional *Ident
	Fields   []*Ident
	Braces
}

// A FieldRef is "Model::field"; Key is the "(localKey)" suffix of a
// one-to-one navigation.
type FieldRef struct {
	Pos
	Model *Ident
	Field *Ident
	Key   *Ident
}

// A NavBlock is a navigation field: "nav Dog::ownerId { dogs }",
// "nav Profile::id(profileId) { profile }", "nav (A::x, A::y) { f }",
// or the keyless "nav Singleton { cfg }" (Refs empty, Model set).
type NavBlock struct {
	Pos
	Tags   []Tag
	Refs   []*FieldRef
	Paren  bool
	Model  *Ident
	Fields []*Ident // exactly one when well formed
	Braces
}

// A StoreField is a KV or R2 field: "kv Ns::tmpl(args) { field }".
type StoreField struct {
	Pos
	Tags     []Tag
	Kind     StoreKind // KV or R2
	Paren    bool      // written as "kv (Ns::tmpl(args))"
	Binding  *Ident
	Template *Ident
	Args     *IdentList // nil without parentheses
	Fields   []*Ident   // exactly one when well formed
	Braces
}

// A UniqueDecl is "unique (a, b)".
type UniqueDecl struct {
	Pos
	Tags   []Tag
	Fields *IdentList
}

// An IndexDecl is "index (a, b)": an index on those columns, in order.
type IndexDecl struct {
	Pos
	Tags   []Tag
	Fields *IdentList
}

func (*FieldBlock) modelItem()   {}
func (*PrimaryBlock) modelItem() {}
func (*ForeignBlock) modelItem() {}
func (*NavBlock) modelItem()     {}
func (*StoreField) modelItem()   {}
func (*UniqueDecl) modelItem()   {}
func (*IndexDecl) modelItem()    {}

func (b *FieldBlock) ItemTags() []Tag   { return b.Tags }
func (b *PrimaryBlock) ItemTags() []Tag { return b.Tags }
func (b *ForeignBlock) ItemTags() []Tag { return b.Tags }
func (b *NavBlock) ItemTags() []Tag     { return b.Tags }
func (f *StoreField) ItemTags() []Tag   { return f.Tags }
func (u *UniqueDecl) ItemTags() []Tag   { return u.Tags }
func (x *IndexDecl) ItemTags() []Tag    { return x.Tags }

// SourceDecl is "[tags] source Name for Model { include {...} get(...) ... }".
type SourceDecl struct {
	Pos
	Tags  []Tag
	Name  *Ident
	Model *Ident
	Items []SourceItem // in source order
	Braces
}

// A SourceItem is an include tree or a method stub.
type SourceItem interface {
	Node
	sourceItem()
}

// An IncludeBlock is "include { a { b } c }".
type IncludeBlock struct {
	Pos
	Keyword *Ident
	Entries []*IncludeEntry
	Braces
}

// An IncludeEntry names a navigation, KV or R2 field to hydrate, with the
// entries to hydrate below it. HasBody tells "a {}" from "a".
type IncludeEntry struct {
	Pos
	Name     *Ident
	HasBody  bool
	Children []*IncludeEntry
	Braces
}

// A Stub is a data-source method: "[tags] get(params)", list or save.
type Stub struct {
	Pos
	Tags   []Tag
	Kind   *Ident
	Params *Params
}

func (*IncludeBlock) sourceItem() {}
func (*Stub) sourceItem()         {}

// APIDecl is "api Model { methods }".
type APIDecl struct {
	Pos
	Tags    []Tag
	Name    *Ident
	Methods []*Method
	Braces
}

// A Method is "[tags] verb name(params) [-> T]".
type Method struct {
	Pos
	Tags   []Tag
	Verb   *Ident
	Name   *Ident
	Params *Params
	Result *TypeExpr // nil for no result
}

func (*D1Decl) decl()     {}
func (*InjectDecl) decl() {}
func (*VarsDecl) decl()   {}
func (*PooDecl) decl()    {}
func (*StoreDecl) decl()  {}
func (*ModelDecl) decl()  {}
func (*SourceDecl) decl() {}
func (*APIDecl) decl()    {}

// A Fragment is a block item standing alone at the top level: a field, an
// api method, a model item, an include block or a data-source stub, as the
// documentation shows them. The parser accepts fragments so that such text
// can be checked for syntax and formatted; semantic analysis rejects them.
type Fragment struct {
	Pos
	Item Node // *Field, *Method, *Stub, *IncludeBlock or a ModelItem
}

func (*Fragment) decl() {}
