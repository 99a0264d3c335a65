// "cloesce/backend": the API of the first, TypeScript-decorator edition
// (docs/decorators.md). Its decorators are read by the compiler from the
// *.cloesce.ts files and do nothing at runtime. CloesceApp.init links the
// user's classes (the constructor registry the generated workers.ts
// passes), so that instance methods run on hydrated instances and
// Orm.fromEnv(env) returns them; both are built on the current runtime.

import { CloesceApp as App } from "./app.js";
import type { Schema, Tree } from "./cidl.js";
import { Orm as CoreOrm, modelMeta, type ModelMeta } from "./orm.js";
import { fillKey } from "./keys.js";
import { modelInfo } from "./schema.js";
import { select } from "./select.js";
import { HttpResult as CoreResult, KValue, type DeepPartial } from "./shared.js";

export { KValue, type DeepPartial };

/** An integer column or parameter (INTEGER in SQLite). */
export type Integer = number;

/** Which navigations, KV and R2 fields of T to fetch: each included one maps to its own tree. */
export type IncludeTree<T> = { [K in keyof T]?: IncludeTree<NonNullable<T[K]> extends readonly (infer E)[] ? E : NonNullable<T[K]>> };

/** The CRUD methods @Model may generate. */
export type CrudKind = "GET" | "SAVE" | "LIST";

/**
 * A decorator of the edition: the compiler reads it from the source, and
 * at runtime it does nothing. It accepts any target, so that it works under
 * TypeScript's experimentalDecorators (which @Inject, a parameter
 * decorator, needs) and under standard decorators alike.
 */
export type Decorator = (...target: unknown[]) => void;

const nothing: Decorator = () => {};
const factory =
  (..._args: unknown[]): Decorator =>
    nothing;

export const Model: (crud?: CrudKind[]) => Decorator = factory;
export const Service: Decorator = nothing;
export const WranglerEnv: Decorator = nothing;
export const PrimaryKey: Decorator = nothing;
export const KeyParam: Decorator = nothing;
export const DataSource: Decorator = nothing;
export const Inject: Decorator = nothing;
export const GET: Decorator = nothing;
export const POST: Decorator = nothing;
export const PUT: Decorator = nothing;
export const PATCH: Decorator = nothing;
export const DELETE: Decorator = nothing;
export const ForeignKey: (model: unknown) => Decorator = factory;
export const OneToOne: <T>(key: (t: T) => unknown) => Decorator = factory;
export const OneToMany: <T>(key: (t: T) => unknown) => Decorator = factory;
export const ManyToMany: (junction?: string) => Decorator = factory;
export const KV: (key: string, namespace: unknown) => Decorator = factory;
export const R2: (key: string, bucket: unknown) => Decorator = factory;

/**
 * The edition's HttpResult: also HttpResult.ok(data), a 200. A single
 * number is a status, as in HttpResult.ok(204).
 */
export class HttpResult<T = unknown> extends CoreResult<T> {
  static override ok<T>(status: number, data?: T, init?: HeadersInit): HttpResult<T>;
  static override ok<T>(data: T): HttpResult<T>;
  static override ok<T>(status: unknown, data?: T, init?: HeadersInit): HttpResult<T> {
    if (typeof status !== "number") return CoreResult.ok(200, status as T);
    return CoreResult.ok(status, data, init);
  }
}

/** A class of the user's: a model, service or plain old object. */
export type Class<T = unknown> = abstract new () => T;

/** The schema and the user's classes CloesceApp.init linked. */
interface Registry {
  schema: Schema;
  classes: Map<string, Class>;
}

let linked: Registry | undefined;

function linkedSchema(): Registry {
  if (!linked) throw new Error("cloesce: call CloesceApp.init(cidl, constructorRegistry) first (the generated workers.ts does)");
  return linked;
}

/** The name of a linked class: its static tag (set by init). */
function nameOf(ctor: Class): string {
  const tag = (ctor as unknown as { tag?: unknown }).tag;
  if (typeof tag !== "string") throw new Error(`cloesce: ${ctor.name} is not a class of the schema (CloesceApp.init links them)`);
  return tag;
}

