import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "../src/base64.js";
import type { CidlType, Field, Model, Schema, Validator } from "../src/cidl.js";
import { KValue } from "../src/shared.js";
import { check, checkQuery, type Checked, type Problem } from "../src/validate.js";

// The compiler's golden output for internal/syntax/parser/testdata/comprehensive.clo.
// A variable specifier keeps tsc from resolving the JSON (no resolveJsonModule).
const comprehensivePath: string = "../../internal/sema/testdata/cidl/comprehensive.json";
const comprehensive = ((await import(/* @vite-ignore */ comprehensivePath)) as { default: Schema }).default;

function field(name: string, type: CidlType, validators?: Validator[]): Field {
  return validators ? { name, type, validators } : { name, type };
}

function model(name: string, parts: Partial<Model>): Model {
  return {
    name,
    hash: "",
    backing: null,
    primary_key: [],
    columns: [],
    foreign_keys: [],
    uniques: [],
    route_fields: [],
    navigations: [],
    kv_fields: [],
    r2_fields: [],
    apis: [],
    sources: [],
    cruds: [],
    ...parts,
  };
}

function nav(name: string, target: string, many: boolean): Model["navigations"][number] {
  const one: CidlType = { object: target };
  return { name, type: many ? { array: one } : one, model: target, many, local: [], remote: [] };
}

function store(name: string, type: CidlType, validators?: Validator[], durable?: boolean): Model["kv_fields"][number] {
  return { ...field(name, type, validators), binding: "B", template: name, key: name, ...(durable ? { durable } : {}) };
}

/** A small schema covering every shape the validator distinguishes. */
const schema: Schema = {
  compiler: "0.1.0",
  hash: "",
  env: { d1: [], kv: [], r2: [], durable: [], vars: [] },
  injects: [],
  poos: [
    { name: "Point", fields: [field("x", "int"), field("y", { option: "int" }), field("tags", { array: "string" })] },
    {
      name: "Deep",
      fields: [
        field("name", "string"),
        field("point", { object: "Point" }),
        field("points", { array: { object: "Point" } }),
        field("maybe", { option: { object: "Point" } }),
      ],
    },
    { name: "Odd", fields: [field("toString", { option: "string" }), field("constructor", { option: "int" })] },
    { name: "Node", fields: [field("next", { option: { object: "Node" } })] },
  ],
  models: [
    model("Owner", { primary_key: [field("id", "int")] }),
    model("Part", { primary_key: [field("id", "int")], columns: [field("itemId", "int")] }),
    model("Item", {
      primary_key: [field("id", "int", [{ gt: 0 }])],
      columns: [field("title", "string", [{ minlen: 1 }, { maxlen: 5 }]), field("note", { option: "string" })],
      route_fields: [field("slug", "string")],
      navigations: [nav("parts", "Part", true), nav("owner", "Owner", false)],
      kv_fields: [
        store("meta", { kvobject: "json" }),
        store("count", { kvobject: "int" }, [{ gte: 0 }]),
        store("cfg", { object: "Point" }, undefined, true),
      ],
      r2_fields: [store("file", "r2object")],
    }),
  ],
};

const ok = (value: unknown): Checked => ({ ok: true, value });
const bad = (...problems: [string, string][]): Checked => ({
  ok: false,
  problems: problems.map(([param, message]): Problem => ({ param, message })),
});

interface Case {
  name: string;
  type: CidlType;
  validators?: Validator[];
  value: unknown;
  /** The parameter's name; "p" unless given. */
  path?: string;
  want: Checked;
}

const bytes = (...b: number[]) => new Uint8Array(b);
const utc = (iso: string) => new Date(iso);

