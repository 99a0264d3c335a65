// The hooks fixture end to end: compiled by cloesce, type-checked under
// tsc --strict, served by Miniflare on a local D1; then the same worker's
// models and app used without HTTP, as docs/backend.md's "Testing without
// HTTP" shows: the generated Orm, a method called as a function, and the
// app run on a Request, over Miniflare's bindings from Node.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixture, bundle, migrateD1 } from "./support/app.js";

let mf: Miniflare;
let dir: string;
const base = "http://localhost:8787";

beforeAll(async () => {
  const built = await buildFixture("hooks");
  dir = built.dir;
  mf = new Miniflare({ modules: true, script: built.script, compatibilityDate: "2026-04-01", d1Databases: ["db"], bindings: { GREETING: "Hello" } });
  await migrateD1(mf, dir);
  const db = await mf.getD1Database("db");
  await db.prepare(`INSERT INTO "Account" (token, name) VALUES ('t-ada', 'Ada'), ('t-bob', 'Bob')`).run();
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
});

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  const res = await mf.dispatchFetch(base + path, init as never);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

describe("over HTTP", () => {
  it("runs the first edition's example: a value set in onNamespace, a method blocked in onMethod", async () => {
    expect(await call("GET", "/Foo/hello")).toMatchObject({ status: 200, json: "hello world" });
    expect(await call("GET", "/Foo/blockedMethod")).toMatchObject({ status: 401, json: { detail: "Blocked method" } });
  });

  it("initialises services on D1 per request, answering their 401", async () => {
    const ada = await call("POST", "/Foo/greet", { Authorization: "t-ada", "X-Tenant": "acme" });
    expect(ada).toMatchObject({ status: 200, json: "Hello, Ada of acme (acme)" });
    const bob = await call("POST", "/Foo/greet", { Authorization: "t-bob", "X-Tenant": "zed" });
    expect(bob.json).toBe("Hello, Bob of zed (zed)");
    expect(await call("POST", "/Foo/greet", { Authorization: "nope", "X-Tenant": "acme" })).toMatchObject({ status: 401, json: { detail: "unknown token" } });
    const note = await call("POST", "/Note/write", { Authorization: "t-bob" }, { text: "hi" });
    expect(note).toMatchObject({ status: 200, json: { owner: "Bob", text: "hi" } });
    expect((await call("GET", `/Note/$get?id=${note.json.id}`)).json).toEqual(note.json);
  });

  it("reads header parameters: a POST of headers only needs no body, a missing one is a 400", async () => {
    const missing = await call("POST", "/Foo/greet", { Authorization: "t-ada" });
    expect(missing).toMatchObject({ status: 400, json: { errors: [{ param: "X_Tenant", message: "is required (the X-Tenant header)" }] } });
    expect(await call("GET", "/Foo/echo", { "X-Count": "3" })).toMatchObject({ status: 200, json: "GET /Foo/echo Hello 3" });
    expect((await call("GET", "/Foo/echo", { "X-Count": "three" })).status).toBe(400);
  });

  it("answers CORS preflights, adds CORS headers to every response, and answers errors through onError", async () => {
    const preflight = await call("OPTIONS", "/Foo/greet");
    expect(preflight.status).toBe(204);
    for (const res of [preflight, await call("GET", "/Foo/hello"), await call("GET", "/Nope/x"), await call("GET", "/Foo/crash")]) {
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    }
    const crash = await call("GET", "/Foo/crash");
    expect(crash).toMatchObject({ status: 503, json: { detail: "try again later" } });
    expect(crash.headers.get("X-Failed")).toBe("Foo.crash: a detail for the log");
  });
});

describe("without HTTP", () => {
  /** The fixture's modules, as a test file imports them: the generated backend and the worker's own. */
  let worker: any;
  let env: any;

  beforeAll(async () => {
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, 'export * as clo from "./.cloesce/backend.js";\nexport * from "./main.js";\n');
    writeFileSync(join(dir, "entry.mjs"), await bundle(entry));
    worker = await import(pathToFileURL(join(dir, "entry.mjs")).href);
    env = worker.clo.upgradeEnv({ db: await mf.getD1Database("db"), GREETING: "Hi" });
  });

  it("saves and reads through the generated Orm and data sources", async () => {
    const saved = await worker.clo.Note.Orm.save(env, { owner: "test", text: "from vitest" });
    expect(await worker.clo.Note.GeneratedSource.Default.get(env, saved.id)).toEqual(saved);
    // The worker over HTTP shares the local database.
    expect((await call("GET", `/Note/$get?id=${saved.id}`)).json).toEqual(saved);
  });

  it("calls a method as a function, with an env built by hand", async () => {
    const auth = Object.assign(new worker.Auth(), { name: "Tester" });
    const note = await worker.Note.write({ ...env, Auth: auth }, "direct");
    expect(note).toMatchObject({ owner: "Tester", text: "direct" });
  });

  it("runs the app, hooks and services included, on a Request", async () => {
    const res = await worker.app.run(new Request(`${base}/Foo/greet`, { method: "POST", headers: { Authorization: "t-ada", "X-Tenant": "t" } }), env);
    expect(await res.json()).toBe("Hi, Ada of t (t)");
  });
});
