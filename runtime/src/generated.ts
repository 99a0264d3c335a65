// The behaviour behind generated backend code. backend.ts declares precise
// types per model and data source; the code here implements them once,
// driven by the schema, so generated files stay small and the logic is
// tested in one place.

import type { Model, Param, Schema, Source, SourceMethod, Tree } from "./cidl.js";
import { CloesceApp, type DurableHost } from "./app.js";
import { upgradeEnv } from "./bindings.js";
import { binding, type Storage } from "./hydrate.js";
import type { Row } from "./map.js";
import { applyDurableMigrations, type DurableMigration } from "./migrations.js";
import type { Where } from "./list.js";
import { Orm, modelMeta, type ListOpts, type ModelMeta, type Query } from "./orm.js";
import { queriesOf, select } from "./select.js";
import type { DeepPartial, HttpResult, ListQuery } from "./shared.js";

type Obj = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

type DurableHolder = { state?: DurableObjectState; env?: Obj };

/**
 * Where a model's data lives, given the env argument of a generated method
 * or, for Model.Orm, the Durable Object itself: for a Durable Object backed
 * model the object (env.ctx) holds the SQL and KV storage; bindings come
 * from env and the object's own env.
 */
export function storageOf(meta: ModelMeta, env: unknown): Storage {
  const e = (env ?? {}) as Obj;
  if (meta.model.backing?.kind !== "durable") return { env: e };
  // The object has a ctx of its own (DurableObject's state), so look for
  // the generated class's `state` to tell an env argument from the object.
  const viaEnv = (e.ctx as DurableHolder | undefined)?.state !== undefined;
  const object = (viaEnv ? e.ctx : e) as DurableHolder;
  if (!object.state) throw new Error(`cloesce: ${meta.model.name} lives in a Durable Object; pass the object (env.ctx)`);
  return { env: viaEnv ? { ...object.env, ...e } : { ...object.env }, durable: object.state.storage };
}

/** A method takes an env argument when it injects anything or runs in a Durable Object. */
function takesEnv(m: SourceMethod): boolean {
  return m.injected.length > 0 || m.durable !== undefined;
}

/** Splits a method's arguments into its env argument (if any) and the rest. */
function split(m: SourceMethod, args: unknown[]): [unknown, unknown[]] {
  return takesEnv(m) ? [args[0], args.slice(1)] : [undefined, args];
}

/** The shard route fields of a Durable Object backed model, by name, from the leading arguments. */
function shardSeed(model: Model, params: Param[], args: unknown[]): Obj | undefined {
  const shard = model.backing?.kind === "durable" ? model.backing.shard : [];
  if (shard.length === 0) return undefined;
  const seed: Obj = {};
  params.forEach((p, i) => {
    if (shard.includes(p.name)) seed[p.name] = args[i];
  });
  return seed;
}

/** Binds a query: a prepared D1 statement, or a statement for Durable Object storage. */
function query(meta: ModelMeta, sql: string, env: unknown, values: unknown[]): Query {
  if (meta.model.backing?.kind === "durable") return { query: sql, values };
  return binding<D1Database>({ env: (env ?? {}) as object }, meta.model.backing!.binding).prepare(sql).bind(...values);
}

/** What an API method may return: the value, or an HttpResult carrying it or a failure, or a promise of either. */
export type ApiResult<T> = T | HttpResult<T> | Promise<T | HttpResult<T>>;

/** An include tree's leaf: a KV or R2 field, with nothing below it. */
export type Leaf = { readonly [field: string]: never };

/**
 * Per model, what generated code gives it: its Orm and an object per data
 * source, built once, so Model.Orm and `this.Orm` are the same object.
 */
const members = new WeakMap<Model, Obj>();

function generated(meta: ModelMeta): Obj {
  let out = members.get(meta.model);
  if (!out) {
    out = {};
    if (meta.model.sources.length > 0) {
      out.Orm = ormOf(meta);
      for (const s of meta.model.sources) out[s.name] = sourceOf(meta, s);
    }
    members.set(meta.model, out);
  }
  return out;
}

/**
 * The generated data source `source` of `model`: its tree and queries, and
 * get/list/save for each method the schema does not leave to the user.
 */
export function dataSource<T>(schema: Schema, model: string, source: string): T {
  const out = generated(modelMeta(schema, model))[source];
  if (!out) throw new Error(`cloesce: ${model} has no data source ${source}`);
  return out as T;
}