/** The edition's app: the current CloesceApp, plus init. */
export class CloesceApp extends App {
  /**
   * Links the schema and the user's classes by name, before any ORM
   * call. The generated workers.ts exports both (cidl and
   * constructorRegistry) for tests to call this with.
   */
  static init(cidl: Schema, constructorRegistry: Record<string, Class>): void {
    for (const [name, ctor] of Object.entries(constructorRegistry)) {
      if ((ctor as unknown as { tag?: unknown }).tag !== name) Object.defineProperty(ctor, "tag", { value: name, configurable: true });
    }
    linked = { schema: cidl, classes: new Map(Object.entries(constructorRegistry)) };
  }
}

/**
 * Makes obj an instance of ctor, and each object its navigations hold an
 * instance of their model's class, in place: the `this` of instance
 * methods. Properties are kept as they are.
 */
export function instance<T>(ctor: Class<T>, obj: unknown): T {
  const { schema, classes } = linkedSchema();
  const visit = (name: string, o: unknown) => {
    if (typeof o !== "object" || o === null) return;
    const cls = classes.get(name);
    if (cls && !(o instanceof cls)) Object.setPrototypeOf(o, cls.prototype);
    for (const nav of modelInfo(schema, name).model.navigations) {
      const v = (o as Record<string, unknown>)[nav.name];
      for (const el of Array.isArray(v) ? v : [v]) visit(nav.model, el);
    }
  };
  visit(nameOf(ctor), obj);
  return obj as T;
}

/**
 * The methods of a class as the router calls them: with the parameters
 * the schema gives them (self, env, then the request's), returning what
 * the class declares. The schema was read from those declarations, whose
 * types (R2Object, the user's service classes) the generated ones only
 * stand for, so results are not held to the generated types.
 */
export type Linked<Api> = { [K in keyof Api]?: Api[K] extends (...args: infer P) => unknown ? (...args: P) => unknown : never };

/** Registers a class's methods (Linked) as the implementation of model, its generated object (clo.User). */
export function link<Api>(model: { impl(methods: never): { tag: string } }, methods: Linked<Api>): { tag: string } {
  return model.impl(methods as never);
}

/**
 * Runs f on a new instance of a service class given its dependencies
 * (props, by property name) and initialised by its init, whose failure
 * answers instead.
 */
export async function withService<S extends object, R>(ctor: new () => S, props: { [P in keyof S]?: unknown }, f: (service: S) => R): Promise<R | CoreResult<unknown>> {
  const service = Object.assign(new ctor(), props) as S;
  const failed = await initialise(service);
  return failed ?? f(service);
}

/**
 * The injectable a service class registers as: an instance the router
 * copies for each request, whose dependencies (property: injected name)
 * are set on the copy before the class's own init runs.
 */
export function injectableService<S extends object>(ctor: new () => S, props: { [P in keyof S]?: string }): S & { tag: string } {
  return Object.assign(new ctor(), {
    tag: nameOf(ctor),
    init(this: S, deps: Record<string, unknown>) {
      for (const [prop, dep] of Object.entries(props)) (this as Record<string, unknown>)[prop] = deps[dep as string];
      return initialise(this);
    },
  });
}

/** Calls the init a service class declares, if any; returns a failure it answers. */
async function initialise(service: object): Promise<CoreResult<unknown> | undefined> {
  const init = (Object.getPrototypeOf(service) as { init?: () => unknown }).init;
  const r = init ? await init.call(service) : undefined;
  return r instanceof CoreResult && !r.ok ? r : undefined;
}

/**
 * A KV prefix list of a class (@KV("settings/", ns) all: KValue<T>[]):
 * the namespace's binding and the prefix, a key format whose {field}
 * placeholders the object fills.
 */
export interface PrefixList {
  namespace: string;
  prefix: string;
}

const prefixListsOf = new WeakMap<Class, Record<string, PrefixList>>();

/**
 * Declares the prefix lists of a class, which the schema has no field
 * for: the edition's Orm fills those an include tree names. The generated
 * workers.ts calls it.
 */
export function prefixLists(ctor: Class, lists: Record<string, PrefixList>): void {
  prefixListsOf.set(ctor, lists);
}

/**
 * A many-to-many navigation of a class through its implicit junction
 * model: the model navigated to, the junction, and the junction's
 * columns referencing this model (near) and that one (far).
 */
export interface ManyToMany {
  model: string;
  junction: string;
  near: string;
  far: string;
}

const manyToManyOf = new WeakMap<Class, Record<string, ManyToMany>>();

