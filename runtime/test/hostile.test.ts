// The router under hostile input (issue 21): property-based tests with
// fast-check over a stand-in schema that has every parameter type
// (int, real, string, bool, date, blob, json, arrays, options, poos,
// partials, models, kvobject) and every validator. Query strings, key
// segments and bodies are generated valid or invalid parameter by
// parameter, from the schema itself, and run through CloesceApp.run on an
// in-memory app whose methods and bindings record what they are asked to
// do. Properties:
//
//   - run never throws and never answers 5xx;
//   - every non-2xx answer is a 4xx application/problem+json whose
//     `errors`, on a validation 400, name exactly the invalid parameters;
//   - a refused request calls no user method (a data source's get
//     included) and writes nothing to D1 or KV;
//   - a valid request calls its method once, with the values converted
//     as docs/http.md says.
//
// The seed is fixed (HOSTILE_SEED overrides it) and fast-check prints it,
// with the shrunk counterexample, when a property fails.

import * as fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CloesceApp, MAX_JSON_BODY } from "../src/app.js";
import type { CidlType, Field, Model, Param, Poo, Schema, Source, Validator } from "../src/cidl.js";
import { createApp } from "../src/generated.js";
import { KValue } from "../src/shared.js";
import { method, model, schemaOf, userGet } from "./support/schema.js";

const SEED = Number(process.env.HOSTILE_SEED ?? 20260421);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 200);
const params = (numRuns = RUNS): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

/** The filter operators of docs/http.md. */
const FILTER_OPS = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "prefix", "null"] as const;

// The schema.

const f = (name: string, type: CidlType, ...validators: Validator[]): Param => (validators.length > 0 ? { name, type, validators } : { name, type });
const REGEX = "^[a-z]+-\\d{2}$";

const Dims: Poo = { name: "Dims", fields: [f("w", "real", { gt: 0 }, { lte: 100 }), f("h", "real", { gt: 0 }, { lte: 100 })] };

const Spec: Poo = {
  name: "Spec",
  fields: [
    f("count", "int", { gt: 0 }),
    f("ratio", "real", { gte: 0 }, { lt: 1 }),
    f("pack", "int", { step: 5 }),
    f("third", "real", { step: 3 }),
    f("unit", "string", { len: 3 }),
    f("label", "string", { minlen: 2 }, { maxlen: 8 }),
    f("code", "string", { regex: REGEX }),
    f("flag", "bool"),
    f("at", "date"),
    f("data", "blob"),
    f("meta", "json"),
    f("tags", { array: "string" }),
    f("dims", { option: { object: "Dims" } }),
  ],
};

const itemKey = f("id", "int", { gt: 0 });
const itemSource: Source = {
  name: "Default",
  internal: false,
  tree: {},
  get: { params: [{ ...itemKey, instance: true }], injected: [], stub: true },
  list: { params: [f("lastSeen_id", { option: "int" }, { gt: 0 }), f("limit", "int", { gt: 0 }, { lte: 100 })], injected: [], stub: false },
  save: { params: [f("model", { partial: "Item" })], injected: [], stub: true },
  query: "",
};
const crud = (kind: "get" | "list" | "save" | "delete" | "count") => ({ crud: { kind, source: kind === "delete" || kind === "count" ? "" : "Default" } });

/** A D1 model: CRUD runs the recording source below, $delete and $count the ORM on the stub D1. */
const Item: Model = model(
  "Item",
  [
    method("restock", "POST", [f("by", "int", { gte: 1 }, { lte: 10 })], { static: false, source: "Default" }),
    method("describe", "GET", [f("style", "string", { minlen: 1 }, { maxlen: 8 })], { static: false, source: "Default" }),
    method("$get", "GET", [itemKey], crud("get")),
    method("$list", "GET", itemSource.list!.params, crud("list")),
    method("$save", "POST", itemSource.save.params, crud("save")),
    method("$delete", "DELETE", [itemKey], { ...crud("delete"), result: "void" }),
    method("$count", "GET", [], { ...crud("count"), result: "int" }),
  ],
  {
    backing: { binding: "db", kind: "d1", shard: [] },
    primary_key: [itemKey],
    columns: [
      f("name", "string", { minlen: 1 }, { maxlen: 40 }),
      f("qty", "int", { gte: 0 }, { lte: 1000 }),
      f("price", "real", { gt: 0 }, { lt: 100000 }),
      f("active", "bool"),
      f("born", "date"),
      f("note", { option: "string" }),
    ],
    filters: ["id", "name", "qty", "active"],
    kv_fields: [{ name: "memo", type: { kvobject: { object: "Dims" } }, binding: "Notes", template: "memo", key: "memo/{id}" }],
    sources: [itemSource],
    cruds: ["get", "list", "save", "delete", "count"],
  },
);

/** Worker-served methods taking every parameter type. */
const Probe: Model = model("Probe", [
  method("query", "GET", [
    f("n", "int", { gt: 0 }, { lte: 1000 }),
    f("r", "real", { gte: -1.5 }, { lt: 2.5 }),
    f("s", "string", { minlen: 2 }, { maxlen: 8 }),
    f("b", "bool"),
    f("d", "date"),
    f("bytes", "blob"),
    f("j", "json"),
    f("steps", { array: "int" }, { step: 5 }),
    f("maybe", { option: "string" }, { len: 3 }),
    f("codes", { option: { array: "string" } }, { regex: REGEX }),
    f("third", { option: "real" }, { step: 3 }),
    f("free", "string"),
  ]),
  method("body", "POST", [
    f("spec", { object: "Spec" }),
    f("specs", { array: { object: "Spec" } }),
    f("dims", { option: { object: "Dims" } }),
    f("patch", { partial: "Item" }),
    f("item", { object: "Item" }),
    f("kv", { kvobject: { object: "Dims" } }),
    f("ids", { array: "int" }, { gt: 0 }),
    f("when", { option: "date" }),
    f("raw", "blob"),
    f("j", "json"),
  ]),
  method("edit", "PATCH", [f("name", "string", { minlen: 1 }), f("maybe", { option: "int" })]),
  method("drop", "DELETE", [f("id", "int", { gt: 0 })]),
  method("put", "PUT", [f("label", "string", { maxlen: 4 }), f("when", "date")]),
  method("ping", "POST"),
]);