function sourceOf(meta: ModelMeta, source: Source): Obj {
  const sql = meta.model.primary_key.length > 0;
  const durable = meta.model.backing?.kind === "durable";
  const out: Obj = { tree: source.tree };
  if (sql) {
    // The flat SELECT users build on, made on first use: the schema
    // carries only the read query that get and list run.
    let selectQuery: string | undefined;
    Object.defineProperty(out, "selectQuery", {
      get: () => (selectQuery ??= select(meta.schema, meta.model, null, source.tree)),
      enumerable: true,
      configurable: true,
    });
    // D1 queries need the database: env first. Durable ones run on the object.
    const run = (kind: "get" | "list") => (...args: unknown[]) => {
      const text = queriesOf(meta.model, source)[kind];
      return durable ? query(meta, text, undefined, args) : query(meta, text, args[0], args.slice(1));
    };
    out.getQuery = run("get");
    out.listQuery = run("list");
  }
  if (!source.get.stub) out.get = makeGet(meta, source, sql);
  if (source.list && !source.list.stub && sql) out.list = makeList(meta, source);
  if (!source.save.stub) out.save = makeSave(meta, source);
  return out;
}

function makeGet(meta: ModelMeta, source: Source, sql: boolean) {
  const m = source.get;
  return async (...all: unknown[]) => {
    const [env, args] = split(m, all);
    const storage = storageOf(meta, env);
    const seed = sql ? shardSeed(meta.model, m.params, args) : Object.fromEntries(m.params.map((p, i) => [p.name, args[i]]));
    const keys = args.slice(args.length - meta.model.primary_key.length);
    const q = sql ? query(meta, queriesOf(meta.model, source).get, storage.env, keys) : undefined;
    return Orm.get(meta, storage, { query: q, include: source.tree, seed });
  };
}

/**
 * The generated list: its parameters (shard fields, the key's lastSeen_
 * values, the page size), then optionally a ListQuery, whose where, order
 * and after (the key's lastSeen_ values when it has none) make it a
 * filtered list (Orm.list).
 */
function makeList(meta: ModelMeta, source: Source) {
  const m = source.list!;
  return async (...all: unknown[]) => {
    const [env, args] = split(m, all);
    const storage = storageOf(meta, env);
    const seed = shardSeed(meta.model, m.params, args);
    const shardCount = seed ? Object.keys(seed).length : 0;
    const values = args.slice(shardCount, m.params.length);
    const q = args[m.params.length] as ListQuery<Where, string, Obj> | undefined;
    if (!q || (q.order === undefined && q.after === undefined && Object.keys(q.where ?? {}).length === 0)) {
      return Orm.list(meta, storage, { query: query(meta, queriesOf(meta.model, source).list, storage.env, values), include: source.tree, seed });
    }
    const key = meta.model.primary_key;
    const lastSeen = values.slice(0, key.length);
    const after = q.after ?? (lastSeen.some((v) => v !== null && v !== undefined) ? Object.fromEntries(key.map((f, i) => [f.name, lastSeen[i]])) : undefined);
    return Orm.list(meta, storage, { include: source.tree, seed, where: q.where, order: q.order, after, limit: values[key.length] as number });
  };
}

function makeSave(meta: ModelMeta, source: Source) {
  const m = source.save;
  return async (...all: unknown[]) => {
    const [env, args] = split(m, all);
    const storage = storageOf(meta, env);
    const seed = shardSeed(meta.model, m.params, args);
    return Orm.save(meta, storage, args[args.length - 1], source.tree, seed);
  };
}

/**
 * A model's Orm: E is its env argument, or its Durable Object for models
 * stored in one; Inc its include tree (Model.Include); W and C its
 * filterable columns' conditions and names (Model.Where, Model.OrderBy).
 */
export interface ModelOrm<Self, E, Inc = Tree, W = Where, C extends string = string> {
  /** Saves a partial object graph in one batch; returns it as include selects it (an update that finds no row is a 404). */
  save(env: E, model: DeepPartial<Self>, include?: Inc): Promise<Self>;
  /** Runs query and returns the first object, hydrated, or null; without a query, the first object by primary key. */
  get(env: E, opts?: { query?: Query; include?: Inc; seed?: Partial<Self> }): Promise<Self | null>;
  /**
   * Runs query and returns its objects, hydrated; or, instead of a query,
   * the objects where every condition of where holds, by order (the key
   * breaking ties; by key without one), after the object after, at most
   * limit of them; without either, every object by primary key.
   */
  list(env: E, opts?: { query?: Query; include?: Inc; limit?: number } & ListQuery<W, C, Self>): Promise<Self[]>;
  /** Counts the objects where every condition of where holds; all of them without one. */
  count(env: E, opts?: { where?: W }): Promise<number>;
  /**
   * Deletes the object with key's key (and shard) values and what its
   * [cascade] navigations reach, then their KV values and R2 objects;
   * false when there is none. One still referenced is a 409 CloesceError.
   */
  delete(env: E, key: Partial<Self>): Promise<boolean>;
  /** Rebuilds objects from the rows of a SELECT with Orm.select's aliases. */
  map(result: D1Result | Row[], include?: Inc): Self[];
  /** Fetches KV and R2 fields along include and gives fields their JavaScript form. */
  hydrate(env: E, base: unknown, include?: Inc): Promise<Self>;
}

