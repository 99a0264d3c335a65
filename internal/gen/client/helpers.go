package client

// The TypeScript that every client.ts starts with: the exported utility
// types, which are the documented surface and so always present.
const prelude = `/** How a result travels: JSON, or the raw bytes of a stream (octet). */
export const MediaType = { Json: "json", Octet: "octet" } as const;
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

/** One invalid parameter of a rejected request. */
export interface ParamProblem {
  /** The parameter, or a field inside it: model.name. */
  param: string;
  message: string;
}

/**
 * The outcome of an API call: client methods return one instead of throwing.
 * ok is true when the server answered with a status below 400, and data holds
 * the result. Otherwise message says why: the problem's detail, the response
 * text, or for a network failure (status 0) the error's message.
 */
export class HttpResult<T = unknown> {
  ok: boolean;
  status: number;
  headers: Headers;
  data?: T;
  message?: string;
  mediaType?: MediaType;
  /** The invalid parameters of a rejected request (a 400). */
  errors?: ParamProblem[];

  constructor(ok: boolean, status: number, headers: Headers, data?: T, message?: string, mediaType?: MediaType) {
    this.ok = ok;
    this.status = status;
    this.headers = headers;
    // Left out, not undefined, when not given (exactOptionalPropertyTypes).
    if (data !== undefined) this.data = data;
    if (message !== undefined) this.message = message;
    if (mediaType !== undefined) this.mediaType = mediaType;
  }

  /** An OK result with the given status, data and headers. */
  static ok<T>(status: number, data?: T, init?: HeadersInit): HttpResult<T> {
    return new HttpResult<T>(true, status, new Headers(init), data);
  }

  /** A failure with the given status, message and headers. */
  static fail(status: number, message?: string, init?: HeadersInit): HttpResult<never> {
    return new HttpResult<never>(false, status, new Headers(init), undefined, message);
  }
}

/**
 * A value held in Workers KV with its metadata. Nothing checks that raw
 * has the declared type V, so value is a cast.
 */
export class KValue<V> {
  raw: unknown | null;
  metadata: unknown | null;

  constructor(raw: unknown | null = null, metadata: unknown | null = null) {
    this.raw = raw;
    this.metadata = metadata;
  }

  get value(): V | null {
    return this.raw as V | null;
  }
}

/** The metadata of an object in an R2 bucket; a stream method serves its body. */
export class R2Object {
  key!: string;
  version!: string;
  size!: number;
  etag!: string;
  httpEtag!: string;
  uploaded!: Date;
  customMetadata?: Record<string, string>;

  static fromJson(data: unknown): R2Object {
    return decodeFields(Object.assign(new R2Object(), data), { uploaded: decodeDate });
  }
}

/**
 * Some of the data fields of T, at any depth: what $save takes. Methods are
 * left out; dates and bytes stay whole.
 */
export type DeepPartial<T> = T extends Date | Uint8Array
  ? T
  : T extends (infer E)[]
    ? DeepPartial<E>[]
    : T extends object
      ? { [K in keyof T as T[K] extends Function ? never : K]?: DeepPartial<T[K]> }
      : T;
`

// A helper is an internal TypeScript function (or constant) that
// client.ts includes only when the code generated for the schema uses it,
// so the file has no unused code under noUnusedLocals.
type helper struct {
	name string
	deps []string // helpers its code calls
	code string
}

// preludeDeps are the helpers the prelude always calls.
var preludeDeps = []string{"decodeFields", "decodeDate"}

