package sema

import (
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// model checks the names and field types declared in a model body. Every
// kind of field shares one scope, shard aliases included, since they all
// become properties of the same object.
func (c *checker) model(m *ast.ModelDecl) {
	fields := newScope(c.diags, "model '"+m.Name.Name+"'")
	if m.Backing != nil && m.Backing.Args != nil {
		for _, a := range m.Backing.Args.Names {
			fields.add(a, "shard alias")
		}
	}
	for _, it := range m.Items {
		switch it := it.(type) {
		case *ast.FieldBlock:
			for _, f := range it.Fields {
				fields.add(f.Name, it.Keyword.Name)
				c.tags(f.Tags, "a "+it.Keyword.Name+" field", validatorTag)
				c.sqlType(f, it.Keyword.Name, it.Keyword.Name == "column")
			}
		case *ast.PrimaryBlock:
			for _, n := range it.Items {
				switch n := n.(type) {
				case *ast.Field:
					fields.add(n.Name, "primary key")
					c.tags(n.Tags, "a primary key", validatorTag)
					c.sqlType(n, "primary key", false)
				case *ast.ForeignBlock:
					c.foreignNames(fields, n)
				}
			}
		case *ast.ForeignBlock:
			c.foreignNames(fields, it)
		case *ast.NavBlock:
			c.oneField(fields, it.Fields, it, "navigation")
		case *ast.StoreField:
			c.oneField(fields, it.Fields, it, it.Kind.String())
		}
	}
}

func (c *checker) foreignNames(fields *scope, f *ast.ForeignBlock) {
	for _, n := range f.Fields {
		fields.add(n, "foreign key")
	}
}

// oneField declares the single field a nav, kv or r2 block names; such a
// block holds exactly one.
func (c *checker) oneField(fields *scope, names []*ast.Ident, block ast.Node, what string) {
	for _, n := range names {
		fields.add(n, what)
	}
	if len(names) != 1 {
		c.diags.Errorf(diag.OneFieldPerBlock, block.Span(), "a %s block declares exactly one field, not %d", what, len(names)).
			Labelled("%d fields", len(names)).
			Helpf("write one block per field")
	}
}
