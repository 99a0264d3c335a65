// The save planner on real databases: each shape of object graph saved by
// Orm.save on local D1 and inside a SQLite Durable Object, both with the
// tables cloesce migrate makes (AUTOINCREMENT keys) and with tables made
// before keys were AUTOINCREMENT. Every test counts the statements that
// reached the database and checks the saved graph in the tables.

import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema, Tree } from "../src/cidl.js";
import { bundle, compileWithMigrations, initialSql } from "./support/app.js";
import type { Op, Sent } from "./support/save-worker.js";


let mf: Miniflare;
let schema: Schema;
/** The tables as cloesce migrate makes them, and as they were before keys were AUTOINCREMENT. */
let ddl: { modern: string[]; legacy: string[] };

beforeAll(async () => {
  let dir: string;
  ({ dir, schema } = compileWithMigrations("save"));
  const modern = initialSql(dir);
  expect(modern.join("\n")).toContain("INTEGER PRIMARY KEY AUTOINCREMENT");
  ddl = { modern, legacy: modern.map((s) => s.replaceAll(" AUTOINCREMENT", "")) };
  mf = new Miniflare({
    modules: true,
    script: await bundle(join(__dirname, "support", "save-worker.ts")),
    compatibilityDate: "2026-04-01",
    d1Databases: ["db", "legacy"],
    kvNamespaces: ["Notes"],
    durableObjects: { Store: { className: "Store", useSQLite: true } },
  });
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
});

type Row = Record<string, any>;

async function send(target: string, op: Op): Promise<any> {
  const res = await mf.dispatchFetch(`http://localhost/${target}`, { method: "POST", body: JSON.stringify(op) });
  return res.json();
}

// Rows the shapes refer to. Post 50 is deleted: an AUTOINCREMENT table
// never gives its key again, a plain one gives the next after the largest.
const SEED = [
  `INSERT INTO "Profile" ("id", "bio") VALUES (1, 'p1')`,
  `INSERT INTO "User" ("id", "name", "profileId") VALUES (1, 'ann', 1), (2, 'bob', NULL), (3, 'cy', NULL)`,
  `INSERT INTO "Post" ("id", "authorId", "title", "score") VALUES (1, 1, 'first', 7), (2, 2, 'second', NULL), (50, 1, 'gone', NULL)`,
  `DELETE FROM "Post" WHERE "id" = 50`,
  `INSERT INTO "Comment" ("id", "postId", "authorId", "body") VALUES (1, 1, 2, 'c1'), (2, 1, 3, 'c2')`,
  `INSERT INTO "Tag" ("name", "color") VALUES ('go', 'blue')`,
];

const targets = [
  ["D1", "d1/db", "modern"],
  ["D1, tables without AUTOINCREMENT", "d1/legacy", "legacy"],
  ["a Durable Object", "do/modern", "modern"],
  ["a Durable Object, tables without AUTOINCREMENT", "do/legacy", "legacy"],
] as const;

