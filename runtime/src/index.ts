// The cloesce runtime package: what generated backend code and user code import.

export type * from "./cidl.js";
export { CloesceApp, type AppOptions, type DurableHost } from "./app.js";
export { injectable, type ClassToken, type Di, type InitResult, type Injectable, type Token } from "./di.js";
export { CloesceError } from "./errors.js";
export type { Answer, ErrorHook, Hook, MethodOf, ModelRef, RequestHook, ResponseHook } from "./hooks.js";
export { HttpResult, KValue, MediaType, type DeepPartial, type Filter, type ListQuery, type Order, type ParamProblem } from "./shared.js";
export { KeyError, fillKey } from "./keys.js";
export { Orm, modelMeta, type IncludeTree, type ListOpts, type ModelMeta, type Query, type SaveStatements, type SqlStatement, type Storage } from "./orm.js";
export type { ListOptions, Where } from "./list.js";
export { kvHelpers, r2Helpers, durableHelpers, durableStorageHelpers, upgradeEnv, type KvTemplate, type R2Template, type DurableHelpers, type DurableKvTemplate } from "./bindings.js";
export { VERSION } from "./version.js";
export { applyDurableMigrations, type DurableMigration } from "./migrations.js";
export { createApp, dataSource, durableApp, modelImpl, modelOrm, sourceImpl, storageOf, type ApiResult, type Leaf, type ModelOrm } from "./generated.js";
