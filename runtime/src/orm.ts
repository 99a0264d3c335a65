// The ORM: runs the compiler's queries and the save planner's batches on
// D1 or a Durable Object's SQLite, maps rows to objects and hydrates them.
// Generated code wraps these per model (Model.Orm, GeneratedSource).

import type { Model, Schema, Tree } from "./cidl.js";
import { toBytes } from "./convert.js";
import { CloesceError, databaseError } from "./errors.js";
import { binding, hydrate, type Storage } from "./hydrate.js";
import { fillKey } from "./keys.js";
import { KValue } from "./shared.js";
import { mapRows, type Row } from "./map.js";
import { planSave, type SavePlan, type Statement } from "./save.js";
import { allQueryOf, defaultTree, keyQueryOf, readQuery, select } from "./select.js";
import { modelInfo } from "./schema.js";

export type { Storage } from "./hydrate.js";

/**
 * What generated code passes for a model (Model.Meta): the schema and the
 * model in it. Inc, the model's include tree type, types the trees Orm's
 * static methods take with it; it is never set.
 */
export interface ModelMeta<Inc = Tree> {
  readonly schema: Schema;
  readonly model: Model;
  readonly include?: Inc;
}

/** A query for a Durable Object's SQLite storage. */
export interface SqlStatement {
  query: string;
  values?: unknown[];
}

/** A query: prepared on D1, or for a Durable Object's storage. */
export type Query = D1PreparedStatement | SqlStatement;

/** An include tree, typed loosely: keys are navigation, KV and R2 field names (backend.ts types each model's, Model.Include). */
export type IncludeTree<_T = unknown> = Tree;

const metas = new WeakMap<Schema, Map<string, ModelMeta>>();

/** Returns the Meta of the model named name, the same object on every call. */
export function modelMeta<Inc = Tree>(schema: Schema, name: string): ModelMeta<Inc> {
  let byName = metas.get(schema);
  if (!byName) metas.set(schema, (byName = new Map()));
  let m = byName.get(name);
  if (!m) byName.set(name, (m = { schema, model: modelInfo(schema, name).model }));
  return m as ModelMeta<Inc>;
}

export class Orm {
  /** The SELECT of meta's model along tree; with from, over that subquery instead of the table. */
  static select<Inc>(meta: ModelMeta<Inc>, from: string | null, tree?: NoInfer<Inc> | null): string {
    return select(meta.schema, meta.model, from, (tree ?? null) as Tree | null);
  }

  /**
   * Rebuilds object graphs from the rows of a SELECT made for tree (Orm.select's
   * aliases), or of a read query (getQuery, listQuery). The tree is typed by
   * meta's model, unless T is given alone.
   */
  static map<T = Record<string, unknown>, Inc = unknown>(meta: ModelMeta<Inc>, result: D1Result | readonly Row[], tree?: NoInfer<Inc> | null): T[] {
    const rows = Array.isArray(result) ? (result as Row[]) : ((result as D1Result).results as Row[]);
    return mapRows<T>(meta.schema, meta.model, rows, tree as Tree | null | undefined);
  }

  /** Fetches the KV and R2 fields of base along tree and gives its fields their JavaScript form. */
  static async hydrate<T, Inc = unknown>(meta: ModelMeta<Inc>, storage: Storage, base: unknown, tree?: NoInfer<Inc> | null): Promise<T> {
    const obj = (base ?? {}) as Record<string, unknown>;
    await hydrate(meta.schema, meta.model, obj, (tree ?? null) as Tree | null, storage);
    return obj as T;
  }

  /**
   * Runs query and returns its first object, hydrated, or null. Without a
   * query, a model with a table yields its first object in primary-key
   * order (findFirst), and a model without one yields seed, hydrated.
   */
  static async get<T>(meta: ModelMeta, storage: Storage, opts: { query?: Query; include?: Tree | null; seed?: Record<string, unknown> } = {}): Promise<T | null> {
    const tree = opts.include ?? defaultTree(meta.schema, meta.model);
    let obj: Record<string, unknown>;
    if (meta.model.primary_key.length === 0) {
      obj = { ...opts.seed };
    } else {
      const query = opts.query ?? allQuery(meta, storage, tree, 1);
      const found = mapRows(meta.schema, meta.model, await run(storage, query), tree)[0];
      if (!found) return null;
      obj = Object.assign(found, opts.seed);
    }
    await hydrate(meta.schema, meta.model, obj, tree, storage, false);
    return obj as T;
  }

  /** Runs query (without one: every object in primary-key order) and returns its objects, hydrated. */
  static async list<T>(meta: ModelMeta, storage: Storage, opts: { query?: Query; include?: Tree | null; seed?: Record<string, unknown> } = {}): Promise<T[]> {
    const tree = opts.include ?? defaultTree(meta.schema, meta.model);
    if (meta.model.primary_key.length === 0) throw new Error(`cloesce: ${meta.model.name} has no table to list`);
    const query = opts.query ?? allQuery(meta, storage, tree);
    const objs = mapRows(meta.schema, meta.model, await run(storage, query), tree);
    await Promise.all(
      objs.map((o) => {
        if (opts.seed) Object.assign(o, opts.seed);
        return hydrate(meta.schema, meta.model, o, tree, storage, false);
      }),
    );
    return objs as T[];
  }

