// The runtime end to end on Miniflare (workerd with local D1, KV, R2 and a
// SQLite Durable Object): routing, validation, CRUD with nested saves,
// hydration of KV and R2 fields, streams, injection and forwarding.

import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "./support/app.js";

let mf: Miniflare;
const base = "http://localhost:8787";

beforeAll(async () => {
  mf = await startApp();
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body);
    if (!(body instanceof Uint8Array)) (init.headers as Record<string, string>)["Content-Type"] = "application/json";
  }
  const res = await mf.dispatchFetch(base + path, init as never);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as any };
}

describe("CRUD on D1", () => {
  it("saves a nested graph in one call and reads it back", async () => {
    const saved = await call("POST", "/User/$save", {
      model: {
        name: "Ada",
        active: true,
        born: "1815-12-10T00:00:00.000Z",
        photo: "AQID",
        posts: [
          { title: "First", tags: ["a"] },
          { title: "Second", tags: { deep: [1, 2] } },
        ],
        prefs: { raw: { theme: "dark", size: 3 }, metadata: { v: 1 } },
      },
    });
    expect(saved.status).toBe(200);
    const user = saved.json;
    expect(user.id).toBeGreaterThan(0);
    expect(user).toMatchObject({ name: "Ada", active: true, born: "1815-12-10T00:00:00.000Z", photo: "AQID" });
    expect(user.posts.map((p: any) => p.title)).toEqual(["First", "Second"]);
    expect(user.posts.every((p: any) => p.authorId === user.id)).toBe(true);
    expect(user.posts[1].tags).toEqual({ deep: [1, 2] });
    expect(user.prefs).toEqual({ raw: { theme: "dark", size: 3 }, metadata: { v: 1 } });
    expect(user.avatar).toBeNull();

    const got = await call("GET", `/User/$get?id=${user.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(user);
  });

  it("updates only the fields sent", async () => {
    const { json: u } = await call("POST", "/User/$save", { model: { name: "Bob", active: false, prefs: { raw: { theme: "x", size: 1 } } } });
    const upd = await call("POST", "/User/$save", { model: { id: u.id, name: "Bobby" } });
    expect(upd.status).toBe(200);
    expect(upd.json).toMatchObject({ id: u.id, name: "Bobby", active: false });
    expect(upd.json.prefs.raw).toEqual({ theme: "x", size: 1 });
  });

  it("lists with seek pagination that never cuts children", async () => {
    const ids: number[] = [];
    for (const name of ["Cy", "Di", "Ed"]) {
      const r = await call("POST", "/User/$save", { model: { name, active: true, posts: [{ title: "P1", tags: [] }, { title: "P2", tags: [] }] } });
      ids.push(r.json.id);
    }
    const page1 = await call("GET", "/User/$list?limit=2");
    expect(page1.status).toBe(200);
    expect(page1.json).toHaveLength(2);
    const last = page1.json[1].id;
    const page2 = await call("GET", `/User/$list?limit=100&lastSeen_id=${last}`);
    const all = [...page1.json, ...page2.json].map((u: any) => u.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of ids) expect(all).toContain(id);
    for (const u of page2.json.filter((u: any) => ids.includes(u.id))) expect(u.posts).toHaveLength(2);
  });

  it("answers 404 for a missing object", async () => {
    const r = await call("GET", "/User/$get?id=999999");
    expect(r.status).toBe(404);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  });

  it("rejects a foreign key to a missing row without writing anything", async () => {
    const r = await call("POST", "/Post/$save", { model: { authorId: 424242, title: "Orphan", tags: [] } });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/referenced object does not exist/);
  });
});

describe("validation and HTTP errors", () => {
  it("reports every invalid parameter as problem+json", async () => {
    const r = await call("POST", "/User/$save", { model: { name: "A", active: "yes", born: "yesterday", prefs: { raw: { theme: "t", size: -1 } } } });
    expect(r.status).toBe(400);
    expect(r.headers.get("Content-Type")).toBe("application/problem+json");
    const params = r.json.errors.map((e: any) => e.param).sort();
    expect(params).toEqual(["model.active", "model.born", "model.name", "model.prefs.raw.size"]);
  });

  it("validates query parameters and key segments", async () => {
    expect((await call("GET", "/User/$get?id=0")).status).toBe(400);
    expect((await call("GET", "/User/$get?id=abc")).status).toBe(400);
    expect((await call("GET", "/User/$list?limit=0")).status).toBe(400);
    expect((await call("GET", "/User/-1/greet?punct=!")).status).toBe(400);
  });

  it("answers 405 with Allow for a wrong verb", async () => {
    const r = await call("POST", "/User/$get?id=1", {});
    expect(r.status).toBe(405);
    expect(r.headers.get("Allow")).toBe("GET");
  });

  it("answers 404 for unknown models, methods and key counts", async () => {
    expect((await call("GET", "/Nope/$get")).status).toBe(404);
    expect((await call("GET", "/User/nope")).status).toBe(404);
    expect((await call("GET", "/User/1/2/greet?punct=!")).status).toBe(404);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const r = await call("POST", "/User/stamp", "{not json");
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/not valid JSON/);
  });

  it("answers 413 for an oversized body", async () => {
    const r = await call("POST", "/User/stamp", "x".repeat(17 * 1024 * 1024));
    expect(r.status).toBe(413);
  });
});

describe("methods", () => {
  it("hydrates self and injects variables", async () => {
    const { json: u } = await call("POST", "/User/$save", { model: { name: "Eve", active: true } });
    const r = await call("GET", `/User/${u.id}/greet?punct=!`);
    expect(r.status).toBe(200);
    expect(r.json).toBe("Hello, Eve!");
  });

  it("injects registered custom injectables", async () => {
    const r = await call("POST", "/User/stamp", { n: 7 });
    expect(r.json).toBe("7 at 2026-01-02T03:04:05.000Z");
  });

  it("streams uploads into R2 and back, and hydrates the R2 field", async () => {
    const { json: u } = await call("POST", "/User/$save", { model: { name: "Fay", active: true } });
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const up = await mf.dispatchFetch(`${base}/User/${u.id}/upload`, { method: "PUT", body: bytes, headers: { "Content-Type": "application/octet-stream" } });
    expect(up.status).toBe(200);
    const down = await mf.dispatchFetch(`${base}/User/${u.id}/download`);
    expect(down.status).toBe(200);
    expect(new Uint8Array(await down.arrayBuffer())).toEqual(bytes);
    const got = await call("GET", `/User/$get?id=${u.id}`);
    expect(got.json.avatar).toMatchObject({ key: `avatars/${u.id}.png`, size: bytes.length });
  });
});

describe("Durable Objects", () => {
  it("forwards to the object named by the shard and keeps state per instance", async () => {
    expect((await call("POST", "/Tally/bump", { name: "alpha", by: 2 })).json).toBe(2);
    expect((await call("POST", "/Tally/bump", { name: "alpha", by: 3 })).json).toBe(5);
    expect((await call("POST", "/Tally/bump", { name: "beta", by: 1 })).json).toBe(1);
  });

  it("rejects shard values that fail their validators", async () => {
    const r = await call("POST", "/Tally/bump", { name: "Not/Valid", by: 1 });
    expect(r.status).toBe(400);
  });

  it("saves, gets and lists models stored in the object's SQLite", async () => {
    const saved = await call("POST", "/Tally/$save", { name: "gamma", model: { amount: 10 } });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ name: "gamma", amount: 10 });
    const got = await call("GET", `/Tally/$get?name=gamma&id=${saved.json.id}`);
    expect(got.json).toEqual(saved.json);
    const other = await call("GET", `/Tally/$get?name=delta&id=${saved.json.id}`);
    expect(other.status).toBe(404);
    const list = await call("GET", "/Tally/$list?name=gamma&limit=10");
    expect(list.json).toEqual([saved.json]);
  });

  it("runs the object's hooks in the object, and the Worker's on its answer", async () => {
    const r = await call("POST", "/Tally/bump", { name: "theta", by: 1 }, { "X-Hook": "worker" });
    expect(r.json).toBe(1);
    // workerd gives the Worker the object's response with immutable headers: onResponse gets a copy.
    expect([r.headers.get("X-Served-By"), r.headers.get("X-Hooked")]).toEqual(["Counter", "worker"]);
  });
});

describe("data sources and Worker-served models", () => {
  it("runs a user-written list over the generated SELECT", async () => {
    const a = await call("POST", "/User/$save", { model: { name: "Gus", active: true, posts: [{ title: "G", tags: [] }] } });
    const b = await call("POST", "/User/$save", { model: { name: "Hal", active: true } });
    const r = await call("GET", "/User/$list_Recent?limit=2");
    expect(r.status).toBe(200);
    expect(r.json.map((u: any) => u.id)).toEqual([b.json.id, a.json.id]);
    expect(r.json[1].posts.map((p: any) => p.title)).toEqual(["G"]);
    expect(r.json[1]).not.toHaveProperty("prefs");
  });

  it("leaves a user-written list's query string to it, where the generated list reads filters", async () => {
    const r = await call("GET", "/User/$list_Recent?limit=1&name.eq=x&order=-nope");
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(1);
    const generated = await call("GET", "/User/$list?limit=1&name.eq=x&order=-nope");
    expect(generated.status).toBe(400);
    expect(generated.json.errors.map((e: any) => e.param)).toEqual(["name.eq", "order"]);
  });

  it("answers a user-written get's null with 404", async () => {
    const saved = await call("POST", "/User/$save", { model: { name: "Ida", active: false } });
    const found = await call("GET", "/User/$get_ByName?name=Ida");
    expect(found.status).toBe(200);
    expect(found.json).toEqual({ id: saved.json.id, name: "Ida", active: false, born: null, photo: null });
    const missing = await call("GET", "/User/$get_ByName?name=Nobody");
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toBe("User name=Nobody not found");
  });

  it("saves and gets a model whose only data is in KV, keyed by its route field", async () => {
    const saved = await call("POST", "/Note/$save", { model: { topic: "tea", text: { raw: "green" } } });
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual({ topic: "tea", text: { raw: "green", metadata: null } });
    const got = await call("GET", "/Note/$get?topic=tea");
    expect(got.json).toEqual(saved.json);
  });

  it("refuses key values that would escape their template", async () => {
    for (const topic of ["a/b", "..", ""]) {
      const r = await call("GET", `/Note/$get?topic=${encodeURIComponent(topic)}`);
      expect(r.status, topic).toBe(400);
    }
  });
});

describe("Durable Object storage fields", () => {
  it("saves and hydrates a field kept in the object's own key-value storage", async () => {
    const saved = await call("POST", "/Board/$save", { name: "zeta", model: { total: 41 } });
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual({ name: "zeta", total: 41 });
    expect((await call("POST", "/Tally/bump", { name: "zeta", by: 1 })).json).toBe(42);
    expect((await call("GET", "/Board/$get?name=zeta")).json).toEqual({ name: "zeta", total: 42 });
    expect((await call("GET", "/Board/$get?name=eta")).json).toEqual({ name: "eta", total: null });
  });
});

describe("request bodies on workerd (DESIGN §3.9)", () => {
  async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
    const res = await mf.dispatchFetch(base + path, { method: "POST", body, headers } as never);
    return { status: res.status, type: res.headers.get("Content-Type"), json: (await res.json()) as any };
  }

  it("answers 415 for a body that is not declared JSON, naming the types, and writes nothing", async () => {
    const before = (await call("GET", "/User/$list?limit=1000")).json.length;
    const model = JSON.stringify({ model: { name: "Mallory", active: true } });
    const plain = await post("/User/$save", model, { "Content-Type": "text/plain" });
    expect(plain.status).toBe(415);
    expect(plain.type).toBe("application/problem+json");
    expect(plain.json.detail).toBe("the request body has Content-Type text/plain; send it as application/json (or another +json type)");
    expect((await post("/User/$save", new URLSearchParams({ model: "x" }))).status).toBe(415);
    const none = await post("/User/$save", new TextEncoder().encode(model));
    expect(none.status).toBe(415);
    expect(none.json.detail).toMatch(/^the request body has no Content-Type/);
    expect((await call("GET", "/User/$list?limit=1000")).json.length).toBe(before);
  });

  it("accepts application/json with parameters and +json types", async () => {
    for (const type of ["application/json; charset=utf-8", "application/merge-patch+json"]) {
      const r = await post("/User/stamp", JSON.stringify({ n: 3 }), { "Content-Type": type });
      expect(r.status, type).toBe(200);
      expect(r.json).toBe("3 at 2026-01-02T03:04:05.000Z");
    }
  });

  it("applies the same rules to a method without parameters", async () => {
    expect((await post("/User/ping", "{not json", { "Content-Type": "application/json" })).status).toBe(400);
    expect((await post("/User/ping", "{}", { "Content-Type": "text/plain" })).status).toBe(415);
    expect((await post("/User/ping", "{}", { "Content-Type": "application/json" })).json).toBe("pong");
    expect((await call("POST", "/User/ping", undefined, { "Content-Type": "application/json" })).json).toBe("pong");
    expect((await call("POST", "/User/ping")).status).toBe(415);
  });

  it("refuses before forwarding to a Durable Object", async () => {
    expect((await post("/Tally/bump", JSON.stringify({ name: "iota", by: 5 }), { "Content-Type": "text/plain" })).status).toBe(415);
    expect((await call("POST", "/Tally/bump", { name: "iota", by: 1 })).json).toBe(1);
  });
});

describe("KV fields and list", () => {
  it("hydrates a KV field whose key is absent as null", async () => {
    const { json: u } = await call("POST", "/User/$save", { model: { name: "Kim", active: true } });
    expect(u.prefs).toBeNull();
    expect((await call("GET", `/User/$get?id=${u.id}`)).json.prefs).toBeNull();
    expect((await call("GET", "/Note/$get?topic=never-written")).json).toEqual({ topic: "never-written", text: null });
    // A key holding JSON null exists: its value is null.
    await (await mf.getKVNamespace("Store")).put("notes/nothing", "null");
    expect((await call("GET", "/Note/$get?topic=nothing")).json).toEqual({ topic: "nothing", text: { raw: null, metadata: null } });
  });

  it("lists a template's keys under the prefix its leading parameters fix", async () => {
    const kv = await mf.getKVNamespace("Store");
    for (const key of ["tags/a/x", "tags/a/y", "tags/ab/z", "tags/b/w"]) await kv.put(key, '"t"');
    expect((await call("GET", "/User/tagKeys?owner=a")).json).toEqual(["tags/a/x", "tags/a/y"]);
    expect((await call("GET", "/User/tagKeys?owner=ab")).json).toEqual(["tags/ab/z"]);
    expect((await call("GET", "/User/tagKeys")).json).toEqual(["tags/a/x", "tags/a/y", "tags/ab/z", "tags/b/w"]);
    const escape = await call("GET", `/User/tagKeys?owner=${encodeURIComponent("a/..")}`);
    expect(escape.status).toBe(400);
    expect(escape.json.errors).toEqual([{ param: "owner", message: expect.stringMatching(/^owner cannot be "a\/\.\." in a key/) }]);
  });
});
