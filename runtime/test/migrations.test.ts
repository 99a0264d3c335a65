// applyDurableMigrations in a real SQLite-backed Durable Object on
// Miniflare: order, exactly-once across calls and restarts, rollback and
// retry of a failing migration; and the modules `cloesce migrate` wrote for
// the Durable Object scenario, applied with their data in place. Each
// migration applied with rows in place gets the check `cloesce migrate
// verify` makes of D1 migrations (see verify below).

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "./support/app.js";

const runtime = resolve(__dirname, "..");
const scenario = resolve(runtime, "../internal/migrate/testdata/scenarios/17_durable_object.txtar");

/** The entries of a txtar archive, by name. */
function txtar(text: string): Map<string, string> {
  const files = new Map<string, string>();
  let name: string | undefined;
  for (const line of text.split("\n")) {
    const m = /^-- (.+) --$/.exec(line);
    if (m) {
      name = m[1]!;
      files.set(name, "");
    } else if (name !== undefined) {
      files.set(name, files.get(name)! + line + "\n");
    }
  }
  return files;
}

const entries = txtar(readFileSync(scenario, "utf8"));
const generated = [...entries.keys()].filter((n) => /^\d+\.ts$/.test(n)).sort();

// The worker: a Durable Object that applies the migrations a request
// describes (each statement run by up), or the first n generated modules,
// and runs SQL for the checks. Errors come back as 500 with the message.
const worker = `
import { DurableObject } from "cloudflare:workers";
import { applyDurableMigrations } from "cloesce";
${generated.map((n, i) => `import g${i} from "./${n}";`).join("\n")}
const generated = [${generated.map((_, i) => `g${i}`).join(", ")}];

export class Db extends DurableObject {
  async fetch(req) {
    const body = await req.json();
    const sql = this.ctx.storage.sql;
    try {
      if (body.specs) {
        applyDurableMigrations(this.ctx.storage, body.specs.map((s) => ({
          id: s.id, timestamp: s.timestamp, name: s.id,
          up: (q) => { for (const stmt of s.statements) q.exec(stmt); },
        })));
        return Response.json({ ok: true });
      }
      if (body.generated !== undefined) {
        applyDurableMigrations(this.ctx.storage, generated.slice(0, body.generated));
        return Response.json({ ok: true });
      }
      return Response.json({ rows: sql.exec(body.sql).raw().toArray() });
    } catch (err) {
      return Response.json({ error: err.message }, { status: 500 });
    }
  }
}

export default {
  fetch(req, env) {
    const name = new URL(req.url).searchParams.get("object") ?? "a";
    return env.DB.get(env.DB.idFromName(name)).fetch(req);
  },
};
`;

/** Generous: each test starts workerd, some twice, on a busy 2-core machine. */
const TIMEOUT = 60_000;

let script: string;
let persist: string;
let mf: Miniflare | undefined;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "cloesce-migrations-"));
  for (const n of generated) writeFileSync(join(dir, n), entries.get(n)!);
  writeFileSync(join(dir, "worker.js"), worker);
  script = await bundle(join(dir, "worker.js"), join(runtime, "src", "migrations.ts"));
}, 60_000);

/** Starts (or restarts) workerd, keeping Durable Object storage in persist. */
async function start(): Promise<void> {
  await mf?.dispose();
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2026-04-01",
    durableObjects: { DB: { className: "Db", useSQLite: true } },
    durableObjectsPersist: persist,
  });
}

afterEach(async () => {
  await mf?.dispose();
  mf = undefined;
});

