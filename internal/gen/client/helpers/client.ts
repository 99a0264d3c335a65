// The code every client.ts is made of besides its classes. The generator
// (helpers.go) copies it in: the exported declarations without a `$` are
// the documented surface and always included; those named `$...` are
// helpers, included only when the generated code uses them (with what
// they use in turn), without their `export`, so a client.ts has no unused
// code. They import the runtime's shared.ts, which client.ts declares
// first. Platform globals are named through globalThis: in client.ts a
// model of the schema may be called Date or Response.
import { $Headers, HttpResult, KValue, MediaType, type ParamProblem } from "../../../../runtime/src/shared.js";

/** The metadata of an object in an R2 bucket; a stream method serves its body. */
export class R2Object {
  key!: string;
  version!: string;
  size!: number;
  etag!: string;
  httpEtag!: string;
  uploaded!: globalThis.Date;
  customMetadata?: globalThis.Record<string, string>;

  static fromJson(data: unknown): R2Object {
    return $decodeFields(globalThis.Object.assign(new R2Object(), data), { uploaded: $decodeDate });
  }
}

/** Where and how a client made by createClient sends its requests. */
export interface ClientOptions {
  /** Where the API is served, such as workers_url in cloesce.jsonc; a trailing slash is ignored. */
  baseUrl: string;
  /** Sends each request: the global fetch unless given (to add credentials or retries, or to test). */
  fetch?: typeof globalThis.fetch;
  /** Headers of every request; a function is called for each one (a fresh token) and may be async. */
  headers?: globalThis.HeadersInit | (() => globalThis.HeadersInit | globalThis.Promise<globalThis.HeadersInit>);
}

/** Options of one call, its last parameter. */
export interface CallOptions {
  /** Aborts the request; the call then gives a failed HttpResult (status 0). */
  signal?: globalThis.AbortSignal | undefined;
  /** Headers of this request, over the client's. */
  headers?: globalThis.HeadersInit | undefined;
}

/** A client's connection: the API's base URL and how requests are sent. */
export function $connect(options: ClientOptions) {
  return {
    base: options.baseUrl.replace(/\/+$/, ""),
    // Called bare, as a browser's fetch wants, and looked up per request.
    fetch: (url: globalThis.URL, init: globalThis.RequestInit) => (options.fetch ?? globalThis.fetch)(url, init),
    headers: options.headers,
  };
}

export type $Connection = ReturnType<typeof $connect>;

/** How a method's successful response is read. */
export type $Reader<T> = { media: MediaType; read(res: globalThis.Response): globalThis.Promise<T> };

/** A request body and its media type. */
export type $Body = { type: string; data: globalThis.BodyInit };

/**
 * Sends one request and wraps the outcome. It never throws: a network
 * failure or an abort gives status 0, a body that cannot be read a failed
 * result.
 */
export async function $send<T>(
  conn: $Connection,
  method: string,
  url: globalThis.URL,
  init: CallOptions | undefined,
  reader: $Reader<T>,
  body?: $Body,
): globalThis.Promise<HttpResult<T>> {
  let res: globalThis.Response;
  try {
    // The client's headers, the body's type, then the call's (an upload's own type).
    const headers = new $Headers(typeof conn.headers === "function" ? await conn.headers() : conn.headers);
    const request: globalThis.RequestInit = { method, headers };
    if (body) {
      headers.set("Content-Type", body.type);
      request.body = body.data;
    }
    new $Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    if (init?.signal) request.signal = init.signal;
    res = await conn.fetch(url, request);
  } catch (err) {
    return new HttpResult<T>(false, 0, new $Headers(), undefined, $message(err));
  }
  const result = new HttpResult<T>(res.status < 400, res.status, res.headers);
  try {
    if (result.ok) {
      result.data = await reader.read(res);
      result.mediaType = reader.media;
    } else {
      await $readError(res, result);
    }
  } catch (err) {
    result.ok = false;
    result.message = $message(err);
  }
  return result;
}

export function $message(err: unknown): string {
  return err instanceof globalThis.Error ? err.message : globalThis.String(err);
}

/**
 * Reads an error response. A problem+json body gives the message (its
 * detail) and the invalid parameters; any other body is the message itself.
 */
export async function $readError(res: globalThis.Response, result: HttpResult<unknown>): globalThis.Promise<void> {
  const text = await res.text();
  result.message = text || (res.status + " " + res.statusText).trim();
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/problem+json")) {
    return;
  }
  try {
    const problem = globalThis.JSON.parse(text) as { detail?: unknown; errors?: unknown };
    if (typeof problem.detail === "string") {
      result.message = problem.detail;
    }
    if (globalThis.Array.isArray(problem.errors)) {
      result.errors = problem.errors as ParamProblem[];
    }
  } catch {
    // Not JSON after all: the text stays the message.
  }
}

/**
 * The URL of a model's method. For an instance method, key holds the values
 * addressing the object, already encoded as text.
 */
export function $endpoint(conn: $Connection, model: string, method: string, key: string[] = []): globalThis.URL {
  return new $URL([conn.base, model, ...key.map(globalThis.encodeURIComponent), method].join("/"));
}

/** The platform's URL class (see $Headers). */
export const $URL = (globalThis as unknown as { URL: new (url: string) => globalThis.URL }).URL;