const bodyCases: Case[] = [
  // int
  { name: "int", type: "int", value: 42, want: ok(42) },
  { name: "int negative", type: "int", value: -5, want: ok(-5) },
  { name: "int max safe", type: "int", value: 2 ** 53 - 1, want: ok(2 ** 53 - 1) },
  { name: "int min safe", type: "int", value: -(2 ** 53 - 1), want: ok(-(2 ** 53 - 1)) },
  { name: "int unsafe", type: "int", value: 2 ** 53, want: bad(["p", "must be a safe integer, got 9007199254740992"]) },
  { name: "int fraction", type: "int", value: 1.5, want: bad(["p", "must be an integer, got 1.5"]) },
  { name: "int string", type: "int", value: "1", want: bad(["p", 'must be an integer, got "1"']) },
  { name: "int bool", type: "int", value: true, want: bad(["p", "must be an integer, got true"]) },
  { name: "int null", type: "int", value: null, want: bad(["p", "must be an integer, got null"]) },
  { name: "int missing", type: "int", value: undefined, want: bad(["p", "is required"]) },
  { name: "int array", type: "int", value: [], want: bad(["p", "must be an integer, got array"]) },
  // real
  { name: "real", type: "real", value: 1.5, want: ok(1.5) },
  { name: "real whole", type: "real", value: 3, want: ok(3) },
  { name: "real string", type: "real", value: "1.5", want: bad(["p", 'must be a finite number, got "1.5"']) },
  { name: "real NaN", type: "real", value: NaN, want: bad(["p", "must be a finite number, got NaN"]) },
  { name: "real infinite", type: "real", value: -Infinity, want: bad(["p", "must be a finite number, got -Infinity"]) },
  // string
  { name: "string", type: "string", value: "hi", want: ok("hi") },
  { name: "string empty", type: "string", value: "", want: ok("") },
  { name: "string null text", type: "string", value: "null", want: ok("null") },
  { name: "string number", type: "string", value: 1, want: bad(["p", "must be a string, got 1"]) },
  { name: "string object", type: "string", value: {}, want: bad(["p", "must be a string, got object"]) },
  // bool
  { name: "bool true", type: "bool", value: true, want: ok(true) },
  { name: "bool false", type: "bool", value: false, want: ok(false) },
  { name: "bool text", type: "bool", value: "true", want: bad(["p", 'must be true or false, got "true"']) },
  { name: "bool zero", type: "bool", value: 0, want: bad(["p", "must be true or false, got 0"]) },
  // date
  { name: "date Z", type: "date", value: "2024-01-31T10:20:30Z", want: ok(utc("2024-01-31T10:20:30Z")) },
  { name: "date offset", type: "date", value: "2024-01-31T10:20:30+02:00", want: ok(utc("2024-01-31T08:20:30Z")) },
  { name: "date negative offset", type: "date", value: "2024-01-31T23:00:00-05:30", want: ok(utc("2024-02-01T04:30:00Z")) },
  { name: "date fraction", type: "date", value: "2024-01-31T10:20:30.25Z", want: ok(utc("2024-01-31T10:20:30.250Z")) },
  { name: "date long fraction", type: "date", value: "2024-01-31T10:20:30.123456Z", want: ok(utc("2024-01-31T10:20:30.123Z")) },
  { name: "date lower case", type: "date", value: "2024-01-31t10:20:30z", want: ok(utc("2024-01-31T10:20:30Z")) },
  { name: "date only", type: "date", value: "2024-02-29", want: ok(utc("2024-02-29T00:00:00Z")) },
  { name: "date 2000 leap", type: "date", value: "2000-02-29", want: ok(utc("2000-02-29T00:00:00Z")) },
  ...[
    "2023-02-29",
    "1900-02-29",
    "2024-04-31",
    "2024-13-01",
    "2024-00-10",
    "2024-01-00",
    "2024-1-1",
    "2024-01-01T24:00:00Z",
    "2024-01-01T10:60:00Z",
    "2024-01-01T10:00:60Z",
    "2024-01-01T10:00:00",
    "2024-01-01T10:00Z",
    "2024-01-01 10:00:00Z",
    "2024-01-01T10:00:00+24:00",
    "2024-01-01T10:00:00+0200",
    "2024-01-01T10:00:00.Z",
    " 2024-01-01",
    "1704067200000",
    "",
  ].map((value) => ({
    name: `date rejects ${JSON.stringify(value)}`,
    type: "date" as const,
    value,
    want: bad(["p", `must be an RFC 3339 date-time or YYYY-MM-DD date, got ${JSON.stringify(value)}`]),
  })),
  { name: "date number", type: "date", value: 0, want: bad(["p", "must be an RFC 3339 date-time or YYYY-MM-DD date, got 0"]) },
  // blob
  { name: "blob base64", type: "blob", value: "AQID", want: ok(bytes(1, 2, 3)) },
  { name: "blob empty", type: "blob", value: "", want: ok(bytes()) },
  { name: "blob padded 1", type: "blob", value: "AQ==", want: ok(bytes(1)) },
  { name: "blob padded 2", type: "blob", value: "AQI=", want: ok(bytes(1, 2)) },
  { name: "blob unpadded", type: "blob", value: "AQ", want: bad(["p", 'must be padded standard base64, got "AQ"']) },
  { name: "blob url alphabet", type: "blob", value: "-_8=", want: bad(["p", 'must be padded standard base64, got "-_8="']) },
  { name: "blob bytes", type: "blob", value: [0, 1, 255], want: ok(bytes(0, 1, 255)) },
  { name: "blob empty bytes", type: "blob", value: [], want: ok(bytes()) },
  {
    name: "blob bad bytes",
    type: "blob",
    value: [256, 1, -1, 1.5, "2"],
    want: bad(
      ["p.0", "must be an integer from 0 to 255, got 256"],
      ["p.2", "must be an integer from 0 to 255, got -1"],
      ["p.3", "must be an integer from 0 to 255, got 1.5"],
      ["p.4", 'must be an integer from 0 to 255, got "2"'],
    ),
  },
  { name: "blob number", type: "blob", value: 5, want: bad(["p", "must be a base64 string or an array of bytes, got 5"]) },
  // json
  { name: "json object", type: "json", value: { a: [1, null] }, want: ok({ a: [1, null] }) },
  { name: "json null", type: "json", value: null, want: ok(null) },
  { name: "json null text", type: "json", value: "null", want: ok("null") },
  { name: "json missing", type: "json", value: undefined, want: bad(["p", "is required"]) },
  // option
  { name: "option missing", type: { option: "int" }, value: undefined, want: ok(null) },
  { name: "option null", type: { option: "int" }, value: null, want: ok(null) },
  { name: "option value", type: { option: "int" }, value: 3, want: ok(3) },
  { name: "option null text", type: { option: "string" }, value: "null", want: ok("null") },
  { name: "option bad", type: { option: "int" }, value: "x", want: bad(["p", 'must be an integer, got "x"']) },
  { name: "option date", type: { option: "date" }, value: "2024-01-02", want: ok(utc("2024-01-02")) },
  // array
  { name: "array missing", type: { array: "int" }, value: undefined, want: ok([]) },
  { name: "array empty", type: { array: "int" }, value: [], want: ok([]) },
  { name: "array", type: { array: "int" }, value: [1, 2], want: ok([1, 2]) },
  {
    name: "array bad elements",
    type: { array: "int" },
    value: [1, "a", null],
    want: bad(["p.1", 'must be an integer, got "a"'], ["p.2", "must be an integer, got null"]),
  },
  { name: "array object", type: { array: "int" }, value: {}, want: bad(["p", "must be an array, got object"]) },
  { name: "array null", type: { array: "int" }, value: null, want: bad(["p", "must be an array, got null"]) },
  { name: "array of options", type: { array: { option: "int" } }, value: [null, 1], want: ok([null, 1]) },
  { name: "array of arrays", type: { array: { array: "blob" } }, value: [["AA=="], []], want: ok([[bytes(0)], []]) },
  // kvobject
  { name: "kv", type: { kvobject: "int" }, value: { raw: 1, metadata: { m: true } }, want: ok(new KValue(1, { m: true })) },
  { name: "kv no metadata", type: { kvobject: "json" }, value: { raw: null }, want: ok(new KValue(null, null)) },
  { name: "kv date raw", type: { kvobject: "date" }, value: { raw: "2024-01-02" }, want: ok(new KValue(utc("2024-01-02"))) },
  { name: "kv unknown keys", type: { kvobject: "int" }, value: { raw: 1, x: 2 }, want: ok(new KValue(1, null)) },
  { name: "kv no raw", type: { kvobject: "int" }, value: {}, want: bad(["p.raw", "is required"]) },
  { name: "kv bare", type: { kvobject: "int" }, value: 5, want: bad(["p", "must be an object {raw, metadata?}, got 5"]) },
  { name: "kv array", type: { kvobject: "int" }, value: [1], want: bad(["p", "must be an object {raw, metadata?}, got array"]) },
  // r2object
  {
    name: "r2",
    type: "r2object",
    value: {
      key: "a/b",
      version: "v1",
      size: 3,
      etag: "e",
      httpEtag: '"e"',
      uploaded: "2024-01-02T03:04:05Z",
      customMetadata: { k: "v" },
      extra: 1,
    },
    want: ok({
      key: "a/b",
      version: "v1",
      size: 3,
      etag: "e",
      httpEtag: '"e"',
      uploaded: utc("2024-01-02T03:04:05Z"),
      customMetadata: { k: "v" },
    }),
  },
  {
    name: "r2 snake case",
    type: "r2object",
    value: { key: "k", version: "v", size: 0, etag: "e", http_etag: "h", uploaded: "2024-01-02" },
    want: bad(["p.httpEtag", "is required"]),
  },
  {
    name: "r2 bad members",
    type: "r2object",
    value: { key: 1, version: "v", size: -1, etag: "e", httpEtag: "h", uploaded: "yesterday", customMetadata: { a: 1, b: "ok" } },
    want: bad(
      ["p.key", "must be a string, got 1"],
      ["p.size", "must be at least 0, got -1"],
      ["p.uploaded", 'must be an RFC 3339 date-time or YYYY-MM-DD date, got "yesterday"'],
      ["p.customMetadata.a", "must be a string, got 1"],
    ),
  },
  {
    name: "r2 bad metadata",
    type: "r2object",
    value: { key: "k", version: "v", size: 0, etag: "e", httpEtag: "h", uploaded: "2024-01-02", customMetadata: { a: 1, b: "ok" } },
    want: bad(["p.customMetadata.a", "must be a string, got 1"]),
  },
  { name: "r2 null", type: "r2object", value: null, want: bad(["p", "must be an object, got null"]) },
];

