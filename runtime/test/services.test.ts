// Injection and services: what methods' env arguments hold (Request, Env,
// bindings, registered injectables, values hooks set), services' init run
// once per request on a copy of the registered instance, after the
// services it depends on, and the errors of what nothing provides. Run
// against the router directly; the D1 binding is Miniflare's.

import { Miniflare } from "miniflare";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CloesceApp } from "../src/app.js";
import type { Inject } from "../src/cidl.js";
import { injectable, servicesOf, tokenName } from "../src/di.js";
import { HttpResult } from "../src/http.js";
import { method, model, schemaOf, userGet } from "./support/schema.js";

type Env = Record<string, any>;

const injects: Inject[] = [
  { name: "Tenant", type: "string", deps: [] },
  { name: "Clock", type: null, deps: [] },
  { name: "Store", type: null, deps: ["db"] },
  { name: "Auth", type: null, deps: ["Store", "Request", "Tenant"] },
  { name: "Audit", type: null, deps: ["Auth", "Store", "Env"] },
  { name: "Ghost", type: null, deps: [] },
];

const schema = schemaOf(
  [
    model(
      "Doc",
      [
        method("whoami", "GET", [], { injected: ["Auth", "Request", "Env", "GREETING"] }),
        method("audit", "GET", [], { injected: ["Audit", "Auth"] }),
        method("tenant", "GET", [], { injected: ["Tenant"] }),
        method("time", "GET", [], { injected: ["Clock"] }),
        method("haunted", "GET", [], { injected: ["Ghost"] }),
        method("show", "GET", [], { static: false, source: "Default" }),
      ],
      { route_fields: [{ name: "id", type: "int" }], sources: [userGet([{ name: "id", type: "int", instance: true }], ["Auth"])] },
    ),
  ],
  injects,
  { d1: ["db"], vars: [{ name: "GREETING", type: "string" }] },
);

let mf: Miniflare;
let db: D1Database;

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: "export default {}", d1Databases: ["db"] });
  db = (await mf.getD1Database("db")) as unknown as D1Database;
  await db.prepare("CREATE TABLE users (token TEXT PRIMARY KEY, name TEXT)").run();
  await db.prepare("INSERT INTO users VALUES ('t1', 'Ada'), ('t2', 'Bob')").run();
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Resolves after a few milliseconds, so concurrent requests interleave. */
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The services, as user classes: Store reads users from D1, Auth finds the
 * request's user through it (401 without one), Audit records both. Every
 * init is logged with what it was given.
 */
function app() {
  const log: string[] = [];
  class Store {
    readonly tag = "Store";
    db?: D1Database;
    init(env: { db: D1Database }) {
      log.push("Store.init");
      this.db = env.db;
    }
    user(token: string) {
      return this.db!.prepare("SELECT name FROM users WHERE token = ?").bind(token).first<string>("name");
    }
  }
  class Auth {
    readonly tag = "Auth";
    user?: string;
    async init(env: { Store: Store; Request: Request; Tenant: string }, request: Request) {
      log.push(`Auth.init ${env.Tenant} ${env.Request === request}`);
      const token = request.headers.get("Authorization") ?? "";
      await tick(token === "t1" ? 15 : 1);
      const user = await env.Store.user(token);
      if (!user) return HttpResult.fail(401, "who are you");
      this.user = user;
      return undefined;
    }
  }
  class Audit {
    readonly tag = "Audit";
    init(env: { Auth: Auth; Store: Store; Env: Env }) {
      log.push(`Audit.init ${env.Auth.user} ${env.Store.db !== undefined} ${Object.keys(env.Env).sort().join(",")}`);
    }
  }
  const clock = { tag: "Clock", now: () => "noon" };
  const registered = { store: new Store(), auth: new Auth(), audit: new Audit() };
  const impl = {
    tag: "Doc",
    whoami: (env: Env) => `${env.GREETING} ${env.Auth.user} at ${new URL(env.Request.url).pathname}, env has ${Object.keys(env.Env).sort().join(",")}`,
    audit: (env: Env) => `${env.Audit.tag} ${env.Auth.user}`,
    tenant: (env: Env) => env.Tenant,
    time: (env: Env) => (env.Clock === clock ? env.Clock.now() : "a copy"),
    haunted: () => "boo",
    show: (self: { id: number; by: string }) => `${self.id} by ${self.by}`,
    Default: { get: (env: Env, id: number) => ({ id, by: env.Auth.user }) },
  };
  const a = new CloesceApp(schema, "https://example.com", { db, GREETING: "Hello" }).register(impl, clock, registered.store, registered.auth, registered.audit);
  a.onRoute((di) => void di.set("Tenant", "acme"));
  const run = (path: string, token = "t1") => a.run(new Request(`https://example.com${path}`, { headers: { Authorization: token } }));
  return { app: a, log, run, registered };
}

