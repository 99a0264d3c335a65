// Unit tests of the helpers client.ts is made of; the generated clients'
// behaviour tests (../testdata/behaviour) run them as generated code too.
import { describe, expect, it } from "vitest";
import { HttpResult, KValue } from "../../../../runtime/src/shared.js";
import {
  $addListQuery,
  $addQuery,
  $arrayOf,
  $asJson,
  $asResponse,
  $asVoid,
  $connect,
  $decodeFields,
  $encodeDate,
  $endpoint,
  $fromBase64,
  $jsonBody,
  $kvalueOf,
  $octetBody,
  $optionOf,
  $send,
  $toBase64,
  $withHeaders,
  R2Object,
} from "./client.js";

/** A fetch answering with answer, recording each request. */
function recorder(answer: () => Response | Promise<Response>) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), init: init ?? {} });
    return answer();
  };
  return { fetch, requests };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });

describe("$connect and $endpoint", () => {
  it("drop the base URL's trailing slashes and percent-encode key segments", () => {
    const conn = $connect({ baseUrl: "https://api.test/v1//" });
    expect($endpoint(conn, "User", "$get").href).toBe("https://api.test/v1/User/$get");
    expect($endpoint(conn, "Post", "vote", ["my sub", "a/b"]).href).toBe("https://api.test/v1/Post/my%20sub/a%2Fb/vote");
  });

  it("call the given fetch without a `this`, as a browser's fetch wants", async () => {
    let self: unknown = "unset";
    const fetch = function (this: unknown) {
      self = this;
      return Promise.resolve(json(1));
    } as unknown as typeof globalThis.fetch;
    const conn = $connect({ baseUrl: "https://api.test", fetch });
    expect((await $send(conn, "GET", $endpoint(conn, "M", "m"), undefined, $asJson<number>())).data).toBe(1);
    expect(self).toBeUndefined();
  });

  it("call the global fetch when none is given", async () => {
    const original = globalThis.fetch;
    let calls = 0;
    globalThis.fetch = async () => {
      calls++;
      return json(1);
    };
    try {
      const conn = $connect({ baseUrl: "https://api.test" });
      const r = await $send(conn, "GET", $endpoint(conn, "M", "m"), undefined, $asJson<number>());
      expect(r.data).toBe(1);
      expect(calls).toBe(1);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe("$send", () => {
  it("merges the client's headers, the body's media type and the call's headers", async () => {
    const { fetch, requests } = recorder(() => json({ ok: 1 }));
    let token = 0;
    const conn = $connect({ baseUrl: "https://api.test", fetch, headers: async () => ({ Authorization: `Bearer ${++token}`, "X-A": "client" }) });
    const url = $endpoint(conn, "M", "m");
    await $send(conn, "POST", url, { headers: { "X-A": "call" } }, $asJson(), $jsonBody({ a: 1 }));
    await $send(conn, "GET", url, undefined, $asJson());
    await $send(conn, "PUT", url, { headers: { "Content-Type": "image/png" } }, $asVoid, $octetBody(new Uint8Array([1])));

    const first = new Headers(requests[0]!.init.headers);
    expect(requests[0]!.init.method).toBe("POST");
    expect(first.get("Authorization")).toBe("Bearer 1");
    expect(first.get("X-A")).toBe("call");
    expect(first.get("Content-Type")).toBe("application/json");
    expect(requests[0]!.init.body).toBe('{"a":1}');
    const second = new Headers(requests[1]!.init.headers);
    expect(second.get("Authorization")).toBe("Bearer 2");
    expect(second.has("Content-Type")).toBe(false);
    expect(requests[1]!.init.body).toBeUndefined();
    // A call's Content-Type wins over the body's: an upload keeps its own type.
    expect(new Headers(requests[2]!.init.headers).get("Content-Type")).toBe("image/png");
  });

  it("gives status 0 for a network failure, an abort or a failing header function", async () => {
    const conn = $connect({ baseUrl: "https://api.test", fetch: async () => Promise.reject(new TypeError("fetch failed")) });
    const failed = await $send(conn, "GET", $endpoint(conn, "M", "m"), undefined, $asVoid);
    expect(failed).toBeInstanceOf(HttpResult);
    expect([failed.ok, failed.status, failed.message]).toEqual([false, 0, "fetch failed"]);

    const controller = new AbortController();
    controller.abort();
    const real = $connect({ baseUrl: "https://api.test", fetch: (input, init) => fetch(input, init) });
    const aborted = await $send(real, "GET", $endpoint(real, "M", "m"), { signal: controller.signal }, $asVoid);
    expect([aborted.ok, aborted.status]).toEqual([false, 0]);
    expect(aborted.message).toMatch(/abort/i);

    const broken = $connect({ baseUrl: "https://api.test", fetch: async () => json(1), headers: () => { throw new Error("no token"); } });
    const unsent = await $send(broken, "GET", $endpoint(broken, "M", "m"), undefined, $asVoid);
    expect([unsent.ok, unsent.status, unsent.message]).toEqual([false, 0, "no token"]);
  });

  it("reads a problem's detail and invalid parameters, or an error's text", async () => {
    const problem = new Response(JSON.stringify({ detail: "bad name", errors: [{ param: "name", message: "too short" }] }), {
      status: 400,
      headers: { "Content-Type": "application/problem+json; charset=utf-8" },
    });
    const answers = [problem, new Response("gone", { status: 410 }), new Response("", { status: 503, statusText: "Down" })];
    const conn = $connect({ baseUrl: "https://api.test", fetch: async () => answers.shift()! });
    const url = $endpoint(conn, "M", "m");
    const bad = await $send(conn, "GET", url, undefined, $asVoid);
    expect([bad.ok, bad.status, bad.message, bad.errors]).toEqual([false, 400, "bad name", [{ param: "name", message: "too short" }]]);
    expect((await $send(conn, "GET", url, undefined, $asVoid)).message).toBe("gone");
    expect((await $send(conn, "GET", url, undefined, $asVoid)).message).toBe("503 Down");
  });

  it("fails a success whose body does not decode, and keeps a stream's Response", async () => {
    const answers = [new Response("<html>", { status: 200 }), new Response("bytes", { status: 200 })];
    const conn = $connect({ baseUrl: "https://api.test", fetch: async () => answers.shift()! });
    const url = $endpoint(conn, "M", "m");
    const html = await $send(conn, "GET", url, undefined, $asJson());
    expect([html.ok, html.status]).toEqual([false, 200]);
    expect(html.message).toMatch(/JSON/);
    const stream = await $send(conn, "GET", url, undefined, $asResponse);
    expect(stream.mediaType).toBe("octet");
    expect(await stream.data!.text()).toBe("bytes");
  });
});

describe("encoding", () => {
  it("adds one query parameter per value, leaving out null", () => {
    const url = new URL("https://api.test/M/m");
    $addQuery(url, "ids", [1, null, 2, undefined], String);
    expect(url.search).toBe("?ids=1&ids=2");
  });

  const writers = { born: $encodeDate };

  it("writes a list's where as <column>.<op>=<value>, each value as text or by its column's writer", () => {
    const url = new URL("https://api.test/M/$list");
    const where = {
      name: { prefix: "A&B", ne: "Ann" },
      born: { gte: new Date(0), in: [new Date(1000), new Date(2000)] },
      nick: { null: false },
    };
    $addListQuery(url, { where }, ["id"], writers);
    expect([...url.searchParams]).toEqual([
      ["name.prefix", "A&B"],
      ["name.ne", "Ann"],
      ["born.gte", "1970-01-01T00:00:00.000Z"],
      ["born.in", "1970-01-01T00:00:01.000Z"],
      ["born.in", "1970-01-01T00:00:02.000Z"],
      ["nick.null", "false"],
    ]);
  });

  it("continues after an object by its key and order column, unless the list's parameters gave them", () => {
    const after = { id: 7, name: "Bea", born: new Date(0), nick: null };
    const url = new URL("https://api.test/M/$list");
    $addListQuery(url, { order: "-born", after }, ["id"], writers);
    expect(url.search).toBe("?order=-born&lastSeen_id=7&lastSeen_born=1970-01-01T00%3A00%3A00.000Z");

    const given = new URL("https://api.test/M/$list?lastSeen_id=3");
    $addListQuery(given, { order: "nick", after }, ["id"], writers);
    expect(given.search).toBe("?lastSeen_id=3&order=nick"); // a null order value is left out, as null always is

    const none = new URL("https://api.test/M/$count");
    $addListQuery(none, undefined);
    $addListQuery(none, { after });
    expect(none.search).toBe("");
  });

  it("sets header parameters over the call's headers, written as query values, leaving out null", () => {
    const signal = new AbortController().signal;
    const init = $withHeaders(
      { signal, headers: [["x-day", "old"], ["X-Other", "kept"]] },
      { "X-Day": new Date(1000), "X-N": 0, "X-On": false, "X-Text": "a b", "X-None": null, "X-Gone": undefined },
    );
    const pairs = (h: HeadersInit | undefined) => {
      const out: [string, string][] = [];
      new Headers(h).forEach((value, name) => out.push([name, value]));
      return out;
    };
    expect(init.signal).toBe(signal);
    expect(pairs(init.headers)).toEqual([
      ["x-day", "1970-01-01T00:00:01.000Z"],
      ["x-n", "0"],
      ["x-on", "false"],
      ["x-other", "kept"],
      ["x-text", "a b"],
    ]);
    expect(pairs($withHeaders(undefined, { "X-A": 1.5 }).headers)).toEqual([["x-a", "1.5"]]);
  });

  it("sends bytes as base64 in JSON, and raw as a stream body", () => {
    expect($jsonBody({ b: new Uint8Array([251, 255, 191]), d: new Date(0) }).data).toBe('{"b":"+/+/","d":"1970-01-01T00:00:00.000Z"}');
    expect($octetBody(new Uint8Array([1])).type).toBe("application/octet-stream");
  });

  it("round-trips large blobs through base64", () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 7) % 256);
    expect($fromBase64($toBase64(bytes))).toEqual(bytes);
  });
});

describe("decoding", () => {
  it("decodes present fields, leaving absent and null ones", () => {
    const obj = $decodeFields({ a: "1" as unknown, b: null as unknown }, { a: Number, b: Number });
    expect(obj).toEqual({ a: 1, b: null });
    expect($arrayOf(Number)(["1", 2])).toEqual([1, 2]);
    expect($arrayOf(Number)(undefined)).toEqual([]);
    expect($optionOf(Number)(null)).toBeNull();
  });

  it("makes KValues, decoding raw when it is not null", () => {
    const kv = $kvalueOf((json) => new Date(json as string))({ raw: "2025-01-01T00:00:00.000Z", metadata: { m: 1 } });
    expect(kv).toBeInstanceOf(KValue);
    expect(kv.value).toEqual(new Date("2025-01-01T00:00:00Z"));
    expect($kvalueOf()(null)).toEqual(new KValue(null, null));
    expect(JSON.stringify(new KValue(1))).toBe('{"raw":1,"metadata":null}');
  });

  it("decodes R2 metadata with its upload date", () => {
    const o = R2Object.fromJson({ key: "k", uploaded: "2025-03-04T05:06:07.000Z" });
    expect(o).toBeInstanceOf(R2Object);
    expect(o.uploaded).toEqual(new Date("2025-03-04T05:06:07.000Z"));
  });
});