const validatorCases: Case[] = [
  // gt / gte / lt / lte at their boundaries, on ints and reals
  { name: "gt below", type: "int", validators: [{ gt: 0 }], value: -1, want: bad(["p", "must be greater than 0, got -1"]) },
  { name: "gt at", type: "int", validators: [{ gt: 0 }], value: 0, want: bad(["p", "must be greater than 0, got 0"]) },
  { name: "gt above", type: "int", validators: [{ gt: 0 }], value: 1, want: ok(1) },
  { name: "gt fraction value", type: "real", validators: [{ gt: 0 }], value: 0.5, want: ok(0.5) },
  { name: "gt fraction bound at", type: "real", validators: [{ gt: 0.5 }], value: 0.5, want: bad(["p", "must be greater than 0.5, got 0.5"]) },
  { name: "gte below", type: "int", validators: [{ gte: 3 }], value: 2, want: bad(["p", "must be at least 3, got 2"]) },
  { name: "gte at", type: "int", validators: [{ gte: 3 }], value: 3, want: ok(3) },
  { name: "gte above", type: "int", validators: [{ gte: 3 }], value: 4, want: ok(4) },
  { name: "gte real below", type: "real", validators: [{ gte: -1.5 }], value: -1.51, want: bad(["p", "must be at least -1.5, got -1.51"]) },
  { name: "lt below", type: "int", validators: [{ lt: 10 }], value: 9, want: ok(9) },
  { name: "lt at", type: "int", validators: [{ lt: 10 }], value: 10, want: bad(["p", "must be less than 10, got 10"]) },
  { name: "lt above", type: "int", validators: [{ lt: 10 }], value: 11, want: bad(["p", "must be less than 10, got 11"]) },
  { name: "lte below", type: "real", validators: [{ lte: 10 }], value: 9.99, want: ok(9.99) },
  { name: "lte at", type: "int", validators: [{ lte: 10 }], value: 10, want: ok(10) },
  { name: "lte above fraction", type: "real", validators: [{ lte: 10 }], value: 10.5, want: bad(["p", "must be at most 10, got 10.5"]) },
  // step
  { name: "step multiple", type: "int", validators: [{ step: 2 }], value: 4, want: ok(4) },
  { name: "step zero", type: "int", validators: [{ step: 2 }], value: 0, want: ok(0) },
  { name: "step negative", type: "int", validators: [{ step: 2 }], value: -4, want: ok(-4) },
  { name: "step off", type: "int", validators: [{ step: 2 }], value: 3, want: bad(["p", "must be a multiple of 2, got 3"]) },
  { name: "step real fraction", type: "real", validators: [{ step: 2 }], value: 4.5, want: bad(["p", "must be a multiple of 2, got 4.5"]) },
  { name: "step real whole", type: "real", validators: [{ step: 2 }], value: 6, want: ok(6) },
  { name: "step real tiny", type: "real", validators: [{ step: 2 }], value: 4 + 2 ** -50, want: bad(["p", `must be a multiple of 2, got ${4 + 2 ** -50}`]) },
  { name: "step fractional 0.3", type: "real", validators: [{ step: 0.1 }], value: 0.3, want: ok(0.3) },
  { name: "step fractional 0.7", type: "real", validators: [{ step: 0.1 }], value: 0.7, want: ok(0.7) },
  { name: "step fractional off", type: "real", validators: [{ step: 0.1 }], value: 0.35, want: bad(["p", "must be a multiple of 0.1, got 0.35"]) },
  // lengths count code points
  { name: "len below", type: "string", validators: [{ len: 3 }], value: "ab", want: bad(["p", "must be exactly 3 characters, got 2"]) },
  { name: "len at", type: "string", validators: [{ len: 3 }], value: "abc", want: ok("abc") },
  { name: "len above", type: "string", validators: [{ len: 3 }], value: "abcd", want: bad(["p", "must be exactly 3 characters, got 4"]) },
  { name: "minlen below", type: "string", validators: [{ minlen: 3 }], value: "ab", want: bad(["p", "must be at least 3 characters, got 2"]) },
  { name: "minlen at", type: "string", validators: [{ minlen: 3 }], value: "abc", want: ok("abc") },
  { name: "minlen above", type: "string", validators: [{ minlen: 3 }], value: "abcd", want: ok("abcd") },
  { name: "maxlen below", type: "string", validators: [{ maxlen: 3 }], value: "ab", want: ok("ab") },
  { name: "maxlen at", type: "string", validators: [{ maxlen: 3 }], value: "abc", want: ok("abc") },
  { name: "maxlen above", type: "string", validators: [{ maxlen: 3 }], value: "abcd", want: bad(["p", "must be at most 3 characters, got 4"]) },
  { name: "emoji are one each", type: "string", validators: [{ len: 3 }], value: "😀😀😀", want: ok("😀😀😀") },
  { name: "emoji over max", type: "string", validators: [{ maxlen: 2 }], value: "😀😀😀", want: bad(["p", "must be at most 2 characters, got 3"]) },
  { name: "precomposed accent", type: "string", validators: [{ len: 3 }], value: "h\u00e9\u00e9", want: ok("h\u00e9\u00e9") },
  { name: "combining accent counts", type: "string", validators: [{ len: 2 }], value: "e\u0301", want: ok("e\u0301") },
  { name: "emoji with modifier", type: "string", validators: [{ maxlen: 1 }], value: "👍🏽", want: bad(["p", "must be at most 1 character, got 2"]) },
  { name: "lone surrogate", type: "string", validators: [{ len: 2 }], value: "\ud800a", want: ok("\ud800a") },
  { name: "bytes are not counted", type: "string", validators: [{ maxlen: 4 }], value: "日本語だ", want: ok("日本語だ") },
  // regex: unanchored, u-mode
  { name: "regex match", type: "string", validators: [{ regex: "^[a-z]+$" }], value: "abc", want: ok("abc") },
  { name: "regex mismatch", type: "string", validators: [{ regex: "^[a-z]+$" }], value: "ABC", want: bad(["p", 'must match /^[a-z]+$/, got "ABC"']) },
  { name: "regex unanchored", type: "string", validators: [{ regex: "b" }], value: "abc", want: ok("abc") },
  { name: "regex dot is a code point", type: "string", validators: [{ regex: "^.$" }], value: "😀", want: ok("😀") },
  { name: "regex property escape", type: "string", validators: [{ regex: "^\\p{L}+$" }], value: "Ünïcödé", want: ok("Ünïcödé") },
  { name: "regex escaped slash", type: "string", validators: [{ regex: "^[^@\\/]+@[^@]+$" }], value: "a@b", want: ok("a@b") },
  {
    name: "regex long value abbreviated",
    type: "string",
    validators: [{ regex: "^a+$" }],
    value: "b".repeat(100),
    want: bad(["p", `must match /^a+$/, got "${"b".repeat(40)}…"`]),
  },
  {
    name: "regex invalid pattern",
    type: "string",
    validators: [{ regex: "(" }],
    value: "x",
    want: bad(["p", "has an invalid pattern /(/: Invalid regular expression: /(/u: Unterminated group"]),
  },
  // several validators: all problems reported
  {
    name: "all problems",
    type: "string",
    validators: [{ maxlen: 5 }, { regex: "^[a-z]+$" }],
    value: "ABCDEFG",
    want: bad(["p", "must be at most 5 characters, got 7"], ["p", 'must match /^[a-z]+$/, got "ABCDEFG"']),
  },
  // validators apply at the root, under array, option and kvobject
  {
    name: "array elements",
    type: { array: "int" },
    validators: [{ gt: 0 }],
    value: [1, 0, -1],
    want: bad(["p.1", "must be greater than 0, got 0"], ["p.2", "must be greater than 0, got -1"]),
  },
  { name: "option null skips", type: { option: "int" }, validators: [{ gt: 0 }], value: null, want: ok(null) },
  { name: "option value checked", type: { option: "int" }, validators: [{ gt: 0 }], value: 0, want: bad(["p", "must be greater than 0, got 0"]) },
  { name: "kv raw checked", type: { kvobject: "int" }, validators: [{ gte: 0 }], value: { raw: -1 }, want: bad(["p.raw", "must be at least 0, got -1"]) },
  {
    name: "array of option strings",
    type: { array: { option: "string" } },
    validators: [{ minlen: 2 }],
    value: [null, "a", "ab"],
    want: bad(["p.1", "must be at least 2 characters, got 1"]),
  },
];

