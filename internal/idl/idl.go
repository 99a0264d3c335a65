// Package idl declares the interface description (CIDL): the validated,
// fully expanded form of a schema that code generators, the runtime and
// the migrations engine read.
//
// Everything here is plain data. Order is meaningful and deterministic:
// slices, never maps, so that the same schema always encodes to the same
// bytes. docs/cidl.md documents the JSON form.
//
// The runtime's TypeScript types of the JSON form, runtime/src/cidl.ts, are
// generated from this package by tsgen (go generate ./internal/idl): every
// type reachable from [Schema] becomes an interface with the fields' JSON
// names and the doc comments here. A field tagged ts:"Name" has the type
// Name, declared by a "//ts:type Name" const group of its values;
// ts:",null" marks a pointer that is null in JSON, not left out. A type
// with its own JSON encoding spells it with a TypeScript method next to
// its MarshalJSON.
package idl

import (
	"slices"
	"strings"
)

//go:generate go run ./tsgen

// Schema is the description of a whole project.
type Schema struct {
	Compiler string    `json:"compiler"` // version of the compiler that wrote it
	Hash     string    `json:"hash"`     // over every model hash, in order
	Env      Env       `json:"env"`
	Models   []*Model  `json:"models"`  // topological: a model follows the models its foreign keys reference
	Poos     []*Poo    `json:"poos"`    // by name
	Injects  []*Inject `json:"injects"` // by name
}

// An Inject is an injectable of an inject block: a class the user extends
// and registers (Type null), or a value of Type set per request by a hook.
// Deps are the bindings and injectables its init(env, request) receives,
// from its [inject ...] tag, initialised before it.
type Inject struct {
	Name string   `json:"name"`
	Type *Type    `json:"type" ts:",null"`
	Deps []string `json:"deps"`
}

// Injectables every method may name in [inject ...] without declaring
// them: the request being answered and the Worker's whole environment.
const (
	InjectRequest = "Request"
	InjectEnv     = "Env"
)

// Env lists the Worker's bindings and variables.
type Env struct {
	D1      []string   `json:"d1"`      // in declaration order
	KV      []*Store   `json:"kv"`      // by name
	R2      []*Store   `json:"r2"`      // by name
	Durable []*Durable `json:"durable"` // by name
	Vars    []*Field   `json:"vars"`
}

// A Store is a KV namespace or an R2 bucket.
type Store struct {
	Name      string      `json:"name"`
	Templates []*Template `json:"templates"`
}

// A Durable is a Durable Object namespace. Shard lists the fields that
// address one instance; a global object has none.
type Durable struct {
	Name      string      `json:"name"`
	Shard     []*Field    `json:"shard"`
	Templates []*Template `json:"templates"`
}

// A Template is a named, parameterised key in a store. Type is the value's
// type: kvobject<T> in a KV namespace, r2object in a bucket and the plain T
// in Durable Object storage.
type Template struct {
	Name       string      `json:"name"`
	Type       *Type       `json:"type"`
	Validators []Validator `json:"validators,omitempty"`
	Params     []*Field    `json:"params"`
	Key        string      `json:"key"`    // the key format, placeholders written {param}: "user/{id}"
	Prefix     string      `json:"prefix"` // the key up to its first placeholder, for listing
}

// A Field is a named, typed value: a column, a route or shard field, a
// variable, a poo field or a parameter.
type Field struct {
	Name       string      `json:"name"`
	Type       *Type       `json:"type"`
	Validators []Validator `json:"validators,omitempty"`
}

// A Poo is a plain old object: a structured value without storage.
type Poo struct {
	Name   string   `json:"name"`
	Fields []*Field `json:"fields"`
}

