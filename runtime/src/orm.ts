// The ORM: runs the compiler's queries and the save planner's batches on
// D1 or a Durable Object's SQLite, maps rows to objects and hydrates them.
// Generated code wraps these per model (Model.Orm, GeneratedSource).

import type { Model, Schema, StoreField, Tree } from "./cidl.js";
import { toBytes } from "./convert.js";
import { DeletePlan, type StoreDelete } from "./delete.js";
import { CloesceError, databaseError, isForeignKeyFailure } from "./errors.js";
import { binding, hydrate, type Storage } from "./hydrate.js";
import { checkKey, fillKey } from "./keys.js";
import { countStatement, listStatements, type ListOptions, type Where } from "./list.js";
import { KValue } from "./shared.js";
import { mapRows, type Row } from "./map.js";
import { planSave, type SavePlan, type Statement, type StoreWrite } from "./save.js";
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

  /**
   * Lists objects, hydrated: those query gives, or with where, order,
   * after and limit a page of a filtered list (list.ts; invalid options
   * are a 400 CloesceError), or without any every object in key order.
   */
  static async list<T>(meta: ModelMeta, storage: Storage, opts: ListOpts = {}): Promise<T[]> {
    const tree = opts.include ?? defaultTree(meta.schema, meta.model);
    if (meta.model.primary_key.length === 0) throw new Error(`cloesce: ${meta.model.name} has no table to list`);
    const filtered = opts.where !== undefined || opts.order !== undefined || opts.after !== undefined || opts.limit !== undefined;
    if (filtered && opts.query) throw new Error("cloesce: Orm.list takes a query, or where, order, after and limit, not both");
    const rows = filtered ? await page(meta, storage, tree, opts) : await run(storage, opts.query ?? allQuery(meta, storage, tree));
    const objs = mapRows(meta.schema, meta.model, rows, tree);
    await Promise.all(
      objs.map((o) => {
        if (opts.seed) Object.assign(o, opts.seed);
        return hydrate(meta.schema, meta.model, o, tree, storage, false);
      }),
    );
    return objs as T[];
  }

  /** Counts the objects where every condition of where holds (all of them without one); invalid conditions are a 400 CloesceError. */
  static async count(meta: ModelMeta, storage: Storage, opts: { where?: Where } = {}): Promise<number> {
    if (meta.model.primary_key.length === 0) throw new Error(`cloesce: ${meta.model.name} has no table to count`);
    const s = countStatement(meta.schema, meta.model, opts.where);
    const [row] = await run(storage, prepare(meta.model, storage, s.sql, s.params));
    return Number(row?.count ?? 0);
  }

  /**
   * Deletes the object whose key (and, in a Durable Object, shard) values
   * key holds, with every object its [cascade] navigations reach, in one
   * batch (delete.ts), and their KV values and R2 objects. Returns false
   * when there is no such object. An object still referenced by one the
   * delete keeps is a 409 CloesceError, and nothing is deleted.
   *
   * KV values and R2 objects cannot be in the batch, so the order makes
   * any failure leave either everything or nothing (docs/backend.md,
   * "Writes across stores"): the rows and their KV values are read, the
   * KV values deleted (a failure puts back those deleted), then the rows
   * (a failure, the 409 among them, puts back every KV value), then the
   * R2 objects, whose bodies are never read into the Worker: a failure
   * inserts the rows again as they were read and puts back the KV values.
   * A retry then starts over. Values in the Durable Object's own storage
   * are deleted in the rows' transaction, what they held read first, and
   * put back in the transaction inserting the rows again.
   */
  static async delete(meta: ModelMeta, storage: Storage, key: Record<string, unknown>): Promise<boolean> {
    if (meta.model.primary_key.length === 0) throw new Error(`cloesce: ${meta.model.name} has no table to delete from`);
    const plan = new DeletePlan(meta.schema, meta.model, key);
    // A missing binding fails here, before a row is gone.
    for (const name of plan.bindings()) binding(storage, name);
    const own = new DurableJournal(storage);
    const rows = () => (meta.model.backing?.kind === "durable" ? deleteInObject(plan, storage, own) : deleteInD1(plan, storage));
    if (plan.bindings().size === 0) return plan.found(await rows());
    const before = await batch(storage, meta.model, plan.reads());
    if (!plan.exists(before)) return false;
    const journal = new KvJournal(storage);
    const kv = (results: Row[][]) => plan.storeDeletes(results).filter((s) => s.kind === "kv" && !s.field.durable);
    const what = `deleting ${plan.describe()}`;
    let results: Row[][];
    try {
      await journal.remove(kv(before));
      results = await rows();
    } catch (e) {
      await undoing(e, what, () => journal.restore());
      throw e;
    }
    // The object went away between the read and the batch: another delete's.
    if (!plan.found(results)) return false;
    try {
      // The values of rows the batch reached and the read did not (inserted in between).
      const read = new Set(kv(before).map((s) => `${s.field.binding}\0${s.key}`));
      await journal.remove(kv(results).filter((s) => !read.has(`${s.field.binding}\0${s.key}`)));
      await deleteObjects(storage, plan.storeDeletes(results).filter((s) => s.kind === "r2"));
    } catch (e) {
      await undoing(e, what, async () => {
        await batch(storage, meta.model, plan.restore(results), () => own.restore());
        await journal.restore();
      });
      throw e;
    }
    return true;
  }

  /**
   * Saves value, a partial object graph, in one atomic batch with its KV
   * fields, and returns it as tree selects it. An update that finds no
   * row is a 404 CloesceError. seed holds Durable Object shard fields.
   *
   * KV values cannot be in the batch, so the order makes any failure
   * leave either the whole save or none of it (docs/backend.md, "Writes
   * across stores"). Values under keys known now are written first, what
   * their keys held read before: if a put or the batch fails, or the
   * update finds no row, they are put back. Values under keys the batch
   * generates can only go after it: if one fails, the batch is undone
   * (SavePlan.undo: the rows it changed as they were read at its start,
   * the rows it created deleted) and the values put back. Values in the
   * Durable Object's own storage go in the batch's transaction, what
   * their keys held read first (a 404 rolls them back with the rows),
   * and are put back in the transaction undoing it. When undoing fails
   * too, the error is a logged 500 naming what was left.
   */
  static async save<T>(meta: ModelMeta, storage: Storage, value: unknown, include?: Tree | null, seed?: Record<string, unknown>): Promise<T> {
    const tree = include ?? defaultTree(meta.schema, meta.model);
    const input = { ...(value as Record<string, unknown>), ...seed };
    const plan = savePlan(meta, input, tree);
    // Keys are checked before the batch runs, a generated key standing in
    // as 0: a value that cannot fill one ("/", "..": a KeyError, 400)
    // refuses the save before a row is written, not after, when neither
    // its KV value could be written nor the object read back (hydrate
    // fills every key of the tree).
    checkKeys(meta.schema, meta.model, input);
    for (const w of plan.writes) fillKey(w.field.key, w.generated ? { ...w.fields, [w.generated.column]: 0 } : w.fields);
    const journal = new KvJournal(storage);
    const own = new DurableJournal(storage);
    const what = `saving a ${meta.model.name}`;
    const external = plan.writes.filter((w) => !w.field.durable);
    const durable = plan.writes.filter((w) => w.field.durable);
    let results: Row[][] = [];
    let saved: Record<string, unknown> = input;
    const filled = (w: StoreWrite, r: Row[][]) => {
      const g = w.generated;
      return fillKey(w.field.key, g ? { ...w.fields, [g.column]: g.statement < 0 ? saved[g.column] : r[g.statement]![0]?.[g.alias] } : w.fields);
    };
    // Reads the saved object back from the batch's results (the 404),
    // then writes the Durable Object's own storage: inside the object in
    // the batch's transaction, whose rows a throw rolls back; on D1 (no
    // such storage) once the batch committed.
    const land = (r: Row[][]) => {
      if (plan.select >= 0) {
        const found = mapRows(meta.schema, meta.model, r[plan.select]!, tree)[0];
        if (!found) throw new CloesceError(404, `${meta.model.name} not found: the update matched no row`);
        saved = Object.assign(found, seed);
      }
      for (const w of durable) own.set(filled(w, r), w.value);
    };
    try {
      await journal.put(external.filter((w) => !w.generated).map((w) => ({ field: w.field, key: fillKey(w.field.key, w.fields), value: w.value })), false);
      if (plan.statements.length > 0 || durable.length > 0) {
        results = await batch(storage, meta.model, plan.statements, land);
        if (meta.model.backing?.kind !== "durable") land(results);
      }
    } catch (e) {
      // A D1 batch committed when it has results (the 404): a plan that can be undone puts its rows back too.
      await undoing(e, what, async () => {
        if (results.length > 0 && plan.undo) await batch(storage, meta.model, plan.undo(results, undefined));
        await journal.restore();
      });
      throw e;
    }
    try {
      // Fresh keys: nothing to read before.
      await journal.put(external.filter((w) => w.generated).map((w) => ({ field: w.field, key: filled(w, results), value: w.value })), true);
      await hydrate(meta.schema, meta.model, saved, tree, storage, false);
    } catch (e) {
      // Without generated keys, a retry writes the same rows and values again: the save stands.
      if (!plan.undo) throw e;
      // With them, a retry would insert new rows: the save is undone, whatever failed.
      const g = plan.writes.find((w) => w.generated?.statement === -1)?.generated;
      await undoing(e, what, async () => {
        await batch(storage, meta.model, plan.undo!(results, g ? saved[g.column] : undefined), () => own.restore());
        await journal.restore();
      });
      throw e;
    }
    return saved as T;
  }

  /**
   * The statements Orm.save would send for value, in the one batch it
   * sends them in, and how many KV values it would write around it.
   * Nothing is run; cloesce explain prints these.
   */
  static planSave<Inc>(meta: ModelMeta<Inc>, value: unknown, include?: NoInfer<Inc> | null): SaveStatements {
    const plan = savePlan(meta as ModelMeta, { ...(value as Record<string, unknown>) }, (include ?? defaultTree(meta.schema, meta.model)) as Tree);
    const keys = plan.writes.find((w) => w.generated && w.generated.statement >= 0)?.generated!.statement ?? -1;
    return { statements: plan.statements, select: plan.select, keys, kvWrites: plan.writes.length };
  }
}