const point = (x: number, y: number | null = null, tags: string[] = []) => ({ x, y, tags });
const r2 = { key: "k", version: "v", size: 1, etag: "e", httpEtag: "h", uploaded: "2024-01-02" };
const item = { id: 1, title: "abc", slug: "s" };

const objectCases: Case[] = [
  // POOs
  { name: "poo defaults", type: { object: "Point" }, value: { x: 1 }, want: ok(point(1)) },
  { name: "poo unknown keys dropped", type: { object: "Point" }, value: { x: 1, z: 2 }, want: ok(point(1)) },
  { name: "poo __proto__ dropped", type: { object: "Point" }, value: JSON.parse('{"x":1,"__proto__":{"y":2}}'), want: ok(point(1)) },
  { name: "poo required", type: { object: "Point" }, value: {}, want: bad(["p.x", "is required"]) },
  { name: "poo array", type: { object: "Point" }, value: [], want: bad(["p", "must be an object, got array"]) },
  { name: "poo null", type: { object: "Point" }, value: null, want: bad(["p", "must be an object, got null"]) },
  { name: "poo string", type: { object: "Point" }, value: "{}", want: bad(["p", 'must be an object, got "{}"']) },
  {
    name: "poo all problems",
    type: { object: "Point" },
    value: { x: "1", y: "2", tags: [1, "a", 2] },
    want: bad(
      ["p.x", 'must be an integer, got "1"'],
      ["p.y", 'must be an integer, got "2"'],
      ["p.tags.0", "must be a string, got 1"],
      ["p.tags.2", "must be a string, got 2"],
    ),
  },
  { name: "inherited names are not fields", type: { object: "Odd" }, value: {}, want: ok({ toString: null, constructor: null }) },
  { name: "own names are fields", type: { object: "Odd" }, value: { toString: "s", constructor: 1 }, want: ok({ toString: "s", constructor: 1 }) },
  {
    name: "nested paths",
    type: { object: "Deep" },
    path: "d",
    value: { name: 1, point: { x: "a" }, points: [{ x: 1 }, { x: 1, y: "b" }], maybe: [] },
    want: bad(
      ["d.name", "must be a string, got 1"],
      ["d.point.x", 'must be an integer, got "a"'],
      ["d.points.1.y", 'must be an integer, got "b"'],
      ["d.maybe", "must be an object, got array"],
    ),
  },
  {
    name: "nested values",
    type: { object: "Deep" },
    value: { name: "n", point: { x: 1 }, points: [{ x: 2, y: 3, tags: ["t"] }] },
    want: ok({ name: "n", point: point(1), points: [point(2, 3, ["t"])], maybe: null }),
  },
  // models: keys, columns and routes required; navigations, KV and R2 left absent
  { name: "model minimal", type: { object: "Item" }, value: item, want: ok({ ...item, note: null }) },
  {
    name: "model required",
    type: { object: "Item" },
    path: "item",
    value: {},
    want: bad(["item.id", "is required"], ["item.title", "is required"], ["item.slug", "is required"]),
  },
  {
    name: "model validators",
    type: { object: "Item" },
    path: "item",
    value: { id: 0, title: "", slug: "s", note: 5 },
    want: bad(
      ["item.id", "must be greater than 0, got 0"],
      ["item.title", "must be at least 1 character, got 0"],
      ["item.note", "must be a string, got 5"],
    ),
  },
  {
    name: "model navigations",
    type: { object: "Item" },
    value: { ...item, parts: [{ id: 1, itemId: 1, junk: true }], owner: { id: 2 } },
    want: ok({ ...item, note: null, parts: [{ id: 1, itemId: 1 }], owner: { id: 2 } }),
  },
  {
    name: "model navigation problems",
    type: { object: "Item" },
    path: "item",
    value: { ...item, parts: [{ id: 1 }], owner: null },
    want: bad(["item.parts.0.itemId", "is required"], ["item.owner", "must be an object, got null"]),
  },
  {
    name: "model stores",
    type: { object: "Item" },
    value: { ...item, meta: { raw: { a: 1 }, metadata: "m" }, count: { raw: 5 }, cfg: { x: 1 }, file: r2 },
    want: ok({
      ...item,
      note: null,
      meta: new KValue({ a: 1 }, "m"),
      count: new KValue(5, null),
      cfg: point(1),
      file: { ...r2, uploaded: utc("2024-01-02") },
    }),
  },
  {
    name: "model store problems",
    type: { object: "Item" },
    path: "item",
    value: { ...item, meta: { metadata: 1 }, count: { raw: -1 }, cfg: { raw: { x: 1 } }, file: { ...r2, size: "1" } },
    want: bad(
      ["item.meta.raw", "is required"],
      ["item.count.raw", "must be at least 0, got -1"],
      ["item.cfg.x", "is required"],
      ["item.file.size", 'must be an integer, got "1"'],
    ),
  },
  // partial: every field optional at every depth, nothing added
  { name: "partial empty", type: { partial: "Item" }, value: {}, want: ok({}) },
  { name: "partial some", type: { partial: "Item" }, value: { title: "ab", junk: 1 }, want: ok({ title: "ab" }) },
  { name: "partial option null", type: { partial: "Item" }, value: { note: null }, want: ok({ note: null }) },
  { name: "partial null", type: { partial: "Item" }, value: { title: null }, want: bad(["p.title", "must be a string, got null"]) },
  { name: "partial validators", type: { partial: "Item" }, value: { title: "toolong" }, want: bad(["p.title", "must be at most 5 characters, got 7"]) },
  { name: "partial nested", type: { partial: "Item" }, value: { parts: [{}, { itemId: 2 }], owner: {} }, want: ok({ parts: [{}, { itemId: 2 }], owner: {} }) },
  { name: "partial store", type: { partial: "Item" }, value: { cfg: {}, count: { raw: 1 } }, want: ok({ cfg: {}, count: new KValue(1) }) },
  { name: "partial kv raw required", type: { partial: "Item" }, value: { count: {} }, want: bad(["p.count.raw", "is required"]) },
  { name: "partial poo", type: { partial: "Deep" }, value: { point: {}, points: [{ y: null }] }, want: ok({ point: {}, points: [{ y: null }] }) },
  { name: "partial missing", type: { partial: "Item" }, value: undefined, want: bad(["p", "is required"]) },
  { name: "partial not object", type: { partial: "Item" }, value: [], want: bad(["p", "must be an object, got array"]) },
  { name: "option partial", type: { option: { partial: "Point" } }, value: undefined, want: ok(null) },
  { name: "array of partials", type: { array: { partial: "Point" } }, value: [{}, { x: 1 }], want: ok([{}, { x: 1 }]) },
];

