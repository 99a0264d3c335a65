// The save planner: any partial object graph becomes the statements of one
// atomic batch (DESIGN §3.7), no more than a careful hand-written worker
// would send. Fields not sent are left as they are: a save is a partial
// update.
//
// Rows are written in rounds along foreign keys: a row goes in the round
// after the rows it must follow (its parent, and the objects its foreign
// keys point at), and the rows of one round that go to the same table the
// same way share one statement: a post with five new comments is one
// INSERT of the post and one INSERT of the five comments. Rows keeping
// keys of their own are written before the inserts of their table that
// they do not follow (Planner.schedule).
//
// A key the database generates (a lone int primary key left out) is never
// read back into the Worker nor kept in a helper table: a later statement
// names it by where it is. SQLite gives a new row of a rowid table a key
// one larger than the largest in the table, AUTOINCREMENT or not (see
// generatedKey), so right after its insert the row holds the table's
// largest key, `(SELECT max("id") FROM "Post")`, and the row inserted n
// rows before the table's latest holds `max("id") - n`. Rows this batch
// writes later with keys of their own, which may be larger, are left out
// by value. Neither sqlite_sequence (missing on tables made before keys
// were AUTOINCREMENT) nor last_insert_rowid() (which changes with every
// row of a multi-row INSERT, and with any insert into another table) can
// do this.

import type { Field, Model, Schema, StoreField } from "./cidl.js";
import { primitive, toSql } from "./convert.js";
import { CloesceError } from "./errors.js";
import { info } from "./schema.js";
import { quote } from "./select.js";

/** D1 refuses statements with more bound parameters than this. */
export const MAX_PARAMS = 100;

/**
 * A statement of several rows ends before its SQL grows past this many
 * UTF-16 units: D1 refuses statements over 100,000 bytes, and a unit is at
 * most 3 bytes of UTF-8.
 */
export const MAX_SQL = 30_000;

/**
 * A value past the parameter limit whose literal is longer than this is
 * bound instead, in a new statement for its row and the next ones.
 */
const MAX_LITERAL = 1_000;

export interface Statement {
  sql: string;
  params: unknown[];
}

/** A KV value to write: before the batch under a key known now, after it under one the batch generates (Orm.save). */
export interface StoreWrite {
  field: StoreField;
  value: unknown;
  /** The object's fields, for the key's placeholders. */
  fields: Record<string, unknown>;
  /**
   * When the object's key is generated: its column, and where the batch
   * gives it: the saved root (statement -1), or the column alias of the
   * row of statement.
   */
  generated?: { column: string; statement: number; alias: string };
}

export interface SavePlan {
  statements: Statement[];
  /** Index of the statement selecting the saved root, or -1 for a model without a table. */
  select: number;
  writes: StoreWrite[];
  /**
   * When KV writes wait for generated keys (they go after the batch, and
   * may fail after it committed): the statements of the batch that undoes
   * it, from its results and the saved root's generated key (Planner.undo).
   */
  undo?: (results: readonly Obj[][], rootKey: unknown) => Statement[];
}

type Obj = Record<string, unknown>;

/** A column's value: known, or the key generated for a row this batch inserts. */
type Expr = { value: unknown } | { row: Row };

/**
 * How a row is written: inserted with a generated key, upserted (every
 * required column given), or updated (some missing: only those given).
 */
type Kind = "insert" | "upsert" | "update";

/** One row to write. */
interface Row {
  readonly model: Model;
  readonly kind: Kind;
  /** The columns written, in model order (the key too, unless generated). */
  readonly cols: Map<string, Expr>;
  /** The rows it must follow: its parent, and the objects its foreign keys point at. */
  readonly follows: Row[];
  /** The round it is written in (see Planner.schedule). */
  round: number;
  /** Creation order, for a stable plan. */
  readonly order: number;
  /** For an insert, once planned: how many rows the batch inserted into its table before it. */
  seq: number;
}

/** What the batch has written into a table so far, to name its generated keys. */
interface Written {
  /** Rows inserted with a generated key. */
  inserted: number;
  /** Keys of rows upserted, and how many rows had been inserted before each. */
  upserted: { key: Expr; after: number }[];
}

