// Rows of an include-tree query back to object graphs. Each (tree, model)
// pair is compiled once into a plan, so mapping a row is a loop over
// precomputed aliases.
//
// Two kinds of rows come here. Read queries (what generated gets and lists
// run, internal/sqlgen) give one row per root object: its columns by name
// and a column of JSON per navigation, named by it, holding a JSON array
// of the target's values (columns in order, then its navigations in tree
// order) or, for a one-to-many navigation, an array of those; reals are
// text (readReal), blobs hex. Flat SELECTs
// (Orm.select, and users' queries over it) give a row per combination of
// children, every column aliased by its dotted path; rows of one object
// are merged by key. Which one a row is, each navigation of the root
// tells: by a column of its name, or by columns under its path.

import type { CidlType, Model, Schema, Tree } from "./cidl.js";
import { fromSql, primitive } from "./convert.js";
import { info } from "./schema.js";
import { defaultTree } from "./select.js";

export type Row = Record<string, unknown>;

interface Column {
  name: string;
  alias: string;
  type: CidlType;
  /** Reads the column's value from a JSON array. */
  json: (v: unknown) => unknown;
}

interface Plan {
  key: string[]; // aliases of the primary key
  columns: Column[];
  many: string[]; // one-to-many navigations, started as []
  navs: { name: string; many: boolean; plan: Plan }[];
}

const plans = new WeakMap<Tree, Map<string, Plan>>();

function planFor(schema: Schema, model: Model, tree: Tree): Plan {
  let byModel = plans.get(tree);
  if (!byModel) plans.set(tree, (byModel = new Map()));
  let plan = byModel.get(model.name);
  if (!plan) byModel.set(model.name, (plan = compile(schema, model, tree, "")));
  return plan;
}

function compile(schema: Schema, model: Model, tree: Tree, prefix: string): Plan {
  const models = info(schema).models;
  const plan: Plan = {
    key: model.primary_key.map((f) => prefix + f.name),
    columns: [...model.primary_key, ...model.columns].map((f) => ({ name: f.name, alias: prefix + f.name, type: f.type, json: fromJson(f.type) })),
    many: [],
    navs: [],
  };
  const navs = models.get(model.name)!.navigations;
  for (const [name, below] of Object.entries(tree)) {
    const nav = navs.get(name);
    const target = nav && models.get(nav.model)?.model;
    if (!nav || !target || target.primary_key.length === 0) continue;
    if (nav.many) plan.many.push(name);
    plan.navs.push({ name, many: nav.many, plan: compile(schema, target, below, `${prefix}${name}.`) });
  }
  return plan;
}

/** How a column's value in a read query's JSON becomes the field's JavaScript form. */
function fromJson(type: CidlType): (v: unknown) => unknown {
  switch (primitive(type)) {
    case "real":
      return readReal;
    case "blob":
      return (v) => (typeof v === "string" ? fromHex(v) : fromSql(type, v));
    default:
      return (v) => fromSql(type, v);
  }
}

/**
 * A real from a read query's JSON: the text of its 17 significant digits,
 * followed, for one scaled into the range SQLite writes exactly, by "p"
 * and the power of two to multiply it by ("1.5p744" is 1.5 * 2^744).
 */
function readReal(v: unknown): unknown {
  if (typeof v !== "string") return v ?? null;
  const p = v.indexOf("p");
  const digits = p < 0 ? v : v.slice(0, p);
  const n = digits === "Inf" ? Infinity : digits === "-Inf" ? -Infinity : Number(digits);
  return p < 0 ? n : n * 2 ** Number(v.slice(p + 1));
}

/** The bytes of hex digits, as SQLite's hex() writes them. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (digit(hex.charCodeAt(2 * i)) << 4) | digit(hex.charCodeAt(2 * i + 1));
  return out;
}

/** The value of a hex digit's char code (either case). */
function digit(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** Maps rows of a query built for tree (a read query or a flat SELECT) to objects of model, in row order. */
export function mapRows<T = Record<string, unknown>>(schema: Schema, model: Model, rows: readonly Row[], tree?: Tree | null): T[] {
  const plan = planFor(schema, model, tree ?? defaultTree(schema, model));
  const out: Record<string, unknown>[] = [];
  const roots = new Map<string, Record<string, unknown>>();
  const children = new Map<unknown[], Map<string, Record<string, unknown>>>();
  for (const row of rows) {
    const key = keyOf(row, plan.key);
    if (key === null) continue;
    let obj = roots.get(key);
    if (!obj) {
      obj = create(plan, row);
      roots.set(key, obj);
      out.push(obj);
    }
    for (const nav of plan.navs) {
      const json = row[nav.name];
      if (json === undefined) mergeNav(nav, obj, row, children);
      else setNav(nav, obj, typeof json === "string" ? JSON.parse(json) : json);
    }
  }
  return out as T[];
}

function keyOf(row: Row, aliases: string[]): string | null {
  if (aliases.length === 1) {
    const v = row[aliases[0]!];
    return v === null || v === undefined ? null : typeof v + ":" + String(v);
  }
  let key = "";
  for (const a of aliases) {
    const v = row[a];
    if (v === null || v === undefined) return null;
    key += typeof v + ":" + String(v) + "\u0000";
  }
  return key;
}

function create(plan: Plan, row: Row): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const c of plan.columns) obj[c.name] = fromSql(c.type, row[c.alias]);
  for (const m of plan.many) obj[m] = [];
  return obj;
}

type Children = Map<unknown[], Map<string, Record<string, unknown>>>;

/** Merges the flat columns of nav, under its dotted path, into obj. */
function mergeNav(nav: Plan["navs"][number], obj: Record<string, unknown>, row: Row, children: Children) {
  const key = keyOf(row, nav.plan.key);
  if (key === null) return;
  let child: Record<string, unknown> | undefined;
  if (nav.many) {
    const list = obj[nav.name] as Record<string, unknown>[];
    let seen = children.get(list);
    if (!seen) children.set(list, (seen = new Map()));
    child = seen.get(key);
    if (!child) {
      child = create(nav.plan, row);
      seen.set(key, child);
      list.push(child);
    }
  } else {
    child = obj[nav.name] as Record<string, unknown> | undefined;
    if (!child) obj[nav.name] = child = create(nav.plan, row);
  }
  for (const below of nav.plan.navs) mergeNav(below, child, row, children);
}

/** Sets nav on obj from its value in a read query's JSON: an array, an array of them, or null. */
function setNav(nav: Plan["navs"][number], obj: Record<string, unknown>, v: unknown) {
  if (nav.many) {
    obj[nav.name] = Array.isArray(v) ? v.map((e) => element(nav.plan, e as unknown[])) : [];
  } else if (Array.isArray(v)) {
    obj[nav.name] = element(nav.plan, v);
  }
}

/** The object of a read query's JSON array: columns in order, then navigations in tree order. */
function element(plan: Plan, arr: unknown[]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const n = plan.columns.length;
  for (let i = 0; i < n; i++) {
    const c = plan.columns[i]!;
    obj[c.name] = c.json(arr[i]);
  }
  for (const m of plan.many) obj[m] = [];
  for (let i = 0; i < plan.navs.length; i++) setNav(plan.navs[i]!, obj, arr[n + i]);
  return obj;
}