describe("check", () => {
  for (const [group, cases] of [
    ["types", bodyCases],
    ["validators", validatorCases],
    ["objects", objectCases],
  ] as const) {
    describe(group, () => {
      it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
        const got = check(schema, c.type, c.validators, c.value, c.path ?? "p");
        expect(got).toEqual(c.want);
        if (got.ok && c.want.ok) expectSameClasses(got.value, c.want.value);
      });
    });
  }

  it("leaves the input untouched and returns fresh objects", () => {
    const input = { x: 1, extra: 2, tags: ["a"] };
    const got = check(schema, { object: "Point" }, undefined, input, "p");
    expect(input).toEqual({ x: 1, extra: 2, tags: ["a"] });
    expect(got.ok && got.value).not.toBe(input);
  });

  it("uses an empty path as the root of field paths", () => {
    expect(check(schema, { object: "Point" }, undefined, {}, "")).toEqual(bad(["x", "is required"]));
  });

  it("rejects hostile nesting without overflowing", () => {
    const nest = (depth: number) => {
      let v: unknown = null;
      for (let i = 0; i < depth; i++) v = { next: v };
      return v;
    };
    expect(check(schema, { object: "Node" }, undefined, nest(30), "n").ok).toBe(true);
    const deep = check(schema, { object: "Node" }, undefined, nest(100_000), "n");
    expect(deep.ok).toBe(false);
    if (!deep.ok) {
      expect(deep.problems).toHaveLength(1);
      expect(deep.problems[0]!.message).toBe("is nested more than 64 levels deep");
    }
  });

  it("throws for router bugs, not for values", () => {
    expect(() => check(schema, "stream", undefined, "x", "p")).toThrow(/stream values are not validated/);
    expect(() => check(schema, "void", undefined, undefined, "p")).toThrow(/void values are not validated/);
    expect(() => check(schema, { object: "Nope" }, undefined, {}, "p")).toThrow(/no model or poo named "Nope"/);
    expect(() => checkQuery(schema, { option: "void" }, undefined, ["x"], "p")).toThrow(/void/);
  });
});