// helpers in the order they appear at the end of client.ts.
var helpers = []helper{
	{"send", []string{"readError"}, `/**
 * Sends one request and wraps the outcome. It never throws: a network
 * failure gives status 0, a body that cannot be read a failed result.
 */
async function send<T>(
  fetchImpl: typeof fetch,
  method: string,
  url: URL,
  reader: { media: MediaType; read: (res: Response) => Promise<T> },
  body?: RequestInit,
): Promise<HttpResult<T>> {
  let res: Response;
  try {
    res = await fetchImpl(url, { ...body, method });
  } catch (err) {
    const result = new HttpResult<T>(false, 0, new Headers());
    result.message = err instanceof Error ? err.message : String(err);
    return result;
  }
  const result = new HttpResult<T>(res.status < 400, res.status, res.headers);
  try {
    if (result.ok) {
      result.data = await reader.read(res);
      result.mediaType = reader.media;
    } else {
      await readError(res, result);
    }
  } catch (err) {
    result.ok = false;
    result.message = err instanceof Error ? err.message : String(err);
  }
  return result;
}`},
	{"readError", nil, `/**
 * Reads an error response. A problem+json body gives the message (its
 * detail) and the invalid parameters; any other body is the message itself.
 */
async function readError(res: Response, result: HttpResult<unknown>): Promise<void> {
  const text = await res.text();
  result.message = text || (res.status + " " + res.statusText).trim();
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/problem+json")) {
    return;
  }
  try {
    const problem = JSON.parse(text) as { detail?: unknown; errors?: unknown };
    if (typeof problem.detail === "string") {
      result.message = problem.detail;
    }
    if (Array.isArray(problem.errors)) {
      result.errors = problem.errors as ParamProblem[];
    }
  } catch {
    // Not JSON after all: the text stays the message.
  }
}`},
	{"endpoint", nil, `/**
 * The URL of a model's method. For an instance method, key holds the values
 * addressing the object, already encoded as text.
 */
function endpoint(model: string, method: string, key: string[] = []): URL {
  return new URL([BASE_URL, model, ...key.map(encodeURIComponent), method].join("/"));
}`},
	{"addQuery", nil, `/** Appends one query parameter per value, leaving out null and undefined. */
function addQuery<T>(
  url: URL,
  name: string,
  values: readonly (T | null | undefined)[],
  encode: (value: T) => string,
): void {
  for (const value of values) {
    if (value != null) {
      url.searchParams.append(name, encode(value));
    }
  }
}`},
	{"jsonBody", []string{"toBase64"}, `/** A JSON body holding the parameters by name; bytes travel as base64, dates as ISO strings. */
function jsonBody(params: Record<string, unknown>): RequestInit {
  const body = JSON.stringify(params, (_key, value: unknown) =>
    value instanceof Uint8Array ? toBase64(value) : value,
  );
  return { headers: { "Content-Type": "application/json" }, body };
}`},
	{"octetBody", nil, `/** A body of raw bytes, for a stream parameter. */
function octetBody(data: Uint8Array | Blob | ArrayBuffer): RequestInit {
  return { headers: { "Content-Type": "application/octet-stream" }, body: data as BodyInit };
}`},
	{"encodeDate", nil, `function encodeDate(date: Date): string {
  return date.toISOString();
}`},
	{"asJson", nil, `/** Reads a JSON result, turned into its client form by decode. */
function asJson<T>(decode: (json: unknown) => T = (json) => json as T) {
  return { media: MediaType.Json, read: async (res: Response) => decode(await res.json()) };
}`},
	{"asVoid", nil, `/** Reads a result without a value. */
const asVoid = {
  media: MediaType.Json,
  read: async (res: Response): Promise<void> => {
    await res.text();
  },
};`},
	{"asResponse", nil, `/** Keeps a stream result as the Response, its body unread. */
const asResponse = { media: MediaType.Octet, read: async (res: Response) => res };`},
	{"decodeFields", nil, `/** Decodes the fields of obj that have a decoder and a value; absent and null ones stay. */
function decodeFields<T>(obj: T, decoders: { [K in keyof T]?: (json: unknown) => T[K] }): T {
  for (const key in decoders) {
    if (obj[key] != null) {
      obj[key] = decoders[key]!(obj[key]);
    }
  }
  return obj;
}`},
	{"arrayOf", nil, `function arrayOf<T>(decode: (json: unknown) => T): (json: unknown) => T[] {
  return (json) => (Array.isArray(json) ? json.map((item) => decode(item)) : []);
}`},
	{"optionOf", nil, `function optionOf<T>(decode: (json: unknown) => T): (json: unknown) => T | null {
  return (json) => (json == null ? null : decode(json));
}`},
	{"kvalueOf", nil, `/** Decodes a KV value sent as {raw, metadata}, decoding raw when it needs it. */
function kvalueOf<V>(decode?: (json: unknown) => V): (json: unknown) => KValue<V> {
  return (json) => {
    const { raw = null, metadata = null } = (json ?? {}) as { raw?: unknown; metadata?: unknown };
    return new KValue<V>(raw !== null && decode ? decode(raw) : raw, metadata);
  };
}`},
	{"decodeDate", nil, `function decodeDate(json: unknown): Date {
  return new Date(json as string);
}`},
	{"decodeBlob", []string{"fromBase64"}, `function decodeBlob(json: unknown): Uint8Array {
  return fromBase64(json as string);
}`},
	{"toBase64", nil, `function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}`},
	{"fromBase64", nil, `function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}`},
}
