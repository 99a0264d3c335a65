// toJson, the wire encoding of every JSON response: values that JSON cannot
// carry are converted at any depth, and plain values take the fast path
// with the same output; results with a null body status have no body.

import { expect, it } from "vitest";
import { HttpResult, toJson, toResponse } from "../src/http.js";

const r2 = { key: "a.png", version: "v1", size: 3, etag: "e", httpEtag: '"e"', uploaded: new Date("2025-01-02T03:04:05.000Z"), customMetadata: { by: "x" } };

it.each([
  ["void", undefined, "null"],
  ["a number", 7, "7"],
  ["plain rows", [{ id: 1, ok: true, note: null }], '[{"id":1,"ok":true,"note":null}]'],
  ["a date", { at: new Date("2025-01-02T03:04:05.000Z") }, '{"at":"2025-01-02T03:04:05.000Z"}'],
  ["a blob", new Uint8Array([1, 2, 3]), '"AQID"'],
  ["a nested blob", { a: [{ photo: new Uint8Array([1, 2, 3]) }] }, '{"a":[{"photo":"AQID"}]}'],
  ["an ArrayBuffer", { b: new Uint8Array([255]).buffer }, '{"b":"/w=="}'],
  [
    "an R2 object after plain siblings",
    { id: 1, avatar: r2 },
    '{"id":1,"avatar":{"key":"a.png","version":"v1","size":3,"etag":"e","httpEtag":"\\"e\\"","uploaded":"2025-01-02T03:04:05.000Z","customMetadata":{"by":"x"}}}',
  ],
])("encodes %s", (_name, value, want) => {
  expect(toJson(value)).toBe(want);
});

it.each([204, 205, 304])("answers an OK %i without a body, keeping its headers", async (status) => {
  const res = toResponse(HttpResult.ok(status, "ignored", { ETag: '"v1"' }));
  expect([res.status, res.headers.get("ETag"), await res.text()]).toEqual([status, '"v1"', ""]);
});
