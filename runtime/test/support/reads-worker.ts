// The worker of the read tests (reads.test.ts): given a compiled schema, it
// creates every table, seeds deterministic rows of every column type, runs
// every generated get and list, Orm.get and Orm.list without a query, and
// Orm.map over Orm.select's flat rows, and answers with the JSON each gives
// (as the HTTP layer writes it). Models stored in a Durable Object are read
// inside the Reader object, on its SQLite storage.

import { DurableObject } from "cloudflare:workers";
import type { CidlType, Model, Schema, Source, SourceMethod, Tree } from "../../src/cidl.js";
import { primitive } from "../../src/convert.js";
import { dataSource } from "../../src/generated.js";
import { toJson } from "../../src/http.js";
import { Orm, modelMeta } from "../../src/orm.js";
import type { Storage } from "../../src/hydrate.js";
import { quote, select, selectParts } from "../../src/select.js";

type Obj = Record<string, unknown>;
type Row = Obj;

/** The value of a shard field in every read. */
const SHARD = "s1";
/** Rows per model. */
const ROWS = 7;

const affinity: Record<string, string> = { int: "INTEGER", bool: "INTEGER", real: "REAL", string: "TEXT", date: "TEXT", json: "TEXT", blob: "BLOB" };

function tableModels(schema: Schema): Model[] {
  return schema.models.filter((m) => m.primary_key.length > 0 && m.backing);
}

/** CREATE TABLE of each model: columns with their affinity, the primary key, no constraints (rows are seeded in any order). */
function ddl(model: Model): string {
  const cols = [...model.primary_key, ...model.columns].map((f) => `${quote(f.name)} ${affinity[primitive(f.type)!] ?? ""}`);
  return `CREATE TABLE ${quote(model.name)} (${cols.join(", ")}, PRIMARY KEY (${model.primary_key.map((f) => quote(f.name)).join(", ")}))`;
}

const reals = [0.1 + 0.2, 1e300, -2.5, 3, 0.1, 1 / 3, 123456789.125, 5e-324];
const strings = ["plain", `quote " ' \\ and \n newline`, "ünïcödé ✓ 𝄞", "", "[1,2]", "null"];
const jsons = ['{"a":[1,2,{"b":null}],"c":"d"}', '"text"', "3.5", "[]", "true", '{"n":0.30000000000000004}'];

/** A column value of type for row i of a model (salt tells columns apart). */
function value(type: CidlType, i: number, salt: number): unknown {
  const optional = typeof type === "object" && "option" in type;
  if (optional && (i + salt) % 3 === 2) return null;
  const k = i + salt;
  switch (primitive(type)) {
    case "int":
      return ((k * 37) % 101) - 20;
    case "real":
      return reals[k % reals.length];
    case "bool":
      return k % 2;
    case "date":
      return new Date(Date.UTC(2026, k % 12, 1 + (k % 27), k % 24, 30, 15, k % 1000)).toISOString();
    case "blob":
      return Uint8Array.from({ length: k % 5 }, (_, j) => [0, 255, 128, k % 256, 34][j]!).buffer;
    case "json":
      return jsons[k % jsons.length];
    default:
      return strings[k % strings.length];
  }
}

/**
 * Deterministic rows of every table model, foreign keys pointing at rows
 * of their targets (unevenly: some parents get several children, some
 * none; optional keys are sometimes null), primary keys unique.
 */
