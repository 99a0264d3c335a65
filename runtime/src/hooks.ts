// Hooks: user functions the router calls at fixed points of a request
// (docs/backend.md, "Hooks, services and testing"). An app keeps only the
// lists something was registered in, so a request without hooks never
// looks further than one flag.

import type { Method, Model } from "./cidl.js";
import type { Di } from "./di.js";
import { HttpResult, toResponse } from "./http.js";

/** What a hook may answer the request with, at once. */
export type Answer = HttpResult<unknown> | Response;

type Awaitable<T> = T | Promise<T>;

/** onRequest: before routing; the route is not known yet. */
export type RequestHook = (request: Request, di: Di) => Awaitable<Answer | void>;
/** onRoute, onNamespace and onMethod. */
export type Hook = (di: Di) => Awaitable<Answer | void>;
/** onResponse: every response, errors included; a Response returned replaces it. */
export type ResponseHook = (response: Response, di: Di) => Awaitable<Response | void>;
/** onError: an error thrown by user code or a hook, which would otherwise be the 500. */
export type ErrorHook = (error: unknown, di: Di) => Awaitable<Answer | void>;

/**
 * A model as hooks name it: its object in backend.ts (clo.User), its name,
 * or in the decorator edition its class (named by its static tag, which
 * the generated workers.ts sets, else its name).
 */
export type ModelRef = { readonly Tag: string } | string | (abstract new (...args: never[]) => unknown);

/**
 * The method names of a model: the members of its implementation (what
 * Model.impl takes) for a generated model object, any string otherwise.
 */
export type MethodOf<M> = M extends { impl(methods: infer P): unknown } ? Extract<keyof P, string> : string;

/** The hooks of an app, shared by the apps it makes per environment. */
export interface Hooks {
  /** Whether any hook is registered: the only check a request without hooks makes. */
  any: boolean;
  request?: RequestHook[];
  route?: Hook[];
  namespace?: Map<Model, Hook[]>;
  method?: Map<Method, Hook[]>;
  response?: ResponseHook[];
  error?: ErrorHook[];
}

/** Appends h to the hooks at key of map, making both as needed. */
export function addHook<K, H>(map: Map<K, H[]> | undefined, key: K, h: H): Map<K, H[]> {
  const out = map ?? new Map<K, H[]>();
  const list = out.get(key);
  if (list) list.push(h);
  else out.set(key, [h]);
  return out;
}

/** Calls each hook in order until one answers; the answer, as a response, or undefined. */
export async function answerOf<H>(hooks: readonly H[], call: (h: H) => Awaitable<Answer | void>): Promise<Response | HttpResult | undefined> {
  for (const h of hooks) {
    const r = await call(h);
    if (r instanceof Response || r instanceof HttpResult) return r;
  }
  return undefined;
}

/** A hook's answer as a response. */
export function asResponse(r: Answer): Response {
  return r instanceof Response ? r : toResponse(r);
}
