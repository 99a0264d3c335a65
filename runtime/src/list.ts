// Filtered lists and counts: the SQL of a generated list given a where
// (conditions on filterable columns), an order and the object a page
// continues after, and of $count; and how a query string says them.
//
// A model's filterable columns (Model.filters) are those an index leads:
// the first column of its key, of each unique group and of each index.
// A condition on one, or an order by one, reads through that index.
// Every value is a bound parameter, in the form saves write (toSql).
//
// Order is by the column, then by the key, both the same way, so a page
// continues after (v, k), the order value and key of the previous page's
// last object, by seeking the index to it. SQLite sorts NULL first going
// up and last going down. Where the rows after (v, k) would be "these
// NULLs, then every non-NULL" (up, after a NULL) or "these non-NULLs,
// then every NULL" (down, after a non-NULL), an OR of the two halves
// would make SQLite scan the index from its start (or end) on every page;
// so the page is two statements instead, each a seek, and the second
// runs only when the first returns fewer rows than the page needs.

import type { CidlType, Field, Model, Schema } from "./cidl.js";
import { primitive, toSql } from "./convert.js";
import { CloesceError } from "./errors.js";
import { describe, type ParamProblem } from "./http.js";
import { MAX_PARAMS, type Statement } from "./save.js";
import { compose, highest, lowest, quote } from "./select.js";
import { modelInfo, type ModelInfo } from "./schema.js";
import { checkQuery } from "./validate.js";

