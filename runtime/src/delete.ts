// The delete planner (Orm.delete, $delete): the statements of the one
// batch that deletes an object and, through its [cascade] navigations,
// every object below it, and reads first the KV and R2 keys of all of
// them.
//
// The rows go in nodes: the root's row, and for each cascade navigation
// of a node's model the rows of its target that reference the node's
// rows, each node's rows selected through a chain of IN subqueries from
// the root's key (as read queries reach children from "$roots"). The
// compiler refuses cascades that loop (E0244), so the nodes are a tree of
// fixed depth.
//
// Foreign keys are ON DELETE RESTRICT, which SQLite checks row by row as
// each is deleted: a node's rows go before the rows they reference, so
// nodes are deleted in the reverse of the schema's model order (a model
// follows the models its foreign keys reference), the root last. A row
// still referenced by a row the batch does not delete fails the batch
// (D1 and Durable Object SQLite enforce foreign keys), which rolls it
// back whole; referenceCheck then finds which reference it was, for the
// 409.

import type { ForeignKey, Model, Navigation, Schema, StoreField } from "./cidl.js";
import { fromSql, toSql } from "./convert.js";
import { CloesceError } from "./errors.js";
import { fillKey, keyResolvable } from "./keys.js";
import { MAX_PARAMS, literal, sqlValue, type Statement } from "./save.js";
import { info } from "./schema.js";
import { quote } from "./select.js";

/** The rows of one model the delete removes. */
interface Node {
  readonly model: Model;
  /** How it is reached: from parent (absent for the root) through nav. */
  readonly parent?: Node;
  readonly nav?: Navigation;
  /** The index of the statement reading its KV and R2 keys, when its model has any. */
  read?: number;
}

/** A KV value, Durable Object storage value or R2 object to delete once the rows are gone. */
export interface StoreDelete {
  field: StoreField;
  /** "r2" for an object of a bucket, "kv" for a KV value (field.durable: in the object's storage). */
  kind: "kv" | "r2";
  key: string;
}

/** A foreign key that may still reference a row the delete removes, as the 409 describes it. */
interface Reference {
  node: Node;
  model: Model;
  fk: ForeignKey;
}

type Row = Record<string, unknown>;

/** A delete of one object and what cascades from it. */
export class DeletePlan {
  private readonly nodes: Node[] = [];
  private readonly params: unknown[];
  private readonly root: Node;
  private readonly models;

  /**
   * Plans deleting the object of model whose key (and, for a Durable
   * Object backed model, shard) values key holds. A missing key value is
   * a 400; cascades that loop, which the compiler refuses, throw.
   */
  constructor(
    private readonly schema: Schema,
    readonly model: Model,
    private readonly key: Readonly<Record<string, unknown>>,
  ) {
    this.models = info(schema).models;
    const missing = model.primary_key.filter((f) => key[f.name] === undefined || key[f.name] === null);
    if (missing.length > 0) throw new CloesceError(400, `deleting a ${model.name} needs its key: ${missing.map((f) => f.name).join(", ")}`);
    this.params = model.primary_key.map((f) => toSql(f.type, key[f.name]));
    this.root = this.walk(model, undefined, undefined, [model.name]);
    // With KV values or R2 objects outside the database, every row is read
    // whole: a failure after the batch inserts them again (restore).
    const all = this.bindings().size > 0;
    let reads = 0;
    for (const node of this.nodes) if (all || node.model.kv_fields.length + node.model.r2_fields.length > 0) node.read = reads++;
  }

  private walk(model: Model, parent: Node | undefined, nav: Navigation | undefined, path: string[]): Node {
    const node: Node = { model, ...(parent && { parent }), ...(nav && { nav }) };
    this.nodes.push(node);
    for (const n of model.navigations.filter((n) => n.cascade)) {
      if (path.includes(n.model)) throw new Error(`cloesce: [cascade] navigations loop through ${[...path, n.model].join(" → ")}`);
      this.walk(this.models.get(n.model)!.model, node, n, [...path, n.model]);
    }
    return node;
  }

