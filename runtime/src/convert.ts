// Conversions between SQLite values and the JavaScript values of model
// fields: dates are ISO text, booleans 0/1, blobs BLOB, json TEXT.

import type { CidlType } from "./cidl.js";

/** The SQL primitive under option<>, or undefined for other types. */
export function primitive(type: CidlType): string | undefined {
  if (typeof type === "string") return type;
  if ("option" in type) return primitive(type.option);
  return undefined;
}

/** Converts a value read from SQLite to the field's JavaScript form. */
export function fromSql(type: CidlType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (primitive(type)) {
    case "bool":
      return v === 1 || v === true || v === 1n;
    case "date":
      return v instanceof Date ? v : new Date(v as string);
    case "blob":
      return toBytes(v);
    case "json":
      return typeof v === "string" ? JSON.parse(v) : v;
    default:
      return typeof v === "bigint" ? Number(v) : v;
  }
}

/** Converts a field's JavaScript value to what SQLite stores. */
export function toSql(type: CidlType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (primitive(type)) {
    case "bool":
      return v ? 1 : 0;
    case "date":
      return v instanceof Date ? v.toISOString() : v;
    case "blob":
      return toBytes(v);
    case "json":
      return JSON.stringify(v);
    default:
      return v;
  }
}

/** Makes the bytes of a blob from what D1 (number[]), DO SQL (ArrayBuffer) or a caller gives. */
export function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  throw new TypeError(`cannot read ${typeof v} as a blob`);
}

/** Converts a value already in memory (maybe from JSON) to the field's form. */
export function normalize(type: CidlType, v: unknown): unknown {
  if (v === null || v === undefined) return v;
  switch (primitive(type)) {
    case "bool":
      return typeof v === "boolean" ? v : v === 1 || v === "true";
    case "date":
      return v instanceof Date ? v : new Date(v as string);
    case "blob":
      return v instanceof Uint8Array ? v : toBytes(v);
    default:
      return v;
  }
}

/**
 * A variable's value in the form its declared type promises. Wrangler
 * passes `vars` from the wrangler config as they are written there, but
 * values from `.dev.vars` and secrets are always strings: an `int` set in
 * `.dev.vars` would otherwise reach a method as "3". A string that cannot
 * be the declared int, real or bool is a configuration error.
 */
export function fromVar(name: string, type: CidlType, v: unknown): unknown {
  if (typeof v !== "string") return v;
  const kind = primitive(type);
  const wrong = () => new Error(`cloesce: variable ${name} is declared ${kind} but its value is ${JSON.stringify(v)}`);
  switch (kind) {
    case "int":
    case "real": {
      const n = v.trim() === "" ? NaN : Number(v);
      if (Number.isNaN(n) || (kind === "int" && !Number.isInteger(n))) throw wrong();
      return n;
    }
    case "bool":
      if (v !== "true" && v !== "false") throw wrong();
      return v === "true";
    case "json":
      // A string is a JSON value too: keep it when it is not JSON text.
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    default:
      return v;
  }
}
