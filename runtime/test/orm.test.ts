// Unit tests of the ORM's pure parts against the compiler's own output:
// the golden CIDLs of both samples and the comprehensive schema.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Schema } from "../src/cidl.js";
import { storageOf } from "../src/generated.js";
import { hydrate } from "../src/hydrate.js";
import { mapRows } from "../src/map.js";
import { modelMeta } from "../src/orm.js";
import { MAX_PARAMS, planSave } from "../src/save.js";
import { keyQueryOf, readQuery, select, selectParts } from "../src/select.js";

const golden = (name: string): Schema =>
  JSON.parse(readFileSync(resolve(__dirname, `../../internal/sema/testdata/cidl/${name}.json`), "utf8")) as Schema;
const schemas = ["weather", "reddit", "comprehensive"].map((n) => [n, golden(n)] as const);

describe("select", () => {
  // The compiler's SELECT of each source, from internal/sqlgen's TestSamples.
  const samples = JSON.parse(readFileSync(resolve(__dirname, "../../internal/sqlgen/testdata/samples.json"), "utf8")) as Record<string, Record<string, { select: string }>>;
  it.each(schemas)("%s: Orm.select reproduces the compiler's SELECT of every source", (name, schema) => {
    let checked = 0;
    for (const model of schema.models) {
      if (model.primary_key.length === 0) continue;
      for (const source of model.sources) {
        expect(select(schema, model, null, source.tree)).toBe(samples[name]![`${model.name}.${source.name}`]!.select);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("selects over a custom FROM", () => {
    const schema = golden("weather");
    const report = schema.models.find((m) => m.name === "WeatherReport")!;
    expect(select(schema, report, "SELECT * FROM \"WeatherReport\" WHERE id > 3", {})).toBe(
      'SELECT\n    "WeatherReport"."id" AS "id",\n    "WeatherReport"."title" AS "title",\n    "WeatherReport"."description" AS "description"\nFROM (SELECT * FROM "WeatherReport" WHERE id > 3) AS "WeatherReport"',
    );
  });
});

describe("map", () => {
  const schema = golden("weather");
  const report = schema.models.find((m) => m.name === "WeatherReport")!;
  const weather = schema.models.find((m) => m.name === "Weather")!;
  const tree = { weatherEntries: {} };
  const row = (id: number, entry: number | null) => ({
    id,
    title: `t${id}`,
    description: "d",
    "weatherEntries.id": entry,
    "weatherEntries.weatherReportId": entry === null ? null : id,
    "weatherEntries.dateTime": entry === null ? null : "2026-01-01T00:00:00.000Z",
    "weatherEntries.location": entry === null ? null : "here",
    "weatherEntries.temperature": entry,
    "weatherEntries.condition": entry === null ? null : "sun",
  });

  it("groups joined rows by key, keeping row order and dropping duplicate children", () => {
    const out = mapRows<any>(schema, report, [row(1, 10), row(1, 11), row(2, null), row(1, 10)], tree);
    expect(out.map((r) => r.id)).toEqual([1, 2]);
    expect(out[0].weatherEntries.map((e: any) => e.id)).toEqual([10, 11]);
    expect(out[1].weatherEntries).toEqual([]);
    expect(out[0].weatherEntries[0].dateTime).toEqual(new Date("2026-01-01T00:00:00.000Z"));
  });

  it("leaves a one-to-one navigation absent when its row is missing", () => {
    const rows = [{ id: 5, weatherReportId: 1, dateTime: "2026-01-01T00:00:00.000Z", location: "x", temperature: 3, condition: "c", "weatherReport.id": null }];
    const out = mapRows<any>(schema, weather, rows, { weatherReport: {} });
    expect(out).toHaveLength(1);
    expect(out[0]).not.toHaveProperty("weatherReport");
  });

  it("skips rows without a key", () => {
    expect(mapRows(schema, report, [{ id: null, title: "x" }], {})).toEqual([]);
  });
});

describe("planSave", () => {
  const schema = golden("weather");
  const report = schema.models.find((m) => m.name === "WeatherReport")!;
  const read = readQuery(schema, report, { weatherEntries: {} });
  const root = (key: string[]) => keyQueryOf(report, read, key);

  it("inserts a new graph parents first, the children in one INSERT naming the generated key where it is", () => {
    const entry = { dateTime: "2026-01-01T00:00:00.000Z", location: "x", temperature: 1, condition: "c" };
    const plan = planSave(schema, report, { title: "t", description: "d", weatherEntries: [entry, entry] }, root);
    const sql = plan.statements.map((s) => s.sql);
    expect(sql).toHaveLength(3);
    expect(sql[0]).toBe('INSERT INTO "WeatherReport" ("title", "description") VALUES (?1, ?2)');
    const key = '(SELECT max("id") FROM "WeatherReport")';
    expect(sql[1]).toBe(`INSERT INTO "Weather" ("weatherReportId", "dateTime", "location", "temperature", "condition") VALUES (${key}, ?1, ?2, ?3, ?4), (${key}, ?5, ?6, ?7, ?8)`);
    expect(plan.statements[1]!.params).toEqual(["2026-01-01T00:00:00.000Z", "x", 1, "c", "2026-01-01T00:00:00.000Z", "x", 1, "c"]);
    expect(sql[2]).toContain(`WHERE "WeatherReport"."id" = ${key}`);
    expect(plan.select).toBe(2);
  });

  it("updates only the given columns when a required one is missing", () => {
    const plan = planSave(schema, report, { id: 4, title: "new" }, root);
    expect(plan.statements[0]!.sql).toBe('UPDATE "WeatherReport" SET "title" = ?1 WHERE "id" = ?2');
    expect(plan.statements[0]!.params).toEqual(["new", 4]);
  });

  it("upserts when every column is given", () => {
    const plan = planSave(schema, report, { id: 4, title: "a", description: "b" }, root);
    expect(plan.statements[0]!.sql).toBe(
      'INSERT INTO "WeatherReport" ("id", "title", "description") VALUES (?1, ?2, ?3)\nON CONFLICT ("id") DO UPDATE SET "title" = excluded."title", "description" = excluded."description"',
    );
  });

  it("refuses a new object without its required columns", () => {
    expect(() => planSave(schema, report, { title: "only" }, root)).toThrow(/needs description/);
  });

  it("addresses a Worker-served object through the route fields of a Worker-served parent", () => {
    const comprehensive = golden("comprehensive");
    const home = comprehensive.models.find((m) => m.name === "Home")!;
    const today = new Date("2026-02-03T00:00:00.000Z");
    const plan = planSave(comprehensive, home, { userId: 3, today, profile: { visits: { raw: 5 } } }, () => "");
    expect(plan.statements).toEqual([]);
    expect(plan.writes.map((w) => [w.field.name, w.fields.userId, w.fields.day])).toEqual([["visits", 3, today]]);
  });

  it("inlines values past D1's limit of 100 bound parameters", () => {
    const wide = structuredClone(report);
    wide.navigations = [];
    wide.columns = Array.from({ length: 120 }, (_, i) => ({ name: `c${i}`, type: "string" as const }));
    const value: Record<string, unknown> = { id: 1 };
    wide.columns.forEach((c, i) => (value[c.name] = i === 119 ? "it's" : `v${i}`));
    const plan = planSave({ ...schema, models: [wide] }, wide, value, (key) => keyQueryOf(wide, readQuery({ ...schema, models: [wide] }, wide, {}), key));
    const insert = plan.statements[0]!;
    expect(insert.params).toHaveLength(MAX_PARAMS);
    expect(insert.sql).toContain("'v100'");
    expect(insert.sql).toContain("'it''s'");
  });
});

describe("hydrate", () => {
  // The weather sample with both models moved into a Durable Object,
  // the child naming the shard field differently.
  const schema = structuredClone(golden("weather"));
  const report = schema.models.find((m) => m.name === "WeatherReport")!;
  const weather = schema.models.find((m) => m.name === "Weather")!;
  report.backing = { binding: "Reports", kind: "durable", shard: ["tenant"] };
  weather.backing = { binding: "Reports", kind: "durable", shard: ["org"] };
  weather.r2_fields = [];

  it("gives navigated objects of a Durable Object the shard values of their parent", async () => {
    const obj: Record<string, any> = { id: 1, tenant: "acme", weatherEntries: [{ id: 10, weatherReport: { id: 1 } }, { id: 11 }] };
    await hydrate(schema, report, obj, { weatherEntries: { weatherReport: {} } }, { env: {} }, false);
    expect(obj.weatherEntries.map((w: any) => w.org)).toEqual(["acme", "acme"]);
    expect(obj.weatherEntries[0].weatherReport.tenant).toBe("acme");
  });

  it("leaves objects of a D1 model as they are", async () => {
    const d1 = golden("weather");
    const obj: Record<string, any> = { id: 1, weatherEntries: [{ id: 10 }] };
    await hydrate(d1, d1.models.find((m) => m.name === "WeatherReport")!, obj, { weatherEntries: {} }, { env: {} }, false);
    expect(obj.weatherEntries).toEqual([{ id: 10 }]);
  });
});

describe("storageOf", () => {
  // Page is stored in the Durable Object Tenant.
  const meta = modelMeta(golden("comprehensive"), "Page");
  const storage = {} as DurableObjectStorage;
  // What a subclass of the generated class looks like: DurableObject's own
  // ctx (the state), the generated `state`, and the Worker's env.
  const object = { ctx: { id: "Tenant/acme" }, state: { storage }, env: { Main: "db" } };

  it("takes the object itself, as Model.Orm.get(env.ctx, ...) passes it", () => {
    expect(storageOf(meta, object)).toEqual({ env: { Main: "db" }, durable: storage });
  });

  it("takes a method's env argument holding the object as ctx", () => {
    const s = storageOf(meta, { ctx: object, Clock: "clock" });
    expect(s.durable).toBe(storage);
    expect(s.env).toMatchObject({ Main: "db", Clock: "clock" });
  });

  it("refuses anything else", () => {
    expect(() => storageOf(meta, { Main: "db" })).toThrow("cloesce: Page lives in a Durable Object; pass the object (env.ctx)");
  });
});