/** toEqual ignores classes; a KValue, Date or Uint8Array must be exactly that. */
function expectSameClasses(got: unknown, want: unknown): void {
  if (typeof want !== "object" || want === null) return;
  expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(want));
  for (const key of Object.keys(want)) {
    expectSameClasses((got as Record<string, unknown>)[key], (want as Record<string, unknown>)[key]);
  }
}

interface QueryCase {
  name: string;
  type: CidlType;
  validators?: Validator[];
  raw: string[];
  want: Checked;
}

const queryCases: QueryCase[] = [
  { name: "int", type: "int", raw: ["42"], want: ok(42) },
  { name: "int negative", type: "int", raw: ["-7"], want: ok(-7) },
  { name: "int leading zero", type: "int", raw: ["007"], want: ok(7) },
  ...["1e3", " 1", "1 ", "0x10", "1.0", "", "+1", "--1", "1_000", "١"].map((text) => ({
    name: `int rejects ${JSON.stringify(text)}`,
    type: "int" as const,
    raw: [text],
    want: bad(["q", `must be an integer, got ${JSON.stringify(text)}`]),
  })),
  { name: "int unsafe", type: "int", raw: ["9007199254740992"], want: bad(["q", 'must be a safe integer, got "9007199254740992"']) },
  { name: "int missing", type: "int", raw: [], want: bad(["q", "is required"]) },
  { name: "int twice", type: "int", raw: ["1", "2"], want: bad(["q", "must be given once, got 2 values"]) },
  { name: "int validators", type: "int", validators: [{ gt: 0 }], raw: ["0"], want: bad(["q", "must be greater than 0, got 0"]) },
  ...["1.5", ".5", "5.", "-2e-3", "1E3", "3", "-0.0"].map((text) => ({
    name: `real ${text}`,
    type: "real" as const,
    raw: [text],
    want: ok(Number(text)),
  })),
  ...["abc", "", "Infinity", "NaN", "0x1", "1e", ".", "-", "1.2.3", " 1"].map((text) => ({
    name: `real rejects ${JSON.stringify(text)}`,
    type: "real" as const,
    raw: [text],
    want: bad(["q", `must be a decimal number, got ${JSON.stringify(text)}`]),
  })),
  { name: "real overflow", type: "real", raw: ["1e400"], want: bad(["q", "must be a finite number, got Infinity"]) },
  { name: "bool true", type: "bool", raw: ["true"], want: ok(true) },
  { name: "bool false", type: "bool", raw: ["false"], want: ok(false) },
  ...["1", "True", "", "yes"].map((text) => ({
    name: `bool rejects ${JSON.stringify(text)}`,
    type: "bool" as const,
    raw: [text],
    want: bad(["q", `must be true or false, got ${JSON.stringify(text)}`]),
  })),
  { name: "string", type: "string", raw: ["a b&c"], want: ok("a b&c") },
  { name: "string empty", type: "string", raw: [""], want: ok("") },
  { name: "string maxlen", type: "string", validators: [{ maxlen: 2 }], raw: ["😀😀😀"], want: bad(["q", "must be at most 2 characters, got 3"]) },
  { name: "date", type: "date", raw: ["2024-01-02"], want: ok(utc("2024-01-02")) },
  { name: "date bad", type: "date", raw: ["2024-01-32"], want: bad(["q", 'must be an RFC 3339 date-time or YYYY-MM-DD date, got "2024-01-32"']) },
  { name: "blob", type: "blob", raw: ["AQID"], want: ok(bytes(1, 2, 3)) },
  { name: "blob bad", type: "blob", raw: ["AQI"], want: bad(["q", 'must be padded standard base64, got "AQI"']) },
  { name: "json", type: "json", raw: ['{"a":[1]}'], want: ok({ a: [1] }) },
  { name: "json null", type: "json", raw: ["null"], want: ok(null) },
  { name: "json absent", type: "json", raw: [], want: ok(null) },
  { name: "json invalid", type: "json", raw: ["nope"], want: bad(["q", 'must be valid JSON, got "nope"']) },
  { name: "option absent", type: { option: "int" }, raw: [], want: ok(null) },
  { name: "option present", type: { option: "int" }, raw: ["3"], want: ok(3) },
  { name: "option null text", type: { option: "int" }, raw: ["null"], want: bad(["q", 'must be an integer, got "null"']) },
  { name: "option string null text", type: { option: "string" }, raw: ["null"], want: ok("null") },
  { name: "array absent", type: { array: "int" }, raw: [], want: ok([]) },
  { name: "array", type: { array: "int" }, raw: ["1", "2"], want: ok([1, 2]) },
  {
    name: "array problems",
    type: { array: "int" },
    validators: [{ gt: 0 }],
    raw: ["1", "x", "0"],
    want: bad(["q.1", 'must be an integer, got "x"'], ["q.2", "must be greater than 0, got 0"]),
  },
  { name: "array of strings", type: { array: "string" }, raw: ["", "a"], want: ok(["", "a"]) },
  { name: "option array absent", type: { option: { array: "int" } }, raw: [], want: ok(null) },
  { name: "option array", type: { option: { array: "int" } }, raw: ["4"], want: ok([4]) },
  { name: "object as JSON", type: { object: "Point" }, raw: ['{"x":1}'], want: ok(point(1)) },
  { name: "object bad JSON", type: { object: "Point" }, raw: ["{x:1}"], want: bad(["q", 'must be valid JSON, got "{x:1}"']) },
  { name: "kvobject as JSON", type: { kvobject: "int" }, raw: ['{"raw":2}'], want: ok(new KValue(2)) },
];