  /**
   * Saves value, a partial object graph, in one atomic batch, then writes
   * its KV fields and returns it as tree selects it. An update that finds
   * no row is a 404 CloesceError. seed holds Durable Object shard fields.
   */
  static async save<T>(meta: ModelMeta, storage: Storage, value: unknown, include?: Tree | null, seed?: Record<string, unknown>): Promise<T> {
    const tree = include ?? defaultTree(meta.schema, meta.model);
    const input = { ...(value as Record<string, unknown>), ...seed };
    const plan = savePlan(meta, input, tree);
    const results = plan.statements.length > 0 ? await batch(storage, meta.model, plan.statements) : [];
    let saved: Record<string, unknown>;
    if (plan.select >= 0) {
      const found = mapRows(meta.schema, meta.model, results[plan.select]!, tree)[0];
      if (!found) throw new CloesceError(404, `${meta.model.name} not found: the update matched no row`);
      saved = Object.assign(found, seed);
    } else {
      saved = input;
    }
    await Promise.all(
      plan.writes.map((w) => {
        const g = w.generated;
        const fields = g ? { ...w.fields, [g.column]: g.statement < 0 ? saved[g.column] : results[g.statement]![0]?.[g.alias] } : w.fields;
        return writeStore(storage, w.field, fillKey(w.field.key, fields), w.value);
      }),
    );
    await hydrate(meta.schema, meta.model, saved, tree, storage, false);
    return saved as T;
  }

  /**
   * The statements Orm.save would send for value, in the one batch it
   * sends them in, and how many KV values it would write after it. Nothing
   * is run; cloesce explain prints these.
   */
  static planSave<Inc>(meta: ModelMeta<Inc>, value: unknown, include?: NoInfer<Inc> | null): SaveStatements {
    const plan = savePlan(meta as ModelMeta, { ...(value as Record<string, unknown>) }, (include ?? defaultTree(meta.schema, meta.model)) as Tree);
    const keys = plan.writes.find((w) => w.generated && w.generated.statement >= 0)?.generated!.statement ?? -1;
    return { statements: plan.statements, select: plan.select, keys, kvWrites: plan.writes.length };
  }
}

/** What Orm.planSave returns. */
export interface SaveStatements {
  /** The statements of the save's one batch, in order. */
  statements: Statement[];
  /** The index of the statement reading the saved object back, or -1. */
  select: number;
  /** The index of the statement selecting generated keys for KV keys, or -1. */
  keys: number;
  /** How many KV values the save writes once the batch has committed. */
  kvWrites: number;
}

/** The save plan of input, read back along tree. */
function savePlan(meta: ModelMeta, input: Record<string, unknown>, tree: Tree): SavePlan {
  const read = readQuery(meta.schema, meta.model, tree);
  return planSave(meta.schema, meta.model, input, (key) => keyQueryOf(meta.model, read, key));
}

async function writeStore(storage: Storage, field: { binding: string; durable?: boolean; type: unknown; name: string }, key: string, value: unknown) {
  if (field.durable) {
    if (!storage.durable) throw new Error(`cloesce: ${field.name} lives in Durable Object storage; save it inside the object`);
    storage.durable.kv.put(key, value);
    return;
  }
  const ns = binding<KVNamespace>(storage, field.binding);
  const kv = value instanceof KValue ? value : new KValue(value, null);
  const opts = kv.metadata === null || kv.metadata === undefined ? undefined : { metadata: kv.metadata };
  const isStream = kv.raw instanceof ReadableStream;
  await ns.put(key, isStream ? (kv.raw as ReadableStream) : JSON.stringify(kv.raw ?? null), opts);
}

/**
 * The read query of every object of a model along tree, in primary-key
 * order; with limit, only the first ones (their children whole).
 */
function allQuery(meta: ModelMeta, storage: Storage, tree: Tree, limit?: number): Query {
  const sql = allQueryOf(meta.model, readQuery(meta.schema, meta.model, tree), limit);
  if (meta.model.backing?.kind === "durable") return { query: sql, values: [] };
  return binding<D1Database>(storage, meta.model.backing!.binding).prepare(sql);
}

/** Runs one query and returns its rows. */
async function run(storage: Storage, query: Query): Promise<Row[]> {
  try {
    if ("bind" in query) return (await query.all()).results as Row[];
    if (!storage.durable) throw new Error("cloesce: a SqlStatement runs inside a Durable Object; pass its context");
    return storage.durable.sql.exec(query.query, ...durableValues(query.values ?? [])).toArray() as Row[];
  } catch (e) {
    throw databaseError(e);
  }
}

/** Runs statements atomically: one D1 batch, or one storage transaction. */
async function batch(storage: Storage, model: Model, statements: Statement[]): Promise<Row[][]> {
  try {
    if (model.backing?.kind === "durable") {
      const durable = storage.durable;
      if (!durable) throw new Error(`cloesce: ${model.name} lives in a Durable Object; save it inside the object`);
      return durable.transactionSync(() => statements.map((s) => durable.sql.exec(s.sql, ...durableValues(s.params)).toArray() as Row[]));
    }
    const db = binding<D1Database>(storage, model.backing!.binding);
    const results = await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.params)));
    return results.map((r) => (r.results ?? []) as Row[]);
  } catch (e) {
    throw databaseError(e);
  }
}

/** Durable Object SQL binds ArrayBuffer for blobs. */
function durableValues(values: readonly unknown[]): SqlStorageValue[] {
  return values.map((v) => {
    if (v instanceof Uint8Array) return toBytes(v).slice().buffer as ArrayBuffer;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (v instanceof Date) return v.toISOString();
    return v as SqlStorageValue;
  });
}
