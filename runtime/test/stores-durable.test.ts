// Writes across stores inside a Durable Object (issue 21): the suite of
// stores.test.ts (support/stores-state.ts) with the rows in a sharded
// SQLite Durable Object, a note on each author and book in the object's
// own storage (fixtures/stores-durable), and Orm.save and Orm.delete
// running in the object (support/stores-worker.ts) on Miniflare, through
// KV and R2 bindings that fail their n-th call and storage whose n-th
// transaction fails. The object's own values go in the transaction of the
// rows and are put back with them when the operation is undone.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema, Tree } from "../src/cidl.js";
import { CloesceError } from "../src/errors.js";
import { bundle, compileWithMigrations } from "./support/app.js";
import { Injected } from "./support/faults.js";
import { SEED_ROWS, TABLES, failEveryCall, readStores, seedStores, type State } from "./support/stores-state.js";
import type { Op, Ran } from "./support/stores-worker.js";


let mf: Miniflare;
let schema: Schema;
let Notes: KVNamespace;
let Files: R2Bucket;

/** The object's own storage as the seed leaves it: notes on ann, and on books 10 and 20. */
const NOTES = { "authors/1": "ann's note", "books/10": "first note", "books/20": "third note" };

async function send(op: Op): Promise<any> {
  const res = await mf.dispatchFetch("http://localhost/", { method: "POST", body: JSON.stringify(op) });
  return res.json();
}

beforeAll(async () => {
  let dir: string;
  ({ dir, schema } = compileWithMigrations("stores-durable"));
  // The object's migration module, run on a stand-in for its SQL storage that collects the DDL.
  const migrations = join(dir, "migrations", "Shelf");
  const migration = await import(pathToFileURL(join(migrations, readdirSync(migrations).find((f) => f.endsWith(".ts"))!)).href);
  const ddl: string[] = [];
  migration.default.up({ exec: (sql: string) => ddl.push(sql) });
  mf = new Miniflare({
    modules: true,
    script: await bundle(join(__dirname, "support", "stores-worker.ts")),
    compatibilityDate: "2026-04-01",
    kvNamespaces: ["Notes"],
    r2Buckets: ["Files"],
    durableObjects: { Shelf: { className: "Shelf", useSQLite: true } },
  });
  Notes = (await mf.getKVNamespace("Notes")) as unknown as KVNamespace;
  Files = (await mf.getR2Bucket("Files")) as unknown as R2Bucket;
  expect(await send({ op: "exec", sql: ddl })).toEqual({ ok: true });
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
});

/** Every store, whole: the object's tables and own storage, then KV and R2. */
async function state(): Promise<State> {
  const inside = (await send({ op: "state", tables: TABLES })) as Pick<State, "Author" | "Book" | "Review" | "durable">;
  return { Author: inside.Author, Book: inside.Book, Review: inside.Review, ...(await readStores(Notes, Files)), durable: inside.durable };
}

/** Writes the seed into every store. */
async function reset(): Promise<void> {
  await send({ op: "exec", sql: SEED_ROWS, storage: NOTES });
  await seedStores(Notes, Files);
}

type Request = Extract<Op, { op: "save" | "delete" }>;

/** Runs op in the object; returns its calls, or throws what it threw (an Injected for an injected failure). */
async function run(op: Request, fail: number[] = [], when: "before" | "after" = "before"): Promise<string[]> {
  const ran = (await send({ ...op, fail, when })) as Ran;
  if (ran.error) throw ran.error.injected ? new Injected(ran.error.message) : new CloesceError(ran.error.status, ran.error.message);
  return ran.calls;
}

const save = (model: string, value: unknown, include: Tree): Request => ({ op: "save", schema, model, value, include });
const del = (model: string, key: Record<string, unknown>): Request => ({ op: "delete", schema, model, key });

const tree = { bio: {}, note: {}, books: { blurb: {}, note: {} } };
const KV_READ = "KV.getWithMetadata";

/** A save updating ann and inserting a book for her: its author's values go before the transaction, the book's after it. */
const updateAndInsert = () =>
  save("Author", { id: 1, name: "ann 3", bio: "bio 3", note: "ann's note 3", books: [{ title: "b3", blurb: "blurb 3", note: "note 3" }] }, { ...tree, books: { ...tree.books, cover: {} } });