describe("checkQuery", () => {
  it.each(queryCases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const got = checkQuery(schema, c.type, c.validators, c.raw, "q");
    expect(got).toEqual(c.want);
    if (got.ok && c.want.ok) expectSameClasses(got.value, c.want.value);
  });
});

describe("comprehensive.json", () => {
  const user = comprehensive.models.find((m) => m.name === "User")!;
  const api = (name: string) => user.apis.find((a) => a.name === name)!;

  it("accepts a full user with posts and stores", () => {
    const save = api("$save").params[0]!;
    const post = { id: 7, authorId: 1, code: "abcdefghij", body: "hi", tags: [{ postId: 7, tagName: "t", tag: {} }] };
    const value = {
      id: 1,
      name: "Ada",
      email: "ada@example.com",
      score: 4,
      active: true,
      joined: "2024-05-06T07:08:09Z",
      photo: "AAEC",
      prefs: { theme: "dark" },
      posts: [post],
      settings: { raw: [1, 2] },
    };
    const got = check(comprehensive, save.type, save.validators, value, save.name);
    expect(got).toEqual(
      ok({ ...value, joined: utc("2024-05-06T07:08:09Z"), photo: bytes(0, 1, 2), settings: new KValue([1, 2]) }),
    );
  });

  it("reports every problem with its full path", () => {
    const save = api("$save").params[0]!;
    const value = {
      id: 0,
      name: "Al",
      email: "no-at",
      score: 101,
      posts: [{ code: "short", authorId: 0 }],
      avatar: { key: 1 },
    };
    const got = check(comprehensive, save.type, save.validators, value, save.name);
    expect(got.ok ? [] : got.problems.map((p) => `${p.param}: ${p.message}`)).toEqual([
      "model.id: must be greater than 0, got 0",
      "model.name: must be at least 3 characters, got 2",
      'model.email: must match /^[^@\\/]+@[^@]+$/, got "no-at"',
      "model.score: must be at most 100, got 101",
      "model.score: must be a multiple of 2, got 101",
      "model.posts.0.authorId: must be greater than 0, got 0",
      "model.posts.0.code: must be exactly 10 characters, got 5",
      "model.avatar.key: must be a string, got 1",
      "model.avatar.version: is required",
      "model.avatar.size: is required",
      "model.avatar.etag: is required",
      "model.avatar.httpEtag: is required",
      "model.avatar.uploaded: is required",
    ]);
  });

  it("validates GET parameters from the query string", () => {
    const list = api("$list");
    const [lastSeen, limit] = list.params;
    expect(checkQuery(comprehensive, lastSeen!.type, lastSeen!.validators, [], lastSeen!.name)).toEqual(ok(null));
    expect(checkQuery(comprehensive, limit!.type, limit!.validators, ["0"], limit!.name)).toEqual(
      bad(["limit", "must be greater than 0, got 0"]),
    );
    const slug = api("pageCount").params[0]!;
    expect(checkQuery(comprehensive, slug.type, slug.validators, ["my-page"], slug.name)).toEqual(ok("my-page"));
    expect(checkQuery(comprehensive, slug.type, slug.validators, ["My Page"], slug.name)).toEqual(
      bad(["slug", 'must match /^[a-z0-9-]+$/, got "My Page"']),
    );
  });

  it("checks durable store fields as plain values", () => {
    const got = check(comprehensive, { object: "Page" }, undefined, { id: 1, title: "t", slug: "s", config: { name: "n" } }, "page");
    expect(got).toEqual(ok({ id: 1, title: "t", slug: "s", config: { name: "n", limits: [], owner: null } }));
  });
});

