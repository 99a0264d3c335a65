// The request benchmark: the Cloesce worker, a hand-written one and Hono +
// Drizzle over the same schema (app/schema.clo) and the same seeded D1
// rows, served side by side by one `wrangler dev` (workers/all.ts) and
// loaded by autocannon on loopback, one worker at a time.

import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import autocannon from "autocannon";
import { dryRunBundle, repo, runWrangler, startDev } from "./dev.mjs";

export const WORKERS = ["cloesce", "hand", "hono"];
export const LABELS = { cloesce: "cloesce", hand: "hand-written", hono: "hono-drizzle" };

const USERS = 200;
const POSTS = 200;
const COMMENTS_PER_POST = 5;
// Each topic has 60 replies, 60 votes and 60 flags, and 180 events.
const TOPICS = 10;
const SIBLING_CHILDREN = 60;
const SINGLE_CHILDREN = 180;

const json = { "content-type": "application/json" };
const savedPost = {
  model: {
    authorId: 3,
    title: "Benchmarks",
    body: "A post saved with five comments in one request.",
    score: 2,
    published: true,
    comments: Array.from({ length: 5 }, (_, i) => ({ authorId: i + 1, body: `comment ${i + 1} on the new post`, score: i })),
  },
};

/** The operations, as autocannon requests. */
export const OPS = {
  "get include": { method: "GET", path: "/Post/$get?id=42" },
  list: { method: "GET", path: "/User/$list?limit=100" },
  save: { method: "POST", path: "/Post/$save", headers: json, body: JSON.stringify(savedPost) },
  method: { method: "POST", path: "/Post/42/rate", headers: json, body: JSON.stringify({ stars: 4, reason: "well argued" }) },
  // A topic with three sibling collections of 60 children, then one with a collection of 180.
  "get 3x60": { method: "GET", path: "/Topic/$get_Siblings?id=7" },
  "get 1x180": { method: "GET", path: "/Topic/$get_Single?id=7" },
};

/** A request each worker must refuse alike: the method's validation. */
const INVALID = { method: "POST", path: "/Post/42/rate", headers: json, body: JSON.stringify({ stars: 9, reason: "no" }) };

