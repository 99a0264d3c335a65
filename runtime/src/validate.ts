// Request validation: every parameter the router passes to user code is
// checked against its CIDL type and validators and converted to its
// JavaScript form (Date, Uint8Array, KValue, ...). It runs on every request,
// so lookups by type name and compiled validators are cached per schema and
// per validator list, and the happy path allocates little more than its result.
//
// Decisions (DESIGN.md §3.9 fixes the reference's quirks):
//   - Missing (`undefined`) is null for option<T>, [] for array<T>, else a
//     problem. null is accepted only by option<T> and json; the string
//     "null" is a string.
//   - date: RFC 3339 date-time `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)` (`t`
//     and `z` allowed) or a calendar date `YYYY-MM-DD` (UTC midnight), with
//     every component in range (no Feb 30, no leap second 60).
//   - blob: padded standard base64 (see decodeBase64), or in a JSON body an
//     array of integers 0..255.
//   - Validators apply at the root of a type (under array, option and
//     kvobject): numeric ones to int and real values, string ones to
//     strings; the compiler guarantees no other pairing.
//   - A model object needs its keys, columns and route fields; navigations,
//     KV and R2 fields may be absent and then stay absent. partial<X> makes
//     every field optional at every depth below it, adding nothing (a KV
//     value that is present still needs its `raw`). Unknown keys are dropped.
//   - In a query string a parameter is null by being absent (so an absent
//     json is null): nothing spells null, and an array is one element per
//     occurrence. Types without a text form (json, objects) are written as
//     JSON.
//   - Nothing nests more than MAX_DEPTH levels, json values and KV
//     metadata included: they are stored and answered as JSON text, and
//     JSON.stringify recurses, so a hostile depth would overflow the stack.

import { decodeBase64 } from "./base64.js";
import type { CidlType, Field, Schema, Validator } from "./cidl.js";
import { KValue } from "./shared.js";

/** One invalid value. `param` is its dotted path, e.g. `model.posts.0.title`. */
export interface Problem {
  param: string;
  message: string;
}

export type Checked = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

/**
 * Validates a decoded JSON value (a request body member, or undefined when
 * absent) against a type and converts it. `path` names the parameter in
 * problems. Throws only for a type that is never validated (stream, void)
 * or names nothing in the schema: those are router or compiler bugs.
 */
export function check(
  schema: Schema,
  type: CidlType,
  validators: Validator[] | undefined,
  value: unknown,
  path: string,
): Checked {
  const run = new Run(schema);
  const out = run.walk(type, validators, value, path, false, 0);
  return run.result(out);
}

/**
 * Validates query-string values (`URLSearchParams.getAll(name)`, so `[]`
 * when absent): converts each text to its decoded-JSON form, then checks it
 * like {@link check}.
 */
export function checkQuery(
  schema: Schema,
  type: CidlType,
  validators: Validator[] | undefined,
  raw: string[],
  path: string,
): Checked {
  const run = new Run(schema);
  const element = queryElement(type, raw.length);
  let out: unknown;
  if (element !== undefined) {
    const items = new Array<unknown>(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const p = join(path, String(i));
      const v = run.parseText(element, raw[i]!, p);
      items[i] = v === INVALID ? v : run.walk(element, validators, v, p, false, 0);
    }
    out = items;
  } else if (raw.length > 1) {
    run.problem(path, `must be given once, got ${raw.length} values`);
  } else {
    // Absent is null for json too: the client leaves a null value out.
    const absent = type === "json" ? null : undefined;
    const v = raw.length === 0 ? absent : run.parseText(type, raw[0]!, path);
    out = v === INVALID ? v : run.walk(type, validators, v, path, false, 0);
  }
  return run.result(out);
}

/** The element type when each occurrence of a query parameter is one element. */
function queryElement(type: CidlType, count: number): CidlType | undefined {
  if (typeof type === "string") return undefined;
  if ("array" in type) return type.array;
  // option<array<T>>: absent is null, present is the array.
  if ("option" in type && count > 0) return queryElement(type.option, count);
  return undefined;
}

/** The types spelled as a bare string. */
type Primitive = Extract<CidlType, string>;

/** A field of a model, POO or R2 object as validation sees it. */
interface Slot {
  name: string;
  type: CidlType;
  validators: Validator[] | undefined;
  /** Absent stays absent even in a full object: navigations, KV and R2 fields. */
  extra: boolean;
}

/** Beyond this depth a value is rejected, so hostile nesting cannot overflow the stack. */
const MAX_DEPTH = 64;

/** Marks a value that failed; its problem is already recorded. */
const INVALID: unique symbol = Symbol("invalid");

/** The slots of every model and POO, by name, built once per schema. */
const shapes = new WeakMap<Schema, Map<string, Slot[]>>();

