// The cloesce runtime package: what generated backend code and user code import.

export type * from "./cidl.js";
export { CloesceApp, type AppOptions, type DurableHost } from "./app.js";
export { CloesceError } from "./errors.js";
export { HttpResult, type MediaType, type ParamProblem } from "./http.js";
export { KValue } from "./kvalue.js";
export { KeyError, fillKey } from "./keys.js";
export { Orm, modelMeta, type IncludeTree, type ModelMeta, type Query, type SqlStatement, type Storage } from "./orm.js";
export { kvHelpers, r2Helpers, durableHelpers, durableStorageHelpers, type KvTemplate, type R2Template, type DurableHelpers, type DurableKvTemplate } from "./bindings.js";
export { VERSION } from "./version.js";
export { applyDurableMigrations, type DurableMigration } from "./migrations.js";
export { dataSource, implement, implementSource, modelOrm, storageOf, upgradeEnv, type ModelOrm } from "./generated.js";
export type { DeepPartial } from "./partial.js";