/** The conditions a filter may hold, in the order they are written. */
export const FILTER_OPS = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "prefix", "null"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** Conditions by column, each an object of conditions by op (shared.ts's Filter); all must hold. */
export type Where = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

/** What a filtered list takes: ListQuery (shared.ts) and the page size. */
export interface ListOptions {
  where?: Where;
  /** A filterable column, "-" before it for descending. */
  order?: string;
  /** The previous page's last object: its key and order column are read. */
  after?: Readonly<Record<string, unknown>>;
  /** The page size; every row when absent. */
  limit?: number;
}

const COMPARE: Partial<Record<FilterOp, string>> = { eq: "=", ne: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" };

/** Binds values as ?1, ?2, ...: at most D1's limit, the parameter that first needs more being a problem. */
class Binder {
  readonly params: unknown[] = [];
  private over = false;
  constructor(private readonly problems: ParamProblem[]) {}

  bind(param: string, v: unknown): string {
    if (this.params.length === MAX_PARAMS) {
      if (!this.over) this.problems.push({ param, message: `makes the query bind more than ${MAX_PARAMS} values, D1's limit` });
      this.over = true;
      return "NULL";
    }
    this.params.push(v);
    return `?${this.params.length}`;
  }
}

/** A condition, written for a table alias ("" for none). */
type Condition = (col: (name: string) => string) => string;

/** The conditions of where on m's rows, their values bound; problems are collected. */
function conditions(m: ModelInfo, where: Where | undefined, b: Binder, problems: ParamProblem[]): Condition[] {
  const out: Condition[] = [];
  for (const [name, filter] of Object.entries(where ?? {})) {
    for (const [op, value] of Object.entries(filter ?? {})) {
      if (value === undefined) continue;
      const param = `${name}.${op}`;
      const problem = filterProblem(m, name, op) ?? valueProblem(op, value);
      if (problem) {
        problems.push({ param, message: problem });
        continue;
      }
      const type = m.columns.get(name)!.type;
      const sql = (v: unknown) => b.bind(param, toSql(type, v));
      const compare = COMPARE[op as FilterOp];
      if (compare) {
        const p = sql(value);
        out.push((col) => `${col(name)} ${compare} ${p}`);
      } else if (op === "in") {
        const ps = (value as unknown[]).map(sql);
        out.push((col) => `${col(name)} IN (${ps.join(", ")})`);
      } else if (op === "null") {
        out.push((col) => `${col(name)} IS ${value ? "" : "NOT "}NULL`);
      } else {
        // prefix: the range of the strings that start with it, which the index serves.
        const from = sql(value);
        const end = prefixEnd(value as string);
        const to = end === null ? null : sql(end);
        out.push((col) => (to === null ? `${col(name)} >= ${from}` : `${col(name)} >= ${from} AND ${col(name)} < ${to}`));
      }
    }
  }
  return out;
}

/** Why m's rows cannot be filtered by op on the column name, or undefined. */
function filterProblem(m: ModelInfo, name: string, op: string): string | undefined {
  const problem = columnProblem(m, name);
  if (problem) return problem;
  const field = m.columns.get(name)!;
  if (!(FILTER_OPS as readonly string[]).includes(op)) return `unknown condition ${op}; the conditions are ${FILTER_OPS.join(", ")}`;
  if (op === "prefix" && primitive(field.type) !== "string") return `${name} is not a string column`;
  if (op === "null" && !isOptional(field.type)) return `${name} is never null`;
  return undefined;
}

/** Why m's lists cannot filter or order on the column name, or undefined. */
function columnProblem(m: ModelInfo, name: string): string | undefined {
  if (!m.columns.has(name)) return `${m.model.name} has no column ${name}`;
  if (!m.model.filters.includes(name)) {
    return `${m.model.name}.${name} is not indexed, so lists and counts cannot filter or order on it (they can on ${m.model.filters.join(", ")}); add [index] to it`;
  }
  return undefined;
}

/** Why value cannot be op's in a where built by code, or undefined (the query string's are checked by parseListQuery). */
function valueProblem(op: string, value: unknown): string | undefined {
  switch (op) {
    case "in":
      return Array.isArray(value) ? undefined : "must be an array of values";
    case "prefix":
      if (typeof value !== "string") return "must be a string";
      return wellFormed(value) ? undefined : "must be well-formed Unicode (it holds a lone surrogate)";
    case "null":
      return typeof value === "boolean" ? undefined : "must be true or false";
    default:
      return value === null ? `cannot be null; use null: true` : undefined;
  }
}

function isOptional(type: CidlType): type is { option: CidlType } {
  return typeof type === "object" && "option" in type;
}

/**
 * The end of the range of the strings starting with p, in code point
 * order (SQLite's BINARY collation compares UTF-8 bytes, which orders
 * code points): p with its last code point one larger, dropping trailing
 * U+10FFFF and skipping the surrogates. null when there is none (p empty,
 * or only U+10FFFF): every string from p on starts with it.
 */
export function prefixEnd(p: string): string | null {
  const points = Array.from(p, (c) => c.codePointAt(0)!);
  while (points.length > 0) {
    let last = points.pop()! + 1;
    if (last === 0xd800) last = 0xe000;
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return null;
}

/** Whether s holds no lone surrogate, which SQLite would store as U+FFFD. */
function wellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** The order of a list: its column (or none for the key's) and direction. */
interface Order {
  column: string | null;
  desc: boolean;
}

/** Parses order ("column" or "-column"); problems name the parameter order. */
function parseOrder(m: ModelInfo, order: string | undefined, problems: ParamProblem[]): Order {
  if (order === undefined) return { column: null, desc: false };
  const desc = order.startsWith("-");
  const column = desc ? order.slice(1) : order;
  const problem = columnProblem(m, column);
  if (problem) problems.push({ param: "order", message: problem });
  // The key's first column orders as the key does.
  return { column: problem || column === m.model.primary_key[0]!.name ? null : column, desc };
}

/** Throws the problems as one 400. */
function refuse(problems: ParamProblem[]): never {
  throw new CloesceError(400, describe(problems), problems);
}

/**
 * The statements of a filtered list page of model, from its read query
 * (Source.query, readQuery): one, or two where the rows after the page's
 * start are two runs of the index (see the file comment). Each one's last
 * parameter is its LIMIT: opts.limit, or -1 (no limit) without one; the
 * second statement runs only when the first gives fewer rows than its
 * limit, with the rows still missing as its own. Invalid options are a
 * 400 CloesceError listing every problem.
 */
export function listStatements(schema: Schema, model: Model, read: string, opts: ListOptions): Statement[] {
  const m = modelInfo(schema, model.name);
  const problems: ParamProblem[] = [];
  const b = new Binder(problems);
  const where = conditions(m, opts.where, b, problems);
  const order = parseOrder(m, opts.order, problems);
  const runs = opts.after === undefined ? [order.column === null ? seekAll(model.primary_key, order.desc) : []] : continuation(m, order, opts.after, b, problems);
  if (opts.limit !== undefined && !(Number.isSafeInteger(opts.limit) && opts.limit > 0)) {
    problems.push({ param: "limit", message: `must be a positive integer, got ${opts.limit}` });
  }
  const limit = b.bind("limit", opts.limit ?? -1);
  if (problems.length > 0) refuse(problems);

  const table = quote(model.name);
  const keyNames = model.primary_key.map((f) => f.name);
  const by = order.column === null ? keyNames : [order.column, ...keyNames];
  const dir = order.desc ? " DESC" : "";
  const bare = (name: string) => quote(name);
  const qualified = (name: string) => `${table}.${quote(name)}`;
  const orderBy = (col: (name: string) => string) => by.map((n) => col(n) + dir).join(", ");
  return runs.map((run) => {
    const conds = [...where, ...run];
    const clause = (col: (name: string) => string) => (conds.length === 0 ? [] : [`WHERE ${conds.map((c) => c(col)).join(" AND ")}`]);
    const roots = [`SELECT ${keyNames.map(bare).join(", ")} FROM ${table}`, ...clause(bare), `ORDER BY ${orderBy(bare)}`, `LIMIT ${limit}`];
    const main = [...clause(qualified), `ORDER BY ${orderBy(qualified)}`, `LIMIT ${limit}`];
    return { sql: compose(read, `\n    ${roots.join("\n    ")}\n`, main.join("\n")), params: b.params };
  });
}

/**
 * The runs of the index after the object after, each its conditions:
 * past its key in key order; in a column's order, past its value and key,
 * in one run or in two (see the file comment).
 */
function continuation(m: ModelInfo, order: Order, after: Readonly<Record<string, unknown>>, b: Binder, problems: ParamProblem[]): Condition[][] {
  const key = m.model.primary_key;
  const k = key.map((f) => {
    const v = after[f.name];
    if (v === undefined || v === null) problems.push({ param: `after.${f.name}`, message: "is required to continue after an object: its key" });
    return b.bind(`after.${f.name}`, toSql(f.type, v));
  });
  const op = order.desc ? "<" : ">";
  const past: Condition = (col) => `${tuple(key.map((f) => col(f.name)))} ${op} ${tuple(k)}`;
  const c = order.column;
  if (c === null) return [[past]];
  const field = m.columns.get(c)!;
  const v = after[c];
  if (v === undefined || (v === null && !isOptional(field.type))) {
    problems.push({ param: `after.${c}`, message: `is required to continue a list ordered by ${c}` });
  }
  const nulls: Condition = (col) => `${col(c)} IS NULL`;
  if (v === null || v === undefined) {
    // After a NULL: the NULLs past the key, then (going up) every non-NULL.
    return order.desc ? [[nulls, past]] : [[nulls, past], [(col) => `${col(c)} IS NOT NULL`]];
  }
  const p = b.bind(`after.${c}`, toSql(field.type, v));
  // The seek: from the value on, past (value, key); going down, the NULLs come last.
  const from: Condition = (col) => `${col(c)} ${op}= ${p} AND (${col(c)} ${op} ${p} OR ${past(col)})`;
  return order.desc && isOptional(field.type) ? [[from], [nulls]] : [[from]];
}

/**
 * The first page in key order seeks from the key's lowest (or highest)
 * value: the rows a scan would read, through the key's index, as
 * sqlgen's list does. A blob key has no highest value.
 */
function seekAll(key: readonly Field[], desc: boolean): Condition[] {
  const ends = key.map((f) => (desc ? highest(f) : lowest(f)));
  if (ends.some((e) => e === undefined)) return [];
  return [(col) => `${tuple(key.map((f) => col(f.name)))} ${desc ? "<=" : ">="} ${tuple(ends as string[])}`];
}

/** The statement counting model's rows where every condition of where holds; invalid ones are a 400 CloesceError. */
export function countStatement(schema: Schema, model: Model, where: Where | undefined): Statement {
  const problems: ParamProblem[] = [];
  const b = new Binder(problems);
  const conds = conditions(modelInfo(schema, model.name), where, b, problems);
  if (problems.length > 0) refuse(problems);
  const clause = conds.length === 0 ? "" : ` WHERE ${conds.map((c) => c(quote)).join(" AND ")}`;
  return { sql: `SELECT count(*) AS "count" FROM ${quote(model.name)}${clause}`, params: b.params };
}

function tuple(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `(${items.join(", ")})`;
}

/** A list's or count's query as the query string gives it (shared.ts's ListQuery, untyped). */
export interface ParsedListQuery {
  where?: Record<string, Record<string, unknown>>;
  order?: string;
  after?: Record<string, unknown>;
}

/**
 * Reads the where of a generated list's or a count's query string,
 * `<column>.<op>=<value>` (in repeated, a value each; null=true|false),
 * and for a list its order, `order=[-]<column>`, and where it continues:
 * after the key of its lastSeen_ parameters, given parsed (null when
 * absent), and `lastSeen_<order column>`. Values are checked against the
 * column's type and validators (a prefix against its type alone: a
 * validator need not hold for a prefix of a valid value). Every problem
 * is added to problems, named by its parameter ("name.gt").
 */
export function parseListQuery(
  schema: Schema,
  model: Model,
  search: URLSearchParams,
  problems: ParamProblem[],
  list?: { lastSeen: Readonly<Record<string, unknown>> },
): ParsedListQuery {
  const m = modelInfo(schema, model.name);
  const out: ParsedListQuery = {};
  for (const param of new Set(search.keys())) {
    const dot = param.indexOf(".");
    if (dot < 0) continue;
    const [name, op] = [param.slice(0, dot), param.slice(dot + 1)];
    const problem = filterProblem(m, name, op);
    if (problem) {
      problems.push({ param, message: problem });
      continue;
    }
    const field = m.columns.get(name)!;
    const base = isOptional(field.type) ? field.type.option : field.type;
    const [type, validators] = op === "in" ? [{ array: base }, field.validators] : op === "prefix" ? ["string" as const, undefined] : op === "null" ? ["bool" as const, undefined] : [base, field.validators];
    const r = checkQuery(schema, type, validators, search.getAll(param), param);
    if (r.ok) ((out.where ??= {})[name] ??= {})[op] = r.value;
    else problems.push(...r.problems);
  }
  if (list) {
    const order = search.getAll("order");
    if (order.length > 1) problems.push({ param: "order", message: `must be given once, got ${order.length} values` });
    if (order.length === 1) out.order = order[0]!;
    const column = out.order === undefined ? undefined : parseOrder(m, out.order, problems).column;
    const after = lastSeen(schema, m, column === null ? undefined : column, search, list.lastSeen, problems);
    if (after) out.after = after;
  }
  return out;
}

/**
 * The object a list continues after, from the lastSeen_ parameters: the
 * key's (parsed by the router) and the order column's, which goes with
 * them and, for an optional column, is null when absent.
 */
function lastSeen(
  schema: Schema,
  m: ModelInfo,
  column: string | undefined,
  search: URLSearchParams,
  key: Readonly<Record<string, unknown>>,
  problems: ParamProblem[],
): Record<string, unknown> | undefined {
  const pk = m.model.primary_key;
  const given = pk.filter((f) => key[f.name] !== null && key[f.name] !== undefined);
  const names = (fields: readonly Field[]) => fields.map((f) => `lastSeen_${f.name}`).join(", ");
  const param = column === undefined ? undefined : `lastSeen_${column}`;
  if (given.length === 0) {
    if (param && search.has(param)) problems.push({ param, message: `continues a list only beside ${names(pk)}` });
    return undefined;
  }
  const after: Record<string, unknown> = {};
  for (const f of pk) {
    if (given.includes(f)) after[f.name] = key[f.name];
    else problems.push({ param: `lastSeen_${f.name}`, message: `is required beside ${names(given)}` });
  }
  if (column !== undefined) {
    const field = m.columns.get(column)!;
    const raw = search.getAll(param!);
    if (raw.length === 0 && !isOptional(field.type)) {
      problems.push({ param: param!, message: `is required to continue a list ordered by ${column}` });
    } else {
      const r = checkQuery(schema, field.type, field.validators, raw, param!);
      if (r.ok) after[column] = r.value;
      else problems.push(...r.problems);
    }
  }
  return after;
}