/** A Worker-served model addressed by a key segment of each type. */
const keyParams = [
  f("n", "int", { gt: 0 }, { lte: 1000 }),
  f("r", "real", { gte: 0 }),
  f("s", "string", { minlen: 1 }, { maxlen: 12 }),
  f("d", "date"),
  f("b", "bool"),
  f("x", "blob"),
];
const Key: Model = model(
  "Key",
  [
    method("touch", "POST", [f("note", { option: "string" }, { maxlen: 5 })], { static: false, source: "Default" }),
    method("peek", "GET", [], { static: false, source: "Default" }),
  ],
  { route_fields: keyParams, sources: [userGet(keyParams.map((p) => ({ ...p, instance: true })))] },
);

const schema: Schema = {
  ...schemaOf([Item, Probe, Key], [], { d1: ["db"], kv: [{ name: "Notes", templates: [] }] }),
  poos: [Dims, Spec],
};
const models = new Map(schema.models.map((m) => [m.name, m]));
const poos = new Map(schema.poos.map((p) => [p.name, p]));

// The app: every user method and data source records its call; the D1
// and KV stubs record every write.

interface Recorder {
  /** User methods and data-source methods called, with their arguments. */
  calls: { name: string; args: unknown[] }[];
  /** Statements sent to D1 that are not reads, and KV puts and deletes. */
  writes: string[];
}

function stubDb(writes: string[]) {
  const read = (sql: string) => /^\s*(SELECT|WITH)\b/i.test(sql);
  const statement = (sql: string, bound: unknown[]): unknown => ({
    sql,
    bound,
    bind: (...values: unknown[]) => statement(sql, values),
    all: async () => {
      if (!read(sql)) writes.push(sql);
      return { results: [{ count: 7, id: 1 }], success: true, meta: {} };
    },
    first: async () => (read(sql) ? { count: 7, id: 1 } : (writes.push(sql), null)),
    run: async () => (writes.push(sql), { results: [], success: true, meta: {} }),
    raw: async () => [],
  });
  return {
    prepare: (sql: string) => statement(sql, []),
    // A delete's batch: every statement finds the row, so $delete answers 200.
    batch: async (stmts: { sql: string }[]) => stmts.map((s) => (writes.push(s.sql), { results: [{ id: 1 }], success: true, meta: {} })),
    exec: async (sql: string) => (writes.push(sql), { count: 0, duration: 0 }),
  };
}

function stubKv(writes: string[]) {
  return {
    get: async () => null,
    getWithMetadata: async () => ({ value: null, metadata: null }),
    put: async (key: string) => void writes.push(`KV put ${key}`),
    delete: async (key: string) => void writes.push(`KV delete ${key}`),
    list: async () => ({ keys: [], list_complete: true, cacheStatus: null }),
  };
}

function newApp(): Recorder & { run(request: Request): Promise<Response> } {
  const rec: Recorder = { calls: [], writes: [] };
  const call = (name: string, result: (args: unknown[]) => unknown) => (...args: unknown[]) => {
    rec.calls.push({ name, args });
    return result(args);
  };
  const item = { id: 1, name: "n", qty: 1, price: 1, active: true, born: new Date(0), note: null };
  const impls = [
    {
      tag: "Item",
      Default: {
        get: call("Item.Default.get", ([id]) => ({ ...item, id })),
        list: call("Item.Default.list", () => [item]),
        save: call("Item.Default.save", ([m]) => ({ ...item, ...(m as object) })),
      },
      restock: call("Item.restock", () => item),
      describe: call("Item.describe", ([, style]) => style),
    },
    {
      tag: "Probe",
      query: call("Probe.query", () => "ok"),
      body: call("Probe.body", () => 1),
      edit: call("Probe.edit", () => "ok"),
      drop: call("Probe.drop", () => 1),
      put: call("Probe.put", () => "ok"),
      ping: call("Probe.ping", () => "pong"),
    },
    {
      tag: "Key",
      Default: { get: call("Key.Default.get", (args) => Object.fromEntries(keyParams.map((p, i) => [p.name, args[i]]))) },
      touch: call("Key.touch", () => "ok"),
      peek: call("Key.peek", () => "ok"),
    },
  ];
  const app = new CloesceApp(schema, "https://example.com", { db: stubDb(rec.writes), Notes: stubKv(rec.writes) }).register(...impls);
  return { ...rec, run: (request) => app.run(request) };
}

// What each parameter may be: JSON values for bodies, texts for query
// strings and key segments, each valid or invalid, derived from the
// schema's types and validators.

type V = { gt?: number; gte?: number; lt?: number; lte?: number; step?: number; len?: number; minlen?: number; maxlen?: number; regex?: string };
const rules = (validators: Validator[] | undefined): V => Object.assign({}, ...(validators ?? [])) as V;

/** JSON values that are not of any one primitive type, to mix into invalid values. */
const WRONG = [1.5, -7, 0, "", "7", "true", true, false, null, [], [1], {}, { a: 1 }];

function wrong(accept: (v: unknown) => boolean): fc.Arbitrary<unknown> {
  return fc.constantFrom(...WRONG.filter((v) => !accept(v)));
}

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Values inside an integer range, step included. */
function intsIn(lo: number, hi: number, step?: number): fc.Arbitrary<number> {
  if (!step) return fc.integer({ min: lo, max: hi });
  return fc.integer({ min: Math.ceil(lo / step), max: Math.floor(hi / step) }).map((k) => k * step + 0);
}

interface Domain {
  /** Valid JSON values; undefined stands for absent. */
  valid: fc.Arbitrary<unknown>;
  /** Invalid JSON values; undefined (absent) when absent is invalid. */
  invalid: fc.Arbitrary<unknown>;
}

const BOUND = 1e9;