function seed(schema: Schema): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  const models = tableModels(schema);
  const byName = new Map(models.map((m) => [m.name, m]));
  // Keys first (a key column may be a foreign key: it takes a target's key).
  const pending = [...models];
  for (let pass = 0; pending.length > 0 && pass < 10; pass++) {
    for (const m of [...pending]) {
      const fkOf = (col: string) => m.foreign_keys.find((fk) => fk.columns.includes(col));
      const keyFks = m.primary_key.map((f) => fkOf(f.name)).filter((fk) => fk !== undefined);
      if (keyFks.some((fk) => fk.model !== m.name && byName.has(fk.model) && !out.has(fk.model))) continue;
      const rows: Row[] = [];
      const seen = new Set<string>();
      for (let i = 0; rows.length < ROWS && i < ROWS * 10; i++) {
        const row: Row = {};
        for (const [j, f] of m.primary_key.entries()) {
          const fk = fkOf(f.name);
          if (fk && out.has(fk.model)) {
            const targets = out.get(fk.model)!;
            const t = targets[(i * (j + 2) + j) % targets.length]!;
            row[f.name] = t[fk.references[fk.columns.indexOf(f.name)]!];
          } else {
            row[f.name] = primitive(f.type) === "string" ? `k${(i * 5) % 11}-${i}` : ROWS * 2 - i * 2 + 1;
          }
        }
        const key = JSON.stringify(m.primary_key.map((f) => row[f.name]));
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push(row);
      }
      out.set(m.name, rows);
      pending.splice(pending.indexOf(m), 1);
    }
  }
  // Then the other columns, foreign keys included.
  for (const m of models) {
    const rows = out.get(m.name) ?? [];
    rows.forEach((row, i) => {
      m.columns.forEach((f, salt) => {
        if (f.name in row) return;
        const fk = m.foreign_keys.find((k) => k.columns.includes(f.name));
        if (fk) {
          const targets = out.get(fk.model) ?? [];
          const pick = (i * i + i + salt) % (targets.length + 1);
          if (targets.length === 0 || (pick === targets.length && fk.optional)) {
            for (const c of fk.columns) if (!(c in row)) row[c] = null;
            return;
          }
          const t = targets[pick % targets.length]!;
          fk.columns.forEach((c, n) => {
            if (!(c in row)) row[c] = t[fk.references[n]!];
          });
          return;
        }
        row[f.name] = value(f.type, i, salt);
      });
    });
  }
  return out;
}

interface Exec {
  run(sql: string, values: unknown[]): Promise<Row[]>;
}

async function createAndSeed(schema: Schema, models: Model[], exec: Exec) {
  const rows = seed(schema);
  for (const m of models) {
    await exec.run(ddl(m), []);
    const cols = [...m.primary_key, ...m.columns].map((f) => f.name);
    for (const row of rows.get(m.name) ?? []) {
      await exec.run(`INSERT INTO ${quote(m.name)} (${cols.map(quote).join(", ")}) VALUES (${cols.map((_, i) => `?${i + 1}`).join(", ")})`, cols.map((c) => row[c] ?? null));
    }
  }
  return rows;
}

/** Every navigation below model, to depth (KV and R2 fields too). */
function deepTree(schema: Schema, model: Model, depth: number): Tree {
  const out: Record<string, Tree> = {};
  if (depth === 0) return out;
  for (const nav of model.navigations) {
    const target = schema.models.find((m) => m.name === nav.model)!;
    out[nav.name] = deepTree(schema, target, depth - 1);
  }
  for (const f of [...model.kv_fields, ...model.r2_fields]) out[f.name] = {};
  return out;
}

function takesEnv(m: SourceMethod): boolean {
  return m.injected.length > 0 || m.durable !== undefined;
}

