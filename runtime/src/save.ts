// The save planner: any partial object graph becomes the statements of one
// atomic batch (DESIGN §3.7). Objects are written parents-first along
// foreign keys; a key the database generates is recorded in a helper table
// under the object's path, and later statements read it back with a
// subquery, so no statement needs a result the batch has not produced yet.
// Fields not sent are left as they are: a save is a partial update.

import type { Field, Model, Schema, StoreField } from "./cidl.js";
import { primitive, toSql } from "./convert.js";
import { CloesceError } from "./errors.js";
import { info } from "./schema.js";
import { quote } from "./select.js";

/** D1 refuses statements with more bound parameters than this. */
export const MAX_PARAMS = 100;

/** The table holding keys generated during one batch, emptied at its end. */
export const KEYS_TABLE = "_cloesce_keys";

export interface Statement {
  sql: string;
  params: unknown[];
}

/** A KV value to write once the batch has committed and every key is known. */
export interface StoreWrite {
  field: StoreField;
  value: unknown;
  /** The object's fields, for the key's placeholders. */
  fields: Record<string, unknown>;
  /** When the object's key is generated: its column, and the statement that reads it back. */
  generated?: { column: string; statement: number };
}

export interface SavePlan {
  statements: Statement[];
  /** Index of the statement selecting the saved root, or -1 for a model without a table. */
  select: number;
  writes: StoreWrite[];
}

type Obj = Record<string, unknown>;

/** A column's value: known, or generated for the object at path. */
type Expr = { value: unknown } | { generated: string };

/** Builds one statement, inlining literals past the parameter limit. */
class Builder {
  readonly params: unknown[] = [];

  bind(v: unknown): string {
    if (this.params.length < MAX_PARAMS) {
      this.params.push(v);
      return `?${this.params.length}`;
    }
    return literal(v);
  }

  expr(e: Expr): string {
    if ("value" in e) return this.bind(e.value);
    return `(SELECT "id" FROM ${quote(KEYS_TABLE)} WHERE "path" = ${this.bind(e.generated)})`;
  }
}

/** An SQL literal, for values past the parameter limit. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new CloesceError(400, `cannot store ${v}`);
    return String(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return `X'${Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("")}'`;
  return `'${String(v).replaceAll("'", "''")}'`;
}

/** Plans saving value, a partial object of model, and selecting it back along tree's SELECT. */
export function planSave(schema: Schema, model: Model, value: Obj, rootSelect: { sql: string; joinedKeys: string[] }): SavePlan {
  const p = new Planner(schema);
  const cols = p.node(model, value, model.name, new Map());
  let select = -1;
  if (model.primary_key.length > 0) {
    const b = new Builder();
    const pk = model.primary_key.map((f) => `${quote(model.name)}.${quote(f.name)}`);
    const exprs = model.primary_key.map((f) => b.expr(cols.get(f.name)!));
    const order = rootSelect.joinedKeys.length > 0 ? `\nORDER BY ${rootSelect.joinedKeys.join(", ")}` : "";
    select = p.push(`${rootSelect.sql}\nWHERE ${tuple(pk)} = ${tuple(exprs)}${order}`, b);
  }
  if (p.usesKeys) {
    p.statements.unshift({ sql: `CREATE TABLE IF NOT EXISTS ${quote(KEYS_TABLE)} ("path" TEXT PRIMARY KEY, "id" INTEGER NOT NULL)`, params: [] });
    p.statements.push({ sql: `DELETE FROM ${quote(KEYS_TABLE)}`, params: [] });
    select += select >= 0 ? 1 : 0;
    for (const w of p.writes) if (w.generated) w.generated.statement += 1;
  }
  return { statements: p.statements, select, writes: p.writes };
}

function tuple(items: string[]): string {
  return items.length === 1 ? items[0]! : `(${items.join(", ")})`;
}

class Planner {
  readonly statements: Statement[] = [];
  readonly writes: StoreWrite[] = [];
  usesKeys = false;
  private readonly info;

  constructor(readonly schema: Schema) {
    this.info = info(schema);
  }

  push(sql: string, b: Builder): number {
    this.statements.push({ sql, params: b.params });
    return this.statements.length - 1;
  }