/**
 * Declares the many-to-many navigations of a class, which the schema has
 * the junction of but no navigation for: the edition's Orm reads those
 * an include tree names. The generated workers.ts calls it.
 */
export function manyToMany(ctor: Class, navs: Record<string, ManyToMany>): void {
  manyToManyOf.set(ctor, navs);
}

/**
 * Fills what the schema cannot hydrate and tree names, on obj and on the
 * objects of the navigations it includes: prefix lists (every value under
 * the prefix, by key) and many-to-many navigations (the related objects by
 * key, hydrated along their own tree).
 */
async function fillExtras(ctor: Class, obj: unknown, tree: Tree, env: object): Promise<void> {
  if (typeof obj !== "object" || obj === null) return;
  const { schema, classes } = linkedSchema();
  const o = obj as Record<string, unknown>;
  const work: Promise<unknown>[] = [];
  for (const [name, list] of Object.entries(prefixListsOf.get(ctor) ?? {})) {
    if (tree[name]) work.push(listValues(env, list, o).then((values) => (o[name] = values)));
  }
  for (const [name, nav] of Object.entries(manyToManyOf.get(ctor) ?? {})) {
    const sub = tree[name];
    if (sub) work.push(related(ctor, nav, o, sub, env).then((values) => (o[name] = values)));
  }
  for (const nav of modelInfo(schema, nameOf(ctor)).model.navigations) {
    const sub = tree[nav.name];
    const cls = classes.get(nav.model);
    if (!sub || !cls) continue;
    const v = o[nav.name];
    for (const el of Array.isArray(v) ? v : [v]) work.push(fillExtras(cls, el, sub, env));
  }
  await Promise.all(work);
}

/** The objects obj is related to through a many-to-many's junction, by key, as instances hydrated along tree. */
async function related(ctor: Class, nav: ManyToMany, obj: Record<string, unknown>, tree: Tree, env: object): Promise<unknown[]> {
  const { schema, classes } = linkedSchema();
  const target = modelMeta(schema, nav.model);
  const key = modelInfo(schema, nameOf(ctor)).model.primary_key[0]!.name;
  const targetKey = target.model.primary_key[0]!.name;
  const sql =
    `SELECT * FROM (${select(schema, target.model, null, tree)}) WHERE "${targetKey}" IN ` +
    `(SELECT "${nav.far}" FROM "${nav.junction}" WHERE "${nav.near}" = ?) ORDER BY "${targetKey}"`;
  const found = await CoreOrm.list<unknown>(target, { env }, { query: d1Of(env, target).prepare(sql).bind(obj[key]), include: tree });
  const cls = classes.get(nav.model);
  if (!cls) return found;
  await Promise.all(found.map((o) => fillExtras(cls, o, tree, env)));
  return found.map((o) => instance(cls, o));
}

/** The D1 database of a model with a table. */
function d1Of(env: object, meta: ModelMeta): D1Database {
  const name = meta.model.backing!.binding;
  const db = (env as Record<string, D1Database | undefined>)[name];
  if (!db) throw new Error(`cloesce: the environment has no D1 binding ${name}`);
  return db;
}

/** The values of a namespace under a prefix list's prefix, with their metadata, by key. */
async function listValues(env: object, list: PrefixList, obj: Record<string, unknown>): Promise<KValue<unknown>[]> {
  const ns = (env as Record<string, KVNamespace | undefined>)[list.namespace];
  if (!ns) throw new Error(`cloesce: the environment has no KV binding ${list.namespace}`);
  const prefix = fillKey(list.prefix, obj);
  const keys: string[] = [];
  for (let cursor: string | undefined; ; ) {
    const page: KVNamespaceListResult<unknown, string> = await ns.list({ prefix, cursor });
    keys.push(...page.keys.map((k) => k.name));
    if (page.list_complete) break;
    cursor = page.cursor;
  }
  return Promise.all(keys.map(async (k) => {
    const { value, metadata } = await ns.getWithMetadata(k, "json");
    return new KValue(value, metadata);
  }));
}

/** The key of Orm.get: the primary key value, and the key parameters of KV and R2 keys. */
export interface GetArgs<T> {
  id?: unknown;
  keyParams?: Record<string, string>;
  includeTree?: IncludeTree<T>;
}

