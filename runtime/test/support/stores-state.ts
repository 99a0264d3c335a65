// What the writes-across-stores tests share (stores.test.ts on D1,
// stores-durable.test.ts in a Durable Object's SQLite): the seed, the
// stores read whole, the state up to generated keys, and the suite that
// fails every call of an operation in turn.

import { beforeAll, describe, expect, it } from "vitest";
import { Injected } from "./faults.js";

export type Row = Record<string, unknown>;

/**
 * Every store, whole: the rows of each table, each KV key's value and
 * metadata, each R2 object's body, and in a Durable Object the values of
 * its own storage.
 */
export interface State {
  Author: Row[];
  Book: Row[];
  Review: Row[];
  kv: Record<string, { value: string | null; metadata: unknown }>;
  r2: Record<string, string>;
  durable?: Record<string, unknown>;
}

/**
 * The statements emptying the tables (and the AUTOINCREMENT counters, so
 * that each run generates the same keys), then writing the seed rows: ann
 * (1) with books 10 and 11, bob (2) with book 20, which review 1
 * references.
 */
export const SEED_ROWS = [
  `DELETE FROM "Review"`,
  `DELETE FROM "Book"`,
  `DELETE FROM "Author"`,
  `DELETE FROM sqlite_sequence`,
  `INSERT INTO "Author" ("id", "name") VALUES (1, 'ann'), (2, 'bob')`,
  `INSERT INTO "Book" ("id", "authorId", "title") VALUES (10, 1, 'first'), (11, 1, 'second'), (20, 2, 'third')`,
  `INSERT INTO "Review" ("id", "bookId", "stars") VALUES (1, 20, 5)`,
];

/** The tables of the fixtures, in the order State lists them. */
export const TABLES = ["Author", "Book", "Review"] as const;

/** Empties the KV namespace and the bucket, then writes the seed's values: KV values with metadata, R2 covers. */
export async function seedStores(kv: KVNamespace, r2: R2Bucket): Promise<void> {
  for (const k of (await kv.list()).keys) await kv.delete(k.name);
  const objects = (await r2.list()).objects.map((o) => o.key);
  if (objects.length > 0) await r2.delete(objects);
  await kv.put("bios/1", JSON.stringify("ann's bio"), { metadata: { v: 1 } });
  await kv.put("bios/2", JSON.stringify("bob's bio"));
  await kv.put("blurbs/10", JSON.stringify("first blurb"), { metadata: { v: 10 } });
  await kv.put("blurbs/20", JSON.stringify("third blurb"));
  await r2.put("covers/10", "cover 10");
  await r2.put("covers/11", "cover 11");
  await r2.put("covers/20", "cover 20");
}

/** What the KV namespace and the bucket hold. */
export async function readStores(kv: KVNamespace, r2: R2Bucket): Promise<Pick<State, "kv" | "r2">> {
  const out: Pick<State, "kv" | "r2"> = { kv: {}, r2: {} };
  for (const k of (await kv.list()).keys) {
    const { value, metadata } = await kv.getWithMetadata(k.name, "text");
    out.kv[k.name] = { value, metadata };
  }
  for (const o of (await r2.list()).objects) out.r2[o.key] = await (await r2.get(o.key))!.text();
  return out;
}

/** The table whose key fills the keys under each prefix, in every store. */
const PREFIXES: Record<string, "Author" | "Book"> = { bios: "Author", authors: "Author", blurbs: "Book", books: "Book", covers: "Book" };

/**
 * The state with the keys the seed does not hold renamed in the order
 * they appear (Author #1, #2...), in rows, foreign keys and store keys: a
 * retry after a failed insert ends with other keys.
 */
export function renamed(s: State): unknown {
  const seeded = { Author: new Set([1, 2]), Book: new Set([10, 11, 20]) };
  const names = { Author: new Map<number, string>(), Book: new Map<number, string>() };
  const name = (table: "Author" | "Book", id: number) => {
    if (seeded[table].has(id)) return id;
    const m = names[table];
    if (!m.has(id)) m.set(id, `${table} #${m.size + 1}`);
    return m.get(id)!;
  };
  const key = (k: string) => k.replace(/^(\w+)\/(\d+)$/, (all, p: string, id: string) => (PREFIXES[p] ? `${p}/${name(PREFIXES[p], Number(id))}` : all));
  const rekey = <V>(o: Record<string, V>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [key(k), v]));
  return {
    Author: s.Author.map((r) => ({ ...r, id: name("Author", r.id as number) })),
    Book: s.Book.map((r) => ({ ...r, id: name("Book", r.id as number), authorId: name("Author", r.authorId as number) })),
    Review: s.Review,
    kv: rekey(s.kv),
    r2: rekey(s.r2),
    ...(s.durable && { durable: rekey(s.durable) }),
  };
}

/** Where a suite runs its operations. */
export interface Harness<Op> {
  /** Writes the seed into every store. */
  reset(): Promise<void>;
  state(): Promise<State>;
  /**
   * Runs op with the calls numbered in fail failing (when: before they are
   * sent, or after they took effect); returns the calls made, or throws
   * what op threw (an Injected for an injected failure).
   */
  run(op: Op, fail?: number[], when?: "before" | "after"): Promise<string[]>;
}

/**
 * For each operation, with the calls it is expected to make: fails each
 * call in turn, and checks that the stores hold exactly what they held
 * before, or exactly what a run without failure leaves (never a row
 * without its value, or a value no row finds), and that a retry without
 * failure ends where a run without failure does (up to generated keys:
 * AUTOINCREMENT never gives a key twice). KV puts and deletes also land
 * and then fail.
 */
export function failEveryCall<Op>(ops: [string, () => Op, string[]][], h: Harness<Op>): void {
  describe.each(ops)("%s", (_, op, expected) => {
    let before: State;
    let after: State;
    let calls: string[];

    beforeAll(async () => {
      await h.reset();
      before = await h.state();
      calls = await h.run(op());
      after = await h.state();
    }, 30_000);

    it("makes the calls it is expected to, and changes every store", () => {
      // Concurrent calls (Promise.all) start in the order they are listed.
      expect(calls).toEqual(expected);
      expect(after).not.toEqual(before);
    });

    it.each(expected.map((c, i) => [i + 1, c] as const))("failing call %i (%s) leaves all or nothing, and a retry converges", async (n) => {
      await h.reset();
      await expect(h.run(op(), [n])).rejects.toBeInstanceOf(Injected);
      const failed = await h.state();
      // Only reads may fail after the whole operation landed; writes never leave part of it.
      if (JSON.stringify(failed) !== JSON.stringify(before)) expect(failed).toEqual(after);
      else expect(failed).toEqual(before);
      await h.run(op());
      expect(renamed(await h.state())).toEqual(renamed(after));
    }, 30_000);

    it.each(expected.flatMap((c, i) => (c === "KV.put" || c === "KV.delete" ? [[i + 1, c] as const] : [])))(
      "call %i (%s) landing but failing leaves all or nothing",
      async (n) => {
        await h.reset();
        await expect(h.run(op(), [n], "after")).rejects.toBeInstanceOf(Injected);
        const failed = await h.state();
        expect([JSON.stringify(before), JSON.stringify(after)]).toContain(JSON.stringify(failed));
        await h.run(op());
        expect(renamed(await h.state())).toEqual(renamed(after));
      },
      30_000,
    );
  });
}
