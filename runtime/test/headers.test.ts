// [header] parameters: read from the header of the parameter's name with
// each "_" a "-", converted and validated as query parameters, never from
// the query string or the body; and the POST of a method whose parameters
// are all headers, one required, needs no body (its header already forces
// a CORS preflight). Run against the router directly, on a stand-in schema.

import { describe, expect, it } from "vitest";
import { CloesceApp } from "../src/app.js";
import type { Param } from "../src/cidl.js";
import { method, model, schemaOf } from "./support/schema.js";

const header = (name: string, type: Param["type"], more: Partial<Param> = {}): Param => ({ name, type, header: true, ...more });

const schema = schemaOf(
  [
    model("Mail", [
      method("inbox", "GET", [header("X_Tenant", "string", { validators: [{ regex: "^[a-z0-9-]+$" }] }), header("X_Since", { option: "date" }), header("X_Unread", "bool")]),
      method("archive", "POST", [header("If_Match", "int", { validators: [{ gt: 0 }] }), { name: "note", type: "string" }]),
      method("ping", "POST", [header("X_Token", "string"), header("X_Load", { option: "real" })]),
      method("optional", "POST", [header("X_Token", { option: "string" })]),
      method("language", "POST", [header("Accept_Language", "string")]),
      method("upload", "PUT", [header("X_Name", "string"), { name: "data", type: "stream" }], { params_media: "octet" }),
      method("sharded", "GET", [header("X_Tenant", "string")], { durable: { binding: "Tenant", args: ["X_Tenant"] } }),
    ]),
  ],
  [],
  { durable: [{ name: "Tenant", shard: [{ name: "tenant", type: "string" }], templates: [] }] },
);

/** An app whose methods return what they were given; Tenant records the objects it forwards to. */
function app() {
  const forwarded: string[] = [];
  const Tenant = {
    idFromName: (name: string) => name,
    get: (name: string) => ({ fetch: async () => (forwarded.push(name), new Response('"forwarded"')) }),
  };
  const impl = {
    tag: "Mail",
    inbox: (tenant: string, since: Date | null, unread: boolean) => ({ tenant, since, unread }),
    archive: (ifMatch: number, note: string) => ({ ifMatch, note }),
    ping: (token: string, load: number | null) => ({ token, load }),
    optional: (token: string | null) => token,
    language: (lang: string) => lang,
    upload: async (name: string, data: ReadableStream) => `${name}: ${await new Response(data).text()}`,
  };
  const a = new CloesceApp(schema, "https://example.com", { Tenant }).register(impl);
  return { forwarded, run: (path: string, init?: RequestInit) => a.run(new Request(`https://example.com${path}`, init)) };
}

async function json(res: Response, status: number): Promise<any> {
  expect(res.status).toBe(status);
  return res.json();
}

describe("header parameters", () => {
  it("are read from their headers, in any case, and converted", async () => {
    const { run } = app();
    const body = await json(await run("/Mail/inbox", { headers: { "x-tenant": "acme", "X-SINCE": "2026-01-02", "X-Unread": "true" } }), 200);
    expect(body).toEqual({ tenant: "acme", since: "2026-01-02T00:00:00.000Z", unread: true });
  });

  it("are null when optional and absent", async () => {
    const { run } = app();
    expect(await json(await run("/Mail/inbox", { headers: { "X-Tenant": "acme", "X-Unread": "false" } }), 200)).toEqual({ tenant: "acme", since: null, unread: false });
  });

  it("are a 400 naming the parameter and its header when missing or invalid", async () => {
    const { run } = app();
    const missing = await json(await run("/Mail/inbox", { headers: { "X-Unread": "true" } }), 400);
    expect(missing.errors).toEqual([{ param: "X_Tenant", message: "is required (the X-Tenant header)" }]);
    const invalid = await json(await run("/Mail/inbox", { headers: { "X-Tenant": "ACME!", "X-Since": "yesterday", "X-Unread": "maybe" } }), 400);
    expect(invalid.errors.map((e: { param: string }) => e.param)).toEqual(["X_Tenant", "X_Since", "X_Unread"]);
    for (const e of invalid.errors) expect(e.message).toMatch(/\(the X-(Tenant|Since|Unread) header\)$/);
  });

  it("are not read from the query string or the body", async () => {
    const { run } = app();
    const query = await json(await run("/Mail/inbox?X_Tenant=acme&X_Unread=true"), 400);
    expect(query.errors.map((e: { param: string }) => e.param)).toEqual(["X_Tenant", "X_Unread"]);
    const body = await json(
      await run("/Mail/archive", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ If_Match: 3, note: "n" }) }),
      400,
    );
    expect(body.errors).toEqual([{ param: "If_Match", message: "is required (the If-Match header)" }]);
    const ok = await run("/Mail/archive", { method: "POST", headers: { "Content-Type": "application/json", "If-Match": "3" }, body: JSON.stringify({ note: "n" }) });
    expect(await json(ok, 200)).toEqual({ ifMatch: 3, note: "n" });
  });

  it("go with a stream body", async () => {
    const { run } = app();
    const res = await run("/Mail/upload", { method: "PUT", headers: { "X-Name": "a.txt", "Content-Type": "text/plain" }, body: "bytes" });
    expect(await json(res, 200)).toBe("a.txt: bytes");
    expect((await run("/Mail/upload", { method: "PUT", body: "bytes" })).status).toBe(400);
  });

  it("give the shard of a method forwarded to a Durable Object", async () => {
    const { run, forwarded } = app();
    expect(await json(await run("/Mail/sharded", { headers: { "X-Tenant": "acme" } }), 200)).toBe("forwarded");
    expect(forwarded).toEqual(["Tenant/acme"]);
  });
});

describe("a POST whose parameters are all headers", () => {
  it("needs no body or Content-Type when a header is required", async () => {
    const { run } = app();
    expect(await json(await run("/Mail/ping", { method: "POST", headers: { "X-Token": "t" } }), 200)).toEqual({ token: "t", load: null });
    const withJson = await run("/Mail/ping", { method: "POST", headers: { "X-Token": "t", "X-Load": "0.5", "Content-Type": "application/json" }, body: "{}" });
    expect(await json(withJson, 200)).toEqual({ token: "t", load: 0.5 });
  });

  it("still refuses a body that is not JSON", async () => {
    const { run } = app();
    expect((await run("/Mail/ping", { method: "POST", headers: { "X-Token": "t", "Content-Type": "text/plain" }, body: "x" })).status).toBe(415);
  });

  it("needs JSON when every header is optional, or the required one is safelisted", async () => {
    const { run } = app();
    expect((await run("/Mail/optional", { method: "POST", headers: { "X-Token": "t" } })).status).toBe(415);
    expect(await json(await run("/Mail/optional", { method: "POST", headers: { "Content-Type": "application/json" } }), 200)).toBeNull();
    // A cross-site page sends Accept-Language without a preflight.
    expect((await run("/Mail/language", { method: "POST", headers: { "Accept-Language": "fr" } })).status).toBe(415);
  });
});