function intDomain(v: V): Domain {
  const lo = v.gt !== undefined ? Math.floor(v.gt) + 1 : v.gte !== undefined ? Math.ceil(v.gte) : -BOUND;
  const hi = v.lt !== undefined ? Math.ceil(v.lt) - 1 : v.lte !== undefined ? Math.floor(v.lte) : BOUND;
  const bad: fc.Arbitrary<unknown>[] = [wrong((x) => Number.isInteger(x) && (x as number) >= lo && (x as number) <= hi && (!v.step || (x as number) % v.step === 0)), fc.constantFrom(2 ** 53, -(2 ** 53), 1e21, 0.5, -2.25)];
  if (lo > -BOUND) bad.push(fc.integer({ min: lo - 1e6, max: lo - 1 }));
  if (hi < BOUND) bad.push(fc.integer({ min: hi + 1, max: hi + 1e6 }));
  if (v.step) bad.push(fc.tuple(intsIn(lo, hi - v.step, v.step), fc.integer({ min: 1, max: v.step - 1 })).map(([k, d]) => k + d));
  return { valid: intsIn(lo, hi, v.step), invalid: fc.oneof(...bad) };
}

function realDomain(v: V): Domain {
  const min = v.gt ?? v.gte ?? -BOUND;
  const max = v.lt ?? v.lte ?? BOUND;
  const valid = v.step
    ? intsIn(Math.ceil(min / v.step), Math.floor(max / v.step)).map((k) => k * v.step! + 0)
    : fc.double({ min, max, minExcluded: v.gt !== undefined, maxExcluded: v.lt !== undefined, noNaN: true }).map((x) => x + 0);
  const accept = (x: unknown) => typeof x === "number" && x >= min && x <= max && (!v.step || x % v.step === 0) && !(v.gt === x || v.lt === x);
  // -0 is 0 once written (JSON, String): only values invalid as written.
  const out = (a: fc.Arbitrary<number>) => a.filter((x) => !accept(x + 0));
  const bad: fc.Arbitrary<unknown>[] = [wrong(accept)];
  if (min > -BOUND) bad.push(out(fc.double({ min: min - 1e6, max: min, noNaN: true })));
  if (max < BOUND) bad.push(out(fc.double({ min: max, max: max + 1e6, noNaN: true })));
  if (v.step) bad.push(fc.integer({ min: -1000, max: 1000 }).map((k) => k * v.step! + 1));
  return { valid, invalid: fc.oneof(...bad) };
}

const codePoints = (s: string) => [...s].length;