function shapesOf(schema: Schema): Map<string, Slot[]> {
  let byName = shapes.get(schema);
  if (byName) return byName;
  const slots = (fields: Field[], extra: boolean): Slot[] =>
    fields.map((f) => ({ name: f.name, type: f.type, validators: f.validators, extra }));
  byName = new Map();
  for (const p of schema.poos) byName.set(p.name, slots(p.fields, false));
  for (const m of schema.models) {
    byName.set(m.name, [
      ...slots(m.primary_key, false),
      ...slots(m.columns, false),
      ...slots(m.route_fields, false),
      ...slots(m.navigations, true),
      ...slots(m.kv_fields, true),
      ...slots(m.r2_fields, true),
    ]);
  }
  shapes.set(schema, byName);
  return byName;
}

/** The wire form of an R2 object's metadata (customMetadata is checked apart). */
const R2_SLOTS: Slot[] = [
  { name: "key", type: "string", validators: undefined, extra: false },
  { name: "version", type: "string", validators: undefined, extra: false },
  { name: "size", type: "int", validators: [{ gte: 0 }], extra: false },
  { name: "etag", type: "string", validators: undefined, extra: false },
  { name: "httpEtag", type: "string", validators: undefined, extra: false },
  { name: "uploaded", type: "date", validators: undefined, extra: false },
];

/** One check or conversion: the state is the schema's shapes and the problems found. */
class Run {
  readonly shapes: Map<string, Slot[]>;
  problems: Problem[] | undefined;

  constructor(schema: Schema) {
    this.shapes = shapesOf(schema);
  }

  problem(param: string, message: string): typeof INVALID {
    (this.problems ??= []).push({ param, message });
    return INVALID;
  }

  result(value: unknown): Checked {
    return this.problems ? { ok: false, problems: this.problems } : { ok: true, value };
  }

