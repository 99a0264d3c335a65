// The values an API hands back and forth, defined once for the runtime and
// every generated client.ts: the compiler embeds this file (runtime/embed.go)
// and copies it into client.ts, so the two cannot disagree. It imports
// nothing and names platform globals through globalThis, because in
// client.ts a model of the schema may be called Headers or Date.

/** The platform's Headers class: workers-types declares it as a class, which globalThis does not list. */
export const $Headers = (globalThis as unknown as { Headers: new (init?: globalThis.HeadersInit) => globalThis.Headers }).Headers;

/** How a result travels: JSON, or the raw bytes of a stream (octet). */
export const MediaType = { Json: "json", Octet: "octet" } as const;
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

/** One invalid parameter of a rejected request. */
export interface ParamProblem {
  /** The parameter, or a field inside it: model.name. */
  param: string;
  message: string;
}

/**
 * The outcome of an API call. A method may return one to choose its status
 * and headers; client methods return one instead of throwing. ok is true
 * when the status is below 400, and data holds the result. Otherwise
 * message says why: the problem's detail, the response text, or for a
 * network failure (status 0) the error's message.
 */
export class HttpResult<T = unknown> {
  ok: boolean;
  status: number;
  headers: globalThis.Headers;
  data?: T;
  message?: string;
  mediaType?: MediaType;
  /** The invalid parameters of a rejected request (a 400). */
  errors?: ParamProblem[];

  constructor(
    ok: boolean,
    status: number,
    headers: globalThis.Headers,
    data?: T,
    message?: string,
    mediaType?: MediaType,
    errors?: ParamProblem[],
  ) {
    this.ok = ok;
    this.status = status;
    this.headers = headers;
    // Left out, not undefined, when not given (exactOptionalPropertyTypes).
    if (data !== undefined) this.data = data;
    if (message !== undefined) this.message = message;
    if (mediaType !== undefined) this.mediaType = mediaType;
    if (errors !== undefined) this.errors = errors;
  }

  /** An OK result with the given status, data and headers. */
  static ok<T>(status: number, data?: T, init?: globalThis.HeadersInit): HttpResult<T> {
    return new HttpResult<T>(true, status, new $Headers(init), data);
  }

  /** A failure with the given status, message and headers; no body may be attached. */
  static fail(status: number, message?: string, init?: globalThis.HeadersInit): HttpResult<never> {
    return new HttpResult<never>(false, status, new $Headers(init), undefined, message);
  }
}

/**
 * A value held in Workers KV with its metadata. raw is the stored value
 * (decoded from JSON); nothing checks that it has the declared type V, so
 * value is a cast.
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

  /** The wire form: a KValue travels as `{raw, metadata}`. */
  toJSON(): { raw: unknown; metadata: unknown } {
    return { raw: this.raw ?? null, metadata: this.metadata ?? null };
  }
}

/**
 * Some of the data fields of T, at any depth: what a save takes. Methods
 * are left out; dates, bytes and streams stay whole.
 */
export type DeepPartial<T> = T extends globalThis.Date | globalThis.Uint8Array | globalThis.ReadableStream
  ? T
  : T extends (infer E)[]
    ? DeepPartial<E>[]
    : T extends object
      ? { [K in keyof T as T[K] extends globalThis.Function ? never : K]?: DeepPartial<T[K]> }
      : T;

/**
 * Conditions on one column of a filtered list or count, V being the
 * column's value type (null included when the column is optional): every
 * condition given must hold. in matches any of its values; prefix, on text
 * columns, the values starting with it; null, on optional columns, the
 * rows where the column is (true) or is not (false) null.
 */
export type Filter<V> = {
  eq?: globalThis.NonNullable<V>;
  ne?: globalThis.NonNullable<V>;
  lt?: globalThis.NonNullable<V>;
  lte?: globalThis.NonNullable<V>;
  gt?: globalThis.NonNullable<V>;
  gte?: globalThis.NonNullable<V>;
  in?: readonly globalThis.NonNullable<V>[];
} & (globalThis.NonNullable<V> extends string ? { prefix?: string } : unknown) &
  (null extends V ? { null?: boolean } : unknown);

/** An order on column C: ascending by its name, descending by "-" and its name. The key breaks ties. */
export type Order<C extends string> = C | `-${C}`;

/**
 * What a filtered list takes beyond its page size: Where maps filterable
 * columns to their Filter, C names them, Self is the model. after is the
 * last object of the previous page (its key and order column are read):
 * the page continues after it.
 */
export interface ListQuery<Where, C extends string, Self> {
  where?: Where;
  order?: Order<C>;
  after?: globalThis.Partial<Self>;
}