function stringDomain(v: V): Domain {
  const min = v.len ?? v.minlen ?? 0;
  const max = v.len ?? v.maxlen ?? 24;
  const re = v.regex === undefined ? undefined : new RegExp(v.regex, "u");
  const valid = re ? fc.stringMatching(re) : fc.string({ unit: "binary", minLength: min, maxLength: max });
  const bad: fc.Arbitrary<unknown>[] = [wrong((x) => typeof x === "string" && codePoints(x) >= min && codePoints(x) <= max && (!re || re.test(x)))];
  if (min > 0) bad.push(fc.string({ unit: "binary", maxLength: min - 1 }));
  if (v.len !== undefined || v.maxlen !== undefined) bad.push(fc.string({ unit: "binary", minLength: max + 1, maxLength: max + 6 }));
  if (re) bad.push(fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !re.test(s)));
  return { valid, invalid: fc.oneof(...bad) };
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
/** Padded standard base64, exactly as an encoder writes it (an independent oracle: Node's Buffer). */
const isBase64 = (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && Buffer.from(s, "base64").toString("base64") === s;
const BAD_DATES = ["2025-02-30", "2023-02-29", "2025-13-01", "2025-00-10", "2025-01-32", "2025-1-1", "25-01-01", "2025-01-01T24:00:00Z", "2025-01-01T10:60:00Z", "2025-01-01T10:00:60Z", "2025-01-01T10:00Z", "2025-01-01 10:00:00Z", "2025-01-01T10:00:00+25:00", "yesterday", "now", "", "0", "1700000000000", "Tue, 01 Jan 2025 00:00:00 GMT"];

const dateText = fc.date({ min: new Date("0001-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }).chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 10), d.toISOString().slice(0, 19) + "Z", d.toISOString().slice(0, 19) + "+00:00"));

/** The domain of a JSON value of type (in a body, or any member inside one). */
function domain(type: CidlType, validators: Validator[] | undefined, partial = false): Domain {
  const v = rules(validators);
  const required = (d: Domain): Domain => ({ valid: d.valid, invalid: fc.oneof(d.invalid, fc.constant(undefined)) });
  if (typeof type === "string") {
    switch (type) {
      case "int":
        return required(intDomain(v));
      case "real":
        return required(realDomain(v));
      case "string":
        return required(stringDomain(v));
      case "bool":
        return required({ valid: fc.boolean(), invalid: wrong((x) => typeof x === "boolean") });
      case "date":
        return required({ valid: dateText, invalid: fc.oneof(fc.constantFrom(...BAD_DATES), wrong(() => false), fc.string().filter((s) => !/^\d{4}-/.test(s))) });
      case "blob":
        return required({
          valid: fc.uint8Array({ maxLength: 24 }).chain((b) => fc.constantFrom<unknown>(base64(b), [...b])),
          invalid: fc.oneof(
            fc.constantFrom("A", "AB", "ABC", "A===", "AB=", "QR==", "QUJ=", "YQ", "YWJj\n", " YWJj", "YW Jj", "YW-j", "YW_j", "====", 256, true, {}, null, [256], [-1], [1.5], ["a"], [null]),
            fc.string().filter((s) => !isBase64(s)),
          ),
        });
      case "json":
        // Anything JSON is a json value, but for nesting past the runtime's limit.
        return { valid: fc.jsonValue({ maxDepth: 4 }), invalid: fc.integer({ min: 70, max: 300 }).map(nested) };
      default:
        throw new Error(`no domain for ${type}`);
    }
  }
  if ("option" in type) {
    const inner = domain(type.option, validators, partial);
    return { valid: fc.oneof(fc.constant(null), fc.constant(undefined), inner.valid), invalid: inner.invalid.filter((x) => x !== null && x !== undefined) };
  }
  if ("array" in type) {
    const inner = domain(type.array, validators, partial);
    const element = inner.valid.map((x) => (x === undefined ? null : x));
    const badElement = inner.invalid.filter((x) => x !== undefined);
    return {
      valid: fc.oneof(fc.constant(undefined), fc.array(element, { maxLength: 3 })),
      invalid: fc.oneof(wrong((x) => Array.isArray(x)), fc.tuple(fc.array(element, { maxLength: 2 }), badElement, fc.array(element, { maxLength: 2 })).map(([a, x, b]) => [...a, x, ...b])),
    };
  }
  if ("kvobject" in type) {
    const raw = domain(type.kvobject, validators, partial);
    const valid = fc.record({ raw: raw.valid.filter((x) => x !== undefined), metadata: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ["raw"] });
    return required({ valid, invalid: fc.oneof(wrong(() => false), fc.record({ raw: raw.invalid, metadata: fc.constant(null) }).map((o) => (o.raw === undefined ? { metadata: null } : o))) });
  }
  const name = "object" in type ? type.object : type.partial;
  return required(objectDomain(name, partial || "partial" in type));
}

/** A model's or poo's fields as validation sees them: extra ones (KV, R2, navigations) may be absent. */
function slotsOf(name: string): { field: Field; extra: boolean }[] {
  const p = poos.get(name);
  if (p) return p.fields.map((field) => ({ field, extra: false }));
  const m = models.get(name)!;
  return [...m.primary_key, ...m.columns, ...m.route_fields].map((field) => ({ field, extra: false })).concat([...m.kv_fields].map((field) => ({ field, extra: true })));
}

function objectDomain(name: string, partial: boolean): Domain {
  const slots = slotsOf(name).map(({ field, extra }) => {
    const d = domain(field.type, field.validators, partial);
    const optional = partial || extra;
    return { name: field.name, valid: optional ? fc.oneof(fc.constant(undefined), d.valid) : d.valid, invalid: optional ? d.invalid.filter((x) => x !== undefined) : d.invalid };
  });
  const build = (entries: [string, unknown][]) => Object.fromEntries(entries.filter(([, x]) => x !== undefined));
  const valid = fc.tuple(...slots.map((s) => s.valid.map((x) => [s.name, x] as [string, unknown]))).map(build);
  const oneBad = fc.oneof(
    ...slots.map((s) =>
      fc.tuple(valid, s.invalid).map(([o, x]) => {
        const out = { ...o } as Record<string, unknown>;
        if (x === undefined) delete out[s.name];
        else out[s.name] = x;
        return out;
      }),
    ),
  );
  return { valid, invalid: fc.oneof(wrong((x) => typeof x === "object" && x !== null && !Array.isArray(x) && partial), oneBad) };
}

// Query-string forms: each parameter is its list of occurrences.

/** A parameter's occurrences in a query string, and the value they stand for. */
interface Occurrences {
  texts: string[];
  value: unknown;
}

interface TextDomain {
  valid: fc.Arbitrary<Occurrences>;
  invalid?: fc.Arbitrary<string[]>;
}

/** No occurrence: null for an option or json. */
const NULL: Occurrences = { texts: [], value: null };

const INT_JUNK = ["", "1.5", "abc", "1e3", " 1", "1 ", "+1", "0x10", "1_000", "١", "９", "9007199254740993", "NaN", "--1", "1-", "null", "true"];
const REAL_JUNK = ["", "abc", "NaN", "Infinity", "-Infinity", "1e999", "0x1", "1,5", ".", "-", "1.2.3", " 1", "1e", "e5", "null", "1_0"];
const JSON_JUNK = ["", "{", "[1,", "undefined", "NaN", "'a'", "{a:1}", "[1,]", '{"a":1,}', "01", ".5", "\u0000", "tru", '"unterminated'];

function render(type: CidlType, value: unknown): string {
  if (type === "json") return JSON.stringify(value);
  if (type === "blob") return typeof value === "string" ? value : base64(Uint8Array.from(value as number[]));
  return String(value);
}

/**
 * One occurrence of a primitive in a query string or key segment: valid
 * texts with their values, and invalid texts (none for a string without
 * validators: every text is one).
 */
function single(type: CidlType, validators: Validator[] | undefined): { valid: fc.Arbitrary<{ text: string; value: unknown }>; invalid?: fc.Arbitrary<string> } {
  const d = domain(type, validators);
  const valid = d.valid.filter((x) => x !== undefined).map((value) => ({ text: render(type, value), value: type === "blob" ? render(type, value) : value }));
  if (type === "string" && validators === undefined) return { valid };
  let invalid: fc.Arbitrary<string>;
  const typed = d.invalid.filter((x) => typeof x === (type === "int" || type === "real" ? "number" : "string"));
  switch (type) {
    case "int":
      invalid = fc.oneof(fc.constantFrom(...INT_JUNK), typed.map(String), fc.string().filter((s) => /[^0-9-]/.test(s)));
      break;
    case "real":
      invalid = fc.oneof(fc.constantFrom(...REAL_JUNK), typed.filter((x) => Number.isFinite(x)).map(String), fc.string().filter((s) => /[^0-9.eE+-]/.test(s)));
      break;
    case "bool":
      invalid = fc.oneof(fc.constantFrom("", "TRUE", "False", "1", "0", "yes", "on", "null"), fc.string().filter((s) => s !== "true" && s !== "false"));
      break;
    case "json":
      invalid = fc.oneof(fc.constantFrom(...JSON_JUNK), fc.integer({ min: 70, max: 300 }).map((n) => JSON.stringify(nested(n))));
      break;
    default:
      invalid = typed as fc.Arbitrary<string>;
  }
  return { valid, invalid };
}

/** The query-string domain of a GET parameter, or a key segment's (one text). */
function textDomain(type: CidlType, validators: Validator[] | undefined): TextDomain {
  if (typeof type === "string") {
    const s = single(type, validators);
    const valid = s.valid.map(({ text, value }) => ({ texts: [text], value }));
    // Absent is null for json, else a missing parameter; a second occurrence is one too many.
    const valids = type === "json" ? fc.oneof(valid, fc.constant(NULL)) : valid;
    const absent = type === "json" ? [] : [fc.constant<string[]>([])];
    const bad = s.invalid ? [s.invalid.map((t) => [t])] : [];
    return { valid: valids, invalid: fc.oneof(...bad, fc.tuple(s.valid, s.valid).map(([a, b]) => [a.text, b.text]), ...absent) };
  }
  if ("option" in type) {
    // Absent, or an empty array (no occurrence), is null.
    const inner = textDomain(type.option, validators);
    const valid = inner.valid.map((x) => (x.texts.length === 0 ? NULL : x));
    return { valid: fc.oneof(fc.constant(NULL), valid), invalid: inner.invalid?.filter((t) => t.length > 0) };
  }
  if ("array" in type) {
    const s = single(type.array, validators);
    return {
      valid: fc.array(s.valid, { maxLength: 4 }).map((xs) => ({ texts: xs.map((x) => x.text), value: xs.map((x) => x.value) })),
      invalid: s.invalid && fc.tuple(fc.array(s.valid, { maxLength: 2 }), s.invalid).map(([xs, bad]) => [...xs.map((x) => x.text), bad]),
    };
  }
  throw new Error(`no text form for ${JSON.stringify(type)}`);
}

// What the method should receive: the sent value given its JavaScript form,
// written independently of validate.ts from docs/http.md.

/** A received argument in comparable form: dates, bytes and KV values spelled out. */
function canon(x: unknown): unknown {
  if (x instanceof Date) return { date: x.toISOString() };
  if (x instanceof Uint8Array) return { blob: base64(x) };
  if (x instanceof KValue) return { raw: canon(x.raw), metadata: canon(x.metadata) };
  if (Array.isArray(x)) return x.map(canon);
  if (typeof x === "number") return x + 0; // -0 is 0
  if (typeof x === "object" && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, canon(v)]));
  return x;
}

/** What a valid JSON value (undefined: absent) of type becomes, in canon's form. */
function expected(type: CidlType, value: unknown, partial = false): unknown {
  if (typeof type === "string") {
    if (type === "date") return { date: new Date(value as string).toISOString() };
    if (type === "blob") return { blob: typeof value === "string" ? value : base64(Uint8Array.from(value as number[])) };
    return canon(value === undefined ? null : value);
  }
  if ("option" in type) return value === null || value === undefined ? null : expected(type.option, value, partial);
  if ("array" in type) return ((value ?? []) as unknown[]).map((x) => expected(type.array, x, partial));
  if ("kvobject" in type) {
    const kv = value as { raw: unknown; metadata?: unknown };
    return { raw: expected(type.kvobject, kv.raw, partial), metadata: canon(kv.metadata ?? null) };
  }
  const isPartial = partial || "partial" in type;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const { field, extra } of slotsOf("object" in type ? type.object : type.partial)) {
    if (!Object.hasOwn(obj, field.name) && (isPartial || extra)) continue;
    out[field.name] = expected(field.type, obj[field.name], isPartial);
  }
  return out;
}

// Checking an answer.

const VERBS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

interface Answer {
  status: number;
  body: any;
  allow: string | null;
}

/** Runs request, and checks what every answer must be: never a throw or a 5xx; a failure a problem+json. */
async function answer(app: ReturnType<typeof newApp>, request: Request): Promise<Answer> {
  let res: Response;
  try {
    res = await app.run(request);
  } catch (e) {
    throw new Error(`run threw for ${request.method} ${request.url}: ${String(e)}`);
  }
  const text = await res.text();
  const where = `${request.method} ${request.url.slice(0, 300)} -> ${res.status} ${text.slice(0, 300)}`;
  if (res.status >= 500 || res.status < 200 || (res.status >= 300 && res.status < 400)) throw new Error(`unexpected status: ${where}`);
  if (res.status >= 400) {
    if (res.headers.get("Content-Type") !== "application/problem+json") throw new Error(`not problem+json: ${where}`);
    const body = JSON.parse(text);
    if (body.status !== res.status || typeof body.title !== "string" || typeof body.detail !== "string") throw new Error(`malformed problem: ${where}`);
    if (body.errors !== undefined) {
      const ok = Array.isArray(body.errors) && body.errors.length > 0 && body.errors.every((e: any) => typeof e.param === "string" && typeof e.message === "string");
      if (!ok || res.status !== 400) throw new Error(`malformed errors: ${where}`);
    }
    // A refused request runs nothing and writes nothing.
    if (app.calls.length > 0 || app.writes.length > 0) throw new Error(`refused, yet called ${JSON.stringify(app.calls.map((c) => c.name))} and wrote ${JSON.stringify(app.writes)}: ${where}`);
    return { status: res.status, body, allow: res.headers.get("Allow") };
  }
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text), allow: null };
}

