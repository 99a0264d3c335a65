// Stand-in schemas for tests that drive the router directly: Worker-served
// models (no table) with the methods, injectables and bindings a test
// needs, written as the compiler would write them.

import type { Env, Inject, Method, Model, Param, Schema, Source } from "../../src/cidl.js";
import { VERSION } from "../../src/version.js";

/** A static API method; more overrides any field (injected, static, source, ...). */
export function method(name: string, verb: Method["verb"], params: Param[] = [], more: Partial<Method> = {}): Method {
  return { name, static: true, verb, params, params_media: "json", result: "string", result_media: "json", injected: [], ...more };
}

/** A model served by the Worker alone, with its methods and data sources. */
export function model(name: string, apis: Method[], more: Partial<Model> = {}): Model {
  return {
    name,
    hash: "",
    backing: null,
    primary_key: [],
    columns: [],
    foreign_keys: [],
    uniques: [],
    indexes: [],
    filters: [],
    route_fields: [],
    navigations: [],
    kv_fields: [],
    r2_fields: [],
    apis,
    sources: [],
    cruds: [],
    ...more,
  };
}

/** A data source whose get the user writes, taking the key params (and injecting injected). */
export function userGet(params: Param[], injected: string[] = []): Source {
  const none = { params: [], injected: [], stub: true };
  return { name: "Default", internal: false, tree: {}, get: { params, injected, stub: true }, list: null, save: none, query: "" };
}

/** A schema of models, with injectables and bindings. */
export function schemaOf(models: Model[], injects: Inject[] = [], env: Partial<Env> = {}): Schema {
  return { compiler: VERSION, hash: "", env: { d1: [], kv: [], r2: [], durable: [], vars: [], ...env }, models, poos: [], injects };
}
