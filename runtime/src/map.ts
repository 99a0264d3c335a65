// Rows of an include-tree SELECT back to object graphs. Each (tree, model)
// pair is compiled once into a plan, so mapping a row is a loop over
// precomputed aliases.

import type { CidlType, Model, Schema, Tree } from "./cidl.js";
import { fromSql } from "./convert.js";
import { info } from "./schema.js";
import { defaultTree } from "./select.js";

export type Row = Record<string, unknown>;

interface Column {
  name: string;
  alias: string;
  type: CidlType;
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
    columns: [...model.primary_key, ...model.columns].map((f) => ({ name: f.name, alias: prefix + f.name, type: f.type })),
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

/** Maps rows of a SELECT built for tree to objects of model, in row order. */
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
    merge(plan, obj, row, children);
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

function merge(plan: Plan, obj: Record<string, unknown>, row: Row, children: Map<unknown[], Map<string, Record<string, unknown>>>) {
  for (const nav of plan.navs) {
    const key = keyOf(row, nav.plan.key);
    if (key === null) continue;
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
    merge(nav.plan, child, row, children);
  }
}
