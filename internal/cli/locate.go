package cli

import (
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// modelSpan returns the span of the name of model in files, or the zero
// span when no file declares it: a diagnostic about a table then points at
// the model declaring it.
func modelSpan(files []*ast.File, model string) source.Span {
	if m := findModel(files, model); m != nil {
		return m.Name.Span()
	}
	return source.Span{}
}

// columnSpan returns the span of the name of column of model in files: a
// column, a primary-key field or a foreign-key column. exact is false when
// the model does not declare the column (it is gone) and the span is the
// model's name instead, or the zero span without the model.
func columnSpan(files []*ast.File, model, column string) (span source.Span, exact bool) {
	m := findModel(files, model)
	if m == nil {
		return source.Span{}, false
	}
	for _, item := range m.Items {
		var found *ast.Ident
		ast.Inspect(item, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FieldBlock:
				// Route fields are not columns.
				return n.Keyword != nil && n.Keyword.Name == "column"
			case *ast.NavBlock, *ast.StoreField, *ast.UniqueDecl:
				return false
			case *ast.Field:
				if n.Name != nil && n.Name.Name == column && found == nil {
					found = n.Name
				}
				return false
			case *ast.ForeignBlock:
				for _, id := range n.Fields {
					if id != nil && id.Name == column && found == nil {
						found = id
					}
				}
				return false
			}
			return true
		})
		if found != nil {
			return found.Span(), true
		}
	}
	return m.Name.Span(), false
}

func findModel(files []*ast.File, name string) *ast.ModelDecl {
	for _, f := range files {
		for _, d := range f.Decls {
			if m, ok := d.(*ast.ModelDecl); ok && m.Name != nil && m.Name.Name == name {
				return m
			}
		}
	}
	return nil
}
