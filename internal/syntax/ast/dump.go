package ast

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/cloesce-go/cloesce/internal/source"
)

// Dump renders a tree as indented text, one node per line with its span as
// "@line:col-line:col". Zero-valued fields are left out. Golden tests record
// it, so its form must stay stable.
func Dump(n Node) string {
	d := dumper{spans: true}
	d.dump(reflect.ValueOf(n), 0)
	return d.b.String()
}

// Shape renders a tree like Dump but without spans, so that two trees
// parsed from differently laid out text compare equal when they say the
// same thing.
func Shape(n Node) string {
	var d dumper
	d.dump(reflect.ValueOf(n), 0)
	return d.b.String()
}

type dumper struct {
	b     strings.Builder
	spans bool
}

var posType = reflect.TypeOf(Pos{})

// leaf renders the nodes that fit on one line.
func (d *dumper) leaf(v reflect.Value) (string, bool) {
	switch n := v.Interface().(type) {
	case *Ident:
		return fmt.Sprintf("%q%s", n.Name, d.span(n.Span())), true
	case *Literal:
		return fmt.Sprintf("%s %s%s", n.Kind, n.Raw, d.span(n.Span())), true
	case *TypeExpr:
		return fmt.Sprintf("%s%s", typeString(n), d.span(n.Span())), true
	}
	return "", false
}

func typeString(t *TypeExpr) string {
	if t.Arg == nil {
		return t.Name.Name
	}
	return t.Name.Name + "<" + typeString(t.Arg) + ">"
}

func (d *dumper) dump(v reflect.Value, depth int) {
	b := &d.b
	indent := strings.Repeat("  ", depth)
	if s, ok := d.leaf(v); ok {
		fmt.Fprintf(b, "%s%s\n", indent, s)
		return
	}
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	t := v.Type()
	if n, ok := v.Addr().Interface().(*KeyFormat); ok {
		fmt.Fprintf(b, "%sKeyFormat %s%s\n", indent, n.Lit.Raw, d.span(n.Span()))
		for _, part := range n.Parts {
			kind := "Text"
			if part.Param {
				kind = "Param"
			}
			fmt.Fprintf(b, "%s  %s %q%s\n", indent, kind, part.Text, d.span(part.Span()))
		}
		return
	}
	span := ""
	if node, ok := v.Addr().Interface().(Node); ok {
		span = d.span(node.Span())
	}
	fmt.Fprintf(b, "%s%s%s\n", indent, t.Name(), span)
	for i := range t.NumField() {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Type == posType || f.Name == "Braces" || f.Name == "Src" || f.Name == "Comments" || fv.IsZero() && !isEnum(fv) {
			continue
		}
		switch fv.Kind() {
		case reflect.Slice:
			if fv.Len() == 0 {
				continue
			}
			fmt.Fprintf(b, "%s  %s:\n", indent, f.Name)
			for j := range fv.Len() {
				d.dump(fv.Index(j), depth+2)
			}
		case reflect.Pointer, reflect.Interface:
			if s, ok := d.leaf(fv); ok {
				fmt.Fprintf(b, "%s  %s: %s\n", indent, f.Name, s)
				continue
			}
			fmt.Fprintf(b, "%s  %s:\n", indent, f.Name)
			d.dump(fv, depth+2)
		default:
			fmt.Fprintf(b, "%s  %s: %v\n", indent, f.Name, fv.Interface())
		}
	}
}

// isEnum reports whether v is a named kind such as StoreKind, whose zero
// value means something and must be shown.
func isEnum(v reflect.Value) bool {
	_, ok := v.Interface().(fmt.Stringer)
	return ok && v.Kind() == reflect.Int
}

// span renders " @line:col-line:col", or nothing for Shape.
func (d *dumper) span(s source.Span) string {
	if !d.spans {
		return ""
	}
	if !s.IsValid() {
		return " @-"
	}
	a, z := s.Pos(), s.EndPos()
	return fmt.Sprintf(" @%d:%d-%d:%d", a.Line, a.Column, z.Line, z.Column)
}