  /**
   * The batch: one SELECT of the stored fields' keys per node with KV or
   * R2 fields, then the deletes, a node's before those of the models it
   * references, the root's last (RETURNING its key: no row means there
   * was no such object).
   */
  statements(): Statement[] {
    const out = this.reads();
    const order = new Map(this.schema.models.map((m, i) => [m.name, i]));
    const byModel = [...this.nodes].sort((a, b) => order.get(b.model.name)! - order.get(a.model.name)!);
    for (const node of byModel) {
      const returning = node === this.root ? ` RETURNING ${quote(node.model.primary_key[0]!.name)}` : "";
      out.push(this.statement(`DELETE FROM ${quote(node.model.name)} WHERE ${this.reached(node)}${returning}`));
    }
    return out;
  }

  /** The SELECTs the batch starts with: the rows of each node read (constructor), their columns in model order. */
  reads(): Statement[] {
    return this.nodes.filter((n) => n.read !== undefined).map((n) => this.statement(this.rows(n, this.readColumns(n.model))));
  }

  /** Whether the batch, whose results these are, deleted the root (its last DELETE returns it). */
  found(results: readonly Row[][]): boolean {
    return results.at(-1)!.length > 0;
  }

  /** Whether reads found the root (the first SELECT, when every node is read). */
  exists(reads: readonly Row[][]): boolean {
    return reads[0]!.length > 0;
  }

  /**
   * The statements inserting again the rows the batch deleted, as its
   * reads give them, every node read: a node's rows in one INSERT (SQLite
   * checks its foreign keys at the statement's end), the models their
   * foreign keys reference first.
   */
  restore(results: readonly Row[][]): Statement[] {
    const order = new Map(this.schema.models.map((m, i) => [m.name, i]));
    const out: Statement[] = [];
    for (const node of [...this.nodes].sort((a, b) => order.get(a.model.name)! - order.get(b.model.name)!)) {
      const rows = results[node.read!] ?? [];
      if (rows.length === 0) continue;
      const cols = this.readColumns(node.model);
      const params: unknown[] = [];
      const value = (v: unknown) => {
        v = sqlValue(v);
        if (params.length >= MAX_PARAMS) return literal(v);
        params.push(v);
        return `?${params.length}`;
      };
      const values = rows.map((r) => `(${cols.map((c) => value(r[c])).join(", ")})`);
      out.push({ sql: `INSERT INTO ${quote(node.model.name)} (${cols.map(quote).join(", ")}) VALUES ${values.join(", ")}`, params });
    }
    return out;
  }

  /** The bindings of the KV namespaces and R2 buckets the delete removes values from (not the object's own storage). */
  bindings(): Set<string> {
    return new Set(this.nodes.flatMap((n) => [...n.model.kv_fields, ...n.model.r2_fields]).filter((f) => !f.durable).map((f) => f.binding));
  }

  /**
   * The stores to delete, from the batch's results: each KV and R2 field
   * of each row read, whose key can be filled (a null optional column
   * leaves its field without a key).
   */
  storeDeletes(results: readonly Row[][]): StoreDelete[] {
    const out: StoreDelete[] = [];
    for (const node of this.nodes) {
      if (node.read === undefined) continue;
      const seed = this.seed(node.model);
      const columns = new Map([...node.model.primary_key, ...node.model.columns].map((f) => [f.name, f]));
      for (const row of results[node.read] ?? []) {
        const values: Row = { ...seed };
        for (const [name, v] of Object.entries(row)) values[name] = fromSql(columns.get(name)!.type, v);
        for (const [fields, kind] of [[node.model.kv_fields, "kv"], [node.model.r2_fields, "r2"]] as const) {
          for (const field of fields) if (keyResolvable(field.key, values)) out.push({ field, kind, key: fillKey(field.key, values) });
        }
      }
    }
    return out;
  }

