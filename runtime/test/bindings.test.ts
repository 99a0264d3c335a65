// The template helpers' list with leading parameters: the prefix is the
// key format filled up to the first parameter not given, each value
// checked as fillKey checks it; the options pass through, the prefix
// always wins. Run against stand-in bindings that record what they get.

import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { durableStorageHelpers, kvHelpers, r2Helpers } from "../src/bindings.js";
import type { Field, Template } from "../src/cidl.js";
import { KeyError, keyPrefix } from "../src/keys.js";

function template(name: string, key: string, params: Field[], prefix: string): Template {
  return { name, type: { kvobject: "json" }, params, key, prefix };
}

const favNum = template("profile", "profile/{userId}/favNum", [{ name: "userId", type: "string" }], "profile/");
const visits = template(
  "visits",
  "visits/{userId}/{day}",
  [
    { name: "userId", type: "int" },
    { name: "day", type: "date" },
  ],
  "visits/",
);
const settings = template("settings", "settings", [], "settings");
// Placeholders in another order than the parameters.
const swapped = template(
  "swapped",
  "s/{b}/{a}",
  [
    { name: "a", type: "string" },
    { name: "b", type: "string" },
  ],
  "s/",
);
const templates = [favNum, visits, settings, swapped];
const day = new Date("2025-01-02T00:00:00.000Z");

describe("keyPrefix", () => {
  it.each([
    ["profile/{userId}/favNum", ["userId"], [], "profile/"],
    ["profile/{userId}/favNum", ["userId"], ["7"], "profile/7/favNum"],
    ["profile/{userId}", ["userId"], ["7"], "profile/7"],
    ["visits/{userId}/{day}", ["userId", "day"], [1], "visits/1/"],
    ["visits/{userId}/{day}", ["userId", "day"], [1, day], "visits/1/2025-01-02T00:00:00.000Z"],
    ["visits/{userId}-{day}.json", ["userId", "day"], [true], "visits/true-"],
    ["settings", [], [], "settings"],
    ["{a}/x", ["a"], [], ""],
    ["s/{b}/{a}", ["a", "b"], ["A"], "s/"],
    ["s/{b}/{a}", ["a", "b"], ["A", "B"], "s/B/A"],
  ])("%s with %j", (format, names, values, want) => {
    expect(keyPrefix(format, names, values)).toBe(want);
  });

  it.each(["a/b", "..", ".", "", null, undefined])("refuses the value %j as fillKey does", (v) => {
    expect(() => keyPrefix("profile/{userId}/favNum", ["userId"], [v])).toThrow(KeyError);
    try {
      keyPrefix("visits/{userId}/{day}", ["userId", "day"], [1, v]);
    } catch (e) {
      expect(e).toBeInstanceOf(KeyError);
      expect((e as KeyError).param).toBe("day");
    }
  });

  it("checks a given value even when the prefix stops before it", () => {
    expect(() => keyPrefix("s/{b}/{a}", ["a", "b"], ["x/y"])).toThrow(KeyError);
  });

  it("refuses more values than the template has parameters", () => {
    expect(() => keyPrefix("p/{a}", ["a"], ["1", "2"])).toThrow(TypeError);
  });
});