// A Model is a stored (or served) object type with its API.
type Model struct {
	Name string `json:"name"`
	// Hash identifies the model's table shape (name, backing, columns,
	// keys, uniques, indexes); migrations compare it to find changed tables.
	Hash    string   `json:"hash"`
	Backing *Backing `json:"backing" ts:",null"` // null for a model served by the Worker alone

	PrimaryKey  []*Field      `json:"primary_key"` // in key order
	Columns     []*Field      `json:"columns"`     // other columns, foreign keys included, as declared
	ForeignKeys []*ForeignKey `json:"foreign_keys"`
	Uniques     [][]string    `json:"uniques"` // groups of non-key column names
	// Indexes are the groups of columns migrations index (not uniquely):
	// each [index] column, each index(...) group and each foreign key's
	// columns, except groups another index, unique group or the primary
	// key already starts with.
	Indexes [][]string `json:"indexes"`
	// Filters are the columns, in model order, that generated lists
	// filter and order on and $count filters on: the first column of the
	// primary key, of each unique group and of each index, so that every
	// filter reads through an index.
	Filters     []string      `json:"filters"`
	Routes      []*Field      `json:"route_fields"` // shard aliases first, then route blocks
	Navigations []*Navigation `json:"navigations"`
	KV          []*StoreField `json:"kv_fields"`
	R2          []*StoreField `json:"r2_fields"`

	APIs    []*Method `json:"apis"`                // the user's, then generated CRUD methods
	Sources []*Source `json:"sources"`             // by name
	Cruds   []string  `json:"cruds" ts:"CrudKind"` // the kinds of the [crud] tags
}

// Inject returns the injectable named name, or nil.
func (s *Schema) Inject(name string) *Inject { return named(s.Injects, name) }

// HasSQL reports whether the model is a table: it has a primary key.
func (m *Model) HasSQL() bool { return len(m.PrimaryKey) > 0 }

// Route returns the route field named name, or nil.
func (m *Model) Route(name string) *Field { return named(m.Routes, name) }

// Navigation returns the navigation named name, or nil.
func (m *Model) Navigation(name string) *Navigation { return named(m.Navigations, name) }

// Source returns the data source named name, or nil.
func (m *Model) Source(name string) *Source { return named(m.Sources, name) }

// named finds the element called name in a list of named things.
func named[T interface{ name() string }](list []T, name string) T {
	for _, x := range list {
		if x.name() == name {
			return x
		}
	}
	var zero T
	return zero
}

func (f *Field) name() string      { return f.Name }
func (n *Navigation) name() string { return n.Name }
func (s *Source) name() string     { return s.Name }
func (i *Inject) name() string     { return i.Name }

// Backing kinds: the storage behind a model's table.
//
//ts:type BackingKind
const (
	D1Backing      = "d1"
	DurableBacking = "durable"
)

// A Backing is the storage behind a model's table: a D1 database or the
// SQLite storage of a Durable Object. Shard names the model's route fields
// that address the object instance, in shard order.
type Backing struct {
	Binding string   `json:"binding"`
	Kind    string   `json:"kind" ts:"BackingKind"`
	Shard   []string `json:"shard"`
}

// A ForeignKey says that Columns of this model hold the References columns
// of Model, position by position.
type ForeignKey struct {
	Columns    []string `json:"columns"`
	Model      string   `json:"model"`
	References []string `json:"references"`
	Optional   bool     `json:"optional"`
}

// A Navigation is a field holding related objects. Its rows are found by
// matching this model's Local fields to the target's Remote fields,
// position by position:
//
//   - one to one, through a foreign key of this model: Local are the
//     foreign-key columns, Remote the columns they reference;
//   - one to many, through a foreign key of the target: Local are the
//     referenced columns of this model, Remote the target's foreign key;
//   - to a Worker-served model: Local are fields of this model, Remote the
//     target's route fields; both are empty for a keyless singleton.
type Navigation struct {
	Name   string   `json:"name"`
	Type   *Type    `json:"type"` // the model, or an array of it
	Model  string   `json:"model"`
	Many   bool     `json:"many"`
	Local  []string `json:"local"`
	Remote []string `json:"remote"`
	// Cascade ([cascade] nav): deleting an object of this model deletes
	// the related objects too, rather than being refused while they
	// exist. Only on navigations whose targets hold the foreign key.
	Cascade bool `json:"cascade,omitempty"`
}

// A StoreField is a model field held in a KV namespace, an R2 bucket or a
// Durable Object's key-value storage, at Key with the model's field values
// in place of the template's parameters.
type StoreField struct {
	Name       string      `json:"name"`
	Type       *Type       `json:"type"`
	Validators []Validator `json:"validators,omitempty"`
	Binding    string      `json:"binding"`
	Template   string      `json:"template"`
	Key        string      `json:"key"`               // "user/{id}", placeholders naming model fields
	Durable    bool        `json:"durable,omitempty"` // held in the key-value storage of the Durable Object backing the model
}

