// Filtered lists, counts and deletes end to end (fixtures/lists, on
// Miniflare's local D1, KV, R2 and a SQLite Durable Object): every
// condition on every column type, compared with the same filter in
// JavaScript over random rows; orders both ways through NULLs and ties,
// paged by lastSeen_ without skipping or repeating a row; what SQLite
// plans for every query the builders write; deletes with their KV, R2
// and Durable Object storage values, cascades, 409s and 404s.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { Miniflare as MF } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema } from "../src/cidl.js";
import { countStatement, listStatements, type ListOptions } from "../src/list.js";
import { readQuery } from "../src/select.js";
import type { Statement } from "../src/save.js";
import { buildFixture, statements } from "./support/app.js";

let mf: Miniflare;
let schema: Schema;
const base = "http://localhost:8787";

beforeAll(async () => {
  const { dir, script } = await buildFixture("lists");
  schema = JSON.parse(readFileSync(join(dir, ".cloesce", "cidl.json"), "utf8")) as Schema;
  mf = new MF({
    modules: true,
    script,
    compatibilityDate: "2026-04-01",
    d1Databases: ["db"],
    kvNamespaces: ["Notes"],
    r2Buckets: ["Files"],
    durableObjects: { Shelf: { className: "Shelf", useSQLite: true } },
  });
  const migrations = join(dir, "migrations", "db");
  const ddl = readdirSync(migrations)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) => statements(readFileSync(join(migrations, f), "utf8")));
  await sql("db", ddl.map((s) => ({ sql: s })));
  await seed();
}, 180_000);

afterAll(async () => {
  await mf?.dispose();
});

type Row = Record<string, any>;

