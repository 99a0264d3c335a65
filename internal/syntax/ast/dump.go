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
	var b strings.Builder
	dump(&b, reflect.ValueOf(n), 0)
	return b.String()
}

var posType = reflect.TypeOf(Pos{})

// leaf renders the nodes that fit on one line.
func leaf(v reflect.Value) (string, bool) {
	switch n := v.Interface().(type) {
	case *Ident:
		return fmt.Sprintf("%q %s", n.Name, spanString(n.Span())), true
	case *Literal:
		return fmt.Sprintf("%s %s %s", n.Kind, n.Raw, spanString(n.Span())), true
	case *TypeExpr:
		return fmt.Sprintf("%s %s", typeString(n), spanString(n.Span())), true
	}
	return "", false
}

func typeString(t *TypeExpr) string {
	if t.Arg == nil {
		return t.Name.Name
	}
	return t.Name.Name + "<" + typeString(t.Arg) + ">"
}

func dump(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	if s, ok := leaf(v); ok {
		fmt.Fprintf(b, "%s%s\n", indent, s)
		return
	}
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	t := v.Type()
	if n, ok := v.Addr().Interface().(*KeyFormat); ok {
		fmt.Fprintf(b, "%sKeyFormat %s %s\n", indent, n.Lit.Raw, spanString(n.Span()))
		for _, part := range n.Parts {
			kind := "Text"
			if part.Param {
				kind = "Param"
			}
			fmt.Fprintf(b, "%s  %s %q %s\n", indent, kind, part.Text, spanString(part.Span()))
		}
		return
	}
	span := ""
	if node, ok := v.Addr().Interface().(Node); ok {
		span = " " + spanString(node.Span())
	}
	fmt.Fprintf(b, "%s%s%s\n", indent, t.Name(), span)
	for i := range t.NumField() {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Type == posType || f.Name == "Braces" || f.Name == "Src" || f.Name == "Comments" || fv.IsZero() {
			continue
		}
		switch fv.Kind() {
		case reflect.Slice:
			if fv.Len() == 0 {
				continue
			}
			fmt.Fprintf(b, "%s  %s:\n", indent, f.Name)
			for j := range fv.Len() {
				dump(b, fv.Index(j), depth+2)
			}
		case reflect.Pointer, reflect.Interface:
			if s, ok := leaf(fv); ok {
				fmt.Fprintf(b, "%s  %s: %s\n", indent, f.Name, s)
				continue
			}
			fmt.Fprintf(b, "%s  %s:\n", indent, f.Name)
			dump(b, fv, depth+2)
		default:
			fmt.Fprintf(b, "%s  %s: %v\n", indent, f.Name, fv.Interface())
		}
	}
}

func spanString(s source.Span) string {
	if !s.IsValid() {
		return "@-"
	}
	a, z := s.Pos(), s.EndPos()
	return fmt.Sprintf("@%d:%d-%d:%d", a.Line, a.Column, z.Line, z.Column)
}
