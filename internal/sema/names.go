package sema

import (
	"slices"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/gen/ts"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// The names below are taken in the generated TypeScript. A schema name
// equal to one would collide with it and break backend.ts or client.ts,
// so analysis refuses it (E0241) instead of leaving the user a tsc error
// in a file they did not write. The generated files reach the runtime,
// their helpers and the platform's globals through names no schema can
// take (`$`-prefixed, or globalThis.X), so only reserved words and the
// documented surface are here; the generators' tests check these lists
// against what they emit.

// ReservedGlobals are the names no global schema name (model, poo,
// binding, variable, injectable) may take: TypeScript's reserved words
// (ts.Reserved), the documented top-level names of backend.ts and
// client.ts, and the type members of a model's or a service's namespace,
// which would hide a global of that name inside it.
var ReservedGlobals = slices.Concat(ts.Reserved, []string{
	// backend.ts.
	"CfEnv", "DeepPartial", "Env", "HttpResult", "KValue", "cloesce", "upgradeEnv",
	// client.ts.
	"CallOptions", "ClientOptions", "MediaType", "ParamProblem", "R2Object", "createClient",
	// A model's namespace, and a service's (its init's Deps).
	"Api", "Deps", "GeneratedSource", "Include", "OrderBy", "Orm", "Self", "Where",
})

// ReservedModelMembers are the members of a model's const object and
// namespace in backend.ts and of its class in client.ts; data sources
// and API methods live beside them.
var ReservedModelMembers = []string{"Api", "Env", "GeneratedSource", "Include", "Meta", "OrderBy", "Orm", "Self", "Tag", "Where", "fromJson", "impl", "tag"}

// ReservedTemplates are, per binding kind, the members a template's
// helper sits beside: the platform binding's own methods on env.<B>
// (KV, R2), or the Durable Object class a storage template is a field of.
var ReservedTemplates = map[ast.StoreKind][]string{
	ast.KV:      {"delete", "get", "getWithMetadata", "list", "put"},
	ast.R2:      {"createMultipartUpload", "delete", "get", "head", "list", "put", "resumeMultipartUpload"},
	ast.Durable: {"alarm", "cloesce", "ctx", "env", "fetch", "state", "webSocketClose", "webSocketError", "webSocketMessage"},
}

// templateNeighbours says, per binding kind, where a template's helper
// meets the names of ReservedTemplates.
var templateNeighbours = map[ast.StoreKind]string{
	ast.KV:      "as a method of the KV namespace, beside the template helpers on env.<binding>",
	ast.R2:      "as a method of the R2 bucket, beside the template helpers on env.<binding>",
	ast.Durable: "as a member of the Durable Object class, beside its storage templates",
}

// reserved reports id, naming kind, when it takes one of names; what says
// how the generated code uses the name.
func (c *checker) reserved(id *ast.Ident, names []string, kind, what string) bool {
	if !slices.Contains(names, id.Name) {
		return false
	}
	c.diags.Errorf(diag.GeneratedName, id.Span(), "%s cannot be named '%s'", kind, id.Name).
		Labelled("'%s' is taken in the generated code", id.Name).
		Notef("the generated TypeScript already uses '%s' %s", id.Name, what).
		Helpf("choose another name (docs/language.md lists the reserved names)")
	return true
}
