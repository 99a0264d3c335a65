// The interface description (cidl.json) as the runtime reads it. The
// compiler writes it; docs/cidl.md documents every field. Everything the
// runtime knows about a schema comes from here.

/** A type: a primitive's name or a one-key object. */
export type CidlType =
  | "int"
  | "real"
  | "string"
  | "blob"
  | "bool"
  | "date"
  | "json"
  | "void"
  | "stream"
  | "r2object"
  | { object: string }
  | { partial: string }
  | { array: CidlType }
  | { option: CidlType }
  | { kvobject: CidlType };

/** A validator: `{gt: 0}`, `{regex: "^a"}`, ... */
export type Validator =
  | { gt: number }
  | { gte: number }
  | { lt: number }
  | { lte: number }
  | { step: number }
  | { len: number }
  | { minlen: number }
  | { maxlen: number }
  | { regex: string };

export interface Field {
  name: string;
  type: CidlType;
  validators?: Validator[];
}

export interface Param extends Field {
  /** The client fills it from the object it holds (source get methods). */
  instance?: boolean;
}

export interface Template {
  name: string;
  type: CidlType;
  validators?: Validator[];
  params: Field[];
  /** Key format, placeholders written `{param}`. */
  key: string;
  prefix: string;
}

export interface Store {
  name: string;
  templates: Template[];
}

export interface Durable {
  name: string;
  shard: Field[];
  templates: Template[];
}

export interface Env {
  d1: string[];
  kv: Store[];
  r2: Store[];
  durable: Durable[];
  vars: Field[];
}

export interface Backing {
  binding: string;
  kind: "d1" | "durable";
  /** The model's route fields addressing the Durable Object, in shard order. */
  shard: string[];
}

export interface ForeignKey {
  columns: string[];
  model: string;
  references: string[];
  optional: boolean;
}

/** Rows of `model` whose `remote[i]` equal this object's `local[i]`. */
export interface Navigation {
  name: string;
  type: CidlType;
  model: string;
  many: boolean;
  local: string[];
  remote: string[];
}

export interface StoreField {
  name: string;
  type: CidlType;
  validators?: Validator[];
  binding: string;
  template: string;
  /** Key format whose placeholders name fields of the model. */
  key: string;
  /** Held in the key-value storage of the model's Durable Object. */
  durable?: boolean;
}

export interface DurableTarget {
  binding: string;
  /** Parameter names giving the shard values, in shard order. */
  args: string[];
}

export type Verb = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Media = "json" | "octet";

export interface Method {
  name: string;
  static: boolean;
  source?: string;
  verb: Verb;
  params: Param[];
  params_media: Media;
  result: CidlType;
  result_media: Media;
  injected: string[];
  durable?: DurableTarget;
  crud?: { kind: "get" | "list" | "save"; source: string };
}

export interface SourceMethod {
  params: Param[];
  injected: string[];
  stub: boolean;
  durable?: DurableTarget;
}

/** An include tree: each key a navigation, KV or R2 field, each value the tree below it. */
export interface Tree {
  [field: string]: Tree;
}

export interface Source {
  name: string;
  internal: boolean;
  tree: Tree;
  get: SourceMethod;
  list: SourceMethod | null;
  save: SourceMethod;
  select_query: string;
  get_query: string;
  list_query: string;
}

export interface Model {
  name: string;
  hash: string;
  backing: Backing | null;
  primary_key: Field[];
  columns: Field[];
  foreign_keys: ForeignKey[];
  uniques: string[][];
  route_fields: Field[];
  navigations: Navigation[];
  kv_fields: StoreField[];
  r2_fields: StoreField[];
  apis: Method[];
  sources: Source[];
  cruds: ("get" | "list" | "save")[];
}

export interface Poo {
  name: string;
  fields: Field[];
}

export interface Schema {
  compiler: string;
  hash: string;
  env: Env;
  models: Model[];
  poos: Poo[];
  injects: string[];
}