/** What Orm.list takes: a query, or a filtered list's options; the include tree; values to set on every object. */
export interface ListOpts extends ListOptions {
  query?: Query;
  include?: Tree | null;
  seed?: Record<string, unknown>;
}

/** What Orm.planSave returns. */
export interface SaveStatements {
  /** The statements of the save's one batch, in order. */
  statements: Statement[];
  /** The index of the statement reading the saved object back, or -1. */
  select: number;
  /** The index of the statement selecting generated keys for KV keys, or -1. */
  keys: number;
  /** How many KV values the save writes: under known keys before the batch, under generated ones after it. */
  kvWrites: number;
}

/** The save plan of input, read back along tree. */
function savePlan(meta: ModelMeta, input: Record<string, unknown>, tree: Tree): SavePlan {
  const read = readQuery(meta.schema, meta.model, tree);
  return planSave(meta.schema, meta.model, input, (key) => keyQueryOf(meta.model, read, key));
}

/** Checks the KV, R2 and Durable Object storage keys of a saved object graph's values (checkKey). */
function checkKeys(schema: Schema, model: Model, obj: Record<string, unknown>): void {
  for (const f of model.kv_fields) checkKey(f.key, obj);
  for (const f of model.r2_fields) checkKey(f.key, obj);
  for (const nav of model.navigations) {
    const v = obj[nav.name];
    const target = modelInfo(schema, nav.model).model;
    for (const el of Array.isArray(v) ? v : [v]) {
      if (typeof el === "object" && el !== null && !Array.isArray(el)) checkKeys(schema, target, el as Record<string, unknown>);
    }
  }
}