  /**
   * Checks and converts value. `partial` makes every object field optional
   * at every depth below. Returns INVALID after recording a problem.
   */
  walk(
    type: CidlType,
    validators: Validator[] | undefined,
    value: unknown,
    path: string,
    partial: boolean,
    depth: number,
  ): unknown {
    if (value === undefined) return this.missing(type, path);
    if (typeof type === "string") return this.primitive(type, validators, value, path, depth);
    if (depth >= MAX_DEPTH) return this.problem(path, `is nested more than ${MAX_DEPTH} levels deep`);
    if ("option" in type) {
      return value === null ? null : this.walk(type.option, validators, value, path, partial, depth);
    }
    if ("array" in type) {
      if (!Array.isArray(value)) return this.problem(path, `must be an array, got ${show(value)}`);
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        out[i] = this.walk(type.array, validators, value[i], join(path, String(i)), partial, depth + 1);
      }
      return out;
    }
    if ("kvobject" in type) {
      if (!isRecord(value)) return this.problem(path, `must be an object {raw, metadata?}, got ${show(value)}`);
      const raw = this.walk(type.kvobject, validators, own(value, "raw"), join(path, "raw"), partial, depth + 1);
      const metadata = this.json(own(value, "metadata") ?? null, join(path, "metadata"), depth + 1);
      return metadata === INVALID ? INVALID : new KValue(raw, metadata);
    }
    if ("object" in type) return this.object(type.object, value, path, partial, depth);
    if ("partial" in type) return this.object(type.partial, value, path, true, depth);
    throw new Error(`cloesce: unknown CIDL type ${JSON.stringify(type)}`);
  }

  /** The value of an absent parameter or field that must exist. */
  missing(type: CidlType, path: string): unknown {
    if (typeof type !== "string") {
      if ("option" in type) return null;
      if ("array" in type) return [];
    }
    unvalidated(type);
    return this.problem(path, "is required");
  }

  object(name: string, value: unknown, path: string, partial: boolean, depth: number): unknown {
    const slots = this.shapes.get(name);
    if (!slots) throw new Error(`cloesce: the CIDL has no model or poo named ${JSON.stringify(name)}`);
    return this.fields(slots, value, path, partial, depth);
  }

  /** Checks the declared fields of an object; unknown keys are dropped. */
  fields(
    slots: Slot[],
    value: unknown,
    path: string,
    partial: boolean,
    depth: number,
  ): Record<string, unknown> | typeof INVALID {
    if (!isRecord(value)) return this.problem(path, `must be an object, got ${show(value)}`);
    const out: Record<string, unknown> = {};
    for (const s of slots) {
      const v = own(value, s.name);
      if (v === undefined && (partial || s.extra)) continue;
      out[s.name] = this.walk(s.type, s.validators, v, join(path, s.name), partial, depth + 1);
    }
    return out;
  }

  primitive(
    type: Primitive,
    validators: Validator[] | undefined,
    value: unknown,
    path: string,
    depth: number,
  ): unknown {
    switch (type) {
      case "int":
        if (typeof value !== "number" || !Number.isInteger(value)) {
          return this.problem(path, `must be an integer, got ${show(value)}`);
        }
        if (!Number.isSafeInteger(value)) return this.problem(path, `must be a safe integer, got ${show(value)}`);
        return this.validate(validators, value, path);
      case "real":
        if (typeof value !== "number" || !Number.isFinite(value)) {
          return this.problem(path, `must be a finite number, got ${show(value)}`);
        }
        return this.validate(validators, value, path);
      case "string":
        if (typeof value !== "string") return this.problem(path, `must be a string, got ${show(value)}`);
        return this.validate(validators, value, path);
      case "bool":
        if (typeof value !== "boolean") return this.problem(path, `must be true or false, got ${show(value)}`);
        return value;
      case "date": {
        const date = typeof value === "string" ? parseDate(value) : undefined;
        return date ?? this.problem(path, `must be an RFC 3339 date-time or YYYY-MM-DD date, got ${show(value)}`);
      }
      case "blob":
        return this.blob(value, path);
      case "json":
        return this.json(value, path, depth);
      case "r2object":
        return this.r2object(value, path, depth);
    }
    unvalidated(type);
    throw new Error(`cloesce: unknown CIDL type ${JSON.stringify(type)}`);
  }

  /** Any JSON value, unless nested past MAX_DEPTH (see the file comment). */
  json(value: unknown, path: string, depth: number): unknown {
    return nestsWithin(value, MAX_DEPTH - depth) ? value : this.problem(path, `is nested more than ${MAX_DEPTH} levels deep`);
  }

  blob(value: unknown, path: string): unknown {
    if (typeof value === "string") {
      return decodeBase64(value) ?? this.problem(path, `must be padded standard base64, got ${show(value)}`);
    }
    if (!Array.isArray(value)) {
      return this.problem(path, `must be a base64 string or an array of bytes, got ${show(value)}`);
    }
    const out = new Uint8Array(value.length);
    let ok = true;
    for (let i = 0; i < value.length; i++) {
      const b: unknown = value[i];
      if (typeof b === "number" && Number.isInteger(b) && b >= 0 && b <= 255) {
        out[i] = b;
      } else {
        ok = false;
        this.problem(join(path, String(i)), `must be an integer from 0 to 255, got ${show(b)}`);
      }
    }
    return ok ? out : INVALID;
  }

  r2object(value: unknown, path: string, depth: number): unknown {
    const out = this.fields(R2_SLOTS, value, path, false, depth);
    if (out === INVALID || !isRecord(value)) return INVALID;
    const meta = own(value, "customMetadata");
    if (meta === undefined) return out;
    const metaPath = join(path, "customMetadata");
    if (!isRecord(meta)) return this.problem(metaPath, `must be an object of strings, got ${show(meta)}`);
    const copy: Record<string, string> = {};
    for (const k of Object.keys(meta)) {
      const v = meta[k];
      if (typeof v === "string") copy[k] = v;
      else this.problem(join(metaPath, k), `must be a string, got ${show(v)}`);
    }
    out.customMetadata = copy;
    return out;
  }

  /** Runs the validators on a value of the right type; returns the value or INVALID. */
  validate(validators: Validator[] | undefined, value: number | string, path: string): unknown {
    if (!validators) return value;
    let ok = true;
    for (const rule of compiled(validators)) {
      const message = rule(value);
      if (message !== undefined) {
        ok = false;
        this.problem(path, message);
      }
    }
    return ok ? value : INVALID;
  }

  /** Converts one query-string text to the decoded-JSON form of type. */
  parseText(type: CidlType, text: string, path: string): unknown {
    if (typeof type !== "string") {
      if ("option" in type) return this.parseText(type.option, text, path);
    } else {
      switch (type) {
        case "int":
          if (!INT_TEXT.test(text)) return this.problem(path, `must be an integer, got ${show(text)}`);
          return Number.isSafeInteger(+text) ? +text : this.problem(path, `must be a safe integer, got ${show(text)}`);
        case "real":
          if (!REAL_TEXT.test(text)) return this.problem(path, `must be a decimal number, got ${show(text)}`);
          return Number(text);
        case "bool":
          if (text === "true") return true;
          if (text === "false") return false;
          return this.problem(path, `must be true or false, got ${show(text)}`);
        case "string":
        case "date":
        case "blob":
          return text;
      }
      unvalidated(type);
    }
    try {
      return JSON.parse(text);
    } catch {
      return this.problem(path, `must be valid JSON, got ${show(text)}`);
    }
  }
}

const INT_TEXT = /^-?[0-9]+$/;
const REAL_TEXT = /^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Throws for the types the router must never ask about. */
function unvalidated(type: CidlType): void {
  if (type === "stream" || type === "void") {
    throw new Error(`cloesce: ${type} values are not validated (router bug)`);
  }
}

