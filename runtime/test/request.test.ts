// Request bodies (DESIGN §3.9): a body is JSON only under a JSON media type
// (415 otherwise: a cross-site form posts text/plain, form-encoded or
// multipart bodies without a CORS preflight), malformed JSON is a 400 on
// every method, an empty body needs no Content-Type, and stream methods
// take any body. Run against the router directly, on a stand-in schema.

import { describe, expect, it } from "vitest";
import { CloesceApp, MAX_JSON_BODY, isJsonMediaType } from "../src/app.js";
import { method, model, schemaOf } from "./support/schema.js";

const octet = { params_media: "octet" } as const;

const schema = schemaOf([
  model("Echo", [
    method("say", "POST", [{ name: "text", type: "string" }]),
    method("patch", "PATCH", [{ name: "text", type: "string" }]),
    method("ping", "POST"),
    method("drop", "DELETE"),
    method("find", "GET", [{ name: "text", type: "string" }]),
    method("upload", "PUT", [{ name: "data", type: "stream" }], octet),
  ]),
]);

/** A fresh app whose methods record their calls. */
function app() {
  const calls: string[] = [];
  const impl = {
    tag: "Echo",
    say: (text: string) => (calls.push(`say ${text}`), text),
    patch: (text: string) => (calls.push(`patch ${text}`), text),
    ping: () => (calls.push("ping"), "pong"),
    drop: () => (calls.push("drop"), "dropped"),
    find: (text: string) => (calls.push(`find ${text}`), text),
    upload: async (data: ReadableStream) => {
      const text = await new Response(data).text();
      calls.push(`upload ${text}`);
      return text;
    },
  };
  const a = new CloesceApp(schema, "https://example.com", {}).register(impl);
  return { calls, run: (path: string, init?: RequestInit) => a.run(new Request(`https://example.com${path}`, init)) };
}

/** A body whose request carries no Content-Type (a string body would get text/plain). */
const bytes = (text: string) => new TextEncoder().encode(text);

async function problemOf(res: Response, status: number): Promise<{ detail: string }> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return (await res.json()) as { detail: string };
}

describe("isJsonMediaType", () => {
  it.each([
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["Application/JSON;charset=UTF-8", true],
    ["  application/json  ; charset=utf-8", true],
    ["application/merge-patch+json", true],
    ["application/problem+json", true],
    ["application/vnd.api+json; charset=utf-8", true],
    ["text/x.custom+JSON", true],
    [null, false],
    ["", false],
    ["text/plain", false],
    ["text/plain;charset=UTF-8", false],
    ["application/x-www-form-urlencoded", false],
    ["multipart/form-data; boundary=x", false],
    ["text/json", false],
    ["application/jsonx", false],
    ["application/json-seq", false],
    ["application/+json", false],
    ["+json", false],
    ["application/json, text/plain", false],
    ["application/octet-stream", false],
  ])("%j is JSON: %s", (header, want) => {
    expect(isJsonMediaType(header)).toBe(want);
  });
});

