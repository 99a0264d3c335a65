// Filtered lists, counts and deletes without a database: the SQL the
// builders write (list.ts, delete.ts) and how a query string becomes a
// where, an order and a continuation. test/lists.test.ts runs them on
// D1 and in a Durable Object.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Schema } from "../src/cidl.js";
import { DeletePlan } from "../src/delete.js";
import { CloesceError } from "../src/errors.js";
import { countStatement, listStatements, parseListQuery, prefixEnd, type ListOptions } from "../src/list.js";
import type { ParamProblem } from "../src/shared.js";
import { listQueryOf, readQuery } from "../src/select.js";
import { Orm, modelMeta } from "../src/orm.js";

const golden = (name: string): Schema =>
  JSON.parse(readFileSync(resolve(__dirname, `../../internal/sema/testdata/cidl/${name}.json`), "utf8")) as Schema;

// The weather sample with every column of Weather filterable, condition
// optional and temperature validated.
const schema = structuredClone(golden("weather"));
const weather = schema.models.find((m) => m.name === "Weather")!;
const report = schema.models.find((m) => m.name === "WeatherReport")!;
weather.columns.find((c) => c.name === "condition")!.type = { option: "string" };
weather.columns.find((c) => c.name === "temperature")!.validators = [{ gte: -100 }];
weather.filters = ["id", "weatherReportId", "dateTime", "location", "temperature", "condition"];
const read = readQuery(schema, weather, {});

/** The WHERE of the main query of each statement of a list, and its parameters. */
function list(opts: ListOptions) {
  return listStatements(schema, weather, read, opts).map((s) => ({ where: /\nWHERE (.*)\n/.exec(s.sql)?.[1] ?? "", order: /\nORDER BY (.*)\n/.exec(s.sql)![1], params: s.params }));
}

/** The problems of the 400 that f throws. */
function problems(f: () => unknown): ParamProblem[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CloesceError);
    expect((e as CloesceError).status).toBe(400);
    return (e as CloesceError).errors!;
  }
  throw new Error("no error");
}

