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
	indexTag
	cascadeTag
	headerTag
)

var tagKindNames = [...]string{
	validatorTag: "validators",
	crudTag:      "[crud]",
	injectTag:    "[inject]",
	internalTag:  "[internal]",
	instanceTag:  "[instance]",
	sourceTag:    "[source]",
	indexTag:     "[index]",
	cascadeTag:   "[cascade]",
	headerTag:    "[header]",
}

// tagNotes say, under an error for a misplaced tag, where it belongs,
// for the tags whose place is not obvious from the list of those allowed.
var tagNotes = map[tagKind]string{
	indexTag:   "[index] asks for an index on one column of the model's table: write it on a field of a `column` or `primary` block, or index several columns with `index(a, b)`",
	cascadeTag: "[cascade] is written before a `nav` item whose target holds the foreign key: deleting an object then deletes the objects it reaches",
	injectTag:  "[inject] is written before an api method, a data-source method, or an injectable of an inject block whose init receives what it names (a service)",
	headerTag:  "[header] is written before a parameter of an api method: it is read from the HTTP header of its name, each '_' a '-'",
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
		switch t.Name.Name {
		case "instance":
			return instanceTag
		case "index":
			return indexTag
		case "cascade":
			return cascadeTag
		case "header":
			return headerTag
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
		if note, ok := tagNotes[k]; ok {
			d.Notef("%s", note)
		}
	}
}