// Media types of request and response bodies.
//
//ts:type Media
const (
	JSON  = "json"
	Octet = "octet"
)

// HTTP verbs of API methods.
//
//ts:type Verb
const (
	VerbGet    = "GET"
	VerbPost   = "POST"
	VerbPut    = "PUT"
	VerbPatch  = "PATCH"
	VerbDelete = "DELETE"
)

// A Method is an API endpoint of a model.
type Method struct {
	Name        string         `json:"name"`
	Static      bool           `json:"static"`
	Source      string         `json:"source,omitempty"` // the data source hydrating self; instance methods only
	Verb        string         `json:"verb" ts:"Verb"`
	Params      []*Param       `json:"params"`
	ParamsMedia string         `json:"params_media" ts:"Media"`
	Result      *Type          `json:"result"`
	ResultMedia string         `json:"result_media" ts:"Media"`
	Injected    []string       `json:"injected"`
	Durable     *DurableTarget `json:"durable,omitempty"`
	Crud        *Crud          `json:"crud,omitempty"` // set on generated CRUD methods
}

// Kinds of CRUD endpoints, and of data-source methods.
//
//ts:type CrudKind
const (
	CrudGet    = "get"
	CrudList   = "list"
	CrudSave   = "save"
	CrudDelete = "delete"
	CrudCount  = "count"
)

// A Crud says which data-source method a generated CRUD endpoint runs.
// $delete and $count run on the model, not a data source: their Source
// is empty.
type Crud struct {
	Kind   string `json:"kind" ts:"CrudKind"`
	Source string `json:"source"`
}

// A Param is a method parameter. Instance marks a data-source get
// parameter that the client fills from the object it already holds.
type Param struct {
	Field
	Instance bool `json:"instance,omitempty"`
	// Header ([header]): read from the request header of the parameter's
	// name with each "_" a "-" (X_Tenant: the header X-Tenant), not from
	// the query string or body.
	Header bool `json:"header,omitempty"`
}

// HeaderName is the HTTP header a [header] parameter is read from: its
// name with each "_" a "-".
func (p *Param) HeaderName() string { return strings.ReplaceAll(p.Name, "_", "-") }

// Bodyless reports whether a request of the method may come without a
// body or a Content-Type: its parameters are all headers, one of them
// required and not CORS-safelisted. A cross-site page cannot send such a
// header without a CORS preflight, so the request needs no JSON media
// type to be safe; the runtime accepts it, and the client sends it so.
func (m *Method) Bodyless() bool {
	some := false
	for _, p := range m.Params {
		if !p.Header {
			return false
		}
		some = some || p.Type.Kind != Option && !slices.Contains(safelisted, strings.ToLower(p.HeaderName()))
	}
	return some
}

// safelisted are the request headers a cross-site page may send without
// a CORS preflight (the Fetch standard's CORS-safelisted request headers).
var safelisted = []string{"accept", "accept-language", "content-language", "content-type", "range"}

// A DurableTarget runs a method inside the Durable Object instance that
// the named parameters address.
type DurableTarget struct {
	Binding string   `json:"binding"`
	Args    []string `json:"args"` // the parameters giving the shard values, in shard order
}

// A Source is a data source: how to fetch, list and save a model with a
// given include tree.
type Source struct {
	Name     string        `json:"name"`
	Internal bool          `json:"internal"` // no CRUD endpoints
	Tree     Tree          `json:"tree"`
	Get      *SourceMethod `json:"get"`
	List     *SourceMethod `json:"list" ts:",null"` // null when the model has no table and the user wrote none
	Save     *SourceMethod `json:"save"`

	// Query reads the include tree for a model with a table: a row per
	// root object, every navigation a column of JSON. The generated get
	// and list complete it with the clauses that pick their roots
	// (docs/cidl.md; sqlgen.GetQuery and sqlgen.ListQuery).
	Query string `json:"query"`
}

// A SourceMethod is a data source's get, list or save. Stub methods are
// written by the user; the others are generated.
type SourceMethod struct {
	Params   []*Param       `json:"params"`
	Injected []string       `json:"injected"`
	Stub     bool           `json:"stub"`
	Durable  *DurableTarget `json:"durable,omitempty"`
}