function quote(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Deterministic rows: users, posts and five comments on each post. */
function seedSql() {
  const rows = (table, cols, values) => `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES\n${values.map((v) => `(${v.join(", ")})`).join(",\n")};\n`;
  const users = Array.from({ length: USERS }, (_, i) => [i + 1, quote(`user${i + 1}`), quote(`user${i + 1}@example.com`), quote(`Writes about topic ${i % 17}.`), (i * 37) % 1000, i % 3 === 0 ? 0 : 1]);
  const posts = Array.from({ length: POSTS }, (_, i) => [i + 1, (i % USERS) + 1, quote(`Post number ${i + 1}`), quote(`Body of post ${i + 1}. `.repeat(8)), i % 50, i % 4 === 0 ? 0 : 1]);
  const comments = [];
  for (let p = 0; p < POSTS; p++) {
    for (let j = 0; j < COMMENTS_PER_POST; j++) {
      const id = p * COMMENTS_PER_POST + j + 1;
      comments.push([id, p + 1, ((p * 7 + j * 13) % USERS) + 1, quote(`Comment ${id}: I agree with point ${j}.`), (id * 11) % 20]);
    }
  }
  const topics = Array.from({ length: TOPICS }, (_, i) => [i + 1, quote(`Topic ${i + 1}`)]);
  const children = (table, per) =>
    Array.from({ length: TOPICS * per }, (_, i) => [i + 1, (i % TOPICS) + 1, quote(`${table} ${i + 1} on topic ${(i % TOPICS) + 1}`), (i * 7) % 13]);
  return (
    rows("User", ["id", "name", "email", "bio", "karma", "active"], users) +
    rows("Post", ["id", "authorId", "title", "body", "score", "published"], posts) +
    rows("Comment", ["id", "postId", "authorId", "body", "score"], comments) +
    rows("Topic", ["id", "title"], topics) +
    ["Reply", "Vote", "Flag"].map((t) => rows(t, ["id", "topicId", "body", "score"], children(t, SIBLING_CHILDREN))).join("") +
    rows("Event", ["id", "topicId", "body", "score"], children("Event", SINGLE_CHILDREN))
  );
}

/**
 * Prepares the working directory: the schema compiled by bin/cloesce, its
 * migration written by `cloesce migrate`, the three workers and their
 * wrangler configs, everything type-checked under tsc --strict, and a D1
 * state with the migration applied and the rows seeded, copied for each run.
 */
export function prepare(work) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(repo, "bench/app/schema.clo"), join(work, "schema.clo"));
  for (const f of readdirSync(join(repo, "bench/workers"))) cpSync(join(repo, "bench/workers", f), join(work, f));
  const bin = join(repo, "bin/cloesce");
  execFileSync(bin, ["compile", work], { stdio: "pipe" });
  execFileSync(bin, ["migrate", "--all", "--dir", work, "init"], { stdio: "pipe" });
  const config = (name, main) =>
    writeFileSync(
      join(work, `wrangler.${name}.toml`),
      [`name = "bench-${name}"`, `main = "${main}"`, 'compatibility_date = "2026-04-01"', "", "[[d1_databases]]", 'binding = "db"', 'database_name = "db"',
        'database_id = "bench-db"', 'migrations_dir = "migrations/db"', ""].join("\n"),
    );
  for (const w of [...WORKERS, "all"]) config(w, `${w}.ts`);
  typecheck(work);
  // What the dev server runs: all three, bundled once (not minified, as wrangler dev would).
  dryRunBundle(work, "wrangler.all.toml", "serve", false);
  config("serve", "serve/all.js");
  writeFileSync(join(work, "seed.sql"), seedSql());
  runWrangler(work, ["d1", "migrations", "apply", "db", "--local", "--persist-to", "state-seed", "-c", "wrangler.hand.toml"]);
  runWrangler(work, ["d1", "execute", "db", "--local", "--persist-to", "state-seed", "-c", "wrangler.hand.toml", "--file", "seed.sql"]);
}

function typecheck(work) {
  const config = {
    compilerOptions: {
      strict: true, noEmit: true, target: "ES2022", module: "ES2022", moduleResolution: "bundler", resolveJsonModule: true,
      skipLibCheck: true, noUnusedLocals: true, lib: ["ES2022"], types: [join(repo, "node_modules/@cloudflare/workers-types")],
    },
    include: ["*.ts", ".cloesce/backend.ts"],
  };
  writeFileSync(join(work, "tsconfig.json"), JSON.stringify(config));
  try {
    execFileSync(join(repo, "node_modules/.bin/tsc"), ["-p", work], { stdio: "pipe" });
  } catch (e) {
    throw new Error(`the benchmark workers do not type-check:\n${e.stdout ?? e}`);
  }
}

let runs = 0;

/** Serves the three workers (workers/all.ts) on a fresh copy of the seeded state; returns the dev server. */
async function serve(work, vars) {
  const state = `state-${++runs}`;
  cpSync(join(work, "state-seed"), join(work, state), { recursive: true });
  return startDev(work, "wrangler.serve.toml", state, vars);
}

