// Hooks (docs/backend.md, "Hooks, services and testing"): the points of
// the pipeline they run at and in which order, answering at each of them,
// the container they share with methods, and errors, which reach onError
// or become the 500 without details. Run against the router directly.

import { afterEach, describe, expect, it, vi } from "vitest";
import { CloesceApp } from "../src/app.js";
import { injectable, type Di } from "../src/di.js";
import { HttpResult } from "../src/http.js";
import { method, model, schemaOf, userGet } from "./support/schema.js";

const Foo = { Tag: "Foo" };

const schema = schemaOf(
  [
    model(
      "Foo",
      [
        method("hello", "POST", [{ name: "n", type: "int" }], { injected: ["InjectedThing"] }),
        method("blockedMethod", "GET"),
        method("show", "GET", [{ name: "n", type: "int" }], { static: false, source: "Default", injected: ["Svc"] }),
        method("crash", "GET"),
        method("sharded", "GET", [{ name: "name", type: "string" }], { durable: { binding: "Counter", args: ["name"] }, injected: ["Svc"] }),
      ],
      { route_fields: [{ name: "id", type: "int" }], sources: [userGet([{ name: "id", type: "int", instance: true }])] },
    ),
    model("Bar", [method("hi", "GET"), method("unwritten", "GET")]),
  ],
  [
    { name: "InjectedThing", type: { object: "Thing" }, deps: [] },
    { name: "Svc", type: null, deps: [] },
  ],
  { durable: [{ name: "Counter", shard: [{ name: "name", type: "string" }], templates: [] }] },
);
schema.poos.push({ name: "Thing", fields: [{ name: "value", type: "string" }] });

const InjectedThing = injectable<{ value: string }>("InjectedThing");

/** An app logging what runs: hooks log themselves through the returned log, the methods, get and Svc.init here. */
function app() {
  const log: string[] = [];
  const Counter = {
    idFromName: (name: string) => name,
    get: () => ({ fetch: async () => (log.push("object"), Response.redirect("https://example.com/moved", 302)) }),
  };
  const a = new CloesceApp(schema, "https://example.com", { Counter }).register(
    {
      tag: "Foo",
      hello: (env: { InjectedThing: { value: string } }, n: number) => (log.push("hello"), `${env.InjectedThing.value} ${n}`),
      blockedMethod: () => (log.push("blockedMethod"), "ran"),
      show: (self: { id: number }, _env: unknown, n: number) => (log.push("show"), `${self.id} ${n}`),
      crash: () => {
        throw new Error("secret detail");
      },
      Default: { get: (id: number) => (log.push("get"), { id }) },
    },
    { tag: "Bar", hi: () => "hi" },
    {
      tag: "Svc",
      init() {
        log.push("init");
      },
    },
  );
  const run = (path: string, init?: RequestInit) => a.run(new Request(`https://example.com${path}`, init));
  return { app: a, log, run };
}