describe("services", () => {
  it("init once per request, after what they depend on, each given its dependencies", async () => {
    const { log, run } = app();
    expect(await (await run("/Doc/audit")).json()).toBe("Audit Ada");
    expect(log).toEqual(["Store.init", "Auth.init acme true", "Audit.init Ada true GREETING,db"]);
    log.length = 0;
    await run("/Doc/audit", "t2");
    expect(log).toEqual(["Store.init", "Auth.init acme true", "Audit.init Bob true GREETING,db"]);
  });

  it("are copies per request: concurrent requests do not see each other's, nor change the registered one", async () => {
    const { run, registered } = app();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => run("/Doc/whoami", i % 2 ? "t2" : "t1").then((r) => r.json())));
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => `Hello ${i % 2 ? "Bob" : "Ada"} at /Doc/whoami, env has GREETING,db`));
    expect(registered.auth.user).toBeUndefined();
    expect(registered.store.db).toBeUndefined();
  });

  it("answer the request with the failure init returns, before parameters or later services", async () => {
    const { log, run } = app();
    const res = await run("/Doc/audit", "nobody");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ detail: "who are you" });
    expect(log).toEqual(["Store.init", "Auth.init acme true"]);
  });

  it("init for the data source get that hydrates self", async () => {
    const { run } = app();
    expect(await (await run("/Doc/3/show")).json()).toBe("3 by Ada");
  });

  it("are replaced, without init, by a value a hook sets", async () => {
    const { app: a, log, run } = app();
    a.onRoute((di) => void di.set("Auth", { user: "Mallory" }));
    expect(await (await run("/Doc/audit")).json()).toBe("Audit Mallory");
    expect(log).toEqual(["Store.init", "Audit.init Mallory true GREETING,db"]);
  });

  it("are not injected before their init: onRoute cannot get them, onNamespace can", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { app: a, run } = app();
    const seen: unknown[] = [];
    a.onNamespace("Doc", (di) => void seen.push((di.get("Auth") as { user: string }).user, di.has("Auth")));
    expect((await run("/Doc/audit")).status).toBe(200);
    expect(seen).toEqual(["Ada", true]);
    a.onRoute((di) => {
      seen.push(di.has("Auth"));
      di.get("Auth");
    });
    expect((await run("/Doc/audit")).status).toBe(500);
    expect(seen).toEqual(["Ada", true, false]);
    expect((logged.mock.calls[0]![1] as Error).message).toBe("cloesce: Auth is a service, initialised after onRoute for the methods that need it");
  });

  it("without init are injected as registered", async () => {
    const { run } = app();
    expect(await (await run("/Doc/time")).json()).toBe("noon");
  });

  it("nobody registered are a 501 naming them", async () => {
    const { run } = app();
    const res = await run("/Doc/haunted");
    expect(res.status).toBe(501);
    expect(await res.json()).toMatchObject({ detail: "Ghost is injected but not registered: app.register(new GhostImpl())" });
  });
});

describe("value injectables", () => {
  it("are what a hook set for this request", async () => {
    const { run } = app();
    expect(await (await run("/Doc/tenant")).json()).toBe("acme");
  });

  it("that no hook set are the generic 500, named in the log only", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const a = new CloesceApp(schema, "https://example.com", {}).register({ tag: "Doc", tenant: (env: Env) => env.Tenant });
    const res = await a.run(new Request("https://example.com/Doc/tenant"));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("Tenant");
    expect((logged.mock.calls[0]![1] as Error).message).toBe(
      "cloesce: Tenant is a value injectable no hook set for this request: di.set(Tenant, value) in onRequest, onRoute, onNamespace or onMethod",
    );
  });
});

describe("tokens", () => {
  it("name injectables by their tag: a value token, a class's static tag (inherited by subclasses), a string", () => {
    abstract class Clock {
      static readonly tag = "Clock";
    }
    class FixedClock extends Clock {}
    expect([tokenName(injectable<string>("Tenant")), tokenName(Clock), tokenName(FixedClock), tokenName("Db")]).toEqual(["Tenant", "Clock", "Clock", "Db"]);
    // The decorator edition's classes, without a static tag, go by their name.
    class InjectedThing {}
    expect(tokenName(InjectedThing)).toBe("InjectedThing");
    expect(() => tokenName(class {} as never)).toThrow(TypeError);
  });
});

describe("servicesOf", () => {
  it("orders the class injectables names reach, dependencies first, each once", () => {
    expect(servicesOf(schema, ["Audit", "Auth", "Tenant", "db"])).toEqual(["Store", "Auth", "Audit"]);
  });

  it("refuses a cycle, naming it", () => {
    const cyclic = schemaOf([], [
      { name: "A", type: null, deps: ["B"] },
      { name: "B", type: null, deps: ["C"] },
      { name: "C", type: null, deps: ["B"] },
    ]);
    expect(() => servicesOf(cyclic, ["A"])).toThrow("cloesce: the injectables B -> C -> B depend on each other");
  });
});