/** The parameters a 400 names: each problem's first path segment. */
const named = (a: Answer): string[] => [...new Set<string>((a.body.errors ?? []).map((e: { param: string }) => e.param.split(".")[0]!))].sort();

const BASE = "https://example.com";
const enc = (s: string) => encodeURIComponent(s);

function queryOf(entries: [string, string][]): string {
  return entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&");
}

/** Unknown query parameters, which every method ignores (none with a dot: those are list filters). */
const noise = fc.array(fc.tuple(fc.stringMatching(/^zz[a-z_]{0,6}$/), fc.string({ maxLength: 8 })), { maxLength: 2 });

/**
 * An assignment of each parameter, valid (with its value) or invalid: in
 * a third of the runs all valid, in the others each invalid with
 * probability about 1/4.
 */
function assignment<D>(ps: readonly Param[], gen: (p: Param) => { valid: fc.Arbitrary<D>; invalid?: fc.Arbitrary<unknown> }) {
  const domains = ps.map((p) => ({ p, d: gen(p) }));
  const valid = ({ p, d }: (typeof domains)[number]) => d.valid.map((x) => ({ name: p.name, ok: true as boolean, x: x as unknown }));
  const mixed = fc.tuple(
    ...domains.map((x) => (x.d.invalid ? fc.oneof({ arbitrary: valid(x), weight: 3 }, { arbitrary: x.d.invalid.map((v) => ({ name: x.p.name, ok: false, x: v })), weight: 1 }) : valid(x))),
  );
  return fc.oneof({ arbitrary: fc.tuple(...domains.map(valid)), weight: 1 }, { arbitrary: mixed, weight: 2 });
}

let errorLog: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errorLog = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  // The router logs only what becomes a 500.
  expect(errorLog.mock.calls.map((c) => c.map(String).join(" "))).toEqual([]);
  errorLog.mockRestore();
});

const getMethods = (m: Model) => m.apis.filter((a) => a.verb === "GET" && a.static && !a.crud);
const bodyMethods = (m: Model) => m.apis.filter((a) => a.verb !== "GET" && a.static && !a.crud);

