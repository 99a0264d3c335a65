// Hydration completes objects whose table data is in place: it fetches KV
// values and R2 object metadata along the include tree, assembles
// navigations to Worker-served models from this object's fields, and gives
// dates, blobs and booleans their JavaScript form. All fetches of one
// object graph run concurrently.

import type { Model, Schema, StoreField, Tree } from "./cidl.js";
import { normalize } from "./convert.js";
import { fillKey, keyResolvable } from "./keys.js";
import { KValue } from "./shared.js";
import { info } from "./schema.js";
import { defaultTree } from "./select.js";

/** Where the ORM finds its storage: the Worker's bindings and, inside a Durable Object, its storage. */
export interface Storage {
  env: object;
  durable?: DurableObjectStorage;
}

/** The binding named name in storage's env; missing is a configuration error. */
export function binding<T>(storage: Storage, name: string): T {
  const b = (storage.env as Record<string, unknown>)[name];
  if (b === undefined || b === null) throw new Error(`cloesce: binding ${name} is missing from the environment (check the wrangler config)`);
  return b as T;
}

type Obj = Record<string, unknown>;

/**
 * Hydrates obj, an object of model, along tree (the Default source's tree
 * when null). With convert, column values are given their JavaScript form
 * too (objects that did not come from Orm.map).
 */
export async function hydrate(schema: Schema, model: Model, obj: Obj, tree: Tree | null, storage: Storage, convert = true): Promise<void> {
  const pending: Promise<void>[] = [];
  walk(schema, model, obj, tree ?? defaultTree(schema, model), storage, convert, pending);
  if (pending.length > 0) await Promise.all(pending);
}

function walk(schema: Schema, model: Model, obj: Obj, tree: Tree, storage: Storage, convert: boolean, pending: Promise<void>[]) {
  const m = info(schema).models.get(model.name)!;
  if (convert) {
    for (const f of [...model.primary_key, ...model.columns, ...model.route_fields]) {
      if (f.name in obj) obj[f.name] = normalize(f.type, obj[f.name]);
    }
  }
  for (const [name, below] of Object.entries(tree)) {
    const store = m.stores.get(name);
    if (store) {
      if (keyResolvable(store.key, obj)) pending.push(fetchStore(store, obj, storage));
      continue;
    }
    const nav = m.navigations.get(name);
    const target = nav && info(schema).models.get(nav.model)?.model;
    if (!nav || !target) continue;
    let value = obj[name];
    if ((value === undefined || value === null) && !nav.many && target.primary_key.length === 0) {
      // A Worker-served model has no rows: it is this object's fields
      // under the target's route names.
      const assembled: Obj = {};
      nav.remote.forEach((r, i) => (assembled[r] = obj[nav.local[i]!]));
      obj[name] = value = assembled;
    }
    const children = Array.isArray(value) ? (value as Obj[]) : value && typeof value === "object" ? [value as Obj] : [];
    for (const child of children) {
      inheritShard(model, target, obj, child);
      walk(schema, target, child, below, storage, convert, pending);
    }
  }
}

/**
 * Copies a Durable Object model's shard values to a navigated object of
 * the same object: its rows hold no shard (it is not a column), and the
 * model may name the shard fields differently (`for Do(alias)`).
 */
function inheritShard(parent: Model, child: Model, from: Obj, to: Obj) {
  if (parent.backing?.kind !== "durable" || child.backing?.kind !== "durable") return;
  const names = parent.backing.shard;
  child.backing.shard.forEach((name, i) => {
    const v = from[names[i]!];
    if (v !== undefined) to[name] = v;
  });
}

async function fetchStore(field: StoreField, obj: Obj, storage: Storage): Promise<void> {
  const key = fillKey(field.key, obj);
  if (field.durable) {
    if (!storage.durable) throw new Error(`cloesce: ${field.name} lives in Durable Object storage; hydrate it inside the object`);
    const v = storage.durable.kv.get(key);
    obj[field.name] = v === undefined ? null : v;
    return;
  }
  if (field.type === "r2object") {
    // The object with its body, as the language documents r2object: a
    // method can stream self.photo.body; JSON carries only the metadata,
    // and a body nobody reads is cancelled when the request ends.
    obj[field.name] = await binding<R2Bucket>(storage, field.binding).get(key);
    return;
  }
  // A key that does not exist gives null, not a KValue. A key holding
  // JSON null exists: it gives a KValue whose raw is null.
  const ns = binding<KVNamespace>(storage, field.binding);
  if (typeof field.type === "object" && "kvobject" in field.type && field.type.kvobject === "stream") {
    const body = await ns.get(key, "stream");
    obj[field.name] = body === null ? null : new KValue(body, null);
    return;
  }
  const { value, metadata } = await ns.getWithMetadata(key, "text");
  obj[field.name] = value === null ? null : new KValue(JSON.parse(value), metadata);
}
