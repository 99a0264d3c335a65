// The SQL of include trees, byte-identical to the compiler's
// (internal/sqlgen), which the tests check: the flat SELECT users build
// their queries on (root columns by name, joined columns by dotted path,
// one LEFT JOIN per navigation to a table), and the read query that gets
// and lists run (one row per root object, each navigation a column of
// JSON; see internal/sqlgen). Data sources carry their read query in the
// schema; the runtime builds it only for other trees (Orm.get and
// Orm.list with an include of their own).

import type { Field, Model, Schema, Source, Tree } from "./cidl.js";
import { primitive } from "./convert.js";
import { info } from "./schema.js";

/** Quotes an SQL identifier. */
export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Returns the SELECT of model joined along tree. With from, the root table
 * is replaced by that subquery, aliased as the model.
 */
export function select(schema: Schema, model: Model, from: string | null, tree: Tree | null): string {
  return selectParts(schema, model, from, tree).sql;
}

/** A SELECT and the joined tables' key columns, qualified, in join order (to order children by). */
export interface SelectParts {
  sql: string;
  joinedKeys: string[];
}

export function selectParts(schema: Schema, model: Model, from: string | null, tree: Tree | null): SelectParts {
  const models = info(schema).models;
  const columns: string[] = [];
  const joins: string[] = [];
  const joinedKeys: string[] = [];
  let n = 0;
  const alias = (name: string): string => {
    for (;;) {
      const a = `${name}_${++n}`;
      if (a.toLowerCase() !== model.name.toLowerCase()) return quote(a);
    }
  };
  const selectColumns = (m: Model, as: string, prefix: string) => {
    for (const f of m.primary_key) columns.push(`${as}.${quote(f.name)} AS ${quote(prefix + f.name)}`);
    for (const f of m.columns) columns.push(`${as}.${quote(f.name)} AS ${quote(prefix + f.name)}`);
  };
  const walk = (m: Model, as: string, prefix: string, t: Tree) => {
    const navs = models.get(m.name)!.navigations;
    for (const [name, below] of Object.entries(t)) {
      const nav = navs.get(name);
      const target = nav && models.get(nav.model)?.model;
      if (!nav || !target || target.primary_key.length === 0) continue;
      const child = alias(target.name);
      const on = nav.local.map((l, i) => `${as}.${quote(l)} = ${child}.${quote(nav.remote[i]!)}`);
      joins.push(`LEFT JOIN ${quote(target.name)} AS ${child}\n    ON ${on.join(" AND ")}`);
      for (const k of target.primary_key) joinedKeys.push(`${child}.${quote(k.name)}`);
      const path = `${prefix}${name}.`;
      selectColumns(target, child, path);
      walk(target, child, path, below);
    }
  };
  const root = quote(model.name);
  selectColumns(model, root, "");
  walk(model, root, "", tree ?? defaultTree(schema, model));
  const source = from === null ? root : `(${from}) AS ${root}`;
  return { sql: [`SELECT\n    ${columns.join(",\n    ")}`, `FROM ${source}`, ...joins].join("\n"), joinedKeys };
}

/** The include tree of the model's Default source, or none. */
export function defaultTree(schema: Schema, model: Model): Tree {
  return info(schema).models.get(model.name)?.sources.get("Default")?.tree ?? {};
}

/** The common table expression of the root keys a read query reads. */
const ROOTS = `"$roots"`;
/** The column of a derived table holding its JSON arrays. */
const JSON_COLUMN = `"$json"`;

const names = (fields: readonly Field[]) => fields.map((f) => f.name);
const qualify = (alias: string, cols: readonly string[]) => cols.map((c) => (alias === "" ? quote(c) : `${alias}.${quote(c)}`));
const tuple = (items: readonly string[]) => (items.length === 1 ? items[0]! : `(${items.join(", ")})`);
const params = (n: number) => Array.from({ length: n }, (_, i) => `?${i + 1}`);
const sameCols = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A table the read reaches: the root, or the target of nav from parent. */
interface Hop {
  model: Model;
  parent?: Hop;
  nav?: { local: string[]; remote: string[] };
}

const reads = new WeakMap<Tree, Map<string, string>>();

/**
 * The read query of model along tree (sqlgen.Read): a row per root, every
 * navigation to a table a column of JSON, without what picks the roots
 * (getQueryOf, listQueryOf and allQueryOf add it).
 */
export function readQuery(schema: Schema, model: Model, tree: Tree): string {
  let byModel = reads.get(tree);
  if (!byModel) reads.set(tree, (byModel = new Map()));
  let sql = byModel.get(model.name);
  if (sql === undefined) byModel.set(model.name, (sql = buildRead(schema, model, tree)));
  return sql;
}