describe("query strings", () => {
  const targets = [...getMethods(Probe).map((m) => ["Probe", m] as const), ["Item", Item.apis.find((a) => a.name === "$get")!] as const];

  it.each(targets.map(([model, m]) => [`${model}.${m.name}`, model, m] as const))("%s: 200 with converted values exactly when every parameter is valid, else a 400 naming the invalid ones", async (_, modelName, m) => {
    await fc.assert(
      fc.asyncProperty(assignment(m.params, (p) => textDomain(p.type, p.validators)), noise, async (given, extra) => {
        const app = newApp();
        const entries: [string, string][] = [];
        for (const g of given) for (const t of g.ok ? (g.x as { texts: string[] }).texts : (g.x as string[])) entries.push([g.name, t]);
        entries.push(...extra);
        const a = await answer(app, new Request(`${BASE}/${modelName}/${m.name}?${queryOf(entries)}`));
        const bad = given.filter((g) => !g.ok).map((g) => g.name).sort();
        if (bad.length === 0) {
          expect(a.status).toBe(200);
          expect(app.calls).toHaveLength(1);
          const want = given.map((g, i) => expected(m.params[i]!.type, (g.x as { value: unknown }).value));
          expect(canon(app.calls[0]!.args)).toEqual(want);
        } else {
          expect(a.status).toBe(400);
          expect(named(a)).toEqual(bad);
        }
      }),
      params(),
    );
  });

  it("never throws on an arbitrary query string, and refuses without calling", async () => {
    const raw = fc.oneof(
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.array(fc.constantFrom("n=", "n=5", "&", "=", "%", "%zz", "%FF", "%C0%AF", "%ED%A0%80", "j=", "j=%5B", "d=2025-02-30", "bytes=%3D", "steps=5", "steps=", "+", "#", "?", "s=%00%00", "b=true"), { maxLength: 12 }).map((xs) => xs.join("")),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("Probe/query", "Item/$get", "Item/$list", "Item/$count"), raw, async (path, q) => {
        const app = newApp();
        let request: Request;
        try {
          request = new Request(`${BASE}/${path}?${q}`);
        } catch {
          return; // not a URL a client could send
        }
        const a = await answer(app, request);
        expect([200, 400]).toContain(a.status);
      }),
      params(),
    );
  });
});

describe("list filters and orders", () => {
  const columns = ["id", "name", "qty", "active", "price", "note", "nope", "", "constructor", "__proto__"];
  const ops = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "prefix", "null", "like", "", "EQ"];
  const filterable = new Set(Item.filters);
  const columnOf = (name: string) => [...Item.primary_key, ...Item.columns].find((c) => c.name === name);

  /** A filter: its parameter, texts, and whether the runtime must accept it (docs/http.md). */
  interface Filter {
    param: string;
    texts: string[];
    ok: boolean;
  }
  const filter = fc
    .tuple(fc.constantFrom(...columns), fc.constantFrom(...ops), fc.boolean(), fc.integer({ min: 1, max: 3 }))
    .chain(([col, op, good, count]): fc.Arbitrary<Filter> => {
      const c = columnOf(col);
      const known = c !== undefined && filterable.has(col) && (FILTER_OPS as readonly string[]).includes(op);
      const param = `${col}.${op}`;
      if (!known || (op === "prefix" && c!.type !== "string") || op === "null") {
        // null=... needs an optional column; none of Item's filterable ones is.
        return fc.constant<Filter>({ param, texts: ["1"], ok: false });
      }
      const [type, validators] = op === "prefix" ? ["string" as const, undefined] : [c!.type, c!.validators];
      const s = single(type, validators);
      const values = (n: number) => fc.array(s.valid, { minLength: n, maxLength: n }).map((xs) => xs.map((x) => x.text));
      if (op === "in") {
        return good || !s.invalid ? values(count).map((texts) => ({ param, texts, ok: true })) : s.invalid.map((t) => ({ param, texts: [t], ok: false }));
      }
      // A second occurrence of a filter but `in` is one too many.
      if (count > 1 || (!good && !s.invalid)) return values(Math.max(count, 2)).map((texts) => ({ param, texts, ok: false }));
      return good ? s.valid.map((x) => ({ param, texts: [x.text], ok: true })) : s.invalid!.map((t) => ({ param, texts: [t], ok: false }));
    });
  const order = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom("id", "-id", "name", "-name", "qty", "-qty", "active", "-active").map((o) => ({ text: o, ok: true })),
    fc.constantFrom("price", "-price", "nope", "", "-", "--id", "+id", "id,name", "note").map((o) => ({ text: o, ok: false })),
  );

  it.each(["$list", "$count"])("%s: a 400 names exactly the invalid filters and order; else the query reaches the list", async (name) => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(filter, { selector: (x) => x.param, maxLength: 4 }), order, async (filters, o) => {
        const app = newApp();
        const entries: [string, string][] = filters.flatMap((x) => x.texts.map((t): [string, string] => [x.param, t]));
        if (name === "$list") {
          entries.push(["limit", "10"]);
          if (o) entries.push(["order", o.text]);
        }
        const a = await answer(app, new Request(`${BASE}/Item/${name}?${queryOf(entries)}`));
        const bad = [...filters.filter((x) => !x.ok).map((x) => x.param), ...(name === "$list" && o && !o.ok ? ["order"] : [])].sort();
        if (bad.length === 0) {
          expect(a.status).toBe(200);
          if (name === "$count") {
            expect(a.body).toBe(7);
            expect(app.writes).toEqual([]);
          } else {
            const query = app.calls[0]!.args[2] as { where?: Record<string, object>; order?: string };
            expect(Object.keys(query.where ?? {}).sort()).toEqual([...new Set(filters.map((x) => x.param.split(".")[0]!))].sort());
            expect(query.order).toBe(o?.text);
          }
        } else {
          expect(a.status).toBe(400);
          // A value of `in` is named by its index: id.in.1.
          expect([...new Set<string>(a.body.errors.map((e: { param: string }) => e.param.replace(/\.\d+$/, "")))].sort()).toEqual(bad);
        }
      }),
      params(),
    );
  });
});

