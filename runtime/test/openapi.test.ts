// The opt-in route serving openapi.json: the document for GET and HEAD at
// <base>/openapi.json, its servers those the request came to; 405 for
// another verb; nothing for any other path.

import { describe, expect, it } from "vitest";
import { OPENAPI_PATH, openApiRoute } from "../src/openapi.js";

const document = {
  openapi: "3.1.0",
  info: { title: "Cloesce API", version: "0123456789abcdef" },
  servers: [{ url: "http://localhost:5000/api" }],
  paths: {},
};

function ask(base: string, url: string, method = "GET"): Response | undefined {
  return openApiRoute(document, base)(new Request(url, { method }), new URL(url));
}

describe("openApiRoute", () => {
  it.each([
    ["/api", "https://weather.example.workers.dev/api/openapi.json", "https://weather.example.workers.dev/api"],
    ["", "http://127.0.0.1:8787/openapi.json", "http://127.0.0.1:8787"],
  ])("serves the document under base %j with the servers the request came to", async (base, url, server) => {
    const res = ask(base, url)!;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ...document, servers: [{ url: server }] });
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(document)); // servers stays where it was
  });

  it("answers HEAD without a body", async () => {
    const res = ask("/api", "http://localhost/api/openapi.json", "HEAD")!;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("refuses other verbs with 405 and Allow", async () => {
    const res = ask("/api", "http://localhost/api/openapi.json", "POST")!;
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await res.json()).detail).toBe("/api/openapi.json takes GET or HEAD, not POST");
  });

  it.each([
    ["another path", "/api", "http://localhost/api/Weather/$get?id=1"],
    ["the document outside the base", "/api", `http://localhost${OPENAPI_PATH}`],
    ["a longer path", "", "http://localhost/openapi.json/x"],
  ])("leaves %s to the app", (_what, base, url) => {
    expect(ask(base, url)).toBeUndefined();
  });

  it("serves each origin its own servers, one document at a time", async () => {
    const route = openApiRoute(document, "");
    const serversOf = async (url: string) => (await route(new Request(url), new URL(url))!.json()).servers;
    expect(await serversOf("http://a.test/openapi.json")).toEqual([{ url: "http://a.test" }]);
    expect(await serversOf("http://b.test/openapi.json")).toEqual([{ url: "http://b.test" }]);
    expect(await serversOf("http://a.test/openapi.json")).toEqual([{ url: "http://a.test" }]);
  });
});