/**
 * The values a save or delete changed in the Durable Object's own
 * storage, inside its transaction, with what each key held before, so
 * that the transaction undoing it puts them back (restore).
 */
class DurableJournal {
  private readonly before: [string, unknown][] = [];

  constructor(private readonly storage: Storage) {}

  /** Puts value under key, or deletes key when value is undefined, recording what it held. */
  set(key: string, value: unknown): void {
    this.before.push([key, this.storage.durable!.kv.get(key)]);
    this.write(key, value);
  }

  /** Puts back what every key held, the first change of each winning: call it inside the undoing transaction. */
  restore(): void {
    for (const [key, value] of this.before.splice(0).reverse()) this.write(key, value);
  }

  private write(key: string, value: unknown): void {
    const kv = this.storage.durable!.kv;
    if (value === undefined) kv.delete(key);
    else kv.put(key, value);
  }
}

/** What a KV key held before a write: its bytes and metadata, or null when it was absent. */
interface Before {
  ns: KVNamespace;
  name: string;
  key: string;
  value: ArrayBuffer | null;
  metadata: unknown;
}

/**
 * The KV values a save or delete changed, with what they held before, so
 * that a failure can put them back (restore). Every change is recorded
 * before it is sent: a put that failed may still have landed.
 */
class KvJournal {
  private readonly before: Before[] = [];