describe("key segments", () => {
  /** A segment's text: any string, percent-encoded as the client does (but "." and "..", which a URL resolves away). */
  const segments = assignment(keyParams, (p) => {
    const d = textDomain(p.type, p.validators);
    const dots = (t: string | undefined) => t === "." || t === "..";
    return { valid: d.valid.filter((x) => !dots(x.texts[0])), invalid: d.invalid?.filter((t) => t.length === 1 && !dots(t[0])) };
  });

  it.each(["touch", "peek"])("%s: hydrated with converted keys exactly when every segment is valid, else a 400 naming the invalid ones", async (name) => {
    const m = Key.apis.find((a) => a.name === name)!;
    await fc.assert(
      fc.asyncProperty(segments, async (given) => {
        const app = newApp();
        const path = given.map((g) => enc(g.ok ? (g.x as { texts: string[] }).texts[0]! : (g.x as string[])[0]!)).join("/");
        const init: RequestInit = m.verb === "GET" ? {} : { method: m.verb, headers: { "Content-Type": "application/json" }, body: "{}" };
        const a = await answer(app, new Request(`${BASE}/Key/${path}/${name}`, init));
        const bad = given.filter((g) => !g.ok).map((g) => g.name).sort();
        if (bad.length === 0) {
          expect(a.status).toBe(200);
          expect(app.calls.map((c) => c.name)).toEqual(["Key.Default.get", `Key.${name}`]);
          expect(canon(app.calls[0]!.args)).toEqual(given.map((g, i) => expected(keyParams[i]!.type, (g.x as { value: unknown }).value)));
        } else {
          expect(a.status).toBe(400);
          expect(named(a)).toEqual(bad);
        }
      }),
      params(),
    );
  });

  it("never throws on arbitrary paths: traversal, bad percent-encoding, wrong segment counts, unknown names", async () => {
    const piece = fc.oneof(
      fc.constantFrom("Key", "Item", "Probe", "touch", "peek", "restock", "describe", "$get", "$list", "query", "1", "0", "-1", "x", "true", "2025-01-01", "AQID", "", ".", "..", "%2e", "%2e%2e", "%2E%2E", ".%2e", "%2F", "%2f..%2f", "..%2F..%2F", "%5C", "\\", "%", "%zz", "%FF", "%C0%AF", "%E0%80%AF", "%ED%A0%80", "%00", "a%00b", "%20", "~", ";", "constructor", "__proto__", "toString"),
      fc.string({ unit: "binary", maxLength: 12 }).map(enc),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 0, maxLength: 9 }), fc.constantFrom(...VERBS), async (pieces, verb) => {
        const app = newApp();
        let request: Request;
        try {
          request = new Request(`${BASE}/${pieces.join("/")}`, verb === "GET" ? {} : { method: verb, headers: { "Content-Type": "application/json" }, body: "{}" });
        } catch {
          return;
        }
        const a = await answer(app, request);
        expect([200, 400, 404, 405]).toContain(a.status);
        if (a.status === 405) expect(VERBS).toContain(a.allow);
      }),
      params(),
    );
  });
});

