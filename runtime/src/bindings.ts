// Typed helpers for the templates of KV namespaces, R2 buckets and Durable
// Objects. Generated code attaches them to the Worker's bindings
// (env.Sessions.session.get(token)) and to Durable Object classes. They
// encode values exactly as the ORM does, so both paths read each other's
// writes: KV values are JSON with the metadata beside them.

import type { Durable, Schema, Store, Template } from "./cidl.js";
import { durableName, fillKeyArgs, keyPrefix } from "./keys.js";
import { KValue } from "./shared.js";

/**
 * The leading parts of a parameter tuple: for [a: A, b: B] they are [],
 * [a: A] and [a: A, b: B]. A plain array (no fixed length) stays itself.
 */
export type Leading<P extends unknown[]> = number extends P["length"] ? P : P extends [...infer H, unknown] ? Leading<H> | P : [];

/**
 * The arguments of a template's list: values of its leading parameters
 * (none, some or all, in order), then optionally the list options. For
 * P = [a: A, b: B]: (), (options), (a), (a, options), (a, b), (a, b, options).
 */
export type ListArgs<P extends unknown[], O> = Leading<P> extends infer L ? (L extends unknown[] ? L | [...L, options?: O] : never) : never;

export interface KvTemplate<A extends unknown[], T> {
  /** The key for these parameters. */
  template(...args: A): string;
  /** The value, decoded, or null when the key is absent. */
  get(...args: A): Promise<T | null>;
  /** The value with its metadata, or null when the key is absent. */
  getWithMetadata(...args: A): Promise<KValue<T> | null>;
  /** Stores the value (JSON-encoded unless it is a stream). */
  put(...args: [...A, T]): Promise<void>;
  delete(...args: A): Promise<void>;
  /**
   * Lists the keys of this template: under its prefix, or with leading
   * parameter values, under the key filled up to the next parameter
   * ("profile/{userId}/favNum" with userId 7: "profile/7/favNum").
   */
  list(...args: ListArgs<A, Omit<KVNamespaceListOptions, "prefix">>): Promise<KVNamespaceListResult<unknown, string>>;
}

export interface R2Template<A extends unknown[]> {
  template(...args: A): string;
  get(...args: A): Promise<R2ObjectBody | null>;
  head(...args: A): Promise<R2Object | null>;
  put(...args: [...A, Parameters<R2Bucket["put"]>[1]]): Promise<R2Object | null>;
  delete(...args: A): Promise<void>;
  /** Lists the objects of this template, as KvTemplate.list does the keys. */
  list(...args: ListArgs<A, Omit<R2ListOptions, "prefix">>): Promise<R2Objects>;
}

/** Helpers of a Durable Object namespace N, addressing instances by shard values A. */
export interface DurableHelpers<A extends unknown[], N extends { get(id: DurableObjectId): unknown } = DurableObjectNamespace> {
  /** The instance name for these shard values: "Binding/v1/v2". */
  template(...shard: A): string;
  id(...shard: A): DurableObjectId;
  stub(...shard: A): ReturnType<N["get"]>;
}

/** A template of a Durable Object's own key-value storage (synchronous, values stored as they are). */
export interface DurableKvTemplate<A extends unknown[], T> {
  template(...args: A): string;
  get(...args: A): T | null;
  put(...args: [...A, T]): void;
  delete(...args: A): boolean;
  /** Lists the entries of this template, as KvTemplate.list does the keys. */
  list(...args: ListArgs<A, Omit<SyncKvListOptions, "prefix">>): Iterable<[string, T]>;
}

type Args = unknown[];

function keyOf(t: Template, args: readonly unknown[]): string {
  return fillKeyArgs(
    t.key,
    t.params.map((p) => p.name),
    args,
  );
}

/**
 * Splits list's arguments into the prefix they fix and the options. The
 * last argument is the options when it is undefined or an object other
 * than a Date (key values are strings, numbers, booleans or dates).
 */
function listArgs(t: Template, args: readonly unknown[]): [string, object | undefined] {
  let values = args;
  let options: object | undefined;
  const last = args[args.length - 1];
  if (args.length > 0 && (last === undefined || (typeof last === "object" && last !== null && !(last instanceof Date)))) {
    values = args.slice(0, -1);
    options = last as object | undefined;
  }
  if (values.length > t.params.length) {
    throw new TypeError(`${t.name}.list takes at most ${t.params.length} key value(s) and the options, got ${args.length} arguments`);
  }
  const prefix = values.length === 0 ? t.prefix : keyPrefix(t.key, t.params.map((p) => p.name), values);
  return [prefix, options];
}

