package decorators

import "github.com/cloesce-go/cloesce/internal/source"

// The syntax tree of the TypeScript subset: only what extraction reads.
// Every node keeps its span in the .ts file, so that the schema tree built
// from it, and every diagnostic, points there.

type name struct {
	text string
	span source.Span
}

// A class is a class declaration with its decorators.
type class struct {
	span     source.Span
	exported bool
	main     bool // not a class: the default-exported function, the custom main
	name     name
	decos    []*decorator
	members  []*member
}

// A decorator is "@Name", "@Name(args)" or "@Name<T>(args)".
type decorator struct {
	span     source.Span
	name     name
	typeArgs []*tsType
	args     []expr
	called   bool // written with parentheses
}

// A member is a property or a method signature; bodies are skipped.
type member struct {
	span     source.Span
	decos    []*decorator
	static   bool
	name     name
	method   bool
	params   []*param
	typ      *tsType // the property's type, or the method's result; nil if not written
	init     expr    // a property's initialiser
	hasBody  bool
	optional bool // "name?:"
}

type param struct {
	span  source.Span
	decos []*decorator
	name  name
	typ   *tsType
}

// A tsType is a type reference with type arguments, an array of one, or a
// union of them.
type tsType struct {
	span  source.Span
	name  name      // empty for a union
	args  []*tsType // type arguments
	array bool      // name<args>[], with elem in args[0]
	union []*tsType
}

// An expr is a decorator argument or an initialiser.
type expr interface{ exprSpan() source.Span }

type (
	// strLit is a string, or a template literal without substitutions.
	strLit struct {
		span  source.Span
		value string
	}
	// pathExpr is a name or a member path such as a.b.
	pathExpr struct {
		span  source.Span
		names []name
	}
	arrayLit struct {
		span  source.Span
		elems []expr
	}
	objectLit struct {
		span  source.Span
		props []*prop
	}
	// arrowFn is "p => p.a.b": a parameter and the path it selects.
	arrowFn struct {
		span  source.Span
		param name
		body  *pathExpr
	}
	// otherExpr is a literal the extractor does not interpret (a number,
	// true, null).
	otherExpr struct{ span source.Span }
)

type prop struct {
	key   name
	value expr
}

func (e *strLit) exprSpan() source.Span    { return e.span }
func (e *pathExpr) exprSpan() source.Span  { return e.span }
func (e *arrayLit) exprSpan() source.Span  { return e.span }
func (e *objectLit) exprSpan() source.Span { return e.span }
func (e *arrowFn) exprSpan() source.Span   { return e.span }
func (e *otherExpr) exprSpan() source.Span { return e.span }