/** Runs f and gives its JSON, or the error's message. */
async function attempt(f: () => Promise<unknown>): Promise<string> {
  try {
    return toJson(await f());
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** The reads of every table model of models, keyed by what ran. */
async function reads(schema: Schema, models: Model[], rows: Map<string, Row[]>, env: unknown, storage: Storage, exec: Exec): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const model of models) {
    const meta = modelMeta(schema, model.name);
    const shard = model.backing?.kind === "durable" ? model.backing.shard : [];
    const keys = (rows.get(model.name) ?? []).map((r) => model.primary_key.map((f) => r[f.name]));
    const sources: [string, Source | null, Tree][] = model.sources.map((s) => [s.name, s, s.tree]);
    sources.push(["deep", null, deepTree(schema, model, 2)]);
    for (const [name, source, tree] of sources) {
      const at = `${model.name}.${name}`;
      if (source) {
        const gen = dataSource<Obj>(schema, model.name, source.name);
        if (!source.get.stub && typeof gen.get === "function") {
          const get = gen.get as (...args: unknown[]) => Promise<unknown>;
          for (const key of [...keys, model.primary_key.map((f) => (primitive(f.type) === "string" ? "missing" : 9999))]) {
            const args = [...source.get.params.filter((p) => shard.includes(p.name)).map(() => SHARD), ...key];
            out[`${at}.get(${JSON.stringify(key)})`] = await attempt(() => get(...(takesEnv(source.get) ? [env, ...args] : args)));
          }
        }
        if (source.list && !source.list.stub && typeof gen.list === "function") {
          const list = gen.list as (...args: unknown[]) => Promise<unknown[]>;
          const shardArgs = source.list.params.filter((p) => shard.includes(p.name)).map(() => SHARD);
          const call = (lastSeen: unknown[], limit: number) => {
            const args = [...shardArgs, ...lastSeen, limit];
            return list(...(takesEnv(source.list!) ? [env, ...args] : args));
          };
          out[`${at}.list(all)`] = await attempt(() => call(model.primary_key.map(() => null), 1000));
          // Pages of 3, each after the last key of the one before.
          let lastSeen: unknown[] = model.primary_key.map(() => null);
          for (let page = 0; page < 5; page++) {
            let got: unknown[] = [];
            out[`${at}.list(page ${page})`] = await attempt(async () => (got = await call(lastSeen, 3)));
            const last = got[got.length - 1] as Obj | undefined;
            if (!last) break;
            lastSeen = model.primary_key.map((f) => last[f.name]);
          }
        }
      }
      out[`${at}.Orm.get`] = await attempt(() => Orm.get(meta, storage, { include: tree }));
      out[`${at}.Orm.list`] = await attempt(() => Orm.list(meta, storage, { include: tree }));
      // Orm.map over the flat rows of Orm.select, in key order.
      out[`${at}.Orm.map`] = await attempt(async () => {
        const { sql, joinedKeys } = selectParts(schema, model, null, tree);
        const order = [...model.primary_key.map((f) => `${quote(model.name)}.${quote(f.name)}`), ...joinedKeys].join(", ");
        if (sql !== select(schema, model, null, tree)) throw new Error("select and selectParts differ");
        return Orm.map(meta, await exec.run(`${sql}\nORDER BY ${order}`, []), tree);
      });
    }
  }
  return out;
}

/** The worker and the Durable Object class of the read tests, over schema. */
export function makeReads(schema: Schema) {
  const durableModels = tableModels(schema).filter((m) => m.backing!.kind === "durable");
  const d1Models = tableModels(schema).filter((m) => m.backing!.kind === "d1");

  class Reader extends DurableObject {
    async fetch(): Promise<Response> {
      const sql = this.ctx.storage.sql;
      const exec: Exec = {
        run: async (q, values) =>
          sql.exec(q, ...values.map((v) => (v instanceof Uint8Array ? v.slice().buffer : (v as SqlStorageValue)))).toArray() as Row[],
      };
      const rows = await createAndSeed(schema, durableModels, exec);
      const env = { ctx: { state: this.ctx, env: this.env } };
      const storage: Storage = { env: this.env as object, durable: this.ctx.storage };
      return Response.json(await reads(schema, durableModels, rows, env, storage, exec));
    }
  }

  const worker = {
    async fetch(_request: Request, env: Record<string, unknown>): Promise<Response> {
      const out: Record<string, string> = {};
      for (const binding of schema.env.d1) {
        const db = env[binding] as D1Database;
        const models = d1Models.filter((m) => m.backing!.binding === binding);
        const exec: Exec = { run: async (q, values) => ((await db.prepare(q).bind(...values).all()).results ?? []) as Row[] };
        const rows = await createAndSeed(schema, models, exec);
        Object.assign(out, await reads(schema, models, rows, env, { env }, exec));
      }
      if (durableModels.length > 0) {
        const ns = env.Reader as DurableObjectNamespace;
        Object.assign(out, await (await ns.get(ns.idFromName("reads")).fetch("http://reader/")).json());
      }
      return Response.json(out);
    }
  };
  return { worker, Reader };
}