  /**
   * Plans obj, an object of model at path, with some columns fixed by its
   * parent. Returns the expressions of its columns, for its children.
   */
  node(model: Model, obj: Obj, path: string, fixed: Map<string, Expr>): Map<string, Expr> {
    const cols = new Map(fixed);
    // Objects this one references come first: their keys fill its foreign key.
    for (const nav of model.navigations) {
      const v = obj[nav.name];
      const target = this.info.models.get(nav.model)!.model;
      if (nav.many || !isObject(v) || target.primary_key.length === 0) continue;
      const child = this.node(target, v, `${path}.${nav.name}`, new Map());
      nav.local.forEach((l, i) => {
        const e = child.get(nav.remote[i]!);
        if (e) cols.set(l, e);
      });
    }
    for (const f of [...model.primary_key, ...model.columns]) {
      if (!cols.has(f.name) && obj[f.name] !== undefined) cols.set(f.name, { value: toSql(f.type, obj[f.name]) });
    }
    let generated: string | undefined;
    if (model.primary_key.length > 0) generated = this.write(model, cols, path);
    if (generated) cols.set(generated, { generated: path });

    for (const nav of model.navigations) {
      const v = obj[nav.name];
      const target = this.info.models.get(nav.model)!.model;
      if (nav.many && Array.isArray(v)) {
        v.forEach((el, i) => {
          if (!isObject(el)) return;
          const link = new Map<string, Expr>();
          nav.local.forEach((l, j) => {
            const e = cols.get(l);
            if (!e) throw new CloesceError(400, `${path}.${nav.name}[${i}] cannot be linked: ${path}.${l} is unknown`);
            link.set(nav.remote[j]!, e);
          });
          this.node(target, el, `${path}.${nav.name}[${i}]`, link);
        });
      } else if (!nav.many && isObject(v) && target.primary_key.length === 0) {
        // A Worker-served object is addressed by this object's fields:
        // columns of known value, or route fields (which are not columns).
        nav.local.forEach((l, j) => {
          const e = cols.get(l);
          if (e ? "value" in e : obj[l] !== undefined) v[nav.remote[j]!] = obj[l];
        });
        this.node(target, v, `${path}.${nav.name}`, new Map());
      }
    }

    for (const field of model.kv_fields) {
      if (obj[field.name] === undefined) continue;
      const w: StoreWrite = { field, value: obj[field.name], fields: obj };
      if (generated && field.key.includes(`{${generated}}`)) {
        const b = new Builder();
        const statement = this.push(`SELECT "id" FROM ${quote(KEYS_TABLE)} WHERE "path" = ${b.bind(path)}`, b);
        w.generated = { column: generated, statement };
      }
      this.writes.push(w);
    }
    return cols;
  }

  /**
   * Writes one row: an upsert when every required column is given, an
   * update of the given columns when the key is known but some are not,
   * an insert with a generated key when a lone integer key is missing.
   * Returns the generated key's column, if any.
   */
  private write(model: Model, cols: Map<string, Expr>, path: string): string | undefined {
    const table = quote(model.name);
    const pk = model.primary_key;
    const others = model.columns.filter((f) => cols.has(f.name));
    const missing = model.columns.filter((f) => !cols.has(f.name) && !optional(f));
    const missingKey = pk.filter((f) => !cols.has(f.name));
    const b = new Builder();
    if (missingKey.length > 0) {
      if (pk.length > 1 || primitive(pk[0]!.type) !== "int") {
        throw new CloesceError(400, `${path}: missing primary key ${missingKey.map((f) => f.name).join(", ")}`);
      }
      if (missing.length > 0) {
        throw new CloesceError(400, `${path}: a new ${model.name} needs ${missing.map((f) => f.name).join(", ")}`);
      }
      const names = others.map((f) => quote(f.name));
      const values = others.map((f) => b.expr(cols.get(f.name)!));
      const sql = names.length > 0 ? `INSERT INTO ${table} (${names.join(", ")}) VALUES (${values.join(", ")})` : `INSERT INTO ${table} DEFAULT VALUES`;
      this.push(sql, b);
      const k = new Builder();
      this.push(`INSERT OR REPLACE INTO ${quote(KEYS_TABLE)} ("path", "id") VALUES (${k.bind(path)}, last_insert_rowid())`, k);
      this.usesKeys = true;
      return pk[0]!.name;
    }
    const where = () => `${tuple(pk.map((f) => quote(f.name)))} = ${tuple(pk.map((f) => b.expr(cols.get(f.name)!)))}`;
    if (missing.length > 0) {
      if (others.length === 0) return undefined;
      const sets = others.map((f) => `${quote(f.name)} = ${b.expr(cols.get(f.name)!)}`);
      this.push(`UPDATE ${table} SET ${sets.join(", ")} WHERE ${where()}`, b);
      return undefined;
    }
    const all = [...pk, ...others];
    const values = all.map((f) => b.expr(cols.get(f.name)!));
    const conflict = others.length > 0 ? `DO UPDATE SET ${others.map((f) => `${quote(f.name)} = excluded.${quote(f.name)}`).join(", ")}` : "DO NOTHING";
    this.push(
      `INSERT INTO ${table} (${all.map((f) => quote(f.name)).join(", ")}) VALUES (${values.join(", ")})\nON CONFLICT (${pk.map((f) => quote(f.name)).join(", ")}) ${conflict}`,
      b,
    );
    return undefined;
  }
}

function optional(f: Field): boolean {
  return typeof f.type === "object" && "option" in f.type;
}

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