/** The Orm of the model named model (Model.Orm), O being its ModelOrm type. */
export function modelOrm<O = ModelOrm<unknown, unknown>>(schema: Schema, model: string): O {
  return generated(modelMeta(schema, model)).Orm as O;
}

function ormOf(meta: ModelMeta): ModelOrm<unknown, unknown> {
  return {
    save: (env, model, include) => Orm.save(meta, storageOf(meta, env), model, include),
    get: (env, opts = {}) => Orm.get(meta, storageOf(meta, env), opts as { query?: Query; include?: Tree; seed?: Obj }),
    list: (env, opts = {}) => Orm.list(meta, storageOf(meta, env), opts as ListOpts),
    count: (env, opts = {}) => Orm.count(meta, storageOf(meta, env), opts as { where?: Where }),
    delete: (env, key) => Orm.delete(meta, storageOf(meta, env), key as Obj),
    map: (result, include) => Orm.map(meta, result, include),
    hydrate: (env, base, include) => Orm.hydrate(meta, storageOf(meta, env), base, include),
  };
}

/** Binds every function of obj to obj, so methods work when passed around. */
function bindAll<T extends Obj>(obj: T): T {
  for (const [k, v] of Object.entries(obj)) if (typeof v === "function") (obj as Obj)[k] = (v as Fn).bind(obj);
  return obj;
}

/**
 * Model.impl: makes the implementation to register from the user's
 * methods, with the generated data sources (the user's source
 * implementations replacing them) and the model's Orm, tagged with the
 * model's name. Any subset of Api: a declared method left out answers 501.
 */
export function modelImpl<Api, This>(schema: Schema, model: string) {
  const meta = modelMeta(schema, model);
  return <I extends Partial<Api>>(methods: I & ThisType<I & This>): I & { tag: string } =>
    bindAll({ ...generated(meta), ...methods, tag: model }) as unknown as I & { tag: string };
}

/** Model.<Source>: impl joins the methods the user writes to the generated members, `this` being the whole. */
export function sourceImpl<Crud, Impl>(schema: Schema, model: string, source: string): { impl(methods: Crud & ThisType<Impl>): Impl } {
  return { impl: (methods) => bindAll({ ...dataSource<Obj>(schema, model, source), ...(methods as Obj) }) as Impl };
}

/** Apps built by generated code serve models nobody registered with their generated data sources. */
const defaultsOf = new WeakMap<Schema, Map<string, { tag: string }>>();

function defaults(schema: Schema): Map<string, { tag: string }> {
  let out = defaultsOf.get(schema);
  if (!out) {
    out = new Map();
    for (const m of schema.models) {
      if (m.sources.length > 0) out.set(m.name, bindAll({ ...generated(modelMeta(schema, m.name)), tag: m.name }));
    }
    defaultsOf.set(schema, out);
  }
  return out;
}

/** The app of backend.ts's cloesce(env): CRUD works for models nobody registered. */
export function createApp(schema: Schema, workersUrl: string, env: object | undefined): CloesceApp {
  return new CloesceApp(schema, workersUrl, env && upgradeEnv(env, schema), { defaults: defaults(schema) });
}

/**
 * The app a Durable Object serves (its this.cloesce(env, migrations)): it
 * applies migrations (each once) and runs methods forwarded to the object.
 */
export function durableApp(
  schema: Schema,
  workersUrl: string,
  binding: string,
  object: { readonly state: DurableObjectState },
  env: object,
  migrations: DurableMigration[],
): CloesceApp {
  applyDurableMigrations(object.state.storage, migrations);
  const upgraded = upgradeEnv(env, schema);
  const durable: DurableHost = { binding, object, storage: { env: upgraded, durable: object.state.storage } };
  return new CloesceApp(schema, workersUrl, upgraded, { durable, defaults: defaults(schema) });
}
