// Writes across stores (issue 21), proved by failure injection: Orm.save
// and Orm.delete run in Node against Miniflare's local D1, KV and R2
// (fixtures/stores), through bindings that fail their n-th call
// (support/faults.ts). For every n up to the calls of the operation
// (support/stores-state.ts, shared with stores-durable.test.ts, which runs
// the same inside a Durable Object), the stores are read whole after the
// failure: they must hold exactly what they held before, or exactly what
// a run without failure leaves (never a row without its value, or a value
// no row finds), and a retry without failure must end where a run without
// failure does (up to the keys the failed attempt made the database
// generate: AUTOINCREMENT never gives a key twice).

import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema, Tree } from "../src/cidl.js";
import { CloesceError } from "../src/errors.js";
import { Orm, modelMeta, type Storage } from "../src/orm.js";
import { KValue } from "../src/shared.js";
import { compileWithMigrations, initialSql } from "./support/app.js";
import { Faults } from "./support/faults.js";
import { SEED_ROWS, TABLES, failEveryCall, readStores, seedStores, type Row, type State } from "./support/stores-state.js";


let mf: Miniflare;
let schema: Schema;
let ddl: string[];
let env: { db: D1Database; Notes: KVNamespace; Files: R2Bucket };

beforeAll(async () => {
  let dir: string;
  ({ dir, schema } = compileWithMigrations("stores"));
  ddl = initialSql(dir);
  mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response('') } }",
    compatibilityDate: "2026-04-01",
    d1Databases: ["db"],
    kvNamespaces: ["Notes"],
    r2Buckets: ["Files"],
  });
  env = {
    db: (await mf.getD1Database("db")) as unknown as D1Database,
    Notes: (await mf.getKVNamespace("Notes")) as unknown as KVNamespace,
    Files: (await mf.getR2Bucket("Files")) as unknown as R2Bucket,
  };
  for (const s of ddl) await env.db.prepare(s).run();
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
});

/** The bindings, failing as faults says: every D1 batch, KV and R2 call counts. */
function storage(faults: Faults): Storage {
  return {
    env: {
      db: faults.wrap("D1", env.db, ["batch", "exec"]),
      Notes: faults.wrap("KV", env.Notes, ["get", "getWithMetadata", "put", "delete", "list"]),
      Files: faults.wrap("R2", env.Files, ["get", "head", "put", "delete", "list"]),
    },
  };
}

/** Every store, whole. */
async function state(): Promise<State> {
  const rows = async (table: string) => (await env.db.prepare(`SELECT * FROM "${table}" ORDER BY "id"`).all()).results as Row[];
  const [Author, Book, Review] = await Promise.all(TABLES.map(rows));
  return { Author: Author!, Book: Book!, Review: Review!, ...(await readStores(env.Notes, env.Files)) };
}

/** Writes the seed into every store. */
async function reset(): Promise<void> {
  await env.db.batch(SEED_ROWS.map((s) => env.db.prepare(s)));
  await seedStores(env.Notes, env.Files);
}

/** An operation of the tests: Orm.save or Orm.delete on storage. */
type Op = (storage: Storage) => Promise<unknown>;

const save = (model: string, value: unknown, include: Tree): Op => (s) => Orm.save(modelMeta(schema, model), s, value, include);
const del = (model: string, key: Record<string, unknown>): Op => (s) => Orm.delete(modelMeta(schema, model), s, key);