describe("listStatements", () => {
  it("pages a read query with $roots by key, from the lowest key, like the generated list", () => {
    const reportRead = readQuery(schema, report, { weatherEntries: {} });
    const [s, ...more] = listStatements(schema, report, reportRead, { limit: 10 });
    expect(more).toEqual([]);
    expect(s!.params).toEqual([10]);
    // The same query as sqlgen's list, but for how the page starts.
    const generated = listQueryOf(report, reportRead)
      .replaceAll(/("WeatherReport".)?"id" >= coalesce\(\?1, (-\d+)\) AND \S+ IS NOT \?1/g, '$1"id" >= $2')
      .replaceAll("?2", "?1");
    expect(s!.sql).toBe(generated);
  });

  it("writes each condition with bound values in the form saves write", () => {
    const date = new Date("2026-01-02T03:04:05.000Z");
    expect(list({ where: { temperature: { eq: 1, ne: 2, lt: 3, lte: 4, gt: 5, gte: 6 } } })[0]).toEqual({
      where: `"Weather"."temperature" = ?1 AND "Weather"."temperature" <> ?2 AND "Weather"."temperature" < ?3 AND "Weather"."temperature" <= ?4 AND "Weather"."temperature" > ?5 AND "Weather"."temperature" >= ?6 AND "Weather"."id" >= -9223372036854775808`,
      order: `"Weather"."id"`,
      params: [1, 2, 3, 4, 5, 6, -1],
    });
    expect(list({ where: { dateTime: { lt: date }, location: { in: ["a", "b'; DROP TABLE x; --"] } }, limit: 3 })[0]).toMatchObject({
      where: `"Weather"."dateTime" < ?1 AND "Weather"."location" IN (?2, ?3) AND "Weather"."id" >= -9223372036854775808`,
      params: ["2026-01-02T03:04:05.000Z", "a", "b'; DROP TABLE x; --", 3],
    });
    expect(list({ where: { condition: { null: true } } })[0]!.where).toMatch(/^"Weather"."condition" IS NULL AND/);
    expect(list({ where: { condition: { null: false } } })[0]!.where).toMatch(/^"Weather"."condition" IS NOT NULL AND/);
    expect(list({ where: { location: { in: [] } } })[0]!.where).toMatch(/^"Weather"."location" IN \(\) AND/);
  });

  it("filters a prefix as the range of the strings starting with it, which the index serves", () => {
    expect(list({ where: { location: { prefix: "ab%_" } } })[0]).toMatchObject({
      where: `"Weather"."location" >= ?1 AND "Weather"."location" < ?2 AND "Weather"."id" >= -9223372036854775808`,
      params: ["ab%_", "ab%`", -1],
    });
    expect(list({ where: { location: { prefix: "" } } })[0]).toMatchObject({ where: `"Weather"."location" >= ?1 AND "Weather"."id" >= -9223372036854775808`, params: ["", -1] });
  });

  it.each([
    ["abc", "abd"],
    ["", null],
    ["a\u{10FFFF}", "b"],
    ["\u{10FFFF}\u{10FFFF}", null],
    ["x\uD7FF", "x\uE000"],
    ["\uFFFF", "\u{10000}"],
    ["a\u{1F600}", "a\u{1F601}"],
    ["a\0", "a\u0001"],
  ])("prefixEnd(%j) is %j", (p, end) => {
    expect(prefixEnd(p)).toBe(end);
  });

  it("orders by a column, then the key, the same way", () => {
    expect(list({ order: "temperature" })[0]).toMatchObject({ where: "", order: `"Weather"."temperature", "Weather"."id"` });
    expect(list({ order: "-temperature" })[0]).toMatchObject({ where: "", order: `"Weather"."temperature" DESC, "Weather"."id" DESC` });
    expect(list({ order: "-id" })[0]).toMatchObject({ where: `"Weather"."id" <= 9223372036854775807`, order: `"Weather"."id" DESC` });
  });

  it("continues after the previous page's last object by seeking to its order value and key", () => {
    expect(list({ after: { id: 7 } })).toEqual([{ where: `"Weather"."id" > ?1`, order: `"Weather"."id"`, params: [7, -1] }]);
    expect(list({ order: "-id", after: { id: 7 } })[0]!.where).toBe(`"Weather"."id" < ?1`);
    expect(list({ order: "temperature", after: { id: 7, temperature: 20 }, limit: 5 })).toEqual([
      { where: `"Weather"."temperature" >= ?2 AND ("Weather"."temperature" > ?2 OR "Weather"."id" > ?1)`, order: `"Weather"."temperature", "Weather"."id"`, params: [7, 20, 5] },
    ]);
  });

  it("continues around NULLs, which sort first going up and last going down, in two runs where the index has two", () => {
    const nulls = `"Weather"."condition" IS NULL`;
    // Up after a NULL: the NULLs past the key, then every non-NULL.
    expect(list({ order: "condition", after: { id: 7, condition: null } }).map((s) => s.where)).toEqual([`${nulls} AND "Weather"."id" > ?1`, `"Weather"."condition" IS NOT NULL`]);
    // Up after a value: no NULL follows it.
    expect(list({ order: "condition", after: { id: 7, condition: "fog" } }).map((s) => s.where)).toEqual([
      `"Weather"."condition" >= ?2 AND ("Weather"."condition" > ?2 OR "Weather"."id" > ?1)`,
    ]);
    // Down after a value: the values below it, then every NULL.
    expect(list({ order: "-condition", after: { id: 7, condition: "fog" } }).map((s) => s.where)).toEqual([
      `"Weather"."condition" <= ?2 AND ("Weather"."condition" < ?2 OR "Weather"."id" < ?1)`,
      nulls,
    ]);
    // Down after a NULL: only NULLs are left.
    expect(list({ order: "-condition", after: { id: 7, condition: null } }).map((s) => s.where)).toEqual([`${nulls} AND "Weather"."id" < ?1`]);
    // A required column is never NULL: down after a value is one run.
    expect(list({ order: "-temperature", after: { id: 7, temperature: 3 } })).toHaveLength(1);
  });

  it("seeks a composite key as a row value", () => {
    const s = structuredClone(schema);
    const w = s.models.find((m) => m.name === "Weather")!;
    // Keyed by (weatherReportId, id).
    w.primary_key = [w.columns.shift()!, ...w.primary_key];
    const [first] = listStatements(s, w, readQuery(s, w, {}), {});
    expect(first!.sql).toContain(`WHERE ("Weather"."weatherReportId", "Weather"."id") >= (-9223372036854775808, -9223372036854775808)`);
    const [next] = listStatements(s, w, readQuery(s, w, {}), { after: { weatherReportId: 1, id: 2 }, order: "-weatherReportId" });
    expect(next!.sql).toContain(`WHERE ("Weather"."weatherReportId", "Weather"."id") < (?1, ?2)\nORDER BY "Weather"."weatherReportId" DESC, "Weather"."id" DESC`);
  });

  it("refuses every invalid option at once, naming each parameter", () => {
    expect(
      problems(() =>
        listStatements(schema, report, readQuery(schema, report, {}), {
          where: { title: { eq: "x" }, nope: { eq: 1 }, id: { like: 1, prefix: "1", null: true, eq: null } },
          order: "-description",
          limit: 0,
        }),
      ),
    ).toEqual([
      { param: "title.eq", message: "WeatherReport.title is not indexed, so lists and counts cannot filter or order on it (they can on id); add [index] to it" },
      { param: "nope.eq", message: "WeatherReport has no column nope" },
      { param: "id.like", message: "unknown condition like; the conditions are eq, ne, lt, lte, gt, gte, in, prefix, null" },
      { param: "id.prefix", message: "id is not a string column" },
      { param: "id.null", message: "id is never null" },
      { param: "id.eq", message: "cannot be null; use null: true" },
      { param: "order", message: "WeatherReport.description is not indexed, so lists and counts cannot filter or order on it (they can on id); add [index] to it" },
      { param: "limit", message: "must be a positive integer, got 0" },
    ]);
    expect(problems(() => list({ where: { location: { in: "a" as never, prefix: "\uD800" } } }))).toEqual([
      { param: "location.in", message: "must be an array of values" },
      { param: "location.prefix", message: "must be well-formed Unicode (it holds a lone surrogate)" },
    ]);
    expect(problems(() => list({ order: "temperature", after: { id: 3 } }))).toEqual([{ param: "after.temperature", message: "is required to continue a list ordered by temperature" }]);
    expect(problems(() => list({ after: { temperature: 3 } }))).toEqual([{ param: "after.id", message: "is required to continue after an object: its key" }]);
  });

  it("stays under D1's 100 bound values, naming the parameter that goes past", () => {
    const many = Array.from({ length: 99 }, (_, i) => i);
    expect(list({ where: { temperature: { in: many } }, limit: 1 })[0]!.params).toHaveLength(100);
    expect(problems(() => list({ where: { temperature: { in: many, ne: 5 } }, limit: 1 }))).toEqual([
      { param: "limit", message: "makes the query bind more than 100 values, D1's limit" },
    ]);
    expect(problems(() => list({ where: { temperature: { in: [...many, 99, 100] } } }))).toEqual([
      { param: "temperature.in", message: "makes the query bind more than 100 values, D1's limit" },
    ]);
  });
});