  constructor(private readonly storage: Storage) {}

  /** Reads what each key holds (unless fresh: known to be absent), then puts the values, concurrently. */
  async put(writes: { field: StoreField; key: string; value: unknown }[], fresh: boolean): Promise<void> {
    const entries = await this.read(writes.map((w) => ({ name: w.field.binding, key: w.key })), fresh);
    await settle(
      writes.map((w, i) => {
        const kv = w.value instanceof KValue ? w.value : new KValue(w.value, null);
        const opts = kv.metadata === null || kv.metadata === undefined ? undefined : { metadata: kv.metadata };
        return () => entries[i]!.ns.put(w.key, kv.raw instanceof ReadableStream ? kv.raw : JSON.stringify(kv.raw ?? null), opts);
      }),
    );
  }

  /** Reads what each key holds, then deletes those that hold something, concurrently. */
  async remove(deletes: StoreDelete[]): Promise<void> {
    const entries = (await this.read(deletes.map((d) => ({ name: d.field.binding, key: d.key })), false)).filter((b) => b.value !== null);
    await settle(entries.map((b) => () => b.ns.delete(b.key)));
  }

  private async read(keys: { name: string; key: string }[], fresh: boolean): Promise<Before[]> {
    const entries = await Promise.all(
      keys.map(async ({ name, key }): Promise<Before> => {
        const ns = binding<KVNamespace>(this.storage, name);
        if (fresh) return { ns, name, key, value: null, metadata: null };
        const { value, metadata } = await ns.getWithMetadata(key, "arrayBuffer");
        return { ns, name, key, value, metadata };
      }),
    );
    this.before.push(...entries);
    return entries;
  }

  /**
   * Puts back what every key held, the first change of each winning;
   * throws naming the keys it could not put back.
   */
  async restore(): Promise<void> {
    const seen = new Set<string>();
    const entries = this.before.splice(0).filter((b) => !seen.has(`${b.name}\0${b.key}`) && seen.add(`${b.name}\0${b.key}`));
    const results = await Promise.allSettled(
      entries.map((b) => (b.value === null ? b.ns.delete(b.key) : b.ns.put(b.key, b.value, b.metadata === null || b.metadata === undefined ? undefined : { metadata: b.metadata }))),
    );
    const left = entries.filter((_, i) => results[i]!.status === "rejected");
    if (left.length > 0) {
      this.before.push(...left);
      throw new Error(`KV values not put back: ${left.map((b) => `${b.name} ${b.key}`).join(", ")}`);
    }
  }
}