function buildRead(schema: Schema, root: Model, tree: Tree): string {
  const models = info(schema).models;
  let n = 0;
  const alias = (name: string): string => {
    for (;;) {
      const a = `${name}_${++n}`;
      if (a.toLowerCase() !== root.name.toLowerCase()) return quote(a);
    }
  };
  const filter = (h: Hop, as: string): string => {
    if (!h.parent) return `${tuple(qualify(as, names(h.model.primary_key)))} IN (SELECT ${qualify("", names(h.model.primary_key)).join(", ")} FROM ${ROOTS})`;
    return `${tuple(qualify(as, h.nav!.remote))} IN (${values(h.parent, h.nav!.local)})`;
  };
  const values = (h: Hop, cols: string[]): string => {
    if (!h.parent && sameCols(cols, names(h.model.primary_key))) return `SELECT ${qualify("", cols).join(", ")} FROM ${ROOTS}`;
    if (h.parent && sameCols(cols, h.nav!.remote)) return values(h.parent, h.nav!.local);
    const table = quote(h.model.name);
    return `SELECT ${qualify(table, cols).join(", ")} FROM ${table} WHERE ${filter(h, table)}`;
  };
  const value = (col: string, f: Field): string => {
    const kind = primitive(f.type);
    if (kind === "real") return `CASE typeof(${col}) WHEN 'real' THEN (SELECT printf('%!.17g%s', ${col} * "f", "s") FROM "$p" WHERE abs(${col}) >= "lo" ORDER BY "lo" DESC LIMIT 1) ELSE ${col} END`;
    if (kind === "blob") return `CASE typeof(${col}) WHEN 'blob' THEN hex(${col}) ELSE ${col} END`;
    return col;
  };
  const element = (joins: string[], indent: string, h: Hop, as: string, t: Tree): string => {
    const vals = [...h.model.primary_key, ...h.model.columns].map((f) => value(`${as}.${quote(f.name)}`, f));
    for (const [name, below] of Object.entries(t)) {
      const v = navigation(joins, indent, h, as, name, below, true);
      if (v !== null) vals.push(v);
    }
    return `json_array(${vals.join(", ")})`;
  };
  const navigation = (joins: string[], indent: string, from: Hop, as: string, name: string, below: Tree, nested: boolean): string | null => {
    const nav = models.get(from.model.name)!.navigations.get(name);
    const target = nav && models.get(nav.model)?.model;
    if (!nav || !target || target.primary_key.length === 0) return null;
    const h: Hop = { model: target, parent: from, nav };
    const child = alias(target.name);
    const on = nav.local.map((l, i) => `${as}.${quote(l)} = ${child}.${quote(nav.remote[i]!)}`).join(" AND ");
    if (!nav.many) {
      joins.push(`${indent}LEFT JOIN ${quote(target.name)} AS ${child}\n${indent}    ON ${on}`);
      return `CASE WHEN ${child}.${quote(target.primary_key[0]!.name)} IS NULL THEN NULL ELSE ${element(joins, indent, h, child, below)} END`;
    }
    const inner = `${indent}    `;
    const innerJoins: string[] = [];
    const el = element(innerJoins, inner, h, child, below);
    const remote = qualify(child, nav.remote);
    const keys = remote.map((c, i) => `${c} AS ${quote(nav.remote[i]!)}`);
    const lines = [
      `${inner}SELECT ${keys.join(", ")}, json_group_array(${el} ORDER BY ${qualify(child, names(target.primary_key)).join(", ")}) AS ${JSON_COLUMN}`,
      `${inner}FROM ${quote(target.name)} AS ${child}`,
      ...innerJoins,
      `${inner}WHERE ${filter(h, child)}`,
      `${inner}GROUP BY ${remote.join(", ")}`,
    ];
    joins.push(`${indent}LEFT JOIN (\n${lines.join("\n")}\n${indent}) AS ${child}\n${indent}    ON ${on}`);
    const v = `${child}.${JSON_COLUMN}`;
    return nested ? `json(${v})` : v;
  };

  const top: Hop = { model: root };
  const as = quote(root.name);
  const joins: string[] = [];
  const cols = [...root.primary_key, ...root.columns].map((f) => `${as}.${quote(f.name)} AS ${quote(f.name)}`);
  for (const [name, below] of Object.entries(tree)) {
    const v = navigation(joins, "", top, as, name, below, false);
    if (v !== null) cols.push(`${v} AS ${quote(name)}`);
  }
  return [`SELECT\n    ${cols.join(",\n    ")}`, `FROM ${as}`, ...joins].join("\n");
}

/** The query of a generated get from a read query of model: the root whose key is ?1... (sqlgen.GetQuery). */
export function getQueryOf(model: Model, read: string): string {
  return keyQueryOf(model, read, params(model.primary_key.length));
}