const post = (body: unknown): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the pipeline", () => {
  /** Registers a logging hook at every point; onNamespace and onMethod for Foo.show. */
  function logged() {
    const t = app();
    const mark = (name: string) => () => void t.log.push(name);
    t.app
      .onRequest(mark("onRequest"))
      .onRoute(mark("onRoute"))
      .onNamespace(Foo, mark("onNamespace"))
      .onMethod(Foo, "show", mark("onMethod"))
      .onResponse((res) => void t.log.push(`onResponse ${res.status}`));
    return t;
  }

  it("runs the hooks, services, validation, hydration and the call in order", async () => {
    const { log, run } = logged();
    const res = await run("/Foo/7/show?n=1");
    expect(await res.json()).toBe("7 1");
    expect(log).toEqual(["onRequest", "onRoute", "init", "onNamespace", "onMethod", "get", "show", "onResponse 200"]);
  });

  it("validates parameters between onNamespace and onMethod", async () => {
    const { log, run } = logged();
    expect((await run("/Foo/7/show?n=x")).status).toBe(400);
    expect(log).toEqual(["onRequest", "onRoute", "init", "onNamespace", "onResponse 400"]);
  });

  it("calls onRoute only for a matched route and verb, and onResponse on every response", async () => {
    const { log, run } = logged();
    expect((await run("/Nope/x")).status).toBe(404);
    expect((await run("/Foo/7/show?n=1", { method: "POST" })).status).toBe(405);
    expect((await run("/Foo/show?n=1")).status).toBe(404);
    expect(log).toEqual(["onRequest", "onResponse 404", "onRequest", "onResponse 405", "onRequest", "onResponse 404"]);
  });

  it("calls many hooks per point in registration order, onNamespace and onMethod only for theirs", async () => {
    const { app: a, log, run } = app();
    for (const n of [1, 2]) {
      a.onRoute(() => void log.push(`route ${n}`));
      a.onNamespace("Foo", () => void log.push(`Foo ${n}`));
      a.onNamespace("Bar", () => void log.push(`Bar ${n}`));
      a.onMethod(Foo, "blockedMethod", () => void log.push(`blockedMethod ${n}`));
    }
    await run("/Foo/7/show?n=1");
    await run("/Bar/hi");
    expect(log).toEqual(["route 1", "route 2", "init", "Foo 1", "Foo 2", "get", "show", "route 1", "route 2", "Bar 1", "Bar 2"]);
  });

  it("names the route in the container from onRoute on", async () => {
    const { app: a, run } = app();
    const seen: unknown[] = [];
    a.onRequest((_req, di) => void seen.push(di.route)).onRoute((di) => void seen.push(di.route));
    await run("/Bar/hi");
    expect(seen).toEqual([undefined, { model: "Bar", method: "hi" }]);
  });

  it("applies to requests run in an environment given to run", async () => {
    const a = new CloesceApp(schema, "https://example.com", undefined).register({ tag: "Bar", hi: () => "hi" });
    a.onResponse((res) => void res.headers.set("X-Hooked", "yes"));
    const res = await a.run(new Request("https://example.com/Bar/hi"), {});
    expect(res.headers.get("X-Hooked")).toBe("yes");
  });

  it("refuses hooks for a model or method the schema does not have", () => {
    const { app: a } = app();
    expect(() => a.onNamespace("Baz", () => {})).toThrow("cloesce: onNamespace: there is no model Baz");
    expect(() => a.onMethod(Foo, "nope", () => {})).toThrow("cloesce: onMethod: Foo has no method nope");
  });
});