/** Starts every call at once and waits for all of them; then throws the first failure. */
async function settle(calls: (() => Promise<unknown>)[]): Promise<void> {
  const results = await Promise.allSettled(calls.map((c) => c()));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/**
 * Undoes what failed did; when undoing throws too, the failure becomes a
 * logged 500 naming both, and what was left.
 */
async function undoing(failed: unknown, what: string, undo: () => Promise<void>): Promise<void> {
  try {
    await undo();
  } catch (e) {
    const text = (x: unknown) => (x instanceof Error ? x.message : String(x));
    const message = `${what} failed (${text(failed)}) and undoing it failed too, leaving the stores inconsistent: ${text(e)}`;
    console.error(`cloesce: ${message}`);
    throw new CloesceError(500, message);
  }
}

/**
 * The read query of every object of a model along tree, in primary-key
 * order; with limit, only the first ones (their children whole).
 */
function allQuery(meta: ModelMeta, storage: Storage, tree: Tree, limit?: number): Query {
  return prepare(meta.model, storage, allQueryOf(meta.model, readQuery(meta.schema, meta.model, tree), limit), []);
}

/** Binds sql to values for model's storage: a prepared D1 statement, or a statement for the Durable Object's. */
function prepare(model: Model, storage: Storage, sql: string, values: unknown[]): Query {
  if (model.backing?.kind === "durable") return { query: sql, values };
  return binding<D1Database>(storage, model.backing!.binding).prepare(sql).bind(...values);
}

/**
 * The rows of a filtered list page along tree: its first statement's,
 * then, if they fall short of the limit, its second's (list.ts), whose
 * limit is the rows still missing.
 */
async function page(meta: ModelMeta, storage: Storage, tree: Tree, opts: ListOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of listStatements(meta.schema, meta.model, readQuery(meta.schema, meta.model, tree), opts)) {
    const missing = opts.limit === undefined ? -1 : opts.limit - rows.length;
    if (missing === 0) break;
    rows.push(...(await run(storage, prepare(meta.model, storage, s.sql, [...s.params.slice(0, -1), missing]))));
  }
  return rows;
}

/** A delete's batch inside the Durable Object: one transaction, its own stored values deleted in it (into own). */
function deleteInObject(plan: DeletePlan, storage: Storage, own: DurableJournal): Row[][] {
  const durable = storage.durable;
  if (!durable) throw new Error(`cloesce: ${plan.model.name} lives in a Durable Object; delete it inside the object`);
  const exec = (s: Statement) => durable.sql.exec(s.sql, ...durableValues(s.params)).toArray() as Row[];
  try {
    return durable.transactionSync(() => {
      const results = plan.statements().map(exec);
      for (const s of plan.storeDeletes(results)) if (s.field.durable) own.set(s.key, undefined);
      return results;
    });
  } catch (e) {
    if (!isForeignKeyFailure(e)) throw databaseError(e);
    const check = plan.referenceCheck();
    throw plan.conflict(exec(check.statement)[0], check.references);
  }
}

/** A delete's batch on D1. */
async function deleteInD1(plan: DeletePlan, storage: Storage): Promise<Row[][]> {
  try {
    return await d1Batch(storage, plan.model, plan.statements());
  } catch (e) {
    if (!isForeignKeyFailure(e)) throw databaseError(e);
    const check = plan.referenceCheck();
    throw plan.conflict((await run(storage, prepare(plan.model, storage, check.statement.sql, check.statement.params)))[0], check.references);
  }
}

/**
 * Deletes R2 objects, a bucket's a thousand keys a call, one call at a
 * time: a failure stops the calls after it.
 */
async function deleteObjects(storage: Storage, stores: StoreDelete[]): Promise<void> {
  const buckets = new Map<string, string[]>();
  for (const s of stores) buckets.set(s.field.binding, [...(buckets.get(s.field.binding) ?? []), s.key]);
  for (const [name, keys] of buckets) {
    for (let i = 0; i < keys.length; i += 1000) await binding<R2Bucket>(storage, name).delete(keys.slice(i, i + 1000));
  }
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

/**
 * Runs statements atomically: one D1 batch, or one storage transaction,
 * in which inside then runs with their results (D1 never calls it): a
 * throw rolls back both.
 */
async function batch(storage: Storage, model: Model, statements: Statement[], inside?: (results: Row[][]) => void): Promise<Row[][]> {
  try {
    if (model.backing?.kind === "durable") {
      const durable = storage.durable;
      if (!durable) throw new Error(`cloesce: ${model.name} lives in a Durable Object; save it inside the object`);
      return durable.transactionSync(() => {
        const results = statements.map((s) => durable.sql.exec(s.sql, ...durableValues(s.params)).toArray() as Row[]);
        inside?.(results);
        return results;
      });
    }
    return await d1Batch(storage, model, statements);
  } catch (e) {
    throw databaseError(e);
  }
}

/** Runs statements in one D1 batch; a failure is thrown as D1 gives it. */
async function d1Batch(storage: Storage, model: Model, statements: Statement[]): Promise<Row[][]> {
  const db = binding<D1Database>(storage, model.backing!.binding);
  const results = await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.params)));
  return results.map((r) => (r.results ?? []) as Row[]);
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
