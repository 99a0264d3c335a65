// The worker of test/stores-durable.test.ts: runs Orm.save and Orm.delete
// inside the SQLite Durable Object Shelf (tenant 1), through bindings that
// fail their n-th call (support/faults.ts): the KV namespace Notes, the
// bucket Files and the object's storage transactions. It also runs SQL,
// replaces the object's own key-value storage, and answers the rows of
// tables with that storage; the test reads KV and R2 from Miniflare.

import { DurableObject } from "cloudflare:workers";
import { CloesceError, Orm, modelMeta, type Schema, type Tree } from "cloesce";
import { Faults, Injected } from "./faults.js";

interface Env {
  Notes: KVNamespace;
  Files: R2Bucket;
  Shelf: DurableObjectNamespace<Shelf>;
}

/** Where the calls numbered fail fail (Faults). */
interface Failing {
  fail?: number[];
  when?: "before" | "after";
}

export type Op =
  | { op: "exec"; sql: string[]; storage?: Record<string, unknown> }
  | { op: "state"; tables: readonly string[] }
  | ({ op: "save"; schema: Schema; model: string; value: unknown; include: Tree } & Failing)
  | ({ op: "delete"; schema: Schema; model: string; key: Record<string, unknown> } & Failing);

/** What a save or delete answers: the calls it made, and what it returned or threw. */
export interface Ran {
  calls: string[];
  result?: unknown;
  error?: { injected: boolean; status: number; message: string };
}

const TENANT = 1;

export class Shelf extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    const op = (await request.json()) as Op;
    const storage = this.ctx.storage;
    switch (op.op) {
      case "exec":
        for (const s of op.sql) storage.sql.exec(s);
        if (op.storage) {
          for (const [key] of storage.kv.list()) storage.kv.delete(key);
          for (const [key, value] of Object.entries(op.storage)) storage.kv.put(key, value);
        }
        return Response.json({ ok: true });
      case "state": {
        const rows = Object.fromEntries(op.tables.map((t) => [t, storage.sql.exec(`SELECT * FROM "${t}" ORDER BY "id"`).toArray()]));
        return Response.json({ ...rows, durable: Object.fromEntries(storage.kv.list()) });
      }
      case "save":
      case "delete": {
        const faults = new Faults(new Set(op.fail), op.when);
        const env = {
          Notes: faults.wrap("KV", this.env.Notes, ["get", "getWithMetadata", "put", "delete", "list"]),
          Files: faults.wrap("R2", this.env.Files, ["get", "head", "put", "delete", "list"]),
        };
        const orm = { env, durable: faults.wrapDurable(storage) };
        const ran: Ran = { calls: faults.calls };
        try {
          const meta = modelMeta(op.schema, op.model);
          if (op.op === "save") ran.result = await Orm.save(meta, orm, op.value, op.include, { tenant: TENANT });
          else ran.result = await Orm.delete(meta, orm, { ...op.key, tenant: TENANT });
        } catch (e) {
          ran.error = { injected: e instanceof Injected, status: e instanceof CloesceError ? e.status : 500, message: e instanceof Error ? e.message : String(e) };
        }
        return Response.json(ran);
      }
    }
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return env.Shelf.get(env.Shelf.idFromName(String(TENANT))).fetch(request);
  },
};
