// Writes across stores (issue 21), proved by failure injection: Orm.save
// and Orm.delete run in Node against Miniflare's local D1, KV and R2
// (fixtures/stores), through bindings that fail their n-th call. For every
// n up to the calls of the operation, the stores are read whole after the
// failure: they must hold exactly what they held before, or exactly what
// a run without failure leaves (never a row without its value, or a value
// no row finds), and a retry without failure must end where a run without
// failure does (up to the keys the failed attempt made the database
// generate: AUTOINCREMENT never gives a key twice).

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema, Tree } from "../src/cidl.js";
import { CloesceError } from "../src/errors.js";
import { Orm, modelMeta, type Storage } from "../src/orm.js";
import { KValue } from "../src/shared.js";
import { statements } from "./support/app.js";

const repo = resolve(__dirname, "../..");

let mf: Miniflare;
let schema: Schema;
let ddl: string[];
let env: { db: D1Database; Notes: KVNamespace; Files: R2Bucket };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "cloesce-stores-"));
  cpSync(join(__dirname, "fixtures", "stores"), dir, { recursive: true });
  const bin = join(dir, "cloesce");
  execFileSync("go", ["build", "-o", bin, "./cmd/cloesce"], { cwd: repo, stdio: "pipe" });
  execFileSync(bin, ["compile", dir], { stdio: "pipe" });
  execFileSync(bin, ["migrate", "--all", "--dir", dir, "init"], { stdio: "pipe" });
  schema = JSON.parse(readFileSync(join(dir, ".cloesce", "cidl.json"), "utf8")) as Schema;
  const migrations = join(dir, "migrations", "db");
  ddl = statements(readFileSync(join(migrations, readdirSync(migrations).find((f) => f.endsWith(".sql"))!), "utf8"));
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

/** The failure a Faults throws. */
class Injected extends Error {}

/**
 * Counts the calls made on bindings it wraps, and fails those whose
 * number is in fail: before the call is sent ("before", nothing
 * happened), or after it took effect ("after", its answer was lost).
 */
class Faults {
  calls: string[] = [];
  constructor(
    private readonly fail: ReadonlySet<number> = new Set(),
    private readonly when: "before" | "after" = "before",
  ) {}

  /** The binding with the methods named counted, each call passed to it as is. */
  wrap<T extends object>(name: string, target: T, methods: readonly string[]): T {
    const out: Record<string, unknown> = {};
    for (const m of ["prepare", "get", "getWithMetadata", "put", "delete", "list", "head", "batch", "exec"]) {
      const f = (target as Record<string, unknown>)[m];
      if (typeof f !== "function") continue;
      out[m] = methods.includes(m) ? (...args: unknown[]) => this.call(`${name}.${m}`, () => f.apply(target, args)) : f.bind(target);
    }
    return out as T;
  }

  private async call(what: string, send: () => Promise<unknown>): Promise<unknown> {
    this.calls.push(what);
    const n = this.calls.length;
    if (!this.fail.has(n)) return send();
    if (this.when === "after") await send();
    throw new Injected(`injected failure of call ${n}, ${what} (${this.when})`);
  }
}

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

type Row = Record<string, unknown>;

/** Every store, whole: the rows of each table, each KV key's value and metadata, each R2 object's body. */
interface State {
  Author: Row[];
  Book: Row[];
  Review: Row[];
  kv: Record<string, { value: string | null; metadata: unknown }>;
  r2: Record<string, string>;
}

async function state(): Promise<State> {
  const rows = async (table: string) => (await env.db.prepare(`SELECT * FROM "${table}" ORDER BY "id"`).all()).results as Row[];
  const kv: State["kv"] = {};
  for (const k of (await env.Notes.list()).keys) {
    const { value, metadata } = await env.Notes.getWithMetadata(k.name, "text");
    kv[k.name] = { value, metadata };
  }
  const r2: State["r2"] = {};
  for (const o of (await env.Files.list()).objects) r2[o.key] = await (await env.Files.get(o.key))!.text();
  return { Author: await rows("Author"), Book: await rows("Book"), Review: await rows("Review"), kv, r2 };
}

/**
 * Empties every store (and the AUTOINCREMENT counters, so that each run
 * generates the same keys), then writes the seed: ann (1) with books 10
 * and 11, bob (2) with book 20, which review 1 references; KV values
 * with metadata, R2 covers.
 */