/** Whether v's arrays and objects nest at most levels deep; the recursion is as deep as levels. */
function nestsWithin(v: unknown, levels: number): boolean {
  if (typeof v !== "object" || v === null) return true;
  if (levels <= 0) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!nestsWithin(x, levels - 1)) return false;
    return true;
  }
  for (const k in v) if (!nestsWithin((v as Record<string, unknown>)[k], levels - 1)) return false;
  return true;
}

/** A JSON object: not null, not an array. */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An own property, so a field named like `toString` is not found on Object.prototype. */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** A short description of a received value for messages. */
function show(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case "number":
    case "boolean":
      return String(v);
    case "undefined":
      return "nothing";
    case "object":
      return v === null ? "null" : Array.isArray(v) ? "array" : "object";
    default:
      return typeof v;
  }
}

// Dates.

const DATE_TEXT =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:[Zz]|[+-]([0-9]{2}):([0-9]{2})))?$/;

/** Parses an RFC 3339 date-time or a YYYY-MM-DD date, or returns undefined. */
function parseDate(text: string): Date | undefined {
  const m = DATE_TEXT.exec(text);
  if (!m) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (m[4] !== undefined && (+m[4] > 23 || +m[5]! > 59 || +m[6]! > 59)) return undefined;
  if (m[7] !== undefined && (+m[7] > 23 || +m[8]! > 59)) return undefined;
  // Date parses this subset of ISO 8601 exactly once `t`/`z` are upper case.
  const date = new Date(text.toUpperCase());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Validators.

/** A compiled validator: a message when value breaks it. */
type Rule = (value: number | string) => string | undefined;

const rulesCache = new WeakMap<Validator[], Rule[]>();
const regexCache = new Map<string, RegExp | string>();

/** The rules of a validator list, compiled once per list object of the schema. */
function compiled(validators: Validator[]): Rule[] {
  let rules = rulesCache.get(validators);
  if (!rules) {
    rules = validators.map(rule);
    rulesCache.set(validators, rules);
  }
  return rules;
}

/** Numeric rules skip strings and string rules skip numbers (see the file comment). */
function rule(v: Validator): Rule {
  if ("gt" in v) return numeric((x) => x > v.gt, `must be greater than ${v.gt}`);
  if ("gte" in v) return numeric((x) => x >= v.gte, `must be at least ${v.gte}`);
  if ("lt" in v) return numeric((x) => x < v.lt, `must be less than ${v.lt}`);
  if ("lte" in v) return numeric((x) => x <= v.lte, `must be at most ${v.lte}`);
  if ("step" in v) return numeric((x) => isMultiple(x, v.step), `must be a multiple of ${v.step}`);
  if ("len" in v) return length((n) => n === v.len, `must be exactly ${characters(v.len)}`);
  if ("minlen" in v) return length((n) => n >= v.minlen, `must be at least ${characters(v.minlen)}`);
  if ("maxlen" in v) return length((n) => n <= v.maxlen, `must be at most ${characters(v.maxlen)}`);
  if ("regex" in v) return pattern(v.regex);
  return () => undefined; // a validator kind from a newer compiler: nothing to check here
}

function numeric(holds: (x: number) => boolean, expected: string): Rule {
  return (x) => (typeof x !== "number" || holds(x) ? undefined : `${expected}, got ${x}`);
}

function characters(n: number): string {
  return n === 1 ? "1 character" : `${n} characters`;
}

function length(holds: (n: number) => boolean, expected: string): Rule {
  return (s) => {
    if (typeof s !== "string") return undefined;
    const n = codePoints(s);
    return holds(n) ? undefined : `${expected}, got ${n}`;
  };
}

function pattern(source: string): Rule {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, "u");
    } catch (e) {
      re = `has an invalid pattern /${source}/: ${e instanceof Error ? e.message : String(e)}`;
    }
    regexCache.set(source, re);
  }
  if (typeof re === "string") {
    const message = re;
    return (s) => (typeof s === "string" ? message : undefined);
  }
  const compiledRe = re;
  return (s) => (typeof s !== "string" || compiledRe.test(s) ? undefined : `must match /${source}/, got ${show(s)}`);
}

/**
 * Whether x is a whole multiple of step. With an integer step (all the
 * compiler emits) the remainder is exact in floating point. A fractional
 * step cannot be exact (0.3 / 0.1 is 2.9999999999999996), so the quotient
 * may then miss a whole number by a few units in the last place.
 */
function isMultiple(x: number, step: number): boolean {
  if (Number.isInteger(step)) return x % step === 0;
  const q = x / step;
  return Math.abs(q - Math.round(q)) <= 8 * Number.EPSILON * Math.max(1, Math.abs(q));
}

/** The number of Unicode code points of s, like `[...s].length` without the array. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