/** The operations whose every call is failed, with the calls they make in order. */
const ops: [string, () => Request, string[]][] = [
  [
    "a save of rows under their own keys (KV values first, then the transaction with the object's values)",
    () => save("Author", { id: 1, name: "ann 2", bio: "new bio", note: "ann's new note", books: [{ id: 10, title: "first 2", blurb: "new blurb", note: "first new note" }] }, tree),
    [KV_READ, KV_READ, "KV.put", "KV.put", "DO.transaction", KV_READ, KV_READ, KV_READ],
  ],
  [
    "a save of new rows under generated keys (the transaction with the object's values, then KV values)",
    () => save("Author", { name: "cy", bio: "cy's bio", note: "cy's note", books: [{ title: "b1", blurb: "blurb 1", note: "note 1" }, { title: "b2", blurb: "blurb 2" }] }, tree),
    ["DO.transaction", "KV.put", "KV.put", "KV.put", KV_READ, KV_READ, KV_READ],
  ],
  [
    "a save updating a row and inserting its children (both orders; the transaction undone with the object's values)",
    updateAndInsert,
    [KV_READ, "KV.put", "DO.transaction", "KV.put", KV_READ, KV_READ, "R2.get", KV_READ, "R2.get", KV_READ, "R2.get"],
  ],
  [
    "a delete cascading to books (KV values, then the rows with the object's values, then R2 objects)",
    () => del("Author", { id: 1 }),
    ["DO.transaction", KV_READ, KV_READ, KV_READ, "KV.delete", "KV.delete", "DO.transaction", "R2.delete"],
  ],
];

describe("writes across stores in a Durable Object, a failure injected at every call", () => {
  failEveryCall(ops, { reset, state, run });
});

describe("writes across stores in a Durable Object, undoing", () => {
  /** Runs op failing the calls in fail; returns what it threw, its calls, and the state before it. */
  const failing = async (op: Request, fail: number[]) => {
    await reset();
    const before = await state();
    const ran = (await send({ ...op, fail })) as Ran;
    return { before, ran, error: ran.error! };
  };

  it("a save under generated keys whose read back fails puts back the object's values with the rows", async () => {
    const { before, ran, error } = await failing(updateAndInsert(), [5]);
    expect(error).toMatchObject({ injected: true, message: "injected failure of call 5, KV.getWithMetadata (before)" });
    // The save's transaction, then the one undoing it.
    expect(ran.calls.filter((c) => c === "DO.transaction")).toHaveLength(2);
    const after = await state();
    expect(after.durable).toEqual(NOTES);
    expect(after).toEqual(before);
  });

  it("a delete whose R2 delete fails puts back the object's values with the rows", async () => {
    const { before, ran, error } = await failing(del("Author", { id: 1 }), [8]);
    expect(error).toMatchObject({ injected: true, message: "injected failure of call 8, R2.delete (before)" });
    expect(ran.calls.slice(8)).toContain("DO.transaction");
    const after = await state();
    expect(after.durable).toEqual(NOTES);
    expect(after).toEqual(before);
  });

  it("a save under generated keys with values in the object's storage alone stands when its read back fails: rows and values together", async () => {
    const { before, ran } = await failing(save("Book", { authorId: 2, title: "b4", note: "note 4" }, { note: {}, blurb: {} }), [2]);
    expect(ran.calls).toEqual(["DO.transaction", KV_READ]);
    const after = await state();
    expect(after.Book.at(-1)).toEqual({ id: 21, authorId: 2, title: "b4" });
    expect(after.durable).toEqual({ ...before.durable, "books/21": "note 4" });
  });

  it("an update that finds no row (404) rolls back the object's values and puts back the KV values", async () => {
    const { before, error } = await failing(save("Author", { id: 99, bio: "nobody's", note: "nobody's note" }, {}), []);
    expect(error.status).toBe(404);
    expect(await state()).toEqual(before);
  });

  it("a delete refused by a reference (409) keeps the object's values and puts back the KV values", async () => {
    const { before, error } = await failing(del("Author", { id: 2 }), []);
    expect(error.status).toBe(409);
    expect(await state()).toEqual(before);
  });

  it("a delete whose R2 failure cannot be undone is a 500 naming the failure", async () => {
    const { error } = await failing(del("Author", { id: 1 }), [8, 9]);
    expect(error.status).toBe(500);
    expect(error.message).toContain("deleting Author id=1 failed (injected failure of call 8, R2.delete (before)) and undoing it failed too");
  });

  it("a delete of an object that is not there touches nothing", async () => {
    await reset();
    const ran = (await send(del("Author", { id: 99 }))) as Ran;
    expect(ran).toEqual({ calls: ["DO.transaction"], result: false });
  });
});
