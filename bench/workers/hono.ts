// The Hono + Drizzle worker: the same endpoints written the idiomatic way
// for that stack — Drizzle's relational queries (`with`) for the include
// tree, a batch for the save, Hono's validator for the method's body.
import { Hono } from "hono";
import { validator } from "hono/validator";
import { asc, eq, gt, relations } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { withCounting } from "./count.js";
import { checkRate, checkSave, invalid, notFound, rating } from "./shared.js";

export const users = sqliteTable("User", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull(),
  bio: text("bio").notNull(),
  karma: integer("karma").notNull(),
  active: integer("active", { mode: "boolean" }).notNull(),
});

export const posts = sqliteTable("Post", {
  id: integer("id").primaryKey(),
  authorId: integer("authorId")
    .notNull()
    .references(() => users.id),
  title: text("title").notNull(),
  body: text("body").notNull(),
  score: integer("score").notNull(),
  published: integer("published", { mode: "boolean" }).notNull(),
});

export const comments = sqliteTable("Comment", {
  id: integer("id").primaryKey(),
  postId: integer("postId")
    .notNull()
    .references(() => posts.id),
  authorId: integer("authorId")
    .notNull()
    .references(() => users.id),
  body: text("body").notNull(),
  score: integer("score").notNull(),
});

export const postsRelations = relations(posts, ({ one, many }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  comments: many(comments),
}));

export const commentsRelations = relations(comments, ({ one }) => ({
  post: one(posts, { fields: [comments.postId], references: [posts.id] }),
  author: one(users, { fields: [comments.authorId], references: [users.id] }),
}));

export const topics = sqliteTable("Topic", {
  id: integer("id").primaryKey(),
  title: text("title").notNull(),
});

/** The children of a topic: Reply, Vote, Flag and Event have the same columns. */
const child = (name: string) =>
  sqliteTable(name, {
    id: integer("id").primaryKey(),
    topicId: integer("topicId")
      .notNull()
      .references(() => topics.id),
    body: text("body").notNull(),
    score: integer("score").notNull(),
  });

export const replies = child("Reply");
export const votes = child("Vote");
export const flags = child("Flag");
export const events = child("Event");

export const topicsRelations = relations(topics, ({ many }) => ({
  replies: many(replies),
  votes: many(votes),
  flags: many(flags),
  events: many(events),
}));

const toTopic = (table: typeof replies) => relations(table, ({ one }) => ({ topic: one(topics, { fields: [table.topicId], references: [topics.id] }) }));
export const repliesRelations = toTopic(replies);
export const votesRelations = toTopic(votes);
export const flagsRelations = toTopic(flags);
export const eventsRelations = toTopic(events);

const schema = {
  users,
  posts,
  comments,
  postsRelations,
  commentsRelations,
  topics,
  replies,
  votes,
  flags,
  events,
  topicsRelations,
  repliesRelations,
  votesRelations,
  flagsRelations,
  eventsRelations,
};

interface Env {
  db: D1Database;
  COUNT_D1?: string;
}

type Db = ReturnType<typeof drizzle<typeof schema>>;

/** The post with its author and its comments with theirs, as the Cloesce worker's Default source loads it. */
const withTree = { author: true, comments: { with: { author: true }, orderBy: asc(comments.id) } } as const;

const findPost = (db: Db, id: number) => db.query.posts.findFirst({ where: eq(posts.id, id), with: withTree });

const app = new Hono<{ Bindings: Env; Variables: { db: Db } }>();

app.use(async (c, next) => {
  c.set("db", drizzle(c.env.db, { schema }));
  await next();
});

app.get("/Post/$get", async (c) => {
  const found = await findPost(c.var.db, Number(c.req.query("id")));
  return found ? c.json(found) : notFound();
});

app.get("/Topic/$get_Siblings", async (c) => {
  const found = await c.var.db.query.topics.findFirst({
    where: eq(topics.id, Number(c.req.query("id"))),
    with: { replies: { orderBy: asc(replies.id) }, votes: { orderBy: asc(votes.id) }, flags: { orderBy: asc(flags.id) } },
  });
  return found ? c.json(found) : notFound();
});

app.get("/Topic/$get_Single", async (c) => {
  const found = await c.var.db.query.topics.findFirst({ where: eq(topics.id, Number(c.req.query("id"))), with: { events: { orderBy: asc(events.id) } } });
  return found ? c.json(found) : notFound();
});

app.get("/User/$list", async (c) => {
  const last = c.req.query("lastSeen_id");
  const rows = await c.var.db
    .select()
    .from(users)
    .where(last === undefined ? undefined : gt(users.id, Number(last)))
    .orderBy(asc(users.id))
    .limit(Number(c.req.query("limit")));
  return c.json(rows);
});

app.post(
  "/Post/$save",
  validator("json", (value) => {
    const p = checkSave(value);
    return Array.isArray(p) ? invalid(p) : p;
  }),
  async (c) => {
    const { comments: children, ...p } = c.req.valid("json");
    const db = c.var.db;
    // D1 has no interactive transactions: insert the post for its key,
    // then its comments and the read-back in one batch.
    const [created] = await db.insert(posts).values(p).returning({ id: posts.id });
    const id = created!.id;
    if (children.length === 0) return c.json(await findPost(db, id));
    const [, saved] = await db.batch([db.insert(comments).values(children.map((ch) => ({ ...ch, postId: id }))), findPost(db, id)]);
    return c.json(saved);
  },
);

app.post(
  "/Post/:id{[0-9]+}/rate",
  validator("json", (value) => {
    const args = checkRate(value);
    return Array.isArray(args) ? invalid(args) : args;
  }),
  async (c) => {
    const found = await findPost(c.var.db, Number(c.req.param("id")));
    return found ? c.json(rating(found, c.req.valid("json").stars)) : notFound();
  },
);

export default { fetch: withCounting<Env>(async (request, env) => app.fetch(request, env)) };