describe("list on KV, R2 and Durable Object storage templates", () => {
  const seen: unknown[] = [];
  const ns = { list: async (o: unknown) => (seen.push(o), { keys: [], list_complete: true, cacheStatus: null }) } as unknown as KVNamespace;
  const bucket = { list: async (o: unknown) => (seen.push(o), { objects: [], truncated: false, delimitedPrefixes: [] }) } as unknown as R2Bucket;
  const storage = { kv: { list: (o: unknown) => (seen.push(o), new Map().entries()) } } as unknown as DurableObjectStorage;
  const store = { name: "S", templates };
  const helpers = {
    kv: kvHelpers(ns, store) as Record<string, { list(...a: unknown[]): unknown }>,
    r2: r2Helpers(bucket, store) as Record<string, { list(...a: unknown[]): unknown }>,
    durable: durableStorageHelpers(storage, { name: "D", shard: [], templates }) as Record<string, { list(...a: unknown[]): unknown }>,
  };

  /** What list(...args) passed to the binding. */
  async function listed(kind: keyof typeof helpers, name: string, ...args: unknown[]): Promise<unknown> {
    seen.length = 0;
    await helpers[kind][name]!.list(...args);
    expect(seen).toHaveLength(1);
    return seen[0];
  }

  describe.each(["kv", "r2", "durable"] as const)("%s", (kind) => {
    it("lists the template's prefix without parameters, with or without options", async () => {
      expect(await listed(kind, "profile")).toEqual({ prefix: "profile/" });
      expect(await listed(kind, "profile", { limit: 2 })).toEqual({ prefix: "profile/", limit: 2 });
      expect(await listed(kind, "profile", undefined)).toEqual({ prefix: "profile/" });
      expect(await listed(kind, "settings")).toEqual({ prefix: "settings" });
      expect(await listed(kind, "settings", { cursor: "c" })).toEqual({ prefix: "settings", cursor: "c" });
    });

    it("fills the leading parameters given, up to the next placeholder", async () => {
      expect(await listed(kind, "profile", "7")).toEqual({ prefix: "profile/7/favNum" });
      expect(await listed(kind, "profile", "7", { limit: 1 })).toEqual({ prefix: "profile/7/favNum", limit: 1 });
      expect(await listed(kind, "profile", "7", undefined)).toEqual({ prefix: "profile/7/favNum" });
      expect(await listed(kind, "visits", 1)).toEqual({ prefix: "visits/1/" });
      expect(await listed(kind, "visits", 1, { limit: 5 })).toEqual({ prefix: "visits/1/", limit: 5 });
      expect(await listed(kind, "visits", 1, day)).toEqual({ prefix: "visits/1/2025-01-02T00:00:00.000Z" });
      expect(await listed(kind, "visits", 1, day, { cursor: "c" })).toEqual({ prefix: "visits/1/2025-01-02T00:00:00.000Z", cursor: "c" });
      expect(await listed(kind, "swapped", "A")).toEqual({ prefix: "s/" });
      expect(await listed(kind, "swapped", "A", "B")).toEqual({ prefix: "s/B/A" });
    });

    it("keeps the template's prefix over one in the options", async () => {
      expect(await listed(kind, "profile", { prefix: "sessions/" })).toEqual({ prefix: "profile/" });
      expect(await listed(kind, "profile", "7", { prefix: "" })).toEqual({ prefix: "profile/7/favNum" });
    });

    it.each(["a/b", "..", ".", "", null])("refuses the value %j with a KeyError naming the parameter", async (v) => {
      const call = async () => helpers[kind]["visits"]!.list(1, v);
      await expect(call()).rejects.toThrow(KeyError);
      await expect(call()).rejects.toMatchObject({ param: "day" });
      await expect(async () => helpers[kind]["profile"]!.list(v, { limit: 1 })).rejects.toMatchObject({ param: "userId" });
    });

    it("refuses more arguments than parameters and options", async () => {
      await expect(async () => helpers[kind]["profile"]!.list("7", {}, {})).rejects.toThrow(TypeError);
      await expect(async () => helpers[kind]["settings"]!.list("x")).rejects.toThrow(TypeError);
    });
  });
});

it("types list's arguments: leading parameters, then optional options", () => {
  const dir = mkdtempSync(join(tmpdir(), "cloesce-list-types-"));
  const bindings = resolve(__dirname, "../src/bindings.js");
  writeFileSync(
    join(dir, "list.ts"),
    `import type { DurableKvTemplate, KvTemplate, R2Template } from ${JSON.stringify(bindings)};
declare const kv: KvTemplate<[userId: string, day: Date], number>;
declare const r2: R2Template<[userId: string, day: Date]>;
declare const durable: DurableKvTemplate<[userId: string, day: Date], number>;
declare const none: KvTemplate<[], number>;
declare const maybe: { limit?: number } | undefined;
const d = new Date();
export async function ok() {
  const a: KVNamespaceListResult<unknown, string> = await kv.list();
  await kv.list({ limit: 1 });
  await kv.list(maybe);
  await kv.list("7");
  await kv.list("7", { limit: 1, cursor: "c" });
  await kv.list("7", d);
  await kv.list("7", d, { limit: 1 });
  const b: R2Objects = await r2.list("7", { limit: 1, delimiter: "/" });
  await r2.list("7", d);
  const c: Iterable<[string, number]> = durable.list("7", d, { limit: 1 });
  durable.list();
  durable.list({ reverse: true });
  await none.list();
  await none.list({ limit: 1 });
  return [a, b, c];
}
export async function bad() {
  // @ts-expect-error a number is not the string userId
  await kv.list(7);
  // @ts-expect-error day must be a Date
  await kv.list("7", "2025-01-02");
  // @ts-expect-error the options come last
  await kv.list({ limit: 1 }, "7");
  // @ts-expect-error at most the parameters and the options
  await kv.list("7", d, { limit: 1 }, 1);
  // @ts-expect-error no prefix option: the template fixes it
  await kv.list({ prefix: "x" });
  // @ts-expect-error a number is not the string userId
  await r2.list(7, { limit: 1 });
  // @ts-expect-error a number is not the string userId
  durable.list(7);
  // @ts-expect-error a template without parameters takes only options
  await none.list("7");
}
`,
  );
  const repo = resolve(__dirname, "../..");
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        module: "ES2022",
        moduleResolution: "bundler",
        skipLibCheck: true,
        lib: ["ES2022"],
        types: [join(repo, "node_modules", "@cloudflare", "workers-types")],
      },
      files: ["list.ts"],
    }),
  );
  try {
    execFileSync(join(repo, "node_modules", ".bin", "tsc"), ["-p", dir], { stdio: "pipe" });
  } catch (e) {
    throw new Error(`list's types are wrong:\n${(e as { stdout?: Buffer }).stdout?.toString() ?? e}`);
  }
}, 60_000);