async function call(method: string, path: string, init: RequestInit = {}) {
  const res = await mf.dispatchFetch(base + path, { method, ...init } as never);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Runs statements on D1 ("db") or in the Shelf object named target; returns each one's rows. */
async function sql(target: string, stmts: { sql: string; params?: unknown[] }[]): Promise<Row[][]> {
  const res = await mf.dispatchFetch(`${base}/__sql/${target}`, { method: "POST", body: JSON.stringify({ statements: stmts }) });
  const out = (await res.json()) as any;
  if (res.status !== 200) throw new Error(out.error);
  return out;
}

// Random rows, the same on every run.
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(18);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const maybe = <T>(p: number, v: () => T): T | null => (rand() < p ? null : v());

/** Names that must stay plain values: quotes, SQL, LIKE wildcards, NUL, code points past the BMP. */
const NAMES = ["ann", "Ann", "ann", "bob", "bo", "b", "O'Brien", `x'; DROP TABLE "Author"; --`, "100%", "a_b", "a%b", "axb", "nul\0x", "ünï", "😀 smile", "\uFFFDz", "\u{10FFFF}end", "Z"];
const AUTHORS = 120;

/** The authors as D1 holds them, badge as hex: what the JavaScript filters and sorts run over. */
let authors: Row[];

async function seed() {
  const rows = Array.from({ length: AUTHORS }, (_, i) => {
    const badge = maybe(0.5, () => pick(["", "00", "0001", "FF", "010203", "7F"]));
    return {
      sql: `INSERT INTO "Author" ("id", "name", "born", "rating", "active", "nickname", "sales", "score", "badge", "email", "bio", "region", "city") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ${badge === null ? "NULL" : `X'${badge}'`}, ?9, 'bio', ?10, ?11)`,
      params: [
        i + 1,
        pick(NAMES),
        new Date(Date.UTC(2000, 0, 1 + Math.floor(rand() * 40), pick([0, 12]))).toISOString(),
        pick([-1.5, 0, 0.1 + 0.2, 2.5, 1e10, 3]),
        pick([0, 1]),
        maybe(0.3, () => pick(["al", "al", "bo", "zed", "Zed", "é"])),
        pick([0, 5, 10, 500, 999, 1000, Math.floor(rand() * 1001)]),
        maybe(0.4, () => Math.floor(rand() * 11) - 5),
        maybe(0.5, () => `user${i}@x.io`),
        pick(["eu", "us", "ap"]),
        pick(["a", "b"]),
      ],
    };
  });
  await sql("db", rows);
  [authors] = await sql("db", [{ sql: `SELECT "id", "name", "born", "rating", "active", "nickname", "sales", "score", CASE WHEN "badge" IS NULL THEN NULL ELSE hex("badge") END AS "badge", "email", "region" FROM "Author"` }]);
  const nul = authors!.find((a) => a.name.startsWith("nul"));
  if (nul) expect(nul.name).toBe("nul\0x");
}

// SQLite's order: NULL first, numbers by value, text by code point (UTF-8 bytes), blobs (here hex) by bytes.
function compare(a: unknown, b: unknown): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === "number") return a - (b as number);
  const [x, y] = [Array.from(a as string, (c) => c.codePointAt(0)!), Array.from(b as string, (c) => c.codePointAt(0)!)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Whether SQL's `value <op> arg` holds (a comparison with NULL never does). */
function holds(value: unknown, op: string, arg: unknown): boolean {
  if (op === "null") return (value === null) === arg;
  if (value === null) return false;
  switch (op) {
    case "eq":
      return compare(value, arg) === 0;
    case "ne":
      return compare(value, arg) !== 0;
    case "lt":
      return compare(value, arg) < 0;
    case "lte":
      return compare(value, arg) <= 0;
    case "gt":
      return compare(value, arg) > 0;
    case "gte":
      return compare(value, arg) >= 0;
    case "in":
      return (arg as unknown[]).some((a) => compare(value, a) === 0);
    default:
      return (value as string).startsWith(arg as string);
  }
}

/** A column's value as D1 holds it (authors) in its query-string form. */
function wire(column: string, v: unknown): string {
  if (column === "active") return v ? "true" : "false";
  if (column === "badge") return Buffer.from(v as string, "hex").toString("base64");
  return String(v);
}

/** A value of the wire (an API object's field) as D1 holds it. */
function stored(column: string, v: unknown): unknown {
  if (v === null) return null;
  if (column === "active") return v ? 1 : 0;
  if (column === "badge") return Buffer.from(v as string, "base64").toString("hex").toUpperCase();
  return v;
}

/** Every id $list gives for query, page by page (each but the last full), continuing by lastSeen_ as the client does. */
async function listAll(query: string, order: string | undefined, limit: number): Promise<number[]> {
  const column = order?.replace(/^-/, "");
  const ids: number[] = [];
  let last: Row | undefined;
  for (let n = 0; n <= AUTHORS; n++) {
    let q = `${query}&limit=${limit}${order ? `&order=${order}` : ""}`;
    if (last) {
      q += `&lastSeen_id=${last.id}`;
      if (column && column !== "id" && last[column] !== null) q += `&lastSeen_${column}=${encodeURIComponent(wire(column, stored(column, last[column])))}`;
    }
    const r = await call("GET", `/Author/$list?${q}`);
    expect(r.status, r.text).toBe(200);
    ids.push(...r.json.map((a: Row) => a.id));
    if (r.json.length < limit) return ids;
    last = r.json[r.json.length - 1];
  }
  throw new Error("the pages never end");
}

/** The ids of authors where every condition holds, in the order given (the key breaking ties the same way). */
function expected(conds: [string, string, unknown][], order?: string): number[] {
  const column = order?.replace(/^-/, "") ?? "id";
  const sign = order?.startsWith("-") ? -1 : 1;
  return authors
    .filter((a) => conds.every(([c, op, arg]) => holds(a[c], op, arg)))
    .sort((a, b) => sign * (compare(a[column], b[column]) || a.id - b.id))
    .map((a) => a.id);
}

/** The query string of conditions, in each column's wire form (in repeated). */
function queryOf(conds: [string, string, unknown][]): string {
  return conds
    .flatMap(([c, op, arg]) => (op === "in" ? (arg as unknown[]) : [arg]).map((v) => `${c}.${op}=${encodeURIComponent(op === "null" || op === "prefix" ? String(v) : wire(c, v))}`))
    .join("&");
}

const COLUMNS = ["id", "name", "born", "rating", "active", "nickname", "sales", "score", "badge", "email", "region"];
const OPTIONAL = new Set(["nickname", "score", "badge", "email"]);

/** Conditions of every op on column, their arguments taken from the rows (so some hold and some do not). */
function conditionsOn(column: string): [string, string, unknown][][] {
  const values = [...new Set(authors.map((a) => a[column]).filter((v) => v !== null))].sort(compare);
  const mid = values[Math.floor(values.length / 2)];
  const out: [string, string, unknown][][] = ["eq", "ne", "lt", "lte", "gt", "gte"].map((op) => [[column, op, mid]]);
  out.push([[column, "in", [values[0], mid, values[values.length - 1]]]]);
  out.push([[column, "gt", values[0]], [column, "lt", values[values.length - 1]]]);
  if (typeof mid === "string" && column !== "born" && column !== "badge") {
    for (const p of new Set(values.map((v: string) => Array.from(v)[0] ?? "").concat(["a", "a%", "a_", "100%", "nul\0", "\u{10FFFF}", "😀"]))) out.push([[column, "prefix", p]]);
  }
  if (OPTIONAL.has(column)) out.push([[column, "null", true]], [[column, "null", false]]);
  return out;
}

describe("filtered lists and counts on D1", () => {
  it("give the rows every condition of every op on every column type holds for, as JavaScript does", async () => {
    let checked = 0;
    for (const column of COLUMNS) {
      for (const conds of conditionsOn(column)) {
        const want = expected(conds);
        const q = queryOf(conds);
        const got = await call("GET", `/Author/$list?${q}&limit=1000`);
        expect(got.status, `${q}: ${got.text}`).toBe(200);
        expect(got.json.map((a: Row) => a.id), q).toEqual(want);
        const count = await call("GET", `/Author/$count?${q}`);
        expect(count.json, q).toBe(want.length);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect((await call("GET", "/Author/$count")).json).toBe(AUTHORS);
  }, 120_000);

  it.each(COLUMNS.flatMap((c) => [c, `-${c}`]))("order=%s pages without skipping or repeating, NULLs and ties included", async (order) => {
    expect(await listAll("", order, 9)).toEqual(expected([], order));
  }, 60_000);

  it.each([
    ["active.eq=true", [["active", "eq", 1]], "-nickname"],
    ["score.gte=0", [["score", "gte", 0]], "score"],
    ["score.null=true", [["score", "null", true]], "-score"],
    ["sales.lt=600&region.eq=eu", [["sales", "lt", 600], ["region", "eq", "eu"]], "-born"],
    ["name.prefix=a", [["name", "prefix", "a"]], undefined],
    ["email.null=false", [["email", "null", false]], "-email"],
  ] as [string, [string, string, unknown][], string | undefined][])("pages %s ordered by %s", async (query, conds, order) => {
    expect(await listAll(query, order, 4)).toEqual(expected(conds, order));
  }, 60_000);

  it("keeps quotes, SQL, LIKE wildcards and NUL as plain values", async () => {
    for (const name of NAMES) {
      const eq = await call("GET", `/Author/$list?name.eq=${encodeURIComponent(name)}&limit=1000`);
      expect(eq.json.map((a: Row) => a.id), name).toEqual(expected([["name", "eq", name]]));
      const prefix = await call("GET", `/Author/$count?name.prefix=${encodeURIComponent(name)}`);
      expect(prefix.json, name).toBe(expected([["name", "prefix", name]]).length);
    }
    expect(expected([["name", "prefix", "a%"]])).not.toEqual(expected([["name", "prefix", "a"]]));
    expect((await call("GET", "/Author/$count")).json).toBe(AUTHORS);
  });

  it("refuses what it cannot filter with one 400 naming every parameter", async () => {
    const r = await call("GET", "/Author/$list?limit=5&bio.eq=x&nope.gt=1&name.like=a&sales.prefix=1&name.null=true&sales.gt=-1&born.lt=soon&order=-bio");
    expect(r.status).toBe(400);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    expect(r.json.errors).toEqual([
      { param: "bio.eq", message: expect.stringMatching(/^Author.bio is not indexed, so lists and counts cannot filter or order on it \(they can on id, name, .*\); add \[index\] to it$/) },
      { param: "nope.gt", message: "Author has no column nope" },
      { param: "name.like", message: expect.stringMatching(/^unknown condition like/) },
      { param: "sales.prefix", message: "sales is not a string column" },
      { param: "name.null", message: "name is never null" },
      { param: "sales.gt", message: "must be at least 0, got -1" },
      { param: "born.lt", message: expect.stringMatching(/^must be an RFC 3339/) },
      { param: "order", message: expect.stringMatching(/^Author.bio is not indexed/) },
    ]);
    const count = await call("GET", "/Author/$count?bio.eq=x");
    expect(count.status).toBe(400);
    expect(count.json.errors.map((e: Row) => e.param)).toEqual(["bio.eq"]);
    const many = await call("GET", `/Author/$list?limit=5&${Array.from({ length: 101 }, (_, i) => `sales.in=${i}`).join("&")}`);
    expect(many.status).toBe(400);
    expect(many.json.errors).toEqual([{ param: "sales.in", message: "makes the query bind more than 100 values, D1's limit" }]);
    const continued = await call("GET", "/Author/$list?limit=5&order=sales&lastSeen_id=3");
    expect(continued.json.errors).toEqual([{ param: "lastSeen_sales", message: "is required to continue a list ordered by sales" }]);
  });

  it("runs Model.Orm's list and count from backend code", async () => {
    const r = await call("GET", "/Author/stats?prefix=a");
    const want = expected([["name", "prefix", "a"]]);
    expect(r.json.count).toBe(want.length);
    expect(r.json.top).toEqual(expected([["name", "prefix", "a"]], "-sales").slice(0, 2));
  });

  it("pages a text key, a composite key and an override of the generated list, which receives the ListQuery", async () => {
    await sql("db", [
      { sql: `INSERT INTO "Tag" ("label", "weight") VALUES ('b', 2), ('a', NULL), ('c', 2), ('d', 1), ('e', NULL)` },
      { sql: `INSERT INTO "Edition" ("isbn", "printing", "year") VALUES ('x', 1, 2001), ('x', 2, 2003), ('y', 1, 2001), ('z', 3, 2002)` },
    ]);
    const tags = await call("GET", "/Tag/$list?limit=2&order=-weight&lastSeen_label=b&lastSeen_weight=2&weight.ne=7");
    expect(tags.json.map((t: Row) => t.label)).toEqual(["d"]);
    expect(JSON.parse(tags.headers.get("X-List-Query")!)).toEqual({ where: { weight: { ne: 7 } }, order: "-weight", after: { label: "b", weight: 2 } });
    const all = await call("GET", "/Tag/$list?limit=10");
    expect(all.json.map((t: Row) => t.label)).toEqual(["a", "b", "c", "d", "e"]);
    expect(JSON.parse(all.headers.get("X-List-Query")!)).toEqual({});
    const page1 = await call("GET", "/Edition/$list?limit=2&order=year");
    expect(page1.json.map((e: Row) => `${e.isbn}${e.printing}`)).toEqual(["x1", "y1"]);
    const page2 = await call("GET", "/Edition/$list?limit=2&order=year&lastSeen_isbn=y&lastSeen_printing=1&lastSeen_year=2001");
    expect(page2.json.map((e: Row) => `${e.isbn}${e.printing}`)).toEqual(["z3", "x2"]);
    const half = await call("GET", "/Edition/$list?limit=2&lastSeen_isbn=y");
    expect(half.json.errors).toEqual([{ param: "lastSeen_printing", message: "is required beside lastSeen_isbn" }]);
  });
});

describe("query plans", () => {
  /**
   * The lines of SQLite's plan of s for model's rows: on D1, or in a Shelf
   * object. A plan does not depend on the values: bytes go as text.
   */
  const plan = async (model: string, s: Statement) => {
    const target = schema.models.find((m) => m.name === model)!.backing!.kind === "durable" ? "alpha" : "db";
    const params = s.params.map((p) => (p instanceof Uint8Array ? "bytes" : p));
    return (await sql(target, [{ sql: `EXPLAIN QUERY PLAN ${s.sql}`, params }]))[0]!.map((r) => r.detail as string);
  };

  /** The model's statements for opts, with their read query along the Default source's tree. */
  const lists = (model: string, opts: ListOptions) => {
    const m = schema.models.find((x) => x.name === model)!;
    return listStatements(schema, m, readQuery(schema, m, m.sources[0]!.tree), opts);
  };

  /** Filters on every filterable column of model, in key order and ordered by it, continuing after rows with and without NULLs. */
  function* cases(model: string): Generator<[string, ListOptions]> {
    const m = schema.models.find((x) => x.name === model)!;
    const fields = new Map([...m.primary_key, ...m.columns].map((f) => [f.name, f]));
    const key = Object.fromEntries(m.primary_key.map((f) => [f.name, f.type === "string" ? "k" : 1]));
    for (const c of m.filters) {
      const f = fields.get(c)!;
      const kind = typeof f.type === "string" ? f.type : (f.type as { option: string }).option;
      const v = { int: 1, real: 1.5, string: "m", date: new Date(0), bool: true, blob: new Uint8Array([1]) }[kind as "int"];
      const optional = typeof f.type === "object";
      const ops: Record<string, unknown>[] = [{ eq: v }, { ne: v }, { lt: v }, { lte: v }, { gt: v, lt: v }, { gte: v }, { in: [v, v] }];
      if (kind === "string") ops.push({ prefix: "m" }, { prefix: "" });
      if (optional) ops.push({ null: true }, { null: false });
      for (const op of ops) yield [`${c} ${JSON.stringify(op)}`, { where: { [c]: op }, limit: 10 }];
      for (const order of [c, `-${c}`]) {
        for (const op of ops) yield [`${c} ${JSON.stringify(op)} by ${order}`, { where: { [c]: op }, order, limit: 10 }];
        for (const after of [{ ...key, [c]: v }, ...(optional ? [{ ...key, [c]: null }] : [])]) yield [`by ${order} after ${JSON.stringify(after)}`, { order, after, limit: 10 }];
        yield [`by ${order}`, { order, limit: 10 }];
      }
    }
    yield ["by key, from the start", { limit: 10 }];
    yield ["by key, after", { after: key, limit: 10 }];
  }

  const scan = (model: string) => new RegExp(`^SCAN "?${model}"?$`);

  /**
   * Whether ties of an order on column sort apart from its index, which
   * ends with the rowid: unless the column is the key's, when the key is
   * not the rowid (a lone int), or when the column leads a group of
   * several (Author.region of index(region, city)).
   */
  const sortsTies = (model: string, order: string) => {
    const m = schema.models.find((x) => x.name === model)!;
    const column = order.replace(/^-/, "");
    const rowid = m.primary_key.length === 1 && m.primary_key[0]!.type === "int";
    const grouped = [...m.indexes, ...m.uniques].some((g) => g.length > 1 && g[0] === column);
    return column !== m.primary_key[0]!.name && (!rowid || grouped);
  };

  it.each(["Author", "Entry", "Tag", "Edition", "Book"])("%s: every filter and order reads through an index, and orders by it", async (model) => {
    let tiesSorted = 0;
    for (const [what, opts] of cases(model)) {
      for (const s of lists(model, opts)) {
        const lines = await plan(model, s);
        const context = `${what}:\n${lines.join("\n")}`;
        expect(lines.filter((l) => new RegExp(`^(SCAN|SEARCH) "?${model}"?( |$)`).test(l)).length, context).toBeGreaterThan(0);
        expect(lines.filter((l) => scan(model).test(l)), context).toEqual([]);
        // In key order, a filter on another column is read through that
        // column's index, the matching rows then sorted, or through the key,
        // each row checked: SQLite chooses. Ordered by the column, it is not.
        if (opts.order !== undefined || !opts.where) expect(lines, context).not.toContain("USE TEMP B-TREE FOR ORDER BY");
        if (lines.some((l) => /^USE TEMP B-TREE FOR (LAST|RIGHT)/.test(l))) {
          expect(opts.order !== undefined && sortsTies(model, opts.order), context).toBe(true);
          tiesSorted++;
        }
      }
    }
    expect(tiesSorted > 0).toBe(model === "Author" || model === "Tag" || model === "Edition");
  }, 120_000);

  it("counts through an index", async () => {
    for (const model of ["Author", "Tag"]) {
      const m = schema.models.find((x) => x.name === model)!;
      for (const [what, opts] of cases(model)) {
        if (!opts.where) continue;
        const lines = await plan(model, countStatement(schema, m, opts.where));
        expect(lines.filter((l) => scan(model).test(l)), what).toEqual([]);
      }
      expect(await plan(model, countStatement(schema, m, undefined))).toEqual([expect.stringMatching(new RegExp(`^SCAN "?${model}"? USING COVERING INDEX`))]);
    }
  }, 60_000);
});

describe("deletes on D1", () => {
  const kv = async () => (await mf.getKVNamespace("Notes")) as unknown as KVNamespace;
  const r2 = async () => (await mf.getR2Bucket("Files")) as unknown as R2Bucket;
  const count = async (table: string, where = "1") => (await sql("db", [{ sql: `SELECT count(*) AS "n" FROM "${table}" WHERE ${where}` }]))[0]![0]!.n as number;

  it("enforce foreign keys (D1 and Durable Object SQLite)", async () => {
    expect((await sql("db", [{ sql: "PRAGMA foreign_keys" }]))[0]).toEqual([{ foreign_keys: 1 }]);
    expect((await sql("alpha", [{ sql: "PRAGMA foreign_keys" }]))[0]).toEqual([{ foreign_keys: 1 }]);
  });

  /** Saves an author with two books of two chapters, notes and files; returns their ids. */
  async function author(awards = 0) {
    const model = {
      name: "del",
      born: "2001-01-01",
      rating: 1,
      active: true,
      sales: 1,
      bio: "b",
      region: "eu",
      city: "a",
      note: { raw: "an author" },
      books: [1, 2].map((b) => ({ title: `b${b}`, note: { raw: `book ${b}` }, chapters: [{ heading: "one" }, { heading: "two" }] })),
      awards: Array.from({ length: awards }, () => ({ prize: "gold" })),
    };
    const r = await call("POST", "/Author/$save", { body: JSON.stringify({ model }), headers: { "Content-Type": "application/json" } });
    expect(r.status, r.text).toBe(200);
    const a = r.json;
    await (await r2()).put(`portraits/${a.id}`, "face");
    for (const b of a.books) await (await r2()).put(`covers/${b.id}`, "cover");
    return { id: a.id as number, books: a.books.map((b: Row) => b.id as number) };
  }

  it("deletes an object with what it cascades to, then their KV values and R2 objects", async () => {
    const a = await author();
    const other = await author();
    expect(await count("Chapter", `"bookId" IN (${a.books.join(", ")})`)).toBe(4);
    const r = await call("DELETE", `/Author/$delete?id=${a.id}`);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toBeNull();
    expect(await count("Author", `"id" = ${a.id}`)).toBe(0);
    expect(await count("Book", `"authorId" = ${a.id}`)).toBe(0);
    expect(await count("Chapter", `"bookId" IN (${a.books.join(", ")})`)).toBe(0);
    expect(await (await kv()).get(`authors/${a.id}`)).toBeNull();
    for (const b of a.books) expect(await (await kv()).get(`books/${b}`)).toBeNull();
    expect(await (await r2()).head(`portraits/${a.id}`)).toBeNull();
    for (const b of a.books) expect(await (await r2()).head(`covers/${b}`)).toBeNull();
    // The other author keeps everything.
    expect(await count("Chapter", `"bookId" IN (${other.books.join(", ")})`)).toBe(4);
    expect(await (await kv()).get(`authors/${other.id}`)).not.toBeNull();
    expect(await (await r2()).head(`covers/${other.books[0]}`)).not.toBeNull();
    expect((await call("DELETE", `/Author/$delete?id=${a.id}`)).status).toBe(404);
  });

  it("refuses with a 409 an object still referenced without [cascade], deleting nothing", async () => {
    const a = await author(1);
    const r = await call("DELETE", `/Author/$delete?id=${a.id}`);
    expect(r.status).toBe(409);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    expect(r.json.detail).toBe(`Author id=${a.id} cannot be deleted: Award objects still reference it through Award.authorId; declare [cascade] on Author.awards to delete them with it`);
    expect(await count("Author", `"id" = ${a.id}`)).toBe(1);
    expect(await count("Chapter", `"bookId" IN (${a.books.join(", ")})`)).toBe(4);
    expect(await (await kv()).get(`books/${a.books[0]}`)).not.toBeNull();
    expect(await (await r2()).head(`portraits/${a.id}`)).not.toBeNull();
    // Model.Orm.delete from backend code: the award, then the author.
    const [award] = (await sql("db", [{ sql: `SELECT "id" FROM "Award" WHERE "authorId" = ${a.id}` }]))[0]!;
    expect((await call("POST", "/Author/dropAward", { body: JSON.stringify({ id: award!.id }), headers: { "Content-Type": "application/json" } })).json).toBe(true);
    expect((await call("POST", "/Author/dropAward", { body: JSON.stringify({ id: award!.id }), headers: { "Content-Type": "application/json" } })).json).toBe(false);
    expect((await call("DELETE", `/Author/$delete?id=${a.id}`)).status).toBe(200);
  });

  it("refuses a comment with replies (no model cascades to itself), then deletes the thread from its leaves", async () => {
    const saved = await call("POST", "/Comment/$save", {
      body: JSON.stringify({ model: { body: "root", note: { raw: "n" }, replies: [{ body: "reply", note: { raw: "r" } }] } }),
      headers: { "Content-Type": "application/json" },
    });
    const root = saved.json;
    const reply = root.replies[0];
    const refused = await call("DELETE", `/Comment/$delete?id=${root.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toBe(`Comment id=${root.id} cannot be deleted: Comment objects still reference it through Comment.parentId`);
    expect((await call("DELETE", `/Comment/$delete?id=${reply.id}`)).status).toBe(200);
    expect((await call("DELETE", `/Comment/$delete?id=${root.id}`)).status).toBe(200);
    expect(await (await kv()).get(`comments/${root.id}`)).toBeNull();
    expect(await (await kv()).get(`comments/${reply.id}`)).toBeNull();
  });

  it("takes the key from the query string, whatever body comes with it", async () => {
    const t = await call("POST", "/Tag/$save", { body: JSON.stringify({ model: { label: "gone", weight: 1 } }), headers: { "Content-Type": "application/json" } });
    expect(t.status).toBe(200);
    const r = await call("DELETE", "/Tag/$delete?label=gone", { body: "not json", headers: { "Content-Type": "text/plain" } });
    expect(r.status, r.text).toBe(200);
    expect((await call("DELETE", "/Tag/$delete?label=gone")).json.detail).toBe("Tag label=gone not found");
    const missing = await call("DELETE", "/Author/$delete");
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ param: "id", message: "is required" }]);
    expect((await call("DELETE", "/Author/$delete?id=x")).json.errors).toEqual([{ param: "id", message: 'must be an integer, got "x"' }]);
    expect((await call("POST", "/Author/$delete?id=1")).status).toBe(405);
  });
});

describe("a model in a Durable Object", () => {
  const post = (path: string, body: unknown) => call("POST", path, { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  let entries: Row[];

  beforeAll(async () => {
    entries = [];
    for (let i = 0; i < 30; i++) {
      const model = { title: pick(["tea", "tee", "toast", "jam"]), rank: maybe(0.3, () => Math.floor(rand() * 5)), memo: `memo ${i}`, lines: [{ text: "l1" }, { text: "l2" }] };
      const r = await post("/Entry/$save", { name: "beta", model });
      expect(r.status, r.text).toBe(200);
      entries.push(r.json);
    }
    await post("/Entry/$save", { name: "gamma", model: { title: "elsewhere", rank: 1 } });
  });

  const sorted = (rows: Row[], column: string, sign: number) => [...rows].sort((a, b) => sign * (compare(a[column], b[column]) || a.id - b.id)).map((e) => e.id);

  it("filters, counts and pages inside its object", async () => {
    const t = await call("GET", "/Entry/$list?name=beta&limit=100&title.prefix=te&rank.null=false");
    expect(t.json.map((e: Row) => e.id)).toEqual(entries.filter((e) => e.title.startsWith("te") && e.rank !== null).map((e) => e.id));
    expect(t.json[0].lines).toHaveLength(2);
    expect(t.json[0].name).toBe("beta");
    expect((await call("GET", "/Entry/$count?name=beta&title.in=tea&title.in=jam")).json).toBe(entries.filter((e) => e.title === "tea" || e.title === "jam").length);
    expect((await call("GET", "/Entry/$count?name=gamma")).json).toBe(1);
    for (const [order, column, sign] of [["-rank", "rank", -1], ["rank", "rank", 1], ["-title", "title", -1]] as const) {
      const ids: number[] = [];
      let last: Row | undefined;
      for (;;) {
        const after = last ? `&lastSeen_id=${last.id}${last[column] === null ? "" : `&lastSeen_${column}=${encodeURIComponent(last[column])}`}` : "";
        const page = await call("GET", `/Entry/$list?name=beta&limit=4&order=${order}${after}`);
        expect(page.status, page.text).toBe(200);
        ids.push(...page.json.map((e: Row) => e.id));
        if (page.json.length < 4) break;
        last = page.json[3];
      }
      expect(ids, order).toEqual(sorted(entries, column, sign));
    }
    expect((await call("GET", "/Entry/$count?name=beta&memo.eq=x")).json.errors).toEqual([{ param: "memo.eq", message: "Entry has no column memo" }]);
  });

  it("deletes inside its object, with its lines and its value in the object's storage", async () => {
    const [e] = entries;
    const r = await call("DELETE", `/Entry/$delete?name=beta&id=${e!.id}`);
    expect(r.status, r.text).toBe(200);
    expect((await sql("beta", [{ sql: `SELECT count(*) AS "n" FROM "Line" WHERE "entryId" = ?1`, params: [e!.id] }]))[0]).toEqual([{ n: 0 }]);
    expect((await call("GET", `/Entry/$get?name=beta&id=${e!.id}`)).status).toBe(404);
    // The memo went with it: an entry saved again under its key has none.
    const again = await post("/Entry/$save", { name: "beta", model: { id: e!.id, title: "again", rank: null } });
    expect(again.json.memo).toBeNull();
    expect((await call("DELETE", `/Entry/$delete?name=beta&id=99999`)).status).toBe(404);
    expect((await call("DELETE", `/Entry/$delete?name=Beta&id=1`)).status).toBe(400);
  });
});
