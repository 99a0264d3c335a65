// Lookups over a Schema, built once per schema object: the router and the
// ORM resolve names on every request and must not scan lists to do it.

import type { Field, Inject, Method, Model, Navigation, Poo, Schema, Source, StoreField } from "./cidl.js";

/** A model with its members by name. */
export interface ModelInfo {
  readonly model: Model;
  /** Primary key and other columns, by name. */
  readonly columns: ReadonlyMap<string, Field>;
  readonly routes: ReadonlyMap<string, Field>;
  readonly navigations: ReadonlyMap<string, Navigation>;
  readonly stores: ReadonlyMap<string, StoreField>;
  readonly sources: ReadonlyMap<string, Source>;
  readonly methods: ReadonlyMap<string, Method>;
}

/** What a name in `[inject]` or an env binding refers to. */
export type BindingKind = "d1" | "kv" | "r2" | "durable" | "var" | "inject";

export interface SchemaInfo {
  readonly schema: Schema;
  readonly models: ReadonlyMap<string, ModelInfo>;
  readonly poos: ReadonlyMap<string, Poo>;
  readonly bindings: ReadonlyMap<string, BindingKind>;
  /** The declared variables, by name. */
  readonly vars: ReadonlyMap<string, Field>;
  /** The injectables of inject blocks, by name. */
  readonly injects: ReadonlyMap<string, Inject>;
}

const cache = new WeakMap<Schema, SchemaInfo>();

/** Returns the lookups of schema, building them on first use. */
export function info(schema: Schema): SchemaInfo {
  let found = cache.get(schema);
  if (!found) {
    found = build(schema);
    cache.set(schema, found);
  }
  return found;
}

/** Returns the model named name; the schema's own references never miss. */
export function modelInfo(schema: Schema, name: string): ModelInfo {
  const m = info(schema).models.get(name);
  if (!m) throw new Error(`cloesce: model ${name} is not in the schema`);
  return m;
}

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((x) => [x.name, x]));
}

function build(schema: Schema): SchemaInfo {
  const models = new Map<string, ModelInfo>();
  for (const model of schema.models) {
    models.set(model.name, {
      model,
      columns: byName([...model.primary_key, ...model.columns]),
      routes: byName(model.route_fields),
      navigations: byName(model.navigations),
      stores: byName([...model.kv_fields, ...model.r2_fields]),
      sources: byName(model.sources),
      methods: byName(model.apis),
    });
  }
  const bindings = new Map<string, BindingKind>();
  for (const d of schema.env.d1) bindings.set(d, "d1");
  for (const s of schema.env.kv) bindings.set(s.name, "kv");
  for (const s of schema.env.r2) bindings.set(s.name, "r2");
  for (const d of schema.env.durable) bindings.set(d.name, "durable");
  for (const v of schema.env.vars) bindings.set(v.name, "var");
  for (const i of schema.injects) bindings.set(i.name, "inject");
  return { schema, models, poos: byName(schema.poos), bindings, vars: byName(schema.env.vars), injects: byName(schema.injects) };
}
