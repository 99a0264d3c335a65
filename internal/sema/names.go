package sema

import (
	"slices"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// The names below are already taken in the generated TypeScript. A schema
// name equal to one would shadow or collide with it and break backend.ts
// or client.ts, so analysis refuses it (E0241) instead of leaving the
// user a tsc error in a file they did not write. The generators' tests
// check these lists against what they emit.

// ReservedGlobals are the top-level names of backend.ts and client.ts and
// the platform globals they refer to. Every global schema name (model,
// poo, binding, variable, injectable) lands at the top level or in the
// Env namespace beside them.
var ReservedGlobals = []string{
	// backend.ts: runtime imports and its own declarations.
	"ApiResult", "CfEnv", "CloesceApp", "DeepPartial", "DurableHelpers", "DurableKvTemplate",
	"DurableMigration", "DurableObject", "Env", "HttpResult", "IncludeTree", "KValue", "KvTemplate",
	"MaybePromise", "R2Template", "Schema", "SqlStatement", "WORKERS_URL", "applyDurableMigrations",
	"cidl", "cidlJson", "cloesce", "dataSource", "defaults", "durableStorageHelpers", "implement",
	"implementSource", "modelMeta", "modelOrm", "upgradeBindings", "upgradeEnv",
	// client.ts.
	"BASE_URL", "MediaType", "ParamProblem", "R2Object", "addQuery", "arrayOf", "asJson",
	"asResponse", "asVoid", "decodeBlob", "decodeDate", "decodeFields", "encodeDate", "endpoint",
	"fromBase64", "jsonBody", "kvalueOf", "octetBody", "optionOf", "readError", "send", "toBase64",
	// JavaScript and Workers globals the generated types and code name.
	"Array", "ArrayBuffer", "Blob", "Boolean", "D1Database", "D1PreparedStatement", "Date",
	"DurableObjectNamespace", "DurableObjectState", "DurableObjectStub", "Error", "Function",
	"Headers", "JSON", "KVNamespace", "Map", "Number", "Object", "Promise", "R2Bucket",
	"ReadableStream", "Record", "Request", "Response", "String", "URL", "Uint8Array", "fetch",
}

// ReservedModelMembers are the members of a model's namespace in
// backend.ts and of its class in client.ts; data sources and API methods
// live beside them.
var ReservedModelMembers = []string{"Api", "GeneratedSource", "Meta", "Orm", "Self", "Sources", "Tag", "fromJson", "impl", "tag"}

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