/**
 * Plans saving value, a partial object of model, and reading it back with
 * readBack: the read query of the root whose key columns are the given SQL
 * expressions.
 */
export function planSave(schema: Schema, model: Model, value: Obj, readBack: (key: string[]) => string): SavePlan {
  const p = new Planner(schema);
  const { cols, row } = p.node(model, value, model.name, new Map(), null);
  // KV values under generated keys, outside the database, may fail after the batch committed.
  const undo = p.keyed.some((k) => !k.write.field.durable);
  if (undo) p.emitSnapshots();
  p.emitRows();
  const keys = p.emitKeys(row, undo);
  let select = -1;
  if (model.primary_key.length > 0) {
    const b = new Builder(p);
    select = p.push(readBack(model.primary_key.map((f) => b.expr(cols.get(f.name)!))), b);
  }
  for (const w of p.writes) if (w.generated?.statement === KEYS) w.generated.statement = keys;
  const plan: SavePlan = { statements: p.statements, select, writes: p.writes };
  if (undo) plan.undo = (results, rootKey) => p.undo(results, row, rootKey);
  return plan;
}

/** Placeholder statement index of a generated key, until the keys statement is planned. */
const KEYS = -2;

function tuple(items: string[]): string {
  return items.length === 1 ? items[0]! : `(${items.join(", ")})`;
}

/** An SQL literal, for values past the parameter limit. */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new CloesceError(400, `cannot store ${v}`);
    return String(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "1" : "0";
  if (v instanceof Uint8Array) return `X'${Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("")}'`;
  return `'${String(v).replaceAll("'", "''")}'`;
}

/**
 * Builds one statement: binds values up to the parameter limit, then
 * inlines them; names generated keys as the batch stands when the
 * statement runs.
 */
class Builder {
  readonly params: unknown[] = [];
  /** Set when a value was inlined that should have been bound: longer than MAX_LITERAL, or holding a NUL. */
  long = false;
  /** Tables read by the generated keys named. */
  readonly reads = new Set<string>();

  constructor(private readonly planner: Planner) {}

  bind(v: unknown): string {
    if (this.params.length < MAX_PARAMS) {
      this.params.push(v);
      return `?${this.params.length}`;
    }
    const l = literal(v);
    // SQLite stops reading a statement at a NUL character: such a value is bound, as a long one is.
    if (l.length > MAX_LITERAL || l.includes("\0")) this.long = true;
    return l;
  }

  expr(e: Expr): string {
    return "value" in e ? this.bind(e.value) : this.planner.generatedKey(e.row, this.reads, 0);
  }

  /** Returns to a state saved by mark, undoing the values bound since. */
  mark(): [number, boolean] {
    return [this.params.length, this.long];
  }

  reset([params, long]: [number, boolean]) {
    this.params.length = params;
    this.long = long;
  }
}