describe("a JSON body needs a JSON media type", () => {
  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON; Charset=UTF-8",
    "application/merge-patch+json",
    "application/vnd.example+json; charset=utf-8",
  ])("accepts %s", async (type) => {
    const { calls, run } = app();
    const res = await run("/Echo/say", { method: "POST", headers: { "Content-Type": type }, body: '{"text":"hi"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe("hi");
    expect(calls).toEqual(["say hi"]);
  });

  it.each([
    ["text/plain", "text/plain"],
    ["text/plain;charset=UTF-8", "text/plain"],
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded"],
    ["multipart/form-data; boundary=----x", "multipart/form-data"],
    ["text/json", "text/json"],
    ["application/octet-stream", "application/octet-stream"],
  ])("refuses %s with 415 naming it, and calls nothing", async (type, named) => {
    const { calls, run } = app();
    const res = await run("/Echo/say", { method: "POST", headers: { "Content-Type": type }, body: '{"text":"hi"}' });
    const { detail } = await problemOf(res, 415);
    expect(detail).toBe(`the request body has Content-Type ${named}; send it as application/json (or another +json type)`);
    expect(calls).toEqual([]);
  });

  it("refuses a body without a Content-Type with 415", async () => {
    const { calls, run } = app();
    const { detail } = await problemOf(await run("/Echo/say", { method: "POST", body: bytes('{"text":"hi"}') }), 415);
    expect(detail).toBe("the request body has no Content-Type; send it as application/json (or another +json type)");
    expect(calls).toEqual([]);
  });

  it("refuses a form body on every verb that reads one", async () => {
    const { calls, run } = app();
    const form = new URLSearchParams({ text: "hi" });
    expect((await run("/Echo/say", { method: "POST", body: form })).status).toBe(415);
    expect((await run("/Echo/patch", { method: "PATCH", body: form })).status).toBe(415);
    expect((await run("/Echo/drop", { method: "DELETE", body: form })).status).toBe(415);
    const multipart = new FormData();
    multipart.set("text", "hi");
    expect((await run("/Echo/say", { method: "POST", body: multipart })).status).toBe(415);
    expect(calls).toEqual([]);
  });

  it("needs no Content-Type for an empty body, but for a POST", async () => {
    const { calls, run } = app();
    const json = { "Content-Type": "application/json" };
    expect((await run("/Echo/say?text=q", { method: "POST", headers: json })).status).toBe(200);
    expect((await run("/Echo/say?text=e", { method: "POST", headers: json, body: "" })).status).toBe(200);
    expect((await run("/Echo/drop", { method: "DELETE" })).status).toBe(200);
    expect(calls).toEqual(["say q", "say e", "drop"]);
  });

  it("refuses a POST that does not declare JSON, even empty: a cross-site page sends those without a preflight", async () => {
    const { calls, run } = app();
    expect((await run("/Echo/say?text=q", { method: "POST" })).status).toBe(415);
    expect((await run("/Echo/say?text=b", { method: "POST", body: new Uint8Array() })).status).toBe(415);
    const form = await run("/Echo/ping", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ detail: expect.stringContaining("application/x-www-form-urlencoded") });
    expect(calls).toEqual([]);
  });

  it("takes whitespace under a JSON type as no members, but not under another type", async () => {
    const { calls, run } = app();
    expect((await run("/Echo/ping", { method: "POST", headers: { "Content-Type": "application/json" }, body: " \n" })).status).toBe(200);
    expect((await run("/Echo/ping", { method: "POST", headers: { "Content-Type": "text/plain" }, body: " \n" })).status).toBe(415);
    expect(calls).toEqual(["ping"]);
  });

  it("checks a chunked body (no Content-Length) as it arrives", async () => {
    const { calls, run } = app();
    const stream = (...chunks: string[]) =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (const chunk of chunks) c.enqueue(bytes(chunk));
          c.close();
        },
      });
    const post = (type: string | undefined, body: ReadableStream) =>
      run("/Echo/say", { method: "POST", headers: type ? { "Content-Type": type } : {}, body, duplex: "half" } as RequestInit);
    expect((await post(undefined, stream("", '{"text":"x"}'))).status).toBe(415);
    expect((await post("text/plain", stream('{"text":', '"x"}'))).status).toBe(415);
    const ok = await post("application/json", stream('{"text":', '"chunked"}'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toBe("chunked");
    const half = "a".repeat(MAX_JSON_BODY / 2);
    const big = await post("application/json", stream('{"text":"', half, half, '"}'));
    expect((await problemOf(big, 413)).detail).toBe(`the request body is larger than ${MAX_JSON_BODY} bytes`);
    expect(calls).toEqual(["say chunked"]);
  });

  it("leaves stream methods alone: any Content-Type, or none", async () => {
    const { calls, run } = app();
    expect((await run("/Echo/upload", { method: "PUT", headers: { "Content-Type": "text/plain" }, body: "raw" })).status).toBe(200);
    expect((await run("/Echo/upload", { method: "PUT", body: bytes("{not json") })).status).toBe(200);
    expect(calls).toEqual(["upload raw", "upload {not json"]);
  });

  it("answers the verb before the body", async () => {
    const { run } = app();
    expect((await run("/Echo/say", { method: "PUT", headers: { "Content-Type": "text/plain" }, body: "x" })).status).toBe(405);
  });
});

describe("a body that is not JSON is a 400 on every method", () => {
  it.each([
    ["say", "POST"],
    ["patch", "PATCH"],
    ["ping", "POST"],
    ["drop", "DELETE"],
  ] as const)("%s (%s)", async (name, verb) => {
    const { calls, run } = app();
    for (const [body, detail] of [
      ["{not json", "the request body is not valid JSON"],
      ['{"text":"a"', "the request body is not valid JSON"],
      ["[1, 2]", "the request body must be a JSON object of parameters"],
      ['"text"', "the request body must be a JSON object of parameters"],
      ["null", "the request body must be a JSON object of parameters"],
    ]) {
      const res = await run(`/Echo/${name}?text=q`, { method: verb, headers: { "Content-Type": "application/json" }, body });
      expect((await problemOf(res, 400)).detail, body).toBe(detail);
    }
    expect(calls).toEqual([]);
  });

  it("accepts an object for a method without parameters, members ignored", async () => {
    const { calls, run } = app();
    const res = await run("/Echo/ping", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"extra":1}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe("pong");
    expect(calls).toEqual(["ping"]);
  });
});
