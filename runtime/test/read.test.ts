// The read queries of include trees and the mapping of their rows: the
// runtime builds byte for byte the SQL the compiler writes (for the trees
// of Orm.get and Orm.list it is given), and maps a read query's row (JSON
// per navigation) to the same object as the flat rows of the same graph.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Schema } from "../src/cidl.js";
import { dataSource } from "../src/generated.js";
import { fromHex, mapRows } from "../src/map.js";
import { Orm, modelMeta } from "../src/orm.js";
import { allQueryOf, getQueryOf, keyQueryOf, listQueryOf, queriesOf, readQuery } from "../src/select.js";

const golden = (name: string): Schema =>
  JSON.parse(readFileSync(resolve(__dirname, `../../internal/sema/testdata/cidl/${name}.json`), "utf8")) as Schema;
const names = ["weather", "reddit", "comprehensive"];
const schemas = names.map((n) => [n, golden(n)] as const);
/** The compiler's select, get and list of every source (internal/sqlgen TestSamples). */
const samples = JSON.parse(readFileSync(resolve(__dirname, "../../internal/sqlgen/testdata/samples.json"), "utf8")) as Record<
  string,
  Record<string, { select: string; get: string; list: string }>
>;

describe("read queries", () => {
  it.each(schemas)("%s: the runtime writes every source's query, get and list as the compiler does", (name, schema) => {
    let checked = 0;
    for (const model of schema.models) {
      if (model.primary_key.length === 0) continue;
      for (const source of model.sources) {
        const want = samples[name]![`${model.name}.${source.name}`]!;
        // A tree equal to the source's but another object: built, not looked up.
        expect(readQuery(schema, model, structuredClone(source.tree))).toBe(source.query);
        expect(queriesOf(model, source)).toEqual({ get: want.get, list: want.list });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("defines the roots and the scales of reals only for a query that uses them", () => {
    const schema = golden("comprehensive");
    const user = schema.models.find((m) => m.name === "User")!;
    const post = schema.models.find((m) => m.name === "Post")!;
    const withReal = readQuery(schema, post, { author: {} });
    expect(withReal).toContain(`printf('%!.17g%s', "User_1"."score" * "f", "s")`);
    expect(getQueryOf(post, withReal)).toMatch(/^WITH "\$p"\("lo", "f", "s"\) AS \(VALUES \(0, 0x4000000000000000 \* /);
    expect(getQueryOf(post, withReal)).not.toContain('"$roots"');
    // The root's own columns are not JSON: User's real stays a column.
    const plain = readQuery(schema, user, {});
    expect(getQueryOf(user, plain)).toBe(`${plain}\nWHERE "User"."id" = ?1`);
    const children = readQuery(schema, user, { posts: {} });
    expect(getQueryOf(user, children)).toBe(`WITH "$roots" AS (SELECT "id" FROM "User" WHERE "id" = ?1)\n${children}\nWHERE "User"."id" = ?1`);
  });

  it("picks the roots of a get, a list and Orm.get/list without a query", () => {
    const schema = golden("comprehensive");
    const tag = schema.models.find((m) => m.name === "Tag")!;
    const read = "SELECT ... \"$roots\"";
    expect(getQueryOf(tag, read)).toBe(
      'WITH "$roots" AS (SELECT "name", "category" FROM "Tag" WHERE ("name", "category") = (?1, ?2))\nSELECT ... "$roots"\nWHERE ("Tag"."name", "Tag"."category") = (?1, ?2)',
    );
    expect(listQueryOf(tag, read)).toBe(
      `WITH "$roots" AS (\n    SELECT "name", "category" FROM "Tag"\n    WHERE ("name", "category") >= (coalesce(?1, ''), coalesce(?2, '')) AND ("name", "category") IS NOT (?1, ?2)\n    ORDER BY "name", "category"\n    LIMIT ?3\n)\n` +
        `SELECT ... "$roots"\nWHERE ("Tag"."name", "Tag"."category") >= (coalesce(?1, ''), coalesce(?2, '')) AND ("Tag"."name", "Tag"."category") IS NOT (?1, ?2)\nORDER BY "Tag"."name", "Tag"."category"\nLIMIT ?3`,
    );
    expect(keyQueryOf(tag, read, ["?3", "'x'"])).toBe(
      `WITH "$roots" AS (SELECT "name", "category" FROM "Tag" WHERE ("name", "category") = (?3, 'x'))\nSELECT ... "$roots"\nWHERE ("Tag"."name", "Tag"."category") = (?3, 'x')`,
    );
    expect(allQueryOf(tag, read)).toBe('WITH "$roots" AS (SELECT "name", "category" FROM "Tag")\nSELECT ... "$roots"\nORDER BY "Tag"."name", "Tag"."category"');
    expect(allQueryOf(tag, read, 1)).toBe(
      'WITH "$roots" AS (SELECT "name", "category" FROM "Tag" ORDER BY "name", "category" LIMIT 1)\nSELECT ... "$roots"\nORDER BY "Tag"."name", "Tag"."category"\nLIMIT 1',
    );
  });

  it("gives generated sources the composed get and list and the flat selectQuery", () => {
    const schema = golden("comprehensive");
    const prepared: { sql: string; values: unknown[] }[] = [];
    const db = { prepare: (sql: string) => ({ bind: (...values: unknown[]) => (prepared.push({ sql, values }), { sql, values }) }) };
    const src = dataSource<{ selectQuery: string; getQuery(...a: unknown[]): unknown; listQuery(...a: unknown[]): unknown }>(schema, "User", "WithPosts");
    expect(src.selectQuery).toBe(samples.comprehensive!["User.WithPosts"]!.select);
    expect(src.selectQuery).toBe(Orm.select(modelMeta(schema, "User"), null, { avatar: {}, posts: { author: {}, tags: { tag: {} } } }));
    src.getQuery({ Main: db }, 7);
    src.listQuery({ Main: db }, null, 10);
    expect(prepared).toEqual([
      { sql: samples.comprehensive!["User.WithPosts"]!.get, values: [7] },
      { sql: samples.comprehensive!["User.WithPosts"]!.list, values: [null, 10] },
    ]);
  });
});

describe("mapping a read query's rows", () => {
  const schema = golden("comprehensive");
  const user = schema.models.find((m) => m.name === "User")!;
  const tree = { avatar: {}, posts: { author: {}, tags: { tag: {} } } };
  const bytes = [0, 255, 128, 34, 92];
  const hex = "00FF80225C";
  // 0.1 + 0.2 needs 17 digits; 1e300 and 5e-324 come scaled by a power of two.
  const author = [3, "ann", "a@x", "1.0806454419566534e+76p744", null, 1, "2026-01-02T03:04:05.006Z", hex, '{"a":[1,2]}'];
  const author2 = [4, "bob", "b@x", "9.7234613716580339e-63p-868", "k", 0, "2026-02-02T00:00:00.000Z", "", "null"];
  const readRow = {
    id: 3,
    name: "ann",
    email: "a@x",
    score: 0.30000000000000004,
    avatarKey: null,
    active: 1,
    joined: "2026-01-02T03:04:05.006Z",
    photo: bytes,
    prefs: '{"a":[1,2]}',
    posts: JSON.stringify([
      [10, 3, null, "c1", "first", author, [[10, "t1", "x", ["t1", "x"]], [10, "t2", "y", null]]],
      [11, 3, 10, "c2", "second", author2, null],
      [12, 3, 10, "c3", "third", null, null],
    ]),
  };
  const flatRows = (() => {
    const base = { id: 3, name: "ann", email: "a@x", score: 0.30000000000000004, avatarKey: null, active: 1, joined: "2026-01-02T03:04:05.006Z", photo: bytes, prefs: '{"a":[1,2]}' };
    const u = (p: string, a: unknown[] | null) =>
      Object.fromEntries(["id", "name", "email", "score", "avatarKey", "active", "joined", "photo", "prefs"].map((c, i) => [p + c, a === null ? null : i === 3 ? (a === author ? 1e300 : 5e-324) : i === 7 ? [...fromHex(a[i] as string)] : a[i]]));
    const post = (id: number, replyToId: number | null, code: string, body: string) => ({ "posts.id": id, "posts.authorId": 3, "posts.replyToId": replyToId, "posts.code": code, "posts.body": body });
    const tag = (t: unknown[] | null) =>
      t === null
        ? { "posts.tags.postId": null, "posts.tags.tagName": null, "posts.tags.tagCategory": null, "posts.tags.tag.name": null, "posts.tags.tag.category": null }
        : { "posts.tags.postId": t[0], "posts.tags.tagName": t[1], "posts.tags.tagCategory": t[2], "posts.tags.tag.name": t[3] ?? null, "posts.tags.tag.category": t[4] ?? null };
    return [
      { ...base, ...post(10, null, "c1", "first"), ...u("posts.author.", author), ...tag([10, "t1", "x", "t1", "x"]) },
      { ...base, ...post(10, null, "c1", "first"), ...u("posts.author.", author), ...tag([10, "t2", "y"]) },
      { ...base, ...post(11, 10, "c2", "second"), ...u("posts.author.", author2), ...tag(null) },
      { ...base, ...post(12, 10, "c3", "third"), ...u("posts.author.", null), ...tag(null) },
    ];
  })();
  const wire = (v: unknown) => JSON.stringify(v, (_, x) => (x instanceof Uint8Array ? [...x] : x));

  it("gives the objects the flat rows of the same graph give, key for key and in order", () => {
    const fromRead = mapRows<any>(schema, user, [readRow], tree);
    const fromFlat = mapRows<any>(schema, user, flatRows, tree);
    expect(wire(fromRead)).toBe(wire(fromFlat));
    expect(fromRead).toEqual(fromFlat);
  });

  it("reads reals exactly, blobs from hex, and gives dates, booleans and json their form", () => {
    const [u] = mapRows<any>(schema, user, [readRow], tree);
    const [p1, p2, p3] = u.posts;
    expect(p1.author.score).toBe(1e300);
    expect(p2.author.score).toBe(5e-324);
    expect(p1.author.photo).toEqual(Uint8Array.from(bytes));
    expect(p2.author.photo).toEqual(new Uint8Array());
    expect(p1.author.joined).toEqual(new Date("2026-01-02T03:04:05.006Z"));
    expect(p1.author.active).toBe(true);
    expect(p2.author.active).toBe(false);
    expect(p1.author.prefs).toEqual({ a: [1, 2] });
    expect(p2.author.prefs).toBeNull();
    expect(p1.tags.map((t: any) => t.tag ?? null)).toEqual([{ name: "t1", category: "x" }, null]);
    // A missing one-to-one navigation is absent; a one-to-many one without children is [].
    expect(p3).not.toHaveProperty("author");
    expect(p2.tags).toEqual([]);
    expect(Object.keys(p1)).toEqual(["id", "authorId", "replyToId", "code", "body", "tags", "author"]);
  });

  it("reads every spelling of a real", () => {
    const post = schema.models.find((m) => m.name === "Post")!;
    const row = (score: unknown) => ({ id: 1, authorId: 2, replyToId: null, code: "c", body: "b", author: JSON.stringify([2, "n", "e", score, null, 0, "2026-01-01T00:00:00.000Z", "", "1"]) });
    const score = (s: unknown) => mapRows<any>(schema, post, [row(s)], { author: {} })[0].author.score;
    expect(score("0.30000000000000004")).toBe(0.1 + 0.2);
    expect(score("-0.0")).toBe(-0);
    expect(Object.is(score("-0.0p-868"), -0)).toBe(true);
    expect(score("1.7976931348623157e+308")).toBe(Number.MAX_VALUE);
    expect(score("1.0000000000000000p744")).toBe(2 ** 744);
    expect(score("1.5p-868")).toBe(1.5 * 2 ** -868);
    expect(score("Infp744")).toBe(Infinity);
    expect(score("-Infp744")).toBe(-Infinity);
    expect(score(2.5)).toBe(2.5);
    expect(score(null)).toBeNull();
  });

  it("takes a navigation's JSON already parsed, and maps flat and read rows of other navigations side by side", () => {
    const post = schema.models.find((m) => m.name === "Post")!;
    const rows = [{ id: 1, authorId: 2, replyToId: null, code: "c", body: "b", author: [2, "n", "e", 1.5, null, 1, "2026-01-01T00:00:00.000Z", "0A", "[]"], "tags.postId": 1, "tags.tagName": "t", "tags.tagCategory": "k" }];
    const [p] = mapRows<any>(schema, post, rows, { author: {}, tags: {} });
    expect(p.author.photo).toEqual(Uint8Array.from([10]));
    expect(p.tags).toEqual([{ postId: 1, tagName: "t", tagCategory: "k" }]);
  });

  it("decodes hex in either case", () => {
    expect([...fromHex("00ff7Fa0")]).toEqual([0, 255, 127, 160]);
    expect(fromHex("")).toEqual(new Uint8Array());
  });
});
