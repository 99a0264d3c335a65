package decorators

import "github.com/cloesce-go/cloesce/internal/diag"

// A Linkage is what the generated Worker needs to run the code written in
// the decorated classes: the classes to import and register (the
// edition's constructor registry), how each HTTP method takes its
// arguments, and the custom main.
type Linkage struct {
	Classes []*Class // models, services and plain old objects, in source order
	Main    *Main    // nil without a default-exported function
}

// A Class is an exported class of a .cloesce.ts file.
type Class struct {
	Name    string
	File    string    // the .cloesce.ts file's path, as given to Link
	Service bool      // a @Service: instantiated per request with its dependencies
	Methods []*Method // its HTTP methods
	// Deps are a service's injected properties; an injectable service
	// (without HTTP methods) is registered with them.
	Deps       []Arg
	Injectable bool         // a @Service without HTTP methods
	Lists      []KVList     // a model's KV prefix lists
	Manys      []ManyToMany // a model's many-to-many navigations
}

// A ManyToMany is a navigation through an implicit junction table
// (students: Student[] on Course, and courses: Course[] on Student): the
// schema has the junction model but no such navigation, so the edition's
// Orm reads it.
type ManyToMany struct {
	Name     string
	Model    string // the model navigated to
	Junction string // the junction model
	Near     string // the junction's column referencing this model
	Far      string // the one referencing Model
}

// A KVList is a model property holding every value of a KV namespace
// under a prefix (@KV("settings/", ns) all: KValue<T>[]): the schema has
// no such field, so the edition's Orm fills it.
type KVList struct {
	Name      string
	Namespace string // the KV binding
	Prefix    string // a key format: its {field} placeholders are filled from the object
}

// A Method is an HTTP method with its parameters in the order the class
// declares them.
type Method struct {
	Name   string
	Static bool
	Args   []Arg
}

// An Arg is a parameter, or a service property: Inject names what is
// injected into it ("Env", "Request", a service), empty for a parameter
// of the request.
type Arg struct {
	Name, Inject string
}

// Main is the custom main: the function a .cloesce.ts file exports as
// default, called with the request, the environment, the app and the
// execution context.
type Main struct {
	Name string
	File string
}

// linkage returns what the Worker needs of the extracted program,
// reporting what keeps it from calling a class: a class with methods that
// is not exported, or a second main.
func (x *extractor) linkage() *Linkage {
	l := &Linkage{}
	for i, m := range x.mains {
		if i == 0 {
			l.Main = &Main{Name: m.text, File: m.span.File.Name}
			continue
		}
		x.diags.Errorf(diag.TSLink, m.span, "a second custom main '%s'", m.text).
			Helpf("the Worker runs one main: keep the one in %s", l.Main.File)
	}
	for _, in := range x.order {
		if c := x.link(in); c != nil {
			l.Classes = append(l.Classes, c)
		}
	}
	return l
}

// link returns the linkage of a model, service or plain old object; nil
// for other classes, and for those not exported (after a diagnostic when
// the Worker must call them).
func (x *extractor) link(in *info) *Class {
	if in.role != model && in.role != service && in.role != poo {
		return nil
	}
	c := &Class{Name: in.c.name.text, File: in.c.span.File.Name, Service: in.role == service}
	for _, m := range in.c.members {
		if m.method && verbOf(m) != nil {
			c.Methods = append(c.Methods, x.linkMethod(m))
		}
	}
	c.Lists, c.Manys = in.lists, in.manys
	if c.Service {
		for _, m := range x.serviceProps(in) {
			c.Deps = append(c.Deps, Arg{Name: m.name.text, Inject: x.injectName(m.typ)})
		}
		c.Injectable = len(c.Methods) == 0
	}
	if !in.c.exported {
		if len(c.Methods) > 0 || c.Service {
			x.diags.Errorf(diag.TSLink, in.c.name.span, "class %s is not exported, but the Worker calls it", c.Name).
				Helpf("write export class %s", c.Name)
		}
		return nil
	}
	return c
}

func (x *extractor) linkMethod(m *member) *Method {
	out := &Method{Name: m.name.text, Static: m.static}
	for _, p := range m.params {
		a := Arg{Name: p.name.text}
		if decorated(p.decos, "Inject") != nil && p.typ != nil {
			a.Inject = x.injectName(p.typ)
		}
		out.Args = append(out.Args, a)
	}
	return out
}

// verbOf returns the HTTP verb decorator of a method, if any.
func verbOf(m *member) *decorator {
	for _, d := range m.decos {
		if verbs[d.name.text] != "" {
			return d
		}
	}
	return nil
}
