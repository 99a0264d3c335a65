package sema

import (
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// tagKind classifies tags by what they mean, for the placement rules.
type tagKind int

const (
	validatorTag tagKind = iota
	crudTag
	injectTag
	internalTag
	instanceTag
	sourceTag
)

var tagKindNames = [...]string{
	validatorTag: "validators",
	crudTag:      "[crud]",
	injectTag:    "[inject]",
	internalTag:  "[internal]",
	instanceTag:  "[instance]",
	sourceTag:    "[source]",
}

func kindOf(t ast.Tag) tagKind {
	switch t := t.(type) {
	case *ast.ValidatorTag:
		return validatorTag
	case *ast.CrudTag:
		return crudTag
	case *ast.InjectTag:
		return injectTag
	case *ast.SourceTag:
		return sourceTag
	case *ast.FlagTag:
		if t.Name.Name == "instance" {
			return instanceTag
		}
	}
	return internalTag
}

// tags reports every tag on an item (described by what) that is not among
// the allowed kinds.
func (c *checker) tags(tags []ast.Tag, what string, allowed ...tagKind) {
	for _, t := range tags {
		k := kindOf(t)
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if ok {
			continue
		}
		d := c.diags.Errorf(diag.TagNotAllowed, t.Span(), "tag '%s' is not allowed on %s", t.TagName().Name, what).
			Labelled("not allowed here")
		if len(allowed) == 0 {
			d.Helpf("%s takes no tags", what)
		} else {
			names := make([]string, len(allowed))
			for i, a := range allowed {
				names[i] = tagKindNames[a]
			}
			d.Helpf("%s takes only %s", what, strings.Join(names, " and "))
		}
	}
}