/** The operations whose every call is failed, with the calls they make in order. */
const ops: [string, () => Op, string[]][] = [
  [
    "a save of rows under their own keys (KV values first, then the batch)",
    () => save("Author", { id: 1, name: "ann 2", bio: "new bio", books: [{ id: 10, title: "first 2", blurb: new KValue("new blurb", { v: 2 }) }] }, { bio: {}, books: { blurb: {} } }),
    ["KV.getWithMetadata", "KV.getWithMetadata", "KV.put", "KV.put", "D1.batch", "KV.getWithMetadata", "KV.getWithMetadata", "KV.getWithMetadata"],
  ],
  [
    "a save of new rows under generated keys (the batch, then KV values)",
    () => save("Author", { name: "cy", bio: "cy's bio", books: [{ title: "b1", blurb: "blurb 1" }, { title: "b2", blurb: "blurb 2" }] }, { bio: {}, books: { blurb: {} } }),
    ["D1.batch", "KV.put", "KV.put", "KV.put", "KV.getWithMetadata", "KV.getWithMetadata", "KV.getWithMetadata"],
  ],
  [
    "a save updating a row and inserting its children (both orders; the batch undone)",
    () => save("Author", { id: 1, name: "ann 3", bio: "bio 3", books: [{ title: "b3", blurb: "blurb 3" }] }, { bio: {}, books: { blurb: {}, cover: {} } }),
    ["KV.getWithMetadata", "KV.put", "D1.batch", "KV.put", "KV.getWithMetadata", "KV.getWithMetadata", "R2.get", "KV.getWithMetadata", "R2.get", "KV.getWithMetadata", "R2.get"],
  ],
  [
    "a delete cascading to books (KV values, then the rows, then R2 objects)",
    () => del("Author", { id: 1 }),
    ["D1.batch", "KV.getWithMetadata", "KV.getWithMetadata", "KV.getWithMetadata", "KV.delete", "KV.delete", "D1.batch", "R2.delete"],
  ],
];

describe("writes across stores, a failure injected at every call", () => {
  failEveryCall(ops, {
    reset,
    state,
    async run(op, fail = [], when = "before") {
      const faults = new Faults(new Set(fail), when);
      await op(storage(faults));
      return faults.calls;
    },
  });
});

describe("writes across stores, beyond one failure", () => {
  it("a delete refused by a reference (409) puts back the KV values it deleted first", async () => {
    await reset();
    const before = await state();
    const err = await del("Author", { id: 2 })(storage(new Faults())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloesceError);
    expect((err as CloesceError).status).toBe(409);
    expect(await state()).toEqual(before);
  });

  it("an update that finds no row (404) puts back the KV values it wrote first", async () => {
    await reset();
    const before = await state();
    const err = await save("Author", { id: 99, bio: "nobody's" }, {})(storage(new Faults())).catch((e: unknown) => e);
    expect((err as CloesceError).status).toBe(404);
    expect(await state()).toEqual(before);
  });

  it("a save whose compensation fails too is a 500 naming what was left", async () => {
    await reset();
    // The second put (bios/1) fails, then putting back the first value (blurbs/10: children's values are planned first) does.
    const op = save("Author", { id: 1, name: "ann 2", bio: "new bio", books: [{ id: 10, title: "first 2", blurb: "new blurb" }] }, {});
    const err = await op(storage(new Faults(new Set([4, 5])))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloesceError);
    expect((err as CloesceError).status).toBe(500);
    expect((err as Error).message).toMatch(/^saving a Author failed \(injected failure of call 4, KV.put \(before\)\) and undoing it failed too, leaving the stores inconsistent: KV values not put back: Notes blurbs\/10$/);
  });

  it("a delete whose R2 failure cannot be undone is a 500 naming the failure", async () => {
    await reset();
    const err = await del("Author", { id: 1 })(storage(new Faults(new Set([8, 9])))).catch((e: unknown) => e);
    expect((err as CloesceError).status).toBe(500);
    expect((err as Error).message).toContain("deleting Author id=1 failed (injected failure of call 8, R2.delete (before)) and undoing it failed too");
  });

  it("a delete of an object that is not there touches nothing", async () => {
    await reset();
    const faults = new Faults();
    expect(await del("Author", { id: 99 })(storage(faults))).toBe(false);
    expect(faults.calls).toEqual(["D1.batch"]);
  });
});