describe("a hook answers the request at once", () => {
  const points = {
    onRequest: (a: CloesceApp, h: () => HttpResult | Response) => a.onRequest(h),
    onRoute: (a: CloesceApp, h: () => HttpResult | Response) => a.onRoute(h),
    onNamespace: (a: CloesceApp, h: () => HttpResult | Response) => a.onNamespace(Foo, h),
    onMethod: (a: CloesceApp, h: () => HttpResult | Response) => a.onMethod(Foo, "show", h),
  };
  const ran = { onRequest: [], onRoute: [], onNamespace: ["init"], onMethod: ["init"] };

  it.each(Object.keys(points) as (keyof typeof points)[])("from %s, with an HttpResult or a Response", async (point) => {
    const answers = [
      [() => HttpResult.fail(401, "who are you"), 401, '"detail":"who are you"'],
      [() => new Response("teapot", { status: 418 }), 418, "teapot"],
    ] as const;
    for (const [answer, status, text] of answers) {
      const { app: a, log, run } = app();
      points[point](a, answer);
      points[point](a, () => {
        throw new Error("a later hook ran");
      });
      const res = await run("/Foo/7/show?n=1");
      expect(res.status).toBe(status);
      expect(await res.text()).toContain(text);
      expect(log).toEqual(ran[point]);
    }
  });

  it("as the first edition's example does: a value set in onNamespace, a method blocked in onMethod", async () => {
    const { app: a, log, run } = app();
    a.onNamespace(Foo, (di) => {
      di.set(InjectedThing, { value: "hello world" });
    });
    a.onMethod(Foo, "blockedMethod", (_di) => {
      return HttpResult.fail(401, "Blocked method");
    });
    expect(await (await run("/Foo/hello", post({ n: 3 }))).json()).toBe("hello world 3");
    const blocked = await run("/Foo/blockedMethod");
    expect(blocked.status).toBe(401);
    expect(await blocked.json()).toMatchObject({ status: 401, detail: "Blocked method" });
    expect(log).toEqual(["hello"]);
  });

  it("answers a CORS preflight from onRequest and adds its headers to every response from onResponse", async () => {
    const { app: a, run } = app();
    const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type, X-Tenant" };
    a.onRequest((req) => (req.method === "OPTIONS" ? HttpResult.ok(204, undefined, cors) : undefined));
    a.onResponse((res) => {
      for (const [k, v] of Object.entries(cors)) res.headers.set(k, v);
    });
    const preflight = await run("/Foo/hello", { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toBe("Content-Type, X-Tenant");
    for (const res of [await run("/Bar/hi"), await run("/Foo/hello", post({ n: "x" })), await run("/Nope/x")]) {
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    }
  });

  it("replaces the response with the one onResponse returns, the next hook seeing it", async () => {
    const { app: a, run } = app();
    a.onResponse((res) => new Response(`wrapped ${res.status}`, { status: 299 }));
    a.onResponse((res) => void res.headers.set("X-Seen", String(res.status)));
    const res = await run("/Bar/hi");
    expect([res.status, res.headers.get("X-Seen"), await res.text()]).toEqual([299, "299", "wrapped 200"]);
  });
});

describe("errors", () => {
  it("thrown by a hook or a method are the 500 without details, logged", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app: a, run } = app();
    a.onNamespace("Bar", () => {
      throw new Error("hook detail");
    });
    for (const [path, detail] of [
      ["/Bar/hi", "hook detail"],
      ["/Foo/crash", "secret detail"],
    ]) {
      const res = await run(path!);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain(detail);
      expect(text).not.toContain("at ");
      expect(JSON.parse(text).detail).toBe("the server failed to handle this request; see the worker's log");
    }
    expect(logged.mock.calls.map((c) => (c[1] as Error).message)).toEqual(["hook detail", "secret detail"]);
  });

  it("reach onError, which may answer, with the container", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app: a, run } = app();
    const seen: string[] = [];
    a.onError((e, di) => void seen.push(`${(e as Error).message} in ${di.route?.method}`));
    a.onError((e) => ((e as Error).message === "secret detail" ? HttpResult.fail(503, "try later") : undefined));
    a.onError(() => {
      throw new Error("not reached");
    });
    const res = await run("/Foo/crash");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ detail: "try later" });
    expect(seen).toEqual(["secret detail in crash"]);
    expect(logged).not.toHaveBeenCalled();
  });

  it("do not include the router's own answers (404, 400, 501)", async () => {
    const { app: a, run } = app();
    const onError = vi.fn();
    a.onError(onError);
    expect((await run("/Nope/x")).status).toBe(404);
    expect((await run("/Foo/hello", post({ n: "x" }))).status).toBe(400);
    expect((await run("/Bar/unwritten")).status).toBe(501);
    expect(onError).not.toHaveBeenCalled();
  });

  it("thrown by onError or onResponse are the 500, logged", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app: a, run } = app();
    a.onError(() => {
      throw new Error("onError broke");
    });
    expect((await run("/Foo/crash")).status).toBe(500);
    a.onResponse(() => {
      throw new Error("onResponse broke");
    });
    expect((await run("/Bar/hi")).status).toBe(500);
    expect(logged.mock.calls.map((c) => c[0])).toEqual(["cloesce: an onError hook threw", "cloesce: uncaught error", "cloesce: an onResponse hook threw"]);
  });
});

describe("a method forwarded to a Durable Object", () => {
  it("runs the Worker's hooks up to forwarding, not its services, and onResponse on the object's answer", async () => {
    const { app: a, log, run } = app();
    const mark = (name: string) => (di: Di) => void log.push(`${name} ${di.has("Svc")}`);
    a.onRoute(mark("onRoute")).onNamespace(Foo, mark("onNamespace")).onMethod(Foo, "sharded", mark("onMethod"));
    // The object's response has immutable headers, as a fetched one does in workerd.
    a.onResponse((res) => void res.headers.set("X-Hooked", "yes"));
    const res = await run("/Foo/sharded?name=a");
    expect([res.status, res.headers.get("X-Hooked")]).toEqual([302, "yes"]);
    expect(log).toEqual(["onRoute false", "onNamespace false", "onMethod false", "object"]);
  });

  it("runs in the object's app with that app's hooks and the method's services", async () => {
    const log: string[] = [];
    const object = { name: "the object" };
    const a = new CloesceApp(schema, "https://example.com", {}, { durable: { binding: "Counter", object, storage: { env: {} } } }).register(
      { tag: "Foo", sharded: (env: { ctx: unknown }, name: string) => (log.push("sharded"), `${name} in ${(env.ctx as typeof object).name}`) },
      { tag: "Svc", init: () => void log.push("init") },
    );
    a.onRoute((di) => void log.push(`onRoute ${di.has("Svc")}`)).onMethod(Foo, "sharded", (di) => void log.push(`onMethod ${di.has("Svc")}`));
    expect(await (await a.run(new Request("https://example.com/Foo/sharded?name=a"))).json()).toBe("a in the object");
    expect(log).toEqual(["onRoute false", "init", "onMethod true", "sharded"]);
  });
});