async function reset(): Promise<void> {
  await env.db.batch(
    [`DELETE FROM "Review"`, `DELETE FROM "Book"`, `DELETE FROM "Author"`, `DELETE FROM sqlite_sequence`].map((s) => env.db.prepare(s)),
  );
  for (const k of (await env.Notes.list()).keys) await env.Notes.delete(k.name);
  const objects = (await env.Files.list()).objects.map((o) => o.key);
  if (objects.length > 0) await env.Files.delete(objects);
  await env.db.batch(
    [
      `INSERT INTO "Author" ("id", "name") VALUES (1, 'ann'), (2, 'bob')`,
      `INSERT INTO "Book" ("id", "authorId", "title") VALUES (10, 1, 'first'), (11, 1, 'second'), (20, 2, 'third')`,
      `INSERT INTO "Review" ("id", "bookId", "stars") VALUES (1, 20, 5)`,
    ].map((s) => env.db.prepare(s)),
  );
  await env.Notes.put("bios/1", JSON.stringify("ann's bio"), { metadata: { v: 1 } });
  await env.Notes.put("bios/2", JSON.stringify("bob's bio"));
  await env.Notes.put("blurbs/10", JSON.stringify("first blurb"), { metadata: { v: 10 } });
  await env.Notes.put("blurbs/20", JSON.stringify("third blurb"));
  await env.Files.put("covers/10", "cover 10");
  await env.Files.put("covers/11", "cover 11");
  await env.Files.put("covers/20", "cover 20");
}

/**
 * The state with the keys the seed does not hold renamed in the order
 * they appear (Author #1, #2...), in rows, foreign keys and KV and R2
 * keys: a retry after a failed insert ends with other keys.
 */
function renamed(s: State): unknown {
  const seeded = { Author: new Set([1, 2]), Book: new Set([10, 11, 20]) };
  const names = { Author: new Map<number, string>(), Book: new Map<number, string>() };
  const name = (table: "Author" | "Book", id: number) => {
    if (seeded[table].has(id)) return id;
    const m = names[table];
    if (!m.has(id)) m.set(id, `${table} #${m.size + 1}`);
    return m.get(id)!;
  };
  const key = (k: string) => k.replace(/^(bios|blurbs|covers)\/(\d+)$/, (_, p: string, id: string) => `${p}/${name(p === "bios" ? "Author" : "Book", Number(id))}`);
  const rekey = <V>(o: Record<string, V>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [key(k), v]));
  return {
    Author: s.Author.map((r) => ({ ...r, id: name("Author", r.id as number) })),
    Book: s.Book.map((r) => ({ ...r, id: name("Book", r.id as number), authorId: name("Author", r.authorId as number) })),
    Review: s.Review,
    kv: rekey(s.kv),
    r2: rekey(s.r2),
  };
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
  describe.each(ops)("%s", (_, op, expected) => {
    let before: State;
    let after: State;
    let calls: string[];

    beforeAll(async () => {
      await reset();
      before = await state();
      const faults = new Faults();
      await op()(storage(faults));
      after = await state();
      calls = faults.calls;
    }, 30_000);

    it("makes the calls it is expected to, and changes every store", () => {
      // Concurrent calls (Promise.all) start in the order they are listed.
      expect(calls).toEqual(expected);
      expect(after).not.toEqual(before);
    });

    it.each(expected.map((c, i) => [i + 1, c] as const))("failing call %i (%s) leaves all or nothing, and a retry converges", async (n) => {
      await reset();
      const faults = new Faults(new Set([n]));
      await expect(op()(storage(faults))).rejects.toBeInstanceOf(Injected);
      const failed = await state();
      // Only reads may fail after the whole operation landed; writes never leave part of it.
      if (JSON.stringify(failed) !== JSON.stringify(before)) expect(failed).toEqual(after);
      else expect(failed).toEqual(before);
      await op()(storage(new Faults()));
      expect(renamed(await state())).toEqual(renamed(after));
    }, 30_000);

    it.each(expected.flatMap((c, i) => (c === "KV.put" || c === "KV.delete" ? [[i + 1, c] as const] : [])))(
      "call %i (%s) landing but failing leaves all or nothing",
      async (n) => {
        await reset();
        await expect(op()(storage(new Faults(new Set([n]), "after")))).rejects.toBeInstanceOf(Injected);
        const failed = await state();
        expect([JSON.stringify(before), JSON.stringify(after)]).toContain(JSON.stringify(failed));
        await op()(storage(new Faults()));
        expect(renamed(await state())).toEqual(renamed(after));
      },
      30_000,
    );
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
