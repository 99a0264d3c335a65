// The hand-written worker: the same endpoints as the Cloesce worker, each
// issuing the SQL a careful person would write against D1 directly — the
// same single statement for the post's include tree, one batch for the
// save, and for a topic's collections a batch of one statement each.
import { withCounting } from "./count.js";
import { checkRate, checkSave, invalid, notFound, rating, type NewPost } from "./shared.js";

interface Env {
  db: D1Database;
  COUNT_D1?: string;
}

const POST = `SELECT
    "Post"."id" AS "id",
    "Post"."authorId" AS "authorId",
    "Post"."title" AS "title",
    "Post"."body" AS "body",
    "Post"."score" AS "score",
    "Post"."published" AS "published",
    "User_1"."id" AS "author.id",
    "User_1"."name" AS "author.name",
    "User_1"."email" AS "author.email",
    "User_1"."bio" AS "author.bio",
    "User_1"."karma" AS "author.karma",
    "User_1"."active" AS "author.active",
    "Comment_2"."id" AS "comments.id",
    "Comment_2"."postId" AS "comments.postId",
    "Comment_2"."authorId" AS "comments.authorId",
    "Comment_2"."body" AS "comments.body",
    "Comment_2"."score" AS "comments.score",
    "User_3"."id" AS "comments.author.id",
    "User_3"."name" AS "comments.author.name",
    "User_3"."email" AS "comments.author.email",
    "User_3"."bio" AS "comments.author.bio",
    "User_3"."karma" AS "comments.author.karma",
    "User_3"."active" AS "comments.author.active"
FROM "Post"
LEFT JOIN "User" AS "User_1"
    ON "Post"."authorId" = "User_1"."id"
LEFT JOIN "Comment" AS "Comment_2"
    ON "Post"."id" = "Comment_2"."postId"
LEFT JOIN "User" AS "User_3"
    ON "Comment_2"."authorId" = "User_3"."id"`;

const GET_POST = `${POST}
WHERE "Post"."id" = ?1
ORDER BY "User_1"."id", "Comment_2"."id", "User_3"."id"`;

// The batch is one transaction, so the newest post is the one it inserted.
const NEWEST_POST = `(SELECT max("id") FROM "Post")`;

const SAVED_POST = `${POST}
WHERE "Post"."id" = ${NEWEST_POST}
ORDER BY "User_1"."id", "Comment_2"."id", "User_3"."id"`;

const LIST_USERS = `SELECT "id", "name", "email", "bio", "karma", "active" FROM "User"
WHERE ?1 IS NULL OR "id" > ?1
ORDER BY "id"
LIMIT ?2`;

type Row = Record<string, unknown>;

interface User {
  id: number;
  name: string;
  email: string;
  bio: string;
  karma: number;
  active: boolean;
}

function user(r: Row, p: string): User {
  return {
    id: r[`${p}id`] as number,
    name: r[`${p}name`] as string,
    email: r[`${p}email`] as string,
    bio: r[`${p}bio`] as string,
    karma: r[`${p}karma`] as number,
    active: r[`${p}active`] === 1,
  };
}

/** The post of GET_POST's rows, with its author and its comments with theirs; null without rows. */
function post(rows: Row[]) {
  const r = rows[0];
  if (!r) return null;
  const comments = [];
  for (const c of rows) {
    if (c["comments.id"] === null) continue;
    comments.push({
      id: c["comments.id"] as number,
      postId: c["comments.postId"] as number,
      authorId: c["comments.authorId"] as number,
      body: c["comments.body"] as string,
      score: c["comments.score"] as number,
      author: user(c, "comments.author."),
    });
  }
  return {
    id: r.id as number,
    authorId: r.authorId as number,
    title: r.title as string,
    body: r.body as string,
    score: r.score as number,
    published: r.published === 1,
    author: user(r, "author."),
    comments,
  };
}

async function getPost(env: Env, id: number) {
  const { results } = await env.db.prepare(GET_POST).bind(id).all<Row>();
  return post(results);
}

async function savePost(env: Env, p: NewPost) {
  const stmts = [env.db.prepare(`INSERT INTO "Post" ("authorId", "title", "body", "score", "published") VALUES (?1, ?2, ?3, ?4, ?5)`).bind(p.authorId, p.title, p.body, p.score, p.published ? 1 : 0)];
  if (p.comments.length > 0) {
    const values = p.comments.map((_, i) => `(${NEWEST_POST}, ?${3 * i + 1}, ?${3 * i + 2}, ?${3 * i + 3})`);
    const params = p.comments.flatMap((c) => [c.authorId, c.body, c.score]);
    stmts.push(env.db.prepare(`INSERT INTO "Comment" ("postId", "authorId", "body", "score") VALUES ${values.join(", ")}`).bind(...params));
  }
  stmts.push(env.db.prepare(SAVED_POST));
  const results = await env.db.batch<Row>(stmts);
  return post(results[results.length - 1]!.results);
}

/** A topic's children: one statement per collection, in one batch with the topic's (no JOIN multiplies them). */
const TOPIC = `SELECT "id", "title" FROM "Topic" WHERE "id" = ?1`;
const children = (table: string) => `SELECT "id", "topicId", "body", "score" FROM "${table}" WHERE "topicId" = ?1 ORDER BY "id"`;

async function getTopic(env: Env, id: number, collections: Record<string, string>) {
  const names = Object.keys(collections);
  const results = await env.db.batch<Row>([TOPIC, ...names.map((n) => children(collections[n]!))].map((q) => env.db.prepare(q).bind(id)));
  const topic = results[0]!.results[0];
  if (!topic) return null;
  const out: Record<string, unknown> = { id: topic.id, title: topic.title };
  names.forEach((n, i) => (out[n] = results[i + 1]!.results));
  return out;
}

async function handle(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  if (request.method === "GET" && path === "/Post/$get") {
    const found = await getPost(env, Number(url.searchParams.get("id")));
    return found ? Response.json(found) : notFound();
  }
  if (request.method === "GET" && path === "/User/$list") {
    const last = url.searchParams.get("lastSeen_id");
    const { results } = await env.db.prepare(LIST_USERS).bind(last === null ? null : Number(last), Number(url.searchParams.get("limit"))).all<Row>();
    return Response.json(results.map((r) => user(r, "")));
  }
  if (request.method === "GET" && (path === "/Topic/$get_Siblings" || path === "/Topic/$get_Single")) {
    const collections: Record<string, string> = path.endsWith("Siblings") ? { replies: "Reply", votes: "Vote", flags: "Flag" } : { events: "Event" };
    const found = await getTopic(env, Number(url.searchParams.get("id")), collections);
    return found ? Response.json(found) : notFound();
  }
  if (request.method === "POST" && path === "/Post/$save") {
    const p = checkSave(await request.json());
    return Array.isArray(p) ? invalid(p) : Response.json(await savePost(env, p));
  }
  const rate = /^\/Post\/(\d+)\/rate$/.exec(path);
  if (request.method === "POST" && rate) {
    const args = checkRate(await request.json());
    if (Array.isArray(args)) return invalid(args);
    const found = await getPost(env, Number(rate[1]));
    return found ? Response.json(rating(found, args.stars)) : notFound();
  }
  return new Response("not found", { status: 404 });
}

export default { fetch: withCounting<Env>(handle) };
