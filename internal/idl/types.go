package idl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Kind is the head of a type.
type Kind uint8

const (
	Void Kind = iota
	Int
	Real
	String
	Blob
	Bool
	Date
	JSONValue
	Stream
	R2Object
	Object   // a model or poo, by Name
	Partial  // partial<Name>
	Array    // array<Elem>
	Option   // option<Elem>
	KVObject // kvobject<Elem>
)

// kindNames are the schema-language spellings, also used in JSON.
var kindNames = [...]string{
	Void: "void", Int: "int", Real: "real", String: "string", Blob: "blob",
	Bool: "bool", Date: "date", JSONValue: "json", Stream: "stream", R2Object: "r2object",
	Object: "object", Partial: "partial", Array: "array", Option: "option", KVObject: "kvobject",
}

func (k Kind) String() string { return kindNames[k] }

// KindNamed returns the primitive kind spelt name in the schema language.
func KindNamed(name string) (Kind, bool) {
	for k := Void; k <= R2Object; k++ {
		if kindNames[k] == name {
			return k, true
		}
	}
	return 0, false
}

// A Type is a value type. Name is set for Object and Partial, Elem for
// Array, Option and KVObject.
//
// In JSON a primitive is its name ("int"); the others are one-key objects:
// {"object": "User"}, {"partial": "User"}, {"array": T}, {"option": T},
// {"kvobject": T}.
type Type struct {
	Kind Kind
	Name string
	Elem *Type
}

// Prim returns the primitive type k.
func Prim(k Kind) *Type { return &Type{Kind: k} }

// Named returns the Object or Partial type of a model or poo.
func Named(k Kind, name string) *Type { return &Type{Kind: k, Name: name} }

// Wrap returns k<elem> for Array, Option and KVObject.
func Wrap(k Kind, elem *Type) *Type { return &Type{Kind: k, Elem: elem} }

// Root strips array, option and kvobject wrappers.
func (t *Type) Root() *Type {
	for t.Elem != nil {
		t = t.Elem
	}
	return t
}

// Equal reports whether two types are the same.
func (t *Type) Equal(u *Type) bool {
	for t != nil && u != nil {
		if t.Kind != u.Kind || t.Name != u.Name {
			return false
		}
		t, u = t.Elem, u.Elem
	}
	return t == nil && u == nil
}

// String spells the type as in a schema: "option<array<User>>".
func (t *Type) String() string {
	switch t.Kind {
	case Object:
		return t.Name
	case Partial:
		return "partial<" + t.Name + ">"
	case Array, Option, KVObject:
		return t.Kind.String() + "<" + t.Elem.String() + ">"
	}
	return t.Kind.String()
}

func (t *Type) MarshalJSON() ([]byte, error) { return t.appendJSON(nil, false), nil }

func (t *Type) appendJSON(dst []byte, html bool) []byte {
	switch t.Kind {
	case Object, Partial:
		dst = append(append(append(dst, `{"`...), kindNames[t.Kind]...), `":`...)
		return append(appendString(dst, t.Name, html), '}')
	case Array, Option, KVObject:
		dst = append(append(append(dst, `{"`...), kindNames[t.Kind]...), `":`...)
		return append(t.Elem.appendJSON(dst, html), '}')
	}
	return append(append(append(dst, '"'), kindNames[t.Kind]...), '"')
}

// TypeScript spells the JSON form of MarshalJSON as the alternatives of a
// TypeScript union, named CidlType in runtime/src/cidl.ts (Type is too
// common a name there). tsgen calls it.
func (*Type) TypeScript() (name string, union []string) {
	for k := Void; k <= KVObject; k++ {
		switch k {
		case Object, Partial:
			union = append(union, fmt.Sprintf("{ %s: string }", k))
		case Array, Option, KVObject:
			union = append(union, fmt.Sprintf("{ %s: CidlType }", k))
		default:
			union = append(union, strconv.Quote(k.String()))
		}
	}
	return "CidlType", union
}