describe("Orm.list", () => {
  it("takes a query, or where, order, after and limit, not both", async () => {
    const query = { query: "SELECT 1" };
    await expect(Orm.list(modelMeta(schema, "Weather"), { env: {} }, { query, where: {} })).rejects.toThrow("cloesce: Orm.list takes a query, or where, order, after and limit, not both");
    await expect(Orm.list(modelMeta(schema, "Weather"), { env: {} }, { query, limit: 3 })).rejects.toThrow(/not both/);
  });
});

describe("countStatement", () => {
  it("counts the rows where every condition holds", () => {
    expect(countStatement(schema, weather, undefined)).toEqual({ sql: `SELECT count(*) AS "count" FROM "Weather"`, params: [] });
    expect(countStatement(schema, weather, { location: { prefix: "n" }, condition: { null: false } })).toEqual({
      sql: `SELECT count(*) AS "count" FROM "Weather" WHERE "location" >= ?1 AND "location" < ?2 AND "condition" IS NOT NULL`,
      params: ["n", "o"],
    });
    expect(problems(() => countStatement(schema, report, { title: { eq: "x" } }))[0]!.param).toBe("title.eq");
  });
});

describe("parseListQuery", () => {
  const parse = (query: string, lastSeen?: Record<string, unknown>) => {
    const found: ParamProblem[] = [];
    const out = parseListQuery(schema, weather, new URLSearchParams(query), found, lastSeen && { lastSeen });
    return { out, problems: found };
  };

  it("reads each condition in its column's type", () => {
    const { out, problems } = parse("temperature.gte=-3&temperature.in=1&temperature.in=2&dateTime.lt=2026-01-02&location.prefix=a%25&condition.null=false&limit=3&other=x");
    expect(problems).toEqual([]);
    expect(out).toEqual({
      where: { temperature: { gte: -3, in: [1, 2] }, dateTime: { lt: new Date("2026-01-02T00:00:00.000Z") }, location: { prefix: "a%" }, condition: { null: false } },
    });
  });

  it("applies the column's validators, but not to a prefix", () => {
    weather.columns.find((c) => c.name === "location")!.validators = [{ minlen: 3 }];
    try {
      expect(parse("temperature.gt=-101&temperature.in=0&temperature.in=-200&location.eq=ab&location.prefix=a").problems).toEqual([
        { param: "temperature.gt", message: "must be at least -100, got -101" },
        { param: "temperature.in.1", message: "must be at least -100, got -200" },
        { param: "location.eq", message: "must be at least 3 characters, got 2" },
      ]);
    } finally {
      delete weather.columns.find((c) => c.name === "location")!.validators;
    }
  });

  it("names every parameter it refuses", () => {
    expect(parse("description.eq=x&dateTime.gt=yesterday&temperature.eq=1&temperature.eq=2&temperature.prefix=1&location.null=true&condition.null=maybe&id.near=3&x.y.z=1").problems).toEqual([
      { param: "description.eq", message: "Weather has no column description" },
      { param: "dateTime.gt", message: 'must be an RFC 3339 date-time or YYYY-MM-DD date, got "yesterday"' },
      { param: "temperature.eq", message: "must be given once, got 2 values" },
      { param: "temperature.prefix", message: "temperature is not a string column" },
      { param: "location.null", message: "location is never null" },
      { param: "condition.null", message: 'must be true or false, got "maybe"' },
      { param: "id.near", message: "unknown condition near; the conditions are eq, ne, lt, lte, gt, gte, in, prefix, null" },
      { param: "x.y.z", message: "Weather has no column x" },
    ]);
  });

  it("reads a list's order and where it continues: the key's lastSeen_ values and the order column's", () => {
    expect(parse("order=-temperature&lastSeen_temperature=4", { id: 9 })).toEqual({ out: { order: "-temperature", after: { id: 9, temperature: 4 } }, problems: [] });
    expect(parse("order=id", { id: 9 }).out).toEqual({ order: "id", after: { id: 9 } });
    expect(parse("order=condition", { id: 9 }).out).toEqual({ order: "condition", after: { id: 9, condition: null } });
    expect(parse("order=condition", { id: null }).out).toEqual({ order: "condition" });
    expect(parse("order=-temperature", { id: 9 }).problems).toEqual([{ param: "lastSeen_temperature", message: "is required to continue a list ordered by temperature" }]);
    expect(parse("order=temperature&lastSeen_temperature=4", { id: null }).problems).toEqual([{ param: "lastSeen_temperature", message: "continues a list only beside lastSeen_id" }]);
    expect(parse("order=nope&order=id", {}).problems).toEqual([{ param: "order", message: "must be given once, got 2 values" }]);
    expect(parse("order=-nope", {}).problems).toEqual([{ param: "order", message: "Weather has no column nope" }]);
  });

  it("leaves a count's order alone", () => {
    expect(parse("order=nope&location.eq=x")).toEqual({ out: { where: { location: { eq: "x" } } }, problems: [] });
  });
});