class Planner {
  readonly statements: Statement[] = [];
  readonly writes: StoreWrite[] = [];
  private readonly rows: Row[] = [];
  private readonly written = new Map<string, Written>();
  /** Rows whose generated key a KV write needs, with the write. */
  readonly keyed: { row: Row; write: StoreWrite }[] = [];
  /** The rows in the order their statements were planned. */
  private readonly emitted: Row[] = [];
  /** Rows under known keys, with the statement reading them before the batch writes (emitSnapshots). */
  private readonly snapshots = new Map<Row, number>();
  /** Rows whose generated key the keys statement selects, with its column alias. */
  private readonly aliases = new Map<Row, string>();
  /** The index of the keys statement (emitKeys), or -1. */
  private keys = -1;
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
   * parent row (null for the root). Returns the expressions of its
   * columns, for its children, and its row if it writes one.
   */
  node(model: Model, obj: Obj, path: string, fixed: Map<string, Expr>, parent: Row | null): { cols: Map<string, Expr>; row?: Row } {
    const cols = new Map(fixed);
    const follows: Row[] = parent ? [parent] : [];
    // Objects this one references come first: their keys fill its foreign key.
    for (const nav of model.navigations) {
      const v = obj[nav.name];
      const target = this.info.models.get(nav.model)!.model;
      if (nav.many || !isObject(v) || target.primary_key.length === 0) continue;
      const child = this.node(target, v, `${path}.${nav.name}`, new Map(), null);
      nav.local.forEach((l, i) => {
        const e = child.cols.get(nav.remote[i]!);
        if (e) cols.set(l, e);
      });
      if (child.row) follows.push(child.row);
    }
    const lone = generatedKey(model);
    for (const f of [...model.primary_key, ...model.columns]) {
      const v = obj[f.name];
      // A null generated key asks for a new one, as a missing one does.
      if (cols.has(f.name) || v === undefined || (v === null && f === lone)) continue;
      cols.set(f.name, { value: toSql(f.type, v) });
    }
    let row: Row | undefined;
    if (model.primary_key.length > 0) row = this.row(model, cols, path, follows);
    if (row?.kind === "insert") cols.set(lone!.name, { row });

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
          this.node(target, el, `${path}.${nav.name}[${i}]`, link, row ?? null);
        });
      } else if (!nav.many && isObject(v) && target.primary_key.length === 0) {
        // A Worker-served object is addressed by this object's fields:
        // columns of known value, or route fields (which are not columns).
        nav.local.forEach((l, j) => {
          const e = cols.get(l);
          if (e ? "value" in e : obj[l] !== undefined) v[nav.remote[j]!] = obj[l];
        });
        this.node(target, v, `${path}.${nav.name}`, new Map(), row ?? null);
      }
    }

    for (const field of model.kv_fields) {
      if (obj[field.name] === undefined) continue;
      const w: StoreWrite = { field, value: obj[field.name], fields: obj };
      if (row?.kind === "insert" && field.key.includes(`{${lone!.name}}`)) {
        w.generated = { column: lone!.name, statement: KEYS, alias: "" };
        this.keyed.push({ row, write: w });
      }
      this.writes.push(w);
    }
    return row ? { cols, row } : { cols };
  }

  /**
   * Decides how one row is written: an upsert when every required column
   * is given, an update of the given columns when the key is known but
   * some are not, an insert with a generated key when a lone integer key
   * is missing. Returns the row, or nothing when there is nothing to write.
   */
  private row(model: Model, cols: Map<string, Expr>, path: string, follows: Row[]): Row | undefined {
    const pk = model.primary_key;
    const missing = model.columns.filter((f) => !cols.has(f.name) && !optional(f));
    const missingKey = pk.filter((f) => !cols.has(f.name));
    let kind: Kind;
    if (missingKey.length > 0) {
      if (!generatedKey(model)) {
        throw new CloesceError(400, `${path}: missing primary key ${missingKey.map((f) => f.name).join(", ")}`);
      }
      if (missing.length > 0) {
        throw new CloesceError(400, `${path}: a new ${model.name} needs ${missing.map((f) => f.name).join(", ")}`);
      }
      kind = "insert";
    } else if (missing.length > 0) {
      if (!model.columns.some((f) => cols.has(f.name))) return undefined;
      kind = "update";
    } else {
      kind = "upsert";
    }
    const ordered = new Map<string, Expr>();
    for (const f of [...pk, ...model.columns]) {
      const e = cols.get(f.name);
      if (e) ordered.set(f.name, e);
    }
    const row: Row = { model, kind, cols: ordered, follows, round: 0, order: this.rows.length, seq: -1 };
    this.rows.push(row);
    return row;
  }

  /**
   * Puts each row in a round: the round after the latest of the rows it
   * follows. Inserts with generated keys also wait for the round of every
   * upsert to their table that does not follow one of them: written first,
   * a new row's own key can never be one the table is about to generate,
   * so the upsert cannot overwrite a row this batch inserted. Waiting moves
   * the rows that follow an insert, which may make other inserts wait:
   * this repeats until nothing moves, or, when the waits chase each other,
   * keeps the rounds the rows they follow give.
   */
  private schedule() {
    // The tables of the inserts each row follows, directly or not.
    const above = new Map<Row, Set<string>>();
    for (const r of this.rows) {
      const tables = new Set<string>();
      for (const f of r.follows) {
        for (const t of above.get(f)!) tables.add(t);
        if (f.kind === "insert") tables.add(f.model.name);
      }
      above.set(r, tables);
    }
    const free = this.rows.filter((r) => r.kind === "upsert" && generatedKey(r.model) && !above.get(r)!.has(r.model.name));
    const place = (floor: Map<string, number>) => {
      for (const r of this.rows) {
        r.round = r.follows.reduce((n, f) => Math.max(n, f.round + 1), r.kind === "insert" ? (floor.get(r.model.name) ?? 0) : 0);
      }
    };
    let floor = new Map<string, number>();
    const tables = new Set(free.map((r) => r.model.name)).size;
    for (let pass = 0; pass <= tables + 1; pass++) {
      place(floor);
      const next = new Map<string, number>();
      for (const r of free) next.set(r.model.name, Math.max(next.get(r.model.name) ?? 0, r.round));
      if ([...next].every(([t, n]) => floor.get(t) === n)) return;
      floor = next;
    }
    place(new Map());
  }

  /**
   * Writes the planned rows round by round. In a round, rows keeping their
   * keys go before inserts, so that a key a round generates is never
   * outgrown by one written in the same round; rows to the same table
   * written the same way share statements.
   */
  emitRows() {
    this.schedule();
    const groups = new Map<string, Row[]>();
    for (const r of this.rows) {
      const names = [...r.cols.keys()].join("\0");
      const key = r.kind === "update" ? `u\0${r.order}` : `${r.round}\0${r.kind}\0${r.model.name}${r.kind === "upsert" ? `\0${names}` : ""}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(r);
    }
    const ordered = [...groups.values()].sort((a, b) => {
      const [x, y] = [a[0]!, b[0]!];
      return x.round - y.round || Number(x.kind === "insert") - Number(y.kind === "insert") || x.order - y.order;
    });
    for (const g of ordered) {
      if (g[0]!.kind === "update") this.update(g[0]!);
      else this.insert(g);
    }
  }

  /** One UPDATE of the columns given. */
  private update(row: Row) {
    this.emitted.push(row);
    const b = new Builder(this);
    const pk = row.model.primary_key;
    const sets: string[] = [];
    for (const [name, e] of row.cols) if (!pk.some((f) => f.name === name)) sets.push(`${quote(name)} = ${b.expr(e)}`);
    const where = `${tuple(pk.map((f) => quote(f.name)))} = ${tuple(pk.map((f) => b.expr(row.cols.get(f.name)!)))}`;
    this.push(`UPDATE ${quote(row.model.name)} SET ${sets.join(", ")} WHERE ${where}`, b);
  }

  /**
   * INSERTs (or upserts) of rows to one table, as few as the limits allow:
   * a statement takes rows while its SQL stays short and no long value has
   * to be inlined; rows naming a key this table generated are written one
   * per statement, since SQLite may compute a row's values after inserting
   * the rows before it, which moves the table's largest key.
   */
  private insert(rows: Row[]) {
    const model = rows[0]!.model;
    const table = quote(model.name);
    const kind = rows[0]!.kind;
    const pk = model.primary_key;
    // Inserts give every column any of them gives (a column not given is
    // NULL, as the table would make it); upserts all give the same ones.
    const names = [...pk, ...model.columns].map((f) => f.name).filter((n) => rows.some((r) => r.cols.has(n)));
    const head = names.length > 0 ? `INSERT INTO ${table} (${names.map(quote).join(", ")}) VALUES` : `INSERT INTO ${table}`;
    const updates = model.columns.filter((f) => names.includes(f.name)).map((f) => `${quote(f.name)} = excluded.${quote(f.name)}`);
    const tail =
      kind === "upsert" ? `\nON CONFLICT (${pk.map((f) => quote(f.name)).join(", ")}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(", ")}` : "DO NOTHING"}` : "";
    if (names.length === 0) {
      // A table of one generated key: DEFAULT VALUES inserts one row.
      for (const r of rows) this.inserted([r], `${head} DEFAULT VALUES`, new Builder(this));
      return;
    }
    let b = new Builder(this);
    let values: string[] = [];
    let batch: Row[] = [];
    let length = head.length + tail.length;
    const flush = () => {
      if (batch.length > 0) this.inserted(batch, `${head} ${values.join(", ")}${tail}`, b);
      b = new Builder(this);
      values = [];
      batch = [];
      length = head.length + tail.length;
    };
    // A row's values, as the batch stands before the statement being built.
    const render = (r: Row) => {
      const mark = b.mark();
      b.reads.clear();
      const sql = `(${names.map((n) => (r.cols.has(n) ? b.expr(r.cols.get(n)!) : "NULL")).join(", ")})`;
      return { sql, mark, self: b.reads.has(model.name) };
    };
    for (const r of rows) {
      let v = render(r);
      if (batch.length > 0 && (v.self || b.long || length + v.sql.length + 2 > MAX_SQL)) {
        b.reset(v.mark);
        flush();
        v = render(r);
      }
      values.push(v.sql);
      batch.push(r);
      length += v.sql.length + 2;
      if (v.self) flush();
    }
    flush();
  }

  /** Pushes a statement writing rows, and records what it did to their table. */
  private inserted(rows: Row[], sql: string, b: Builder) {
    this.push(sql, b);
    this.emitted.push(...rows);
    const model = rows[0]!.model;
    if (!generatedKey(model)) return;
    let w = this.written.get(model.name);
    if (!w) this.written.set(model.name, (w = { inserted: 0, upserted: [] }));
    for (const r of rows) {
      if (r.kind === "insert") r.seq = w.inserted++;
      else w.upserted.push({ key: r.cols.get(model.primary_key[0]!.name)!, after: w.inserted });
    }
  }

  /**
   * The SQL naming the key generated for row, as the batch stands after
   * the statements planned so far. Rows inserted after it hold larger keys
   * (one each), and so may rows upserted after it, which are left out by
   * their keys.
   */
  generatedKey(row: Row, reads: Set<string>, depth: number): string {
    if (depth > 8) throw new CloesceError(400, `${row.model.name}: the save links too many generated keys through each other`);
    const table = row.model.name;
    const key = quote(generatedKey(row.model)!.name);
    const w = this.written.get(table)!;
    reads.add(table);
    const later = w.inserted - 1 - row.seq;
    const upserted = w.upserted.filter((u) => u.after > row.seq);
    if (upserted.length === 0) {
      return `(SELECT max(${key})${later > 0 ? ` - ${later}` : ""} FROM ${quote(table)})`;
    }
    const keys = upserted.map((u) => ("value" in u.key ? literal(u.key.value) : this.generatedKey(u.key.row, reads, depth + 1)));
    return `(SELECT ${key} FROM ${quote(table)} WHERE ${key} NOT IN (${keys.join(", ")}) ORDER BY ${key} DESC LIMIT 1${later > 0 ? ` OFFSET ${later}` : ""})`;
  }

  /**
   * For KV fields keyed by generated keys: one SELECT of those keys, as the
   * batch ends. The root's key needs none: the saved root holds it.
   * Returns the statement's index, or -1.
   */
  emitKeys(root: Row | undefined, undo: boolean): number {
    const needed = this.keyed.filter((k) => k.row !== root);
    for (const k of this.keyed) if (k.row === root) k.write.generated!.statement = -1;
    // To undo the batch, every row it inserts is deleted by its key.
    const more = undo ? this.emitted.filter((r) => r.kind === "insert" && r !== root && !needed.some((k) => k.row === r)) : [];
    if (needed.length + more.length === 0) return -1;
    const b = new Builder(this);
    const cols = needed.map((k, i) => {
      k.write.generated!.alias = `k${i}`;
      if (!this.aliases.has(k.row)) this.aliases.set(k.row, `k${i}`);
      return `${this.generatedKey(k.row, b.reads, 0)} AS "k${i}"`;
    });
    more.forEach((r, i) => {
      this.aliases.set(r, `r${i}`);
      cols.push(`${this.generatedKey(r, b.reads, 0)} AS "r${i}"`);
    });
    return (this.keys = this.push(`SELECT ${cols.join(", ")}`, b));
  }

  /**
   * For a save that can be undone: before any write, one SELECT per row
   * under a key known in advance (an update or upsert), reading it as it
   * was, in the same atomic batch.
   */
  emitSnapshots() {
    for (const r of this.rows) {
      if (r.kind === "insert") continue;
      const pk = r.model.primary_key;
      const key = pk.map((f) => r.cols.get(f.name)!);
      if (!key.every((e) => "value" in e)) continue;
      const b = new Builder(this);
      const where = `${tuple(pk.map((f) => quote(f.name)))} = ${tuple(key.map((e) => b.expr(e)))}`;
      const cols = [...pk, ...r.model.columns].map((f) => quote(f.name));
      this.snapshots.set(r, this.push(`SELECT ${cols.join(", ")} FROM ${quote(r.model.name)} WHERE ${where}`, b));
    }
  }

  /**
   * The batch undoing a committed save, from its results: the rows it
   * changed get back the columns they had, then the rows it created are
   * deleted, the latest first (a row follows the rows it references). A
   * generated key comes from the keys statement, or for the root from
   * rootKey.
   */
  undo(results: readonly Obj[][], root: Row | undefined, rootKey: unknown): Statement[] {
    const out: Statement[] = [];
    const keyOf = (r: Row): unknown[] | undefined => {
      const values: unknown[] = [];
      for (const f of r.model.primary_key) {
        const e = r.cols.get(f.name);
        if (e && "value" in e) values.push(e.value);
        else if (e) values.push(generated(e.row));
        else values.push(generated(r));
      }
      return values.some((v) => v === undefined || v === null) ? undefined : values;
    };
    const generated = (r: Row): unknown => {
      if (r === root) return rootKey;
      const alias = this.aliases.get(r);
      return alias === undefined ? undefined : results[this.keys]?.[0]?.[alias];
    };
    const where = (r: Row, key: unknown[], b: Builder) =>
      `${tuple(r.model.primary_key.map((f) => quote(f.name)))} = ${tuple(key.map((v) => b.bind(v)))}`;
    const existed = new Set<Row>();
    for (const [r, i] of this.snapshots) {
      const before = results[i]?.[0];
      if (!before) continue;
      existed.add(r);
      const b = new Builder(this);
      const sets = r.model.columns.map((f) => `${quote(f.name)} = ${b.bind(sqlValue(before[f.name]))}`);
      if (sets.length > 0) out.push({ sql: `UPDATE ${quote(r.model.name)} SET ${sets.join(", ")} WHERE ${where(r, keyOf(r)!, b)}`, params: b.params });
    }
    for (const r of [...this.emitted].reverse()) {
      if (existed.has(r) || r.kind === "update") continue;
      const key = keyOf(r);
      if (!key) continue;
      const b = new Builder(this);
      out.push({ sql: `DELETE FROM ${quote(r.model.name)} WHERE ${where(r, key, b)}`, params: b.params });
    }
    return out;
  }
}

/**
 * The key SQLite generates for model's rows when an insert leaves it out:
 * a lone int primary key, which the table declares INTEGER PRIMARY KEY (an
 * alias of the rowid). SQLite makes a new row's key one larger than the
 * largest in the table, or than any it ever held with AUTOINCREMENT; a
 * table without AUTOINCREMENT whose largest key is already the largest
 * integer gets random keys instead, and one with it refuses the insert.
 * Tables made by cloesce migrate are AUTOINCREMENT since the migration
 * that makes them so (docs/migrations.md).
 */
function generatedKey(model: Model): Field | undefined {
  const pk = model.primary_key;
  return pk.length === 1 && primitive(pk[0]!.type) === "int" ? pk[0] : undefined;
}

/** A value as a SELECT returned it, to bind again: D1 gives blobs as arrays of bytes. */
export function sqlValue(v: unknown): unknown {
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return v;
}

function optional(f: Field): boolean {
  return typeof f.type === "object" && "option" in f.type;
}

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