/** The query of a generated list from a read query of model: the page after the key ?1..?k, ?k+1 roots long (sqlgen.ListQuery). */
export function listQueryOf(model: Model, read: string): string {
  const cols = qualify("", names(model.primary_key)).join(", ");
  const limit = `LIMIT ?${model.primary_key.length + 1}`;
  return compose(
    read,
    `\n    SELECT ${cols} FROM ${quote(model.name)}\n    WHERE ${after(model, "")}\n    ORDER BY ${cols}\n    ${limit}\n`,
    `WHERE ${after(model, quote(model.name))}\nORDER BY ${qualify(quote(model.name), names(model.primary_key)).join(", ")}\n${limit}`,
  );
}

/** The rows after the key ?1..?k, all when ?1 is NULL, sought through the key's index (sqlgen.after). */
function after(model: Model, alias: string): string {
  const key = tuple(qualify(alias, names(model.primary_key)));
  const ps = params(model.primary_key.length);
  return `${key} >= ${tuple(ps.map((p, i) => `coalesce(${p}, ${lowest(model.primary_key[i]!)})`))} AND ${key} IS NOT ${tuple(ps)}`;
}

/** An SQL value no value of the field's type sorts below (sqlgen.lowest). */
export function lowest(f: Field): string {
  switch (primitive(f.type)) {
    case "int":
    case "bool":
      return "-9223372036854775808";
    case "real":
      return "-9e999";
    case "blob":
      return "x''";
    default:
      return "''";
  }
}

/** An SQL value no value of the field's type sorts above, or undefined for a blob (no value does). */
export function highest(f: Field): string | undefined {
  switch (primitive(f.type)) {
    case "int":
    case "bool":
      return "9223372036854775807";
    case "real":
      return "9e999";
    case "blob":
      return undefined;
    default:
      // Every blob sorts above every text.
      return "x''";
  }
}

/**
 * The query of the root whose key columns are the SQL expressions key, from
 * a read query of model: for reading a saved object back in its batch,
 * where its key is a bound parameter or an expression such as
 * `(SELECT max("id") FROM "Post")`.
 */
export function keyQueryOf(model: Model, read: string, key: readonly string[]): string {
  const pk = qualify("", names(model.primary_key));
  const match = ` = ${tuple(key)}`;
  return compose(read, `SELECT ${pk.join(", ")} FROM ${quote(model.name)} WHERE ${tuple(pk)}${match}`, `WHERE ${tuple(qualify(quote(model.name), names(model.primary_key)))}${match}`);
}

/** The query of every root of a read query of model in key order, or of the first limit ones (Orm.get and Orm.list without a query). */
export function allQueryOf(model: Model, read: string, limit?: number): string {
  const cols = qualify("", names(model.primary_key)).join(", ");
  const page = limit === undefined ? "" : ` ORDER BY ${cols} LIMIT ${limit}`;
  const order = `ORDER BY ${qualify(quote(model.name), names(model.primary_key)).join(", ")}${limit === undefined ? "" : `\nLIMIT ${limit}`}`;
  return compose(read, `SELECT ${cols} FROM ${quote(model.name)}${page}`, order);
}

/** 2^(62n), a product of integers (sqlgen.pow62). */
const pow62 = (n: number) => Array(n).fill("0x4000000000000000").join(" * ");

/**
 * The exact powers of two that bring a real into the range where SQLite
 * writes it exactly (sqlgen.Scale); map.ts multiplies them back.
 */
const SCALE = `"$p"("lo", "f", "s") AS (VALUES (0, ${pow62(14)}, 'p-868'), (1e-185, ${pow62(6)}, 'p-372'), (1e-75, 1, ''), (1e110, 1.0 / (${pow62(6)}), 'p372'), (1e220, 1.0 / (${pow62(6)}) / (${pow62(6)}), 'p744'))`;

/** Writes read after the WITH clause of what it names and before where (sqlgen.compose). */
export function compose(read: string, roots: string, where: string): string {
  const withs: string[] = [];
  if (read.includes(ROOTS)) withs.push(`${ROOTS} AS (${roots})`);
  if (read.includes('"$p"')) withs.push(SCALE);
  const out = `${read}\n${where}`;
  return withs.length > 0 ? `WITH ${withs.join(",\n")}\n${out}` : out;
}

const sourceQueries = new WeakMap<Source, { get: string; list: string }>();

/** The queries of a data source's generated get and list, from its read query. */
export function queriesOf(model: Model, source: Source): { get: string; list: string } {
  let q = sourceQueries.get(source);
  if (!q) sourceQueries.set(source, (q = { get: getQueryOf(model, source.query), list: listQueryOf(model, source.query) }));
  return q;
}