async function send(url, op) {
  const res = await fetch(url + op.path, { method: op.method, headers: op.headers, body: op.body });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** JSON with object keys sorted, so that key order does not count as a difference. */
function canonical(text) {
  const sort = (v) => (Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v);
  return JSON.stringify(sort(JSON.parse(text)));
}

/**
 * The counting pass: each worker with COUNT_D1 set answers each operation
 * once; returns D1 statements and batch() calls per operation and worker,
 * and checks that the three workers give the same JSON for every operation
 * and refuse the same invalid request.
 */
export async function countAndCompare(work) {
  const counts = {};
  const bodies = {};
  const dev = await serve(work, { COUNT_D1: "1" });
  try {
    for (const w of WORKERS) {
      counts[w] = {};
      bodies[w] = {};
      for (const [name, op] of Object.entries(OPS)) {
        const r = await send(`${dev.url}/${w}`, op);
        if (r.status !== 200) throw new Error(`${w} ${name}: status ${r.status}: ${r.body}`);
        counts[w][name] = {
          statements: Number(r.headers.get("x-d1-statements")),
          batches: Number(r.headers.get("x-d1-batches")),
          rowsRead: Number(r.headers.get("x-d1-rows-read")),
        };
        // Each worker's save inserts the next post: compare without its generated keys.
        bodies[w][name] = canonical(name === "save" ? withoutKeys(r.body) : r.body);
      }
      const bad = await send(`${dev.url}/${w}`, INVALID);
      if (bad.status !== 400) throw new Error(`${w} accepted an invalid rate: status ${bad.status}`);
    }
  } finally {
    await dev.stop();
  }
  for (const name of Object.keys(OPS)) {
    for (const w of WORKERS.slice(1)) {
      if (bodies[w][name] !== bodies.cloesce[name]) {
        throw new Error(`${name}: ${w} answers differently from cloesce:\n  cloesce: ${bodies.cloesce[name].slice(0, 600)}\n  ${w}: ${bodies[w][name].slice(0, 600)}`);
      }
    }
  }
  return counts;
}

/** A saved post's JSON without its generated keys, after checking that they link the comments to the post. */
function withoutKeys(text) {
  const { id, comments, ...post } = JSON.parse(text);
  if (!Number.isInteger(id) || comments.some((c) => c.postId !== id || !Number.isInteger(c.id))) throw new Error(`the saved post's keys do not link up: ${text}`);
  return JSON.stringify({ ...post, comments: comments.map(({ id: _, postId: __, ...c }) => c) });
}

/** Loads url with op for duration seconds; returns autocannon's result and the count of each response status. */
async function cannon(url, op, duration, connections) {
  const statuses = {};
  const run = autocannon({ url: url + op.path, method: op.method, headers: op.headers, body: op.body, duration, connections });
  run.on("response", (_client, status) => (statuses[status] = (statuses[status] ?? 0) + 1));
  return { result: await run, statuses };
}

/** wrangler's log without the harmless Request.cf warnings of an offline machine. */
function quiet(log) {
  return log
    .split("\n")
    .filter((l) => !/Request\.cf|getaddrinfo|GetAddrInfoReqWrap|callbackTrampoline/.test(l))
    .join("\n");
}

/**
 * The timed runs, all on one dev server: a warm-up of every worker and
 * operation, then rounds in which each operation is loaded for `duration`
 * seconds on each worker in turn, the order rotating every round so that
 * no worker always follows another. Returns every run's requests/s and
 * latency percentiles.
 */
export async function load(work, { rounds, duration, warmup, connections, log }) {
  const samples = [];
  const dev = await serve(work);
  try {
    for (const w of WORKERS) for (const op of Object.values(OPS)) await cannon(`${dev.url}/${w}`, op, warmup, connections);
    for (let round = 0; round < rounds; round++) {
      const order = WORKERS.map((_, i) => WORKERS[(i + round) % WORKERS.length]);
      for (const [name, op] of Object.entries(OPS)) {
        for (const w of order) {
          const { result: r, statuses } = await cannon(`${dev.url}/${w}`, op, duration, connections);
          const failed = r.errors + r.non2xx;
          const s = { round: round + 1, worker: w, op: name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, failed, statuses };
          samples.push(s);
          log(`  round ${s.round} ${name.padEnd(11)} ${LABELS[w].padEnd(12)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms`);
          if (failed > 0) {
            // A few failures under overload are reported; more void the run.
            log(`    ${failed} failed (statuses ${JSON.stringify(statuses)}, ${r.errors} connection errors); wrangler's log:\n${quiet(dev.log()).slice(-1500)}`);
            if (failed > 0.01 * r.requests.total) throw new Error(`${w} ${name}: ${failed} of ${r.requests.total} requests failed`);
          }
        }
      }
    }
  } finally {
    await dev.stop();
  }
  return samples;
}
