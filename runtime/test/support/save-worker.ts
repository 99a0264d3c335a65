// The worker of test/save.test.ts: runs Orm.save on local D1 and inside a
// SQLite Durable Object, counting what reaches the database: statements,
// and D1 batch() calls or storage transactions. Each request names its
// target, "d1/<binding>" or "do/<instance>", and carries the schema.

import { DurableObject } from "cloudflare:workers";
import { CloesceError, Orm, modelMeta, type Schema, type Storage, type Tree } from "cloesce";

interface Env {
  db: D1Database;
  legacy: D1Database;
  Notes: KVNamespace;
  Store: DurableObjectNamespace<Store>;
}

export type Op =
  | { op: "exec"; sql: string[] }
  | { op: "query"; sql: string; params?: unknown[] }
  | { op: "save"; schema: Schema; model: string; value: unknown; include?: Tree }
  | { op: "kv"; key: string };

/** What a save sent: the statements' SQL and the batches they went in. */
export interface Sent {
  sql: string[];
  batches: number;
}

type Row = Record<string, unknown>;

/** A database the test drives: D1 or a Durable Object's SQLite. */
interface Target {
  exec(sql: string): Promise<void>;
  query(sql: string, params: unknown[]): Promise<Row[]>;
  save(schema: Schema, model: string, value: unknown, include: Tree | undefined, sent: Sent): Promise<unknown>;
}

async function handle(target: Target, env: Env, op: Op): Promise<Response> {
  try {
    switch (op.op) {
      case "exec":
        for (const s of op.sql) await target.exec(s);
        return Response.json({ ok: true });
      case "query":
        return Response.json({ rows: await target.query(op.sql, op.params ?? []) });
      case "kv":
        return Response.json({ value: await env.Notes.get(op.key, "json") });
      case "save": {
        const sent: Sent = { sql: [], batches: 0 };
        const saved = await target.save(op.schema, op.model, op.value, op.include, sent);
        return Response.json({ status: 200, saved, sent });
      }
    }
  } catch (e) {
    if (e instanceof CloesceError) return Response.json({ status: e.status, message: e.message });
    return Response.json({ status: 500, message: String(e) });
  }
}

/** A D1 binding recording each statement of each batch() into sent. */
function countingD1(db: D1Database, sent: Sent): D1Database {
  const sql = new WeakMap<D1PreparedStatement, string>();
  return {
    prepare(query: string) {
      const stmt = db.prepare(query);
      return {
        bind(...values: unknown[]) {
          const bound = stmt.bind(...values);
          sql.set(bound, query);
          return bound;
        },
      } as D1PreparedStatement;
    },
    async batch(stmts: D1PreparedStatement[]) {
      sent.batches++;
      for (const s of stmts) sent.sql.push(sql.get(s) ?? "?");
      return db.batch(stmts);
    },
  } as D1Database;
}

function d1(env: Env, binding: "db" | "legacy"): Target {
  const db = env[binding];
  return {
    async exec(sql) {
      await db.prepare(sql).run();
    },
    async query(sql, params) {
      return (await db.prepare(sql).bind(...params).all()).results as Row[];
    },
    save(schema, model, value, include, sent) {
      const storage: Storage = { env: { ...env, db: countingD1(db, sent) } };
      return Orm.save(modelMeta(schema, model), storage, value, include ?? null);
    },
  };
}

/** The schema with every model stored in the Durable Object Store (one global instance per test target). */
function inObject(schema: Schema): Schema {
  const copy = structuredClone(schema);
  for (const m of copy.models) m.backing = { binding: "Store", kind: "durable", shard: [] };
  return copy;
}

export class Store extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    const storage = this.ctx.storage;
    const target: Target = {
      async exec(sql) {
        storage.sql.exec(sql);
      },
      async query(sql, params) {
        return storage.sql.exec(sql, ...(params as SqlStorageValue[])).toArray() as Row[];
      },
      save: (schema, model, value, include, sent) => {
        const counting = {
          kv: storage.kv,
          sql: {
            exec: (query: string, ...values: SqlStorageValue[]) => {
              sent.sql.push(query);
              return storage.sql.exec(query, ...values);
            },
          },
          transactionSync: <T>(fn: () => T): T => {
            sent.batches++;
            return storage.transactionSync(fn);
          },
        } as unknown as DurableObjectStorage;
        return Orm.save(modelMeta(inObject(schema), model), { env: this.env, durable: counting }, value, include ?? null);
      },
    };
    return handle(target, this.env, (await request.json()) as Op);
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const [, kind, name] = new URL(request.url).pathname.split("/");
    if (kind === "do") return env.Store.get(env.Store.idFromName(name!)).fetch(request);
    if (name !== "db" && name !== "legacy") return new Response("unknown target", { status: 404 });
    return handle(d1(env, name), env, (await request.json()) as Op);
  },
};
