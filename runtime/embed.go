// Package tsruntime gives the compiler the one runtime source that
// generated code copies: src/shared.ts (MediaType, ParamProblem,
// HttpResult, KValue, DeepPartial), which every client.ts declares exactly
// as the runtime does. The runtime is an npm package; this file only
// embeds, so the source stays where its type checks and tests are.
package tsruntime

import _ "embed"

// Shared is src/shared.ts.
//
//go:embed src/shared.ts
var Shared string