describe("DeletePlan", () => {
  const s = structuredClone(schema);
  const r = s.models.find((m) => m.name === "WeatherReport")!;

  it("deletes the children a [cascade] navigation reaches first, reading every row whole before (R2 keys, and the rows to insert again)", () => {
    r.navigations[0]!.cascade = true;
    const plan = new DeletePlan(s, r, { id: 7 });
    expect(plan.statements()).toEqual([
      { sql: `SELECT "id", "title", "description" FROM "WeatherReport" WHERE "id" = ?1`, params: [7] },
      { sql: `SELECT "id", "weatherReportId", "dateTime", "location", "temperature", "condition" FROM "Weather" WHERE "weatherReportId" = ?1`, params: [7] },
      { sql: `DELETE FROM "Weather" WHERE "weatherReportId" = ?1`, params: [7] },
      { sql: `DELETE FROM "WeatherReport" WHERE "id" = ?1 RETURNING "id"`, params: [7] },
    ]);
    const photo = s.models.find((m) => m.name === "Weather")!.r2_fields[0]!;
    expect(plan.bindings()).toEqual(new Set([photo.binding]));
    const results = [[{ id: 7, title: "t", description: "d" }], [{ id: 1 }, { id: 2 }], [], [{ id: 7 }]];
    expect(plan.storeDeletes(results)).toEqual([
      { field: photo, kind: "r2", key: photo.key.replace("{id}", "1") },
      { field: photo, kind: "r2", key: photo.key.replace("{id}", "2") },
    ]);
    expect(plan.restore(results)[0]).toEqual({ sql: `INSERT INTO "WeatherReport" ("id", "title", "description") VALUES (?1, ?2, ?3)`, params: [7, "t", "d"] });
  });

  it("names the reference that refuses a delete, and the navigation that could cascade", () => {
    r.navigations[0]!.cascade = false;
    const plan = new DeletePlan(s, r, { id: 7 });
    const check = plan.referenceCheck();
    expect(check.statement.sql).toBe(`SELECT EXISTS (SELECT 1 FROM "Weather" WHERE "Weather"."weatherReportId" IN (SELECT "id" FROM "WeatherReport" WHERE "id" = ?1)) AS "r0"`);
    expect(plan.conflict({ r0: 1 }, check.references).message).toBe(
      "WeatherReport id=7 cannot be deleted: Weather objects still reference it through Weather.weatherReportId; declare [cascade] on WeatherReport.weatherEntries to delete them with it",
    );
    expect(plan.conflict({ r0: 0 }, check.references)).toMatchObject({ status: 409, message: "WeatherReport id=7 cannot be deleted: other objects still reference it" });
  });

  it("needs the whole key", () => {
    expect(() => new DeletePlan(s, r, {})).toThrow("deleting a WeatherReport needs its key: id");
  });
});
