// The SELECT of an include tree, as the compiler writes into each data
// source (internal/sqlgen): root columns by name, joined columns by dotted
// path, one LEFT JOIN per navigation to a table. Kept byte-identical to
// the compiler's output, which the tests check.

import type { Model, Schema, Tree } from "./cidl.js";
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