describe("bodies", () => {
  const targets = [...bodyMethods(Probe), Item.apis.find((a) => a.name === "$save")!].map((m) => [m.name, m] as const);

  it.each(targets)("%s: 200 with converted values exactly when every member is valid, else a 400 naming the invalid ones", async (_, m) => {
    const model = m.crud ? "Item" : "Probe";
    await fc.assert(
      fc.asyncProperty(assignment(m.params, (p) => domain(p.type, p.validators)), fc.dictionary(fc.stringMatching(/^zz[a-z]{0,5}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), async (given, extra) => {
        const app = newApp();
        const members: Record<string, unknown> = { ...extra };
        for (const g of given) if (g.x !== undefined) members[g.name] = g.x;
        const text = JSON.stringify(members);
        // What the router reads: the body after a JSON round trip (undefined array elements are null).
        const sent = JSON.parse(text) as Record<string, unknown>;
        const a = await answer(app, new Request(`${BASE}/${model}/${m.name}`, { method: m.verb, headers: { "Content-Type": "application/json" }, body: text }));
        const bad = given.filter((g) => !g.ok).map((g) => g.name).sort();
        if (bad.length === 0) {
          expect(a.status).toBe(200);
          expect(app.calls).toHaveLength(1);
          expect(canon(app.calls[0]!.args)).toEqual(m.params.map((p) => expected(p.type, sent[p.name])));
        } else {
          expect(a.status).toBe(400);
          expect(named(a)).toEqual(bad);
        }
      }),
      params(),
    );
  });

  const TYPES = ["application/json", "application/json; charset=utf-8", "application/merge-patch+json", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json", "application/jsonx", "application/json-seq", "application/octet-stream", "", "*/*", "application/+json", "APPLICATION/JSON"];
  const isJson = (t: string | undefined) => t !== undefined && /^(application\/json|[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json)$/.test(t.split(";")[0]!.trim().toLowerCase());
  const anyBody = fc.oneof(
    fc.constant(""),
    fc.constantFrom("{", "}", "{}", "[]", "null", "1", '"x"', "{not json", '{"spec":', '{"a":1}{"b":2}', "\uFEFF{}", "{'a':1}", '{"name":"\\ud800"}', "  \n\t", "{}garbage", '{"name":NaN}'),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
  );

  it("never throws on arbitrary bodies and media types, and answers the verb, then the media type, then the JSON", async () => {
    const all = [...bodyMethods(Probe).map((m) => ["Probe", m] as const), ...Item.apis.filter((a) => a.verb !== "GET").map((m) => ["Item", m] as const)];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), fc.constantFrom(...VERBS.filter((v) => v !== "GET")), fc.option(fc.constantFrom(...TYPES), { nil: undefined }), anyBody, async ([modelName, m], verb, type, body) => {
        const app = newApp();
        const headers: Record<string, string> = type === undefined ? {} : { "Content-Type": type };
        const path = m.static ? `${modelName}/${m.name}` : `${modelName}/1/${m.name}`;
        const a = await answer(app, new Request(`${BASE}/${path}`, { method: verb, headers, body }));
        const size = typeof body === "string" ? new TextEncoder().encode(body).length : body.length;
        if (verb !== m.verb) {
          expect(a.status).toBe(405);
          expect(a.allow).toBe(m.verb);
        } else if (m.crud?.kind === "delete") {
          expect(a.status).toBe(400); // its key is in the query string, which is empty
        } else if (!isJson(type) && (size > 0 || verb === "POST")) {
          expect(a.status).toBe(415);
        } else {
          expect([200, 400]).toContain(a.status);
        }
      }),
      params(),
    );
  });
});

describe("wrong verbs", () => {
  it("answers 405 with Allow for every method and every other verb, before reading anything", async () => {
    for (const m of [...Item.apis, ...Probe.apis, ...Key.apis]) {
      const modelName = [Item, Probe, Key].find((x) => x.apis.includes(m))!.name;
      const path = m.static ? `${modelName}/${m.name}` : modelName === "Key" ? `Key/1/0/s/2025-01-01/true/AQID/${m.name}` : `${modelName}/1/${m.name}`;
      for (const verb of VERBS.filter((v) => v !== m.verb)) {
        const app = newApp();
        const init: RequestInit = verb === "GET" ? {} : { method: verb, headers: { "Content-Type": "text/plain" }, body: "x".repeat(10) };
        const a = await answer(app, new Request(`${BASE}/${path}?id=abc`, init));
        expect([a.status, a.allow], `${verb} ${path}`).toEqual([405, m.verb]);
      }
    }
  });
});

describe("edges a property does not reach", () => {
  const post = (app: ReturnType<typeof newApp>, path: string, body: BodyInit, type = "application/json") =>
    answer(app, new Request(`${BASE}/${path}`, { method: "POST", headers: { "Content-Type": type }, body }));

  it("refuses a body one byte over the limit with 413, with or without Content-Length", async () => {
    const big = new Uint8Array(MAX_JSON_BODY + 1).fill(0x20);
    const app = newApp();
    expect((await post(app, "Item/$save", big)).status).toBe(413);
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i <= MAX_JSON_BODY; i += 1 << 20) c.enqueue(big.subarray(i, Math.min(i + (1 << 20), MAX_JSON_BODY + 1)));
        c.close();
      },
    });
    const r = await answer(app, new Request(`${BASE}/Item/$save`, { method: "POST", headers: { "Content-Type": "application/json" }, body: chunked, duplex: "half" } as RequestInit));
    expect(r.status).toBe(413);
  });

  it("refuses nesting 100,000 deep anywhere, json values and KV metadata included, with a 400", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const app = newApp();
    for (const [body, param] of [
      [`{"model":{"name":${deep}}}`, "model.name"],
      [`{"model":{"memo":{"raw":{"w":1,"h":1},"metadata":${deep}}}}`, "model.memo.metadata"],
      [`{"spec":${deep}}`, "spec"],
      [`{"j":${deep}}`, "j"],
      [`{"kv":{"raw":{"w":1,"h":1},"metadata":${deep}}}`, "kv.metadata"],
      [`{"specs":[{"meta":${deep}}]}`, "specs.0.meta"],
      [`{"j":${JSON.stringify(nested(65))}}`, "j"],
      [deep, undefined],
      ["{".repeat(100_000), undefined],
    ] as const) {
      const path = body.startsWith('{"model"') ? "Item/$save" : "Probe/body";
      const a = await post(app, path, body);
      expect(a.status, body.slice(0, 40)).toBe(400);
      if (param) expect(a.body.errors.map((e: { param: string }) => e.param), body.slice(0, 40)).toContain(param);
    }
    // 64 levels is the limit, not past it.
    const edge = await post(app, "Probe/body", `{"j":${JSON.stringify(nested(64))}}`);
    expect(edge.body.errors.map((e: { param: string }) => e.param)).not.toContain("j");
    const q = await answer(app, new Request(`${BASE}/Probe/query?j=${enc(deep)}`));
    expect(q.status).toBe(400);
    expect(q.body.errors).toContainEqual({ param: "j", message: "is nested more than 64 levels deep" });
  });

  it("refuses a body that is not UTF-8 with a 400, and calls nothing", async () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    const app = newApp();
    for (const bad of [[0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xc3]]) {
      const body = join(utf8('{"model":{"name":"a'), Uint8Array.from(bad), utf8('b"}}'));
      const a = await post(app, "Item/$save", body);
      expect(a.status, JSON.stringify(bad)).toBe(400);
      expect(a.body.detail).toBe("the request body is not valid UTF-8");
    }
  });
});

describe("generated saves with a KV value keyed by free text", () => {
  // A Doc's body lives in KV at notes/{slug}: a slug that cannot fill the
  // key must refuse the save before the row is written, not after.
  const Doc: Model = {
    ...model("Doc", [method("$save", "POST", [f("model", { partial: "Doc" })], crud("save"))]),
    backing: { binding: "db", kind: "d1", shard: [] },
    primary_key: [f("slug", "string")],
    columns: [f("title", "string")],
    kv_fields: [{ name: "body", type: { kvobject: "string" }, binding: "Notes", template: "note", key: "notes/{slug}" }],
    sources: [
      {
        name: "Default",
        internal: false,
        tree: { body: {} },
        get: { params: [{ ...f("slug", "string"), instance: true }], injected: ["db"], stub: false },
        list: null,
        save: { params: [f("model", { partial: "Doc" })], injected: ["db"], stub: false },
        query: 'SELECT "slug", "title" FROM "Doc"',
      },
    ],
    cruds: ["save"],
  };
  const docSchema: Schema = schemaOf([Doc], [], { d1: ["db"], kv: [{ name: "Notes", templates: [{ name: "note", type: { kvobject: "string" }, params: [f("slug", "string")], key: "notes/{slug}", prefix: "notes/" }] }] });

  it("refuses a slug with a slash or a dot segment with 400, and writes nothing, with or without the KV value", async () => {
    const escaping = fc.oneof(fc.constantFrom("", ".", "..", "/", "a/b", "../x", "a/../../b", "./"), fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}/${b}`));
    await fc.assert(
      fc.asyncProperty(escaping, fc.option(fc.string(), { nil: undefined }), fc.boolean(), async (slug, title, body) => {
        const writes: string[] = [];
        const app = createApp(docSchema, BASE, { db: stubDb(writes), Notes: stubKv(writes) });
        // Without its body the row alone would be written, then not read back: its key has no valid form.
        const model = { slug, ...(body ? { body: { raw: "text" } } : {}), ...(title === undefined ? {} : { title }) };
        const res = await app.run(new Request(`${BASE}/Doc/$save`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ model }) }));
        expect(res.status).toBe(400);
        expect(((await res.json()) as { errors: { param: string }[] }).errors.map((e) => e.param)).toEqual(["slug"]);
        expect(writes).toEqual([]);
      }),
      params(100),
    );
  });
});