async function send(object: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await mf!.dispatchFetch(`http://localhost/?object=${object}`, { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function rows(object: string, sql: string): Promise<unknown[][]> {
  const res = await send(object, { sql });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.rows;
}

/** A migration that creates its own table and appends its id to "log". */
function spec(id: string, timestamp: number, extra: string[] = []) {
  return {
    id,
    timestamp,
    statements: [
      `CREATE TABLE IF NOT EXISTS "log" ("n" INTEGER PRIMARY KEY, "id" TEXT NOT NULL)`,
      `CREATE TABLE "t_${id}" ("x" INTEGER)`,
      `INSERT INTO "log" ("id") VALUES ('${id}')`,
      ...extra,
    ],
  };
}

/** Rows per table, as `cloesce migrate verify` counts them: not SQLite's, workerd's (_cf_...) or the record of applied migrations. */
async function counts(object: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const names = await rows(
    object,
    `SELECT "name" FROM sqlite_master WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND "name" NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND "name" <> '_cloesce_migrations' ORDER BY "name"`,
  );
  for (const [name] of names) {
    const [[n]] = (await rows(object, `SELECT count(*) FROM "${String(name).replaceAll('"', '""')}"`)) as [[number]];
    out.set(String(name), n);
  }
  return out;
}

const quoted = String.raw`"((?:[^"]|"")+)"`;
const unquote = (s: string) => s.replaceAll('""', '"');

/**
 * The check `cloesce migrate verify` makes of a D1 migration, made of a
 * Durable Object's once applied (the runner does not check): every table
 * of before keeps its rows, followed through the module's ALTER TABLE ...
 * RENAME TO, unless a DATA LOSS line of the module declares the loss; and
 * the storage passes PRAGMA quick_check (a Durable Object may not run
 * integrity_check) and foreign_key_check. Returns what is wrong.
 */
async function verify(object: string, before: Map<string, number>, module: string): Promise<string[]> {
  const after = await counts(object);
  const renames = [...module.matchAll(new RegExp(`ALTER TABLE ${quoted} RENAME TO ${quoted}`, "g"))].map((m) => [unquote(m[1]!), unquote(m[2]!)]);
  const declared = [...module.matchAll(new RegExp(`(?:--|//) DATA LOSS: (?:every row|rows) of table ${quoted}`, "g"))].map((m) => unquote(m[1]!));
  const problems: string[] = [];
  for (const [table, n] of before) {
    let now = table;
    for (const [from, to] of renames) if (from === now) now = to!;
    const left = after.get(now);
    if ((left ?? 0) >= n || declared.includes(table) || declared.includes(now)) continue;
    problems.push(`"${table}": ${n} rows before, ${left === undefined ? "dropped" : left} after, and no DATA LOSS line declares it`);
  }
  const [[quick]] = (await rows(object, "PRAGMA quick_check")) as [[string]];
  if (quick !== "ok") problems.push(`quick_check: ${quick}`);
  for (const [table, , parent] of await rows(object, "PRAGMA foreign_key_check")) problems.push(`a row of "${table}" references no row of "${parent}"`);
  return problems;
}

/** The module `cloesce migrate` would write for a spec, with its comments. */
const moduleText = (s: { statements: string[]; comments?: string[] }) =>
  [...(s.comments ?? []), ...s.statements.map((stmt) => `sql.exec(\`${stmt}\`);`)].join("\n");

const log = (object: string) => rows(object, `SELECT "id" FROM "log" ORDER BY "n"`).then((r) => r.map((x) => x[0]));
const recorded = (object: string) => rows(object, `SELECT "id" FROM "_cloesce_migrations" ORDER BY "id"`).then((r) => r.map((x) => x[0]));
const tables = (object: string) =>
  rows(object, `SELECT "name" FROM sqlite_master WHERE "type" = 'table' AND "name" NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY "name"`).then((r) =>
    r.map((x) => x[0]),
  );

describe("applyDurableMigrations", () => {
  beforeAll(() => {
    persist = mkdtempSync(join(tmpdir(), "cloesce-do-"));
  });

  it("applies migrations in timestamp order, whatever the list order", async () => {
    await start();
    const list = [spec("3_c", 3), spec("1_a", 1), spec("2_b", 2)];
    expect((await send("order", { specs: list })).status).toBe(200);
    expect(await log("order")).toEqual(["1_a", "2_b", "3_c"]);
    expect(await recorded("order")).toEqual(["1_a", "2_b", "3_c"]);
  }, TIMEOUT);

  it("applies each migration once, across calls and restarts", async () => {
    await start();
    const list = [spec("1_a", 1), spec("2_b", 2)];
    expect((await send("once", { specs: list })).status).toBe(200);
    expect((await send("once", { specs: list })).status).toBe(200);
    expect(await log("once")).toEqual(["1_a", "2_b"]);

    await start(); // a new workerd process on the same storage
    expect(await log("once")).toEqual(["1_a", "2_b"]);
    expect((await send("once", { specs: [...list, spec("3_c", 3)] })).status).toBe(200);
    expect(await log("once")).toEqual(["1_a", "2_b", "3_c"]);
    expect(await recorded("once")).toEqual(["1_a", "2_b", "3_c"]);
  }, TIMEOUT);

  it("rolls a failing migration back entirely and retries it next time", async () => {
    await start();
    const broken = spec("2_b", 2, [`INSERT INTO "missing" VALUES (1)`]);
    const res = await send("fail", { specs: [spec("1_a", 1), broken, spec("3_c", 3)] });
    expect(res.status).toBe(500);
    expect(res.json.error).toContain(`durable migration "2_b" failed and was rolled back`);
    expect(res.json.error).toContain("no such table: missing");
    // 1_a stays; nothing of 2_b (its table, its log row, its record); 3_c waits.
    expect(await log("fail")).toEqual(["1_a"]);
    expect(await recorded("fail")).toEqual(["1_a"]);
    expect(await tables("fail")).toEqual(["_cloesce_migrations", "log", "t_1_a"]);

    await start();
    expect((await send("fail", { specs: [spec("1_a", 1), spec("2_b", 2), spec("3_c", 3)] })).status).toBe(200);
    expect(await log("fail")).toEqual(["1_a", "2_b", "3_c"]);
    expect(await recorded("fail")).toEqual(["1_a", "2_b", "3_c"]);
  }, TIMEOUT);

  it("keeps rows through migrations, losing them only where a DATA LOSS line declares it", async () => {
    await start();
    const seed = {
      id: "1_seed",
      timestamp: 1,
      statements: [
        `CREATE TABLE "Note" ("id" INTEGER PRIMARY KEY, "text" TEXT NOT NULL)`,
        `INSERT INTO "Note" VALUES (1, 'a'), (2, 'b'), (3, 'c')`,
        `CREATE TABLE "Tag" ("id" INTEGER PRIMARY KEY, "noteId" INTEGER NOT NULL REFERENCES "Note" ("id"))`,
        `INSERT INTO "Tag" VALUES (1, 1), (2, 3)`,
      ],
    };
    const keeps = {
      id: "2_keeps",
      timestamp: 2,
      statements: [`ALTER TABLE "Note" ADD COLUMN "pinned" INTEGER NOT NULL DEFAULT 0`, `ALTER TABLE "Tag" RENAME TO "Label"`],
    };
    const declared = {
      id: "3_drop",
      timestamp: 3,
      comments: [`// drop table "Label"`, `// DATA LOSS: every row of table "Label"`],
      statements: [`DROP TABLE "Label"`],
    };
    const undeclared = { id: "4_prune", timestamp: 4, statements: [`DELETE FROM "Note" WHERE "id" > 1`] };
    const applied = [seed];
    expect((await send("rows", { specs: applied })).status).toBe(200);
    const found: string[][] = [];
    for (const m of [keeps, declared, undeclared]) {
      const before = await counts("rows");
      applied.push(m);
      expect((await send("rows", { specs: applied })).status).toBe(200);
      found.push(await verify("rows", before, moduleText(m)));
    }
    expect(found).toEqual([[], [], [`"Note": 3 rows before, 1 after, and no DATA LOSS line declares it`]]);
  }, TIMEOUT);

  it("does nothing for an empty list", async () => {
    await start();
    expect((await send("empty", { specs: [] })).status).toBe(200);
    expect(await tables("empty")).toEqual([]);
  }, TIMEOUT);

  it("refuses a list with a repeated id before applying anything", async () => {
    await start();
    const res = await send("dup", { specs: [spec("1_a", 1), spec("1_a", 2)] });
    expect(res.status).toBe(500);
    expect(res.json.error).toBe(`durable migration "1_a" is listed twice; migration ids must be unique`);
    expect(await tables("dup")).toEqual([]);
  }, TIMEOUT);
});

describe("modules written by cloesce migrate", () => {
  beforeAll(() => {
    persist = mkdtempSync(join(tmpdir(), "cloesce-do-"));
  });

  it("apply in order with the scenario's data in place and give its checked rows", async () => {
    expect(generated).toEqual(["1.ts", "2.ts", "3.ts"]);
    await start();
    // Each step's migration, verified, then its seed, as the Go scenario
    // tests do. Step 3 renames "Order", whose rows follow it.
    for (let n = 1; n <= generated.length; n++) {
      const before = await counts("shop");
      expect((await send("shop", { generated: n })).status).toBe(200);
      expect(await verify("shop", before, entries.get(`${n}.ts`)!), `${n}.ts`).toEqual([]);
      const seed = entries.get(`${n}.seed.sql`);
      if (seed) await rows("shop", seed);
    }
    // Applying them all again changes nothing.
    expect((await send("shop", { generated: generated.length })).status).toBe(200);
    expect(await recorded("shop")).toEqual(["1700000001_step1", "1700000002_step2", "1700000003_step3"]);
    const render = (v: unknown) => (v === null ? "NULL" : String(v));
    for (const block of entries.get("check")!.trim().split("\n\n")) {
      const [query, ...want] = block.split("\n");
      const got = (await rows("shop", query!)).map((r) => r.map(render).join("|"));
      expect(got, query).toEqual(want);
    }
  }, TIMEOUT);
});