/** What Orm.hydrate takes: the objects to fill (one, or an array), key parameters and the include tree. */
export interface HydrateArgs<T, B> {
  base: B;
  keyParams?: Record<string, string>;
  includeTree?: IncludeTree<T>;
}

/**
 * The edition's ORM over the bindings of env: objects come back as
 * instances of their classes, hydrated along an include tree.
 */
export class Orm {
  private constructor(private readonly env: object) {}

  static fromEnv(env: object): Orm {
    return new Orm(env);
  }

  /** The SELECT of T's columns and those of the navigations tree includes, aliased by path ("persons.dogs.id"). */
  static select<T>(ctor: Class<T>, opts: { includeTree?: IncludeTree<T> } = {}): string {
    const meta = metaOf(ctor);
    return select(meta.schema, meta.model, null, treeOf(opts.includeTree));
  }

  /** Rebuilds objects from rows of a query over Orm.select's aliases. */
  static map<T>(ctor: Class<T>, results: D1Result | readonly Record<string, unknown>[], includeTree?: IncludeTree<T>): T[] {
    return CoreOrm.map<T>(metaOf(ctor), results, treeOf(includeTree)).map((o) => instance(ctor, o));
  }

  /** The object with primary key id (and keyParams), or undefined. */
  async get<T>(ctor: Class<T>, args: GetArgs<T> = {}): Promise<T | undefined> {
    const meta = metaOf(ctor);
    const tree = treeOf(args.includeTree);
    const seed = args.keyParams ?? {};
    const pk = meta.model.primary_key;
    // A model with a table is found by its key; one of KV and R2 fields alone always exists.
    let query: D1PreparedStatement | undefined;
    if (pk.length > 0) query = d1Of(this.env, meta).prepare(`SELECT * FROM (${select(meta.schema, meta.model, null, tree)}) WHERE "${pk[0]!.name}" = ?`).bind(args.id);
    const found = await CoreOrm.get<T>(meta, this.storage(), { query, include: tree, seed });
    return found === null ? undefined : this.filled(ctor, found, tree);
  }

  /** Every object, by primary key, hydrated along includeTree. */
  async list<T>(ctor: Class<T>, includeTree?: IncludeTree<T>): Promise<T[]> {
    const tree = treeOf(includeTree);
    const found = await CoreOrm.list<T>(metaOf(ctor), this.storage(), { include: tree });
    return Promise.all(found.map((o) => this.filled(ctor, o, tree)));
  }

  /** Fetches the KV and R2 fields of base (an object or an array of them) along includeTree. */
  async hydrate<T>(ctor: Class<T>, args: HydrateArgs<T, readonly unknown[]>): Promise<T[]>;
  async hydrate<T>(ctor: Class<T>, args: HydrateArgs<T, unknown>): Promise<T>;
  async hydrate<T>(ctor: Class<T>, args: HydrateArgs<T, unknown>): Promise<T | T[]> {
    const meta = metaOf(ctor);
    const tree = treeOf(args.includeTree);
    const one = async (o: unknown) => this.filled(ctor, await CoreOrm.hydrate<T>(meta, this.storage(), { ...(o as object), ...args.keyParams }, tree), tree);
    return Array.isArray(args.base) ? Promise.all(args.base.map(one)) : one(args.base);
  }

  /** Creates or updates an object graph in one batch with its KV fields; returns it as includeTree selects it. */
  async upsert<T>(ctor: Class<T>, obj: DeepPartial<T>, includeTree?: IncludeTree<T>): Promise<T> {
    const tree = treeOf(includeTree);
    return this.filled(ctor, await CoreOrm.save<T>(metaOf(ctor), this.storage(), obj, tree), tree);
  }

  /** obj as an instance of ctor, with what the schema cannot hydrate and tree names filled (fillExtras). */
  private async filled<T>(ctor: Class<T>, obj: T, tree: Tree): Promise<T> {
    await fillExtras(ctor, obj, tree, this.env);
    return instance(ctor, obj);
  }

  private storage() {
    return { env: this.env };
  }

}

/** An include tree as the runtime reads it; none includes nothing (the edition has no default). */
function treeOf(tree: object | undefined): Tree {
  return (tree ?? {}) as Tree;
}

function metaOf(ctor: Class): ModelMeta {
  return modelMeta(linkedSchema().schema, nameOf(ctor));
}
