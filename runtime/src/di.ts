// Dependency injection: the per-request container hooks read and write
// (Di), the tokens naming what it holds, and the order in which a method's
// services are initialised. A name resolves, lazily, to the value a hook
// set, else the service initialised for this request, else the instance
// the app registered, else Request, Env or the environment binding.

import type { Schema } from "./cidl.js";
import { info } from "./schema.js";
import type { HttpResult } from "./shared.js";

/**
 * A value injectable (`inject { Tenant: string }`): backend.ts declares
 * `export const Tenant = $rt.injectable<string>("Tenant")`, so that
 * `di.set(Tenant, value)` and `di.get(Tenant)` are typed.
 */
export interface Injectable<T> {
  readonly tag: string;
  /** Never set: it carries T to get and set. */
  readonly $type?: T;
}

/**
 * A class injectable: the generated abstract class, or the user's
 * subclass, whose static tag names it; or in the decorator edition the
 * user's class, named by its class name.
 */
export type ClassToken<T> = abstract new (...args: never[]) => T;

/** What names an injectable to the container; a string names it untyped ("Request", "Db"). */
export type Token<T> = Injectable<T> | ClassToken<T>;

/** Makes the token of the value injectable called name. */
export function injectable<T>(name: string): Injectable<T> {
  return Object.freeze({ tag: name });
}

/** The name a token stands for. */
export function tokenName(token: Token<unknown> | string): string {
  if (typeof token === "string") return token;
  const tag = (token as { tag?: unknown } | null)?.tag ?? (typeof token === "function" && token.name !== "" ? token.name : undefined);
  if (typeof tag !== "string") throw new TypeError("cloesce: a token is a name, an injectable's class (with a static tag) or a value injectable");
  return tag;
}

/**
 * What a service's init(env, request) returns: nothing, or an HttpResult,
 * which answers the request when it is a failure (a 401, say).
 */
export type InitResult = void | HttpResult<unknown> | Promise<void | HttpResult<unknown>>;

/** The names every method may inject without declaring them. */
export const REQUEST = "Request";
export const ENV = "Env";

/** @internal What the container falls back to for names it does not hold: the app. */
export interface Resolver {
  resolve(name: string, request: Request): unknown;
  provides(name: string): boolean;
}

/**
 * The injection container of one request, given to every hook. Methods
 * receive what it resolves in their env argument (env.<Name>).
 */
export class Di {
  /** @internal Values set by hooks and services initialised for this request, by name. */
  readonly held = new Map<string, unknown>();
  /** The model and method the request was routed to; undefined in onRequest. */
  route: { readonly model: string; readonly method: string } | undefined;

  /** @internal The router makes one per request that needs it. */
  constructor(
    private readonly resolver: Resolver,
    /** The request being answered. */
    readonly request: Request,
  ) {}

  /**
   * The value of an injectable, binding, Request or Env. Throws for a
   * name nothing provides: a value injectable no hook set, an injectable
   * nobody registered, a service not initialised for this request (see
   * docs/backend.md), a binding missing from the environment.
   */
  get<T>(token: Token<T>): T;
  get(name: string): unknown;
  get(token: Token<unknown> | string): unknown {
    const name = tokenName(token);
    return this.held.has(name) ? this.held.get(name) : this.resolver.resolve(name, this.request);
  }

  /**
   * Sets what name resolves to for the rest of this request: a value
   * injectable's value, or a replacement for a service (whose init is
   * then not run), a registered injectable or a binding.
   */
  set<T>(token: Token<T>, value: T): this;
  set(name: string, value: unknown): this;
  set(token: Token<unknown> | string, value: unknown): this {
    this.held.set(tokenName(token), value);
    return this;
  }

  /** Whether get would find a value for the token now. */
  has(token: Token<unknown> | string): boolean {
    const name = tokenName(token);
    return this.held.has(name) || this.resolver.provides(name);
  }
}

/**
 * The class injectables that names reach through their [inject ...]
 * dependencies, each after those it depends on: the order services are
 * initialised in. The compiler refuses cycles; one here is a bug.
 */
export function servicesOf(schema: Schema, names: Iterable<string>): string[] {
  const injects = info(schema).injects;
  const order: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string) => {
    const inject = injects.get(name);
    if (!inject || inject.type !== null || done.has(name)) return;
    if (path.includes(name)) throw new Error(`cloesce: the injectables ${[...path.slice(path.indexOf(name)), name].join(" -> ")} depend on each other`);
    path.push(name);
    for (const dep of inject.deps) visit(dep);
    path.pop();
    done.add(name);
    order.push(name);
  };
  for (const name of names) visit(name);
  return order;
}