function isStream(t: Template): boolean {
  return typeof t.type === "object" && "kvobject" in t.type && t.type.kvobject === "stream";
}

/** The helpers of every template of a KV namespace, by template name. */
export function kvHelpers(ns: KVNamespace, store: Store): Record<string, KvTemplate<Args, unknown>> {
  const out: Record<string, KvTemplate<Args, unknown>> = {};
  for (const t of store.templates) {
    const n = t.params.length;
    const stream = isStream(t);
    out[t.name] = {
      template: (...args) => keyOf(t, args),
      get: async (...args) => (stream ? ns.get(keyOf(t, args), "stream") : ns.get(keyOf(t, args), "json")),
      getWithMetadata: async (...args) => {
        const key = keyOf(t, args);
        if (stream) {
          const v = await ns.get(key, "stream");
          return v === null ? null : new KValue(v, null);
        }
        const { value, metadata } = await ns.getWithMetadata(key, "json");
        return value === null ? null : new KValue(value, metadata);
      },
      put: async (...args) => {
        const v = args[n];
        await ns.put(keyOf(t, args.slice(0, n)), stream ? (v as ReadableStream) : JSON.stringify(v ?? null));
      },
      delete: async (...args) => ns.delete(keyOf(t, args)),
      list: async (...args: unknown[]) => {
        const [prefix, options] = listArgs(t, args);
        return ns.list({ ...options, prefix });
      },
    };
  }
  return out;
}

/** The helpers of every template of an R2 bucket, by template name. */
export function r2Helpers(bucket: R2Bucket, store: Store): Record<string, R2Template<Args>> {
  const out: Record<string, R2Template<Args>> = {};
  for (const t of store.templates) {
    const n = t.params.length;
    out[t.name] = {
      template: (...args) => keyOf(t, args),
      get: (...args) => bucket.get(keyOf(t, args)),
      head: (...args) => bucket.head(keyOf(t, args)),
      put: (...args) => bucket.put(keyOf(t, args.slice(0, n)), args[n] as Parameters<R2Bucket["put"]>[1]),
      delete: (...args) => bucket.delete(keyOf(t, args)),
      list: async (...args: unknown[]) => {
        const [prefix, options] = listArgs(t, args);
        return bucket.list({ ...options, prefix });
      },
    };
  }
  return out;
}

/** template/id/stub for a Durable Object namespace, addressing instances by shard values. */
export function durableHelpers(ns: DurableObjectNamespace, durable: Durable): DurableHelpers<Args> {
  const names = durable.shard.map((f) => f.name);
  const template = (...shard: unknown[]) => durableName(durable.name, names, shard);
  return {
    template,
    id: (...shard) => ns.idFromName(template(...shard)),
    stub: (...shard) => ns.get(ns.idFromName(template(...shard))),
  };
}

/** The helpers of every template of a Durable Object's own storage, by template name. */
export function durableStorageHelpers(storage: DurableObjectStorage, durable: Durable): Record<string, DurableKvTemplate<Args, unknown>> {
  const out: Record<string, DurableKvTemplate<Args, unknown>> = {};
  for (const t of durable.templates) {
    const n = t.params.length;
    out[t.name] = {
      template: (...args) => keyOf(t, args),
      get: (...args) => storage.kv.get(keyOf(t, args)) ?? null,
      put: (...args) => storage.kv.put(keyOf(t, args.slice(0, n)), args[n]),
      delete: (...args) => storage.kv.delete(keyOf(t, args)),
      list: (...args: unknown[]) => {
        const [prefix, options] = listArgs(t, args);
        return storage.kv.list({ ...options, prefix });
      },
    };
  }
  return out;
}

const upgraded = new WeakSet<object>();

/**
 * Attaches template helpers to the schema's KV, R2 and Durable Object
 * bindings in env (env.Sessions.session.get(token)), once per binding
 * object, and returns env.
 */
export function upgradeEnv<E extends object>(env: E, schema: Schema): E {
  const e = env as Record<string, unknown>;
  const attach = (name: string, helpers: () => object) => {
    const b = e[name];
    if (typeof b !== "object" || b === null || upgraded.has(b)) return;
    Object.assign(b, helpers());
    upgraded.add(b);
  };
  for (const s of schema.env.kv) attach(s.name, () => kvHelpers(e[s.name] as KVNamespace, s));
  for (const s of schema.env.r2) attach(s.name, () => r2Helpers(e[s.name] as R2Bucket, s));
  for (const d of schema.env.durable) attach(d.name, () => durableHelpers(e[d.name] as DurableObjectNamespace, d));
  return env;
}