  /**
   * The query telling which reference refused the delete: a column per
   * foreign key that may reference a row it removes from a row it keeps
   * (true when one does), for conflict.
   */
  referenceCheck(): { statement: Statement; references: Reference[] } {
    const references: Reference[] = [];
    for (const node of this.nodes) {
      for (const m of this.schema.models) {
        for (const fk of m.foreign_keys) {
          if (fk.model !== node.model.name || this.cascades(node.model, m, fk)) continue;
          references.push({ node, model: m, fk });
        }
      }
    }
    const cols = references.map((r, i) => {
      const table = quote(r.model.name);
      const pk = names(r.model.primary_key);
      // Rows the delete removes do not count.
      const deleted = this.nodes.filter((n) => n.model === r.model).map((n) => ` AND ${this.tupleOf(table, pk)} NOT IN (${this.rows(n, pk)})`);
      return `EXISTS (SELECT 1 FROM ${table} WHERE ${this.tupleOf(table, r.fk.columns)} IN (${this.rows(r.node, r.fk.references)})${deleted.join("")}) AS "r${i}"`;
    });
    return { statement: this.statement(`SELECT ${cols.length > 0 ? cols.join(", ") : "0 AS \"none\""}`), references };
  }

  /**
   * The 409 for the row of referenceCheck's statement: naming the first
   * reference it found, or none when it found none (the referencing
   * object went away since).
   */
  conflict(row: Row | undefined, references: readonly Reference[]): CloesceError {
    const i = references.findIndex((_, i) => Boolean(row?.[`r${i}`]));
    if (i < 0) return new CloesceError(409, `${this.describe()} cannot be deleted: other objects still reference it`);
    const { node, model, fk } = references[i]!;
    const what = node === this.root ? "it" : `a ${node.model.name} it would delete`;
    // A model cannot cascade to itself (the compiler refuses loops).
    const nav = model !== node.model && node.model.navigations.find((n) => n.model === model.name && sameCols(n.remote, fk.columns));
    const hint = nav ? `; declare [cascade] on ${node.model.name}.${nav.name} to delete them with it` : "";
    return new CloesceError(409, `${this.describe()} cannot be deleted: ${model.name} objects still reference ${what} through ${model.name}.${fk.columns.join(", ")}${hint}`);
  }

  /** "Post id=3", for messages. */
  describe(): string {
    return `${this.model.name} ${this.model.primary_key.map((f) => `${f.name}=${String(this.key[f.name])}`).join(", ")}`;
  }

  /** Whether model cascades to the rows of m that reference it through fk. */
  private cascades(model: Model, m: Model, fk: ForeignKey): boolean {
    return model.navigations.some((n) => n.cascade && n.model === m.name && sameCols(n.remote, fk.columns));
  }

  /** A statement binding the root's key as ?1... */
  private statement(sql: string): Statement {
    return { sql, params: this.params };
  }

  /** The condition on a table's columns selecting the node's rows. */
  private reached(node: Node): string {
    if (!node.parent) return `${this.tupleOf("", names(node.model.primary_key))} = ${tuple(node.model.primary_key.map((_, i) => `?${i + 1}`))}`;
    const nav = node.nav!;
    const parent = node.parent;
    // A child of the root through the root's key: by its values.
    if (!parent.parent && sameCols(nav.local, names(parent.model.primary_key))) {
      return `${this.tupleOf("", nav.remote)} = ${tuple(nav.local.map((_, i) => `?${i + 1}`))}`;
    }
    return `${this.tupleOf("", nav.remote)} IN (${this.rows(parent, nav.local)})`;
  }

  /** The SELECT of cols of the node's rows. */
  private rows(node: Node, cols: readonly string[]): string {
    return `SELECT ${cols.map(quote).join(", ")} FROM ${quote(node.model.name)} WHERE ${this.reached(node)}`;
  }

  /** The columns a node's read selects: every one, in model order. */
  private readColumns(model: Model): string[] {
    return names([...model.primary_key, ...model.columns]);
  }

  /** The shard values of a Durable Object backed model's rows: the root's, by position (hydrate's inheritShard). */
  private seed(model: Model): Row {
    const seed: Row = {};
    const shard = this.model.backing?.shard ?? [];
    if (model.backing?.kind === "durable") model.backing.shard.forEach((name, i) => (seed[name] = this.key[shard[i]!]));
    return seed;
  }

  private tupleOf(alias: string, cols: readonly string[]): string {
    return tuple(cols.map((c) => (alias === "" ? quote(c) : `${alias}.${quote(c)}`)));
  }
}

function names(fields: readonly { name: string }[]): string[] {
  return fields.map((f) => f.name);
}

function tuple(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `(${items.join(", ")})`;
}

function sameCols(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