func (t *Type) UnmarshalJSON(b []byte) error {
	var name string
	if json.Unmarshal(b, &name) == nil {
		k, ok := KindNamed(name)
		if !ok {
			return fmt.Errorf("unknown type %q", name)
		}
		*t = Type{Kind: k}
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || len(obj) != 1 {
		return fmt.Errorf("a type is a name or a one-key object, not %s", b)
	}
	for key, val := range obj {
		switch key {
		case "object", "partial":
			t.Kind = Object
			if key == "partial" {
				t.Kind = Partial
			}
			return json.Unmarshal(val, &t.Name)
		case "array", "option", "kvobject":
			t.Kind = map[string]Kind{"array": Array, "option": Option, "kvobject": KVObject}[key]
			t.Elem = new(Type)
			return t.Elem.UnmarshalJSON(val)
		}
		return fmt.Errorf("unknown type constructor %q", key)
	}
	return nil
}

// A Validator constrains a value: "gt", "gte", "lt", "lte" and "step" take
// a number, "len", "minlen" and "maxlen" a count, "regex" a pattern.
// Arg is the number as written (so 1 and 1.0 stay apart) or the pattern.
//
// In JSON a validator is a one-key object, its kind and its argument:
// {"gt": 0}, {"regex": "^a+$"}. A number is written as in the schema, so
// 1 and 1.0 stay apart; JSON.parse does not keep the difference.
type Validator struct {
	Kind string
	Arg  string
}

// validatorArgs lists the kinds of validator and the TypeScript type of
// their arguments, in the order of docs/cidl.md.
var validatorArgs = []struct{ kind, ts string }{
	{"gt", "number"}, {"gte", "number"}, {"lt", "number"}, {"lte", "number"}, {"step", "number"},
	{"len", "number"}, {"minlen", "number"}, {"maxlen", "number"},
	{"regex", "string"},
}

// IsRegex reports whether the argument is a pattern rather than a number.
func (v Validator) IsRegex() bool { return v.Kind == "regex" }

func (v Validator) MarshalJSON() ([]byte, error) { return v.appendJSON(nil, false), nil }

func (v Validator) appendJSON(dst []byte, html bool) []byte {
	dst = append(appendString(append(dst, '{'), v.Kind, html), ':')
	if v.IsRegex() {
		dst = appendString(dst, v.Arg, html)
	} else {
		dst = append(dst, v.Arg...)
	}
	return append(dst, '}')
}

// TypeScript spells the JSON form of MarshalJSON as the alternatives of a
// TypeScript union, one per kind. tsgen calls it.
func (Validator) TypeScript() (name string, union []string) {
	for _, v := range validatorArgs {
		union = append(union, fmt.Sprintf("{ %s: %s }", v.kind, v.ts))
	}
	return "Validator", union
}

func (v *Validator) UnmarshalJSON(b []byte) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || len(obj) != 1 {
		return fmt.Errorf("a validator is a one-key object, not %s", b)
	}
	for k, arg := range obj {
		v.Kind = k
		if v.IsRegex() {
			return json.Unmarshal(arg, &v.Arg)
		}
		var n json.Number
		if err := json.Unmarshal(arg, &n); err != nil {
			return fmt.Errorf("validator %s: %v", k, err)
		}
		v.Arg = n.String()
	}
	return nil
}

// A Tree is an include tree: the navigation, KV and R2 fields to fetch
// with an object, each with the tree to fetch below it.
//
// In JSON a tree is an object keeping declaration order, each key a
// navigation, KV or R2 field and each value the tree below it:
// {"dogs": {}, "owner": {"dogs": {}}}.
type Tree []*Include

// An Include is one entry of a Tree.
type Include struct {
	Name     string
	Children Tree
}

func (t Tree) MarshalJSON() ([]byte, error) { return t.appendJSON(nil, false), nil }

func (t Tree) appendJSON(dst []byte, html bool) []byte {
	dst = append(dst, '{')
	for i, in := range t {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendString(dst, in.Name, html), ':')
		dst = in.Children.appendJSON(dst, html)
	}
	return append(dst, '}')
}

// TypeScript spells the JSON form of MarshalJSON in TypeScript: an object
// type whose values are trees. tsgen calls it.
func (Tree) TypeScript() (name string, union []string) {
	return "Tree", []string{"{ [field: string]: Tree }"}
}

func (t *Tree) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tree, err := decodeTree(dec)
	*t = tree
	return err
}

// decodeTree reads one JSON object of a tree, keeping key order, which
// encoding/json's maps would lose.
func decodeTree(dec *json.Decoder) (Tree, error) {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("an include tree is a JSON object")
	}
	tree := Tree{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := key.(string)
		children, err := decodeTree(dec)
		if err != nil {
			return nil, err
		}
		tree = append(tree, &Include{Name: name, Children: children})
	}
	_, err := dec.Token() // '}'
	return tree, err
}