/** Appends one query parameter per value, leaving out null and undefined. */
export function $addQuery<T>(
  url: globalThis.URL,
  name: string,
  values: readonly (T | null | undefined)[],
  encode: (value: T) => string,
): void {
  for (const value of values) {
    if (value != null) {
      url.searchParams.append(name, encode(value));
    }
  }
}

/**
 * Appends a list's or count's query: each condition of where as
 * <column>.<op>=<value> (in once per value, null as true or false), order
 * as order=<column> or order=-<column>, and after, the last object of the
 * previous page, as the lastSeen_ parameters of key and of the order
 * column (those the list's own parameters gave are kept). Values are
 * written as GET parameters are: as text, or by their column's writer in
 * writers (dates, blobs, JSON).
 */
export function $addListQuery(
  url: globalThis.URL,
  query: { where?: object; order?: string; after?: object } | undefined,
  key: readonly string[] = [],
  writers: globalThis.Record<string, (value: never) => string> = {},
): void {
  if (!query) return;
  const params = url.searchParams;
  const write = (column: string, value: unknown) => (writers[column] ?? globalThis.String)(value as never);
  for (const [column, filter] of globalThis.Object.entries(query.where ?? {})) {
    for (const [op, value] of globalThis.Object.entries((filter ?? {}) as globalThis.Record<string, unknown>)) {
      if (value === undefined) continue;
      for (const v of op === "in" ? (value as unknown[]) : [value]) {
        params.append(column + "." + op, op === "null" ? globalThis.String(v) : write(column, v));
      }
    }
  }
  if (query.order !== undefined) {
    params.append("order", query.order);
  }
  if (query.after) {
    const after = query.after as globalThis.Record<string, unknown>;
    const order = query.order?.replace(/^-/, "");
    for (const column of order === undefined ? key : [...key, order]) {
      const name = "lastSeen_" + column;
      if (after[column] != null && !params.has(name)) {
        params.append(name, write(column, after[column]));
      }
    }
  }
}

/**
 * The call's options with a method's header parameters set over its
 * headers, by HTTP name: text as it is, numbers and booleans as written,
 * dates in ISO 8601, as the query string carries them. A null or
 * undefined value sends no header of its own.
 */
export function $withHeaders(
  init: CallOptions | undefined,
  params: globalThis.Record<string, string | number | boolean | globalThis.Date | null | undefined>,
): CallOptions {
  const headers = new $Headers(init?.headers);
  for (const [name, value] of globalThis.Object.entries(params)) {
    if (value != null) {
      headers.set(name, value instanceof globalThis.Date ? $encodeDate(value) : globalThis.String(value));
    }
  }
  return { ...init, headers };
}

/** A JSON body holding the parameters by name; bytes travel as base64, dates as ISO strings. */
export function $jsonBody(params: globalThis.Record<string, unknown>): $Body {
  const data = globalThis.JSON.stringify(params, (_key, value: unknown) =>
    value instanceof globalThis.Uint8Array ? $toBase64(value) : value,
  );
  return { type: "application/json", data };
}

/** A body of raw bytes, for a stream parameter. */
export function $octetBody(data: globalThis.Uint8Array | globalThis.Blob | globalThis.ArrayBuffer): $Body {
  return { type: "application/octet-stream", data: data as globalThis.BodyInit };
}

export function $encodeDate(date: globalThis.Date): string {
  return date.toISOString();
}

/** Reads a JSON result, turned into its client form by decode. */
export function $asJson<T>(decode: (json: unknown) => T = (json) => json as T): $Reader<T> {
  return { media: MediaType.Json, read: async (res) => decode(await res.json()) };
}

/** Reads a result without a value. */
export const $asVoid: $Reader<void> = {
  media: MediaType.Json,
  read: async (res) => {
    await res.text();
  },
};

/** Keeps a stream result as the Response, its body unread. */
export const $asResponse: $Reader<globalThis.Response> = { media: MediaType.Octet, read: async (res) => res };

/** Decodes the fields of obj that have a decoder and a value; absent and null ones stay. */
export function $decodeFields<T>(obj: T, decoders: { [K in keyof T]?: (json: unknown) => T[K] }): T {
  for (const key in decoders) {
    if (obj[key] != null) {
      obj[key] = decoders[key]!(obj[key]);
    }
  }
  return obj;
}

export function $arrayOf<T>(decode: (json: unknown) => T): (json: unknown) => T[] {
  return (json) => (globalThis.Array.isArray(json) ? json.map((item) => decode(item)) : []);
}

export function $optionOf<T>(decode: (json: unknown) => T): (json: unknown) => T | null {
  return (json) => (json == null ? null : decode(json));
}

/** Decodes a KV value sent as {raw, metadata}, decoding raw when it needs it. */
export function $kvalueOf<V>(decode?: (json: unknown) => V): (json: unknown) => KValue<V> {
  return (json) => {
    const { raw = null, metadata = null } = (json ?? {}) as { raw?: unknown; metadata?: unknown };
    return new KValue<V>(raw !== null && decode ? decode(raw) : raw, metadata);
  };
}

export function $decodeDate(json: unknown): globalThis.Date {
  return new globalThis.Date(json as string);
}

export function $decodeBlob(json: unknown): globalThis.Uint8Array {
  return $fromBase64(json as string);
}

export function $toBase64(bytes: globalThis.Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += globalThis.String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return globalThis.btoa(binary);
}

export function $fromBase64(text: string): globalThis.Uint8Array {
  const binary = globalThis.atob(text);
  const bytes = new globalThis.Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}