// Property-style: random JSON values and query texts never make check throw.

/** mulberry32: a small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function allFieldNames(s: Schema): string[] {
  const names = new Set(["raw", "metadata", "key", "version", "size", "etag", "httpEtag", "uploaded", "customMetadata"]);
  for (const p of s.poos) for (const f of p.fields) names.add(f.name);
  for (const m of s.models) {
    for (const f of [...m.primary_key, ...m.columns, ...m.route_fields, ...m.navigations, ...m.kv_fields, ...m.r2_fields]) {
      names.add(f.name);
    }
  }
  return [...names];
}

const texts = ["", "0", "-1", "1.5", "1e309", "true", "null", "2024-01-02", "2024-01-02T03:04:05Z", "AQID", "A===", "😀", "\ud800", "{}", "[1]", '{"raw":1}', "x".repeat(300)];
const numbers = [0, -0, 1, -1, 0.5, 1e21, 2 ** 53, -(2 ** 63), 255, 256, NaN, Infinity];

function randomValue(rand: () => number, keys: string[], depth: number): unknown {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const r = rand();
  if (depth > 4 || r < 0.35) return pick<unknown>([null, true, false, undefined, pick(numbers), pick(texts)]);
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, keys, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 6); i > 0; i--) o[pick(keys)] = randomValue(rand, keys, depth + 1);
  return o;
}

function typesOf(s: Schema): CidlType[] {
  const roots: CidlType[] = ["int", "real", "string", "blob", "bool", "date", "json", "r2object"];
  for (const name of [...s.poos, ...s.models].map((x) => x.name)) roots.push({ object: name }, { partial: name });
  return roots.flatMap((t) => [t, { option: t }, { array: t }, { kvobject: t }, { array: { option: t } }]);
}

const validatorSets: (Validator[] | undefined)[] = [
  undefined,
  [{ gt: 0 }, { lte: 10.5 }, { step: 3 }],
  [{ step: 0.25 }, { gte: -1 }, { lt: 1e3 }],
  [{ len: 2 }, { minlen: 1 }, { maxlen: 3 }, { regex: "^\\p{L}" }],
  [{ regex: "[" }],
];

describe("never throws", () => {
  for (const [name, s] of [
    ["hand-written schema", schema],
    ["comprehensive.json", comprehensive],
  ] as const) {
    it(`on random values (${name})`, () => {
      const rand = prng(0xc10e5e);
      const keys = allFieldNames(s);
      const malformed: string[] = [];
      let checked = 0;
      for (const type of typesOf(s)) {
        for (const validators of validatorSets) {
          for (let i = 0; i < 25; i++) {
            const value = randomValue(rand, keys, 0);
            const raw = Array.from({ length: Math.floor(rand() * 3) }, () => texts[Math.floor(rand() * texts.length)]!);
            for (const got of [check(s, type, validators, value, "p"), checkQuery(s, type, validators, raw, "p")]) {
              const why = malformation(got);
              if (why) malformed.push(`${JSON.stringify(type)} ${JSON.stringify(value)}: ${why}`);
              checked++;
            }
          }
        }
      }
      expect(malformed.slice(0, 5)).toEqual([]);
      expect(checked).toBeGreaterThan(10_000);
    });
  }
});

/** Why a result breaks the Checked contract, or undefined when it keeps it. */
function malformation(got: Checked): string | undefined {
  if (got.ok) return hasSymbol(got.value) ? "a failure marker leaked into the value" : undefined;
  if (got.problems.length === 0) return "no problems";
  const p = got.problems.find((p) => !/^p(\.|$)/.test(p.param) || p.message === "");
  return p && `bad problem ${JSON.stringify(p)}`;
}

function hasSymbol(v: unknown): boolean {
  if (typeof v === "symbol") return true;
  if (typeof v !== "object" || v === null || v instanceof Uint8Array || v instanceof Date) return false;
  return Object.values(v).some(hasSymbol);
}

describe("base64", () => {
  const rfc4648: [string, string][] = [
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ];
  it.each(rfc4648)("encodes and decodes %j as %j", (plain, encoded) => {
    const b = new TextEncoder().encode(plain);
    expect(encodeBase64(b)).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(b);
  });

  it("round-trips every byte value and length, agreeing with btoa", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= all.length; n += n < 10 ? 1 : 37) {
      const b = all.subarray(256 - n);
      const text = encodeBase64(b);
      expect(text).toBe(btoa(String.fromCharCode(...b)));
      expect(decodeBase64(text)).toEqual(b);
    }
  });

  it.each([
    ["no padding", "Zg"],
    ["short padding", "Zg="],
    ["too much padding", "Zg==="],
    ["three pads", "Z==="],
    ["only pads", "===="],
    ["pad inside", "Zg=a"],
    ["pad in the middle", "Zg==Zg=="],
    ["non-zero unused bits (1 byte)", "Zh=="],
    ["non-zero unused bits (2 bytes)", "Zm9="],
    ["newline", "Zm9v\n"],
    ["space", " Zm9v"],
    ["line break inside", "Zm9v\r\nYmFy"],
    ["url-safe alphabet", "-_-_"],
    ["non-ASCII", "Zm9é"],
    ["astral", "Zm😀"],
  ])("rejects %s", (_, text) => {
    expect(decodeBase64(text)).toBeNull();
  });
});
