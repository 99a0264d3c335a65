// The router's forwarding to Durable Objects, against a stand-in namespace
// that records what reaches the object.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { CloesceApp } from "../src/app.js";
import type { Schema } from "../src/cidl.js";

const schema = JSON.parse(readFileSync(resolve(__dirname, "../../internal/sema/testdata/cidl/comprehensive.json"), "utf8")) as Schema;
// User.banner runs in the global object Global; make it a PUT, which the client sends with the body {}.
const banner = schema.models.find((m) => m.name === "User")!.apis.find((a) => a.name === "banner")!;
banner.verb = "PUT";

it("forwards a method without parameters with its body, leaving no branch of it unread", async () => {
  const seen: { name: string; body: string }[] = [];
  const Global = {
    idFromName: (name: string) => name,
    get: (name: string) => ({
      fetch: async (req: Request) => {
        seen.push({ name, body: await req.text() });
        return new Response('"hello"');
      },
    }),
  };
  const request = new Request("https://example.com/User/banner", { method: "PUT", headers: { "Content-Type": "application/json" }, body: "{}" });
  const res = await new CloesceApp(schema, "https://example.com", { Global }).run(request);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('"hello"');
  expect(seen).toEqual([{ name: "Global", body: "{}" }]);
  // workerd holds the object's response back while the Worker's branch of the tee is unread.
  expect(request.bodyUsed).toBe(true);
});

it("refuses a body that is not JSON before forwarding", async () => {
  const seen: string[] = [];
  const Global = {
    idFromName: (name: string) => name,
    get: (name: string) => ({ fetch: async () => (seen.push(name), new Response('"hello"')) }),
  };
  const app = new CloesceApp(schema, "https://example.com", { Global });
  const plain = await app.run(new Request("https://example.com/User/banner", { method: "PUT", headers: { "Content-Type": "text/plain" }, body: "{}" }));
  expect(plain.status).toBe(415);
  const broken = await app.run(new Request("https://example.com/User/banner", { method: "PUT", headers: { "Content-Type": "application/json" }, body: "{not json" }));
  expect(broken.status).toBe(400);
  expect(seen).toEqual([]);
});
