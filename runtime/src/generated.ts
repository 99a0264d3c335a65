// The behaviour behind generated backend code. backend.ts declares precise
// types per model and data source; the code here implements them once,
// driven by the schema, so generated files stay small and the logic is
// tested in one place.

import type { Model, Param, Schema, Source, SourceMethod, Tree } from "./cidl.js";
import { durableHelpers, kvHelpers, r2Helpers } from "./bindings.js";
import { binding, type Storage } from "./hydrate.js";
import { Orm, type ModelMeta, type Query } from "./orm.js";
import type { Row } from "./map.js";
import type { DeepPartial } from "./partial.js";

type Obj = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

const upgraded = new WeakSet<object>();

/**
 * Attaches template helpers to the schema's KV, R2 and Durable Object
 * bindings in env (env.Sessions.session.get(token)), once per binding
 * object, and returns env.
 */
export function upgradeEnv<E extends object>(env: E, schema: Schema): E {
  const e = env as Obj;
  const attach = (name: string, helpers: () => object) => {
    const b = e[name];
    if (typeof b !== "object" || b === null || upgraded.has(b)) return;
    Object.assign(b, helpers());
    upgraded.add(b);
  };
  for (const s of schema.env.kv) attach(s.name, () => kvHelpers(e[s.name] as KVNamespace, s));
  for (const s of schema.env.r2) attach(s.name, () => r2Helpers(e[s.name] as R2Bucket, s));
  for (const d of schema.env.durable) attach(d.name, () => durableHelpers(e[d.name] as DurableObjectNamespace, d));
  return env;
}

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

/**
 * The generated data source `name` of a model: its tree and queries, and
 * get/list/save for each method the schema does not leave to the user.
 */
export function dataSource<T>(meta: ModelMeta, name: string): T {
  const source = meta.model.sources.find((s) => s.name === name);
  if (!source) throw new Error(`cloesce: ${meta.model.name} has no data source ${name}`);
  const sql = meta.model.primary_key.length > 0;
  const durable = meta.model.backing?.kind === "durable";
  const out: Obj = { tree: source.tree };
  if (sql) {
    out.selectQuery = source.select_query;
    // D1 queries need the database: env first. Durable ones run on the object.
    out.getQuery = (...args: unknown[]) => (durable ? query(meta, source.get_query, undefined, args) : query(meta, source.get_query, args[0], args.slice(1)));
    out.listQuery = (...args: unknown[]) => (durable ? query(meta, source.list_query, undefined, args) : query(meta, source.list_query, args[0], args.slice(1)));
  }
  if (!source.get.stub) out.get = makeGet(meta, source, sql);
  if (source.list && !source.list.stub && sql) out.list = makeList(meta, source);
  if (!source.save.stub) out.save = makeSave(meta, source);
  return out as T;
}

function makeGet(meta: ModelMeta, source: Source, sql: boolean) {
  const m = source.get;
  return async (...all: unknown[]) => {
    const [env, args] = split(m, all);
    const storage = storageOf(meta, env);
    const seed = sql ? shardSeed(meta.model, m.params, args) : Object.fromEntries(m.params.map((p, i) => [p.name, args[i]]));
    const keys = args.slice(args.length - meta.model.primary_key.length);
    const q = sql ? query(meta, source.get_query, storage.env, keys) : undefined;
    return Orm.get(meta, storage, { query: q, include: source.tree, seed });
  };
}

function makeList(meta: ModelMeta, source: Source) {
  const m = source.list!;
  return async (...all: unknown[]) => {
    const [env, args] = split(m, all);
    const storage = storageOf(meta, env);
    const seed = shardSeed(meta.model, m.params, args);
    const shardCount = seed ? Object.keys(seed).length : 0;
    const q = query(meta, source.list_query, storage.env, args.slice(shardCount));
    return Orm.list(meta, storage, { query: q, include: source.tree, seed });
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

/** The typed form of modelOrm for one model: E is its env argument, or its Durable Object. */
export interface ModelOrm<Self, E> {
  /** Saves a partial object graph in one batch; returns it as include selects it (an update that finds no row is a 404). */
  save(env: E, model: DeepPartial<Self>, include?: Tree): Promise<Self>;
  /** Runs query and returns the first object, hydrated, or null; without a query, the first object by primary key. */
  get(env: E, opts?: { query?: Query; include?: Tree; seed?: Partial<Self> }): Promise<Self | null>;
  /** Runs query and returns its objects, hydrated; without a query, every object by primary key. */
  list(env: E, opts?: { query?: Query; include?: Tree }): Promise<Self[]>;
  /** Rebuilds objects from the rows of a SELECT with Orm.select's aliases. */
  map(result: D1Result | Row[], include?: Tree): Self[];
  /** Fetches KV and R2 fields along include and gives fields their JavaScript form. */
  hydrate(env: E, base: unknown, include?: Tree): Promise<Self>;
}

/** A model's Orm namespace: its first argument is env, or the Durable Object for models stored in one. */
export function modelOrm<Self, E>(meta: ModelMeta): ModelOrm<Self, E> {
  return {
    save: (env, model, include) => Orm.save<Self>(meta, storageOf(meta, env), model, include),
    get: (env, opts = {}) => Orm.get<Self>(meta, storageOf(meta, env), opts as { query?: Query; include?: Tree; seed?: Obj }),
    list: (env, opts = {}) => Orm.list<Self>(meta, storageOf(meta, env), opts),
    map: (result, include) => Orm.map<Self>(meta, result, include),
    hydrate: (env, base, include) => Orm.hydrate<Self>(meta, storageOf(meta, env), base, include),
  };
}

/** Binds every function of obj to obj, so methods work when passed around. */
function bindAll<T extends Obj>(obj: T): T {
  for (const [k, v] of Object.entries(obj)) if (typeof v === "function") (obj as Obj)[k] = (v as Fn).bind(obj);
  return obj;
}

/**
 * A model implementation for app.register: the user's methods with the
 * generated data sources (the user's source implementations replacing
 * them) and the model's Orm, tagged with the model's name.
 */
export function implement(tag: string, generated: object, user: object): { tag: string } {
  return bindAll({ ...generated, ...user, tag });
}

/** A data source implementation: the generated members with the user's stubs, `this` being the whole. */
export function implementSource(generated: object, user: object): object {
  return bindAll({ ...generated, ...user });
}