describe.each(targets)("saves on %s", (_, target, variant) => {
  const query = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await send(target, { op: "query", sql, params })).rows;

  /** Saves value as a model, expecting success in one batch of `count` statements. */
  const save = async (model: string, value: unknown, include: Tree, count: number): Promise<{ saved: Row; sent: Sent }> => {
    const r = await send(target, { op: "save", schema, model, value, include });
    expect(r, r.message).toMatchObject({ status: 200 });
    expect(r.sent.batches).toBe(1);
    expect(r.sent.sql, r.sent.sql.join("\n--\n")).toHaveLength(count);
    expect(r.sent.sql.join("\n")).not.toMatch(/_cloesce_keys|sqlite_sequence|last_insert_rowid/);
    return r;
  };

  beforeAll(async () => {
    const r = await send(target, { op: "exec", sql: [...ddl[variant], ...SEED] });
    expect(r).toEqual({ ok: true });
  });

  it("takes the key SQLite generates, with or without AUTOINCREMENT", async () => {
    const { saved } = await save("Post", { authorId: 2, title: "next" }, {}, 2);
    expect(saved).toEqual({ id: variant === "modern" ? 51 : 3, authorId: 2, title: "next", score: null });
  });

  it("writes a post with five comments in one INSERT each, then reads it back: 3 statements", async () => {
    const comments = [1, 2, 3, 1, 2].map((a, i) => ({ authorId: a, body: `comment ${i}` }));
    const { saved, sent } = await save("Post", { authorId: 3, title: "bench", score: 2, comments }, { comments: {} }, 3);
    expect(sent.sql[1]).toMatch(/^INSERT INTO "Comment" \("postId", "authorId", "body"\) VALUES \(\(SELECT max\("id"\) FROM "Post"\), \?1, \?2\), /);
    expect(saved.comments.map((c: Row) => [c.postId, c.authorId, c.body])).toEqual(comments.map((c) => [saved.id, c.authorId, c.body]));
    expect(await query(`SELECT "authorId", "body" FROM "Comment" WHERE "postId" = ?1 ORDER BY "id"`, [saved.id])).toEqual(comments);
  });

  it("links several new parents to their children, three levels deep: one INSERT per level", async () => {
    const value = {
      name: "dan",
      posts: [
        { title: "p1", comments: [{ authorId: 1, body: "p1 a" }, { authorId: 2, body: "p1 b" }] },
        { title: "p2", comments: [{ authorId: 3, body: "p2 a" }] },
        { title: "p3" },
      ],
    };
    const { saved } = await save("User", value, { posts: { comments: {} } }, 4);
    const posts = await query(`SELECT "id", "title" FROM "Post" WHERE "authorId" = ?1 ORDER BY "id"`, [saved.id]);
    expect(posts.map((p) => p.title)).toEqual(["p1", "p2", "p3"]);
    for (const [i, p] of posts.entries()) {
      const bodies = (await query(`SELECT "body" FROM "Comment" WHERE "postId" = ?1 ORDER BY "id"`, [p.id])).map((c) => c.body);
      expect(bodies).toEqual((value.posts[i]!.comments ?? []).map((c) => c.body));
    }
    expect(saved.posts.map((p: Row) => [p.title, p.comments.length])).toEqual([["p1", 2], ["p2", 1], ["p3", 0]]);
  });

  it("writes replies to new comments of the same table one per statement", async () => {
    const value = {
      postId: 1,
      authorId: 1,
      body: "root",
      replies: [
        { postId: 1, authorId: 2, body: "r1", replies: [{ postId: 1, authorId: 3, body: "r1.1" }] },
        { postId: 1, authorId: 3, body: "r2" },
      ],
    };
    // root; r1 and r2, each naming root's key in a statement to its own table; r1.1; the read-back.
    const { saved } = await save("Comment", value, { replies: { replies: {} } }, 5);
    const rows = await query(`SELECT "id", "parentId", "body" FROM "Comment" WHERE "id" >= ?1 ORDER BY "id"`, [saved.id]);
    const id = (body: string) => rows.find((r) => r.body === body)!.id;
    expect(rows.map((r) => [r.body, r.parentId])).toEqual([
      ["root", null],
      ["r1", id("root")],
      ["r2", id("root")],
      ["r1.1", id("r1")],
    ]);
    expect(saved.replies.map((r: Row) => [r.body, r.replies.map((x: Row) => x.body)])).toEqual([["r1", ["r1.1"]], ["r2", []]]);
  });

  it("names a generated key past rows upserted later with keys of their own", async () => {
    const value = {
      postId: 1,
      authorId: 1,
      body: "parent",
      replies: [
        { id: 7000, postId: 1, authorId: 2, body: "explicit" },
        { postId: 1, authorId: 3, body: "generated" },
      ],
    };
    const { saved, sent } = await save("Comment", value, { replies: {} }, 4);
    expect(sent.sql[3]).toContain(`WHERE "id" NOT IN (7000) ORDER BY "id" DESC LIMIT 1 OFFSET 1)`);
    expect(saved.body).toBe("parent");
    expect(saved.replies.map((r: Row) => [r.body, r.parentId])).toEqual([
      ["explicit", saved.id],
      ["generated", saved.id],
    ]);
    expect(saved.replies[0].id).toBe(7000);
    expect(saved.replies[1].id).toBe(7001);
  });

  it("takes composite keys from the parent and client-supplied keys as given", async () => {
    const value = {
      authorId: 1,
      title: "tagged",
      revisions: [
        { n: 1, text: "draft" },
        { n: 2, text: "final" },
      ],
      taggings: [{ tag: { name: "go" } }, { tag: { name: "sql", color: "red" } }],
    };
    // Tags: "go" is only named (DO NOTHING), "sql" upserted; the post; the revisions; the taggings; the read-back.
    const { saved } = await save("Post", value, { revisions: {}, taggings: { tag: {} } }, 6);
    expect(await query(`SELECT "n", "text" FROM "Revision" WHERE "postId" = ?1 ORDER BY "n"`, [saved.id])).toEqual([
      { n: 1, text: "draft" },
      { n: 2, text: "final" },
    ]);
    expect(await query(`SELECT "name", "color" FROM "Tag" ORDER BY "name"`)).toEqual([
      { name: "go", color: "blue" },
      { name: "sql", color: "red" },
    ]);
    expect(saved.taggings.map((t: Row) => [t.postId, t.tag.name])).toEqual([
      [saved.id, "go"],
      [saved.id, "sql"],
    ]);
  });

  it("updates what is sent and inserts what is new, leaving other fields as they are", async () => {
    const value = { id: 1, title: "renamed", comments: [{ id: 1, body: "edited" }, { authorId: 3, body: "added" }] };
    const { saved } = await save("Post", value, { comments: {} }, 4);
    expect(saved).toMatchObject({ id: 1, authorId: 1, title: "renamed", score: 7 });
    expect(await query(`SELECT "id", "authorId", "body" FROM "Comment" WHERE "postId" = 1 AND "body" IN ('edited', 'added') ORDER BY "id"`)).toEqual([
      { id: 1, authorId: 2, body: "edited" },
      { id: expect.any(Number), authorId: 3, body: "added" },
    ]);
  });

  it("answers 404 for an update that finds no row", async () => {
    const r = await send(target, { op: "save", schema, model: "Post", value: { id: 9999, title: "nobody" } });
    expect(r).toMatchObject({ status: 404 });
  });

  it("inserts the object a one-to-one optional foreign key points at first", async () => {
    const { saved } = await save("User", { name: "eve", profile: { bio: "hello" } }, { profile: {} }, 3);
    expect(saved.profile.bio).toBe("hello");
    expect(saved.profileId).toBe(saved.profile.id);
    expect(await query(`SELECT "bio" FROM "Profile" WHERE "id" = ?1`, [saved.profileId])).toEqual([{ bio: "hello" }]);
  });

  it("writes KV fields under generated keys: the root's from the read-back, the others' from one SELECT", async () => {
    const root = await save("Comment", { postId: 2, authorId: 1, body: "noted", note: "root note" }, {}, 2);
    expect((await send(target, { op: "kv", key: `notes/${root.saved.id}` })).value).toBe("root note");
    const comments = [
      { authorId: 1, body: "x", note: "note x" },
      { authorId: 2, body: "y", note: "note y" },
    ];
    const { saved, sent } = await save("Post", { authorId: 1, title: "kv", comments }, { comments: {} }, 4);
    expect(sent.sql[2]).toBe(`SELECT (SELECT max("id") - 1 FROM "Comment") AS "k0", (SELECT max("id") FROM "Comment") AS "k1"`);
    for (const c of saved.comments) {
      expect((await send(target, { op: "kv", key: `notes/${c.id}` })).value).toBe(`note ${c.body}`);
    }
  });

  it("binds 100 values and inlines the rest, in one statement", async () => {
    const comments = Array.from({ length: 60 }, (_, i) => ({ authorId: 1 + (i % 3), body: i === 59 ? "it's the last" : `bulk ${i}` }));
    const { saved, sent } = await save("Post", { authorId: 2, title: "bulk", comments }, {}, 3);
    expect(sent.sql[1]).toContain(`'it''s the last'`);
    const rows = await query(`SELECT "authorId", "body" FROM "Comment" WHERE "postId" = ?1 ORDER BY "id"`, [saved.id]);
    expect(rows).toEqual(comments);
  });

  it("links every row of random graphs to the rows it belongs to", async () => {
    // Users own posts, posts have comments, comments replies (the same
    // table) and new or existing authors. Each object is new with a
    // generated key, new under a key of its own (an upsert past the
    // table's largest key), or, for posts, an existing row updated. Every
    // object carries a unique text to find its row by. A row under a key
    // of its own that follows a new row of its table with a generated key
    // is written after it, and so takes keys counting down from far above
    // the ones the table generates (the keys next up are not its to take).
    let seed = 17;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const pick = <T>(...xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    let next = 0;
    const mark = (what: string) => `${what} ${variant} ${++next}`;
    let explicitKey = 20_000;
    let farKey = 900_000;
    for (let graph = 0; graph < 20; graph++) {
      // New rows' own keys start right above the largest: the keys the tables generate next.
      const [{ top }] = await query(`SELECT max((SELECT max("id") FROM "Post"), (SELECT max("id") FROM "Comment")) AS "top"`);
      explicitKey = Math.max(explicitKey, top);
      const user: Row = { name: mark("user") };
      const author = (): Row | number => pick<Row | number>(1, 2, { name: mark("author") });
      const existing = [1, 2]; // each updated by one post of a graph at most
      user.posts = Array.from({ length: Math.floor(random() * 4) }, () => {
        const how = pick("generated", "explicit", "update");
        const post: Row = { title: mark("post") };
        if (how === "explicit") post.id = ++explicitKey;
        if (how === "update") post.id = existing.splice(Math.floor(random() * existing.length), 1)[0] ?? ++explicitKey;
        const known = how !== "generated";
        const comment = (depth: number, belowGenerated: boolean): Row => {
          const c: Row = { body: mark("comment") };
          if (pick(true, false)) c.id = belowGenerated ? --farKey : ++explicitKey;
          const a = author();
          if (typeof a === "number") c.authorId = a;
          else c.author = a;
          if (known && depth < 2) {
            c.replies = Array.from({ length: Math.floor(random() * 3) }, () => ({ ...comment(depth + 1, belowGenerated || c.id === undefined), postId: post.id }));
          }
          return c;
        };
        post.comments = Array.from({ length: Math.floor(random() * 4) }, () => comment(0, false));
        return post;
      });
      const r = await send(target, { op: "save", schema, model: "User", value: user });
      expect(r, r.message).toMatchObject({ status: 200 });
      expect(r.sent.batches).toBe(1);
      const row = async (table: string, column: string, marker: string) => {
        const rows = await query(`SELECT * FROM "${table}" WHERE "${column}" = ?1`, [marker]);
        expect(rows, `${table} ${marker}`).toHaveLength(1);
        return rows[0]!;
      };
      const u = await row("User", "name", user.name);
      expect(u.id).toBe(r.saved.id);
      for (const post of user.posts as Row[]) {
        const p = await row("Post", "title", post.title);
        expect(p.authorId).toBe(u.id);
        if (post.id !== undefined) expect(p.id).toBe(post.id);
        const check = async (c: Row, parentId: number | null) => {
          const got = await row("Comment", "body", c.body);
          if (c.id !== undefined) expect(got.id).toBe(c.id);
          expect([got.postId, got.parentId]).toEqual([p.id, parentId]);
          expect(got.authorId).toBe(c.author ? (await row("User", "name", c.author.name)).id : c.authorId);
          for (const reply of c.replies ?? []) await check(reply, got.id);
        };
        for (const c of post.comments) await check(c, null);
      }
    }
  });

  it.each([
    ["a long value", "é".repeat(2000)],
    ["a value holding a NUL", "before\0after"],
  ])("starts a new statement rather than inline %s", async (_, odd) => {
    const comments = Array.from({ length: 60 }, (_, i) => ({ authorId: 1, body: i === 55 ? odd : `row ${i}` }));
    const { saved } = await save("Post", { authorId: 2, title: "long", comments }, {}, 4);
    const rows = await query(`SELECT "body" FROM "Comment" WHERE "postId" = ?1 ORDER BY "id"`, [saved.id]);
    expect(rows.map((r) => r.body)).toEqual(comments.map((c) => c.body));
  });
});
