// Tests the models without HTTP: the edition's Orm and the methods written
// in the classes, called directly on Miniflare's bindings, as the Testing
// chapter does. No Worker runs, Miniflare only provides the bindings.
import { CloesceApp, Orm } from "cloesce/backend";
import { afterAll, beforeAll, expect, test } from "vitest";
import { cidl, constructorRegistry } from "../.cloesce/workers.js";
import type { Env } from "../src/data/main.cloesce.js";
import { Weather, WeatherReport } from "../src/data/models.cloesce.js";
import { Local } from "./local.js";

let local: Local;
let env: Env;

beforeAll(async () => {
  // The Orm needs the schema and the classes linked first (the Worker does this too).
  CloesceApp.init(cidl, constructorRegistry);
  local = new Local();
  env = await local.bindings<Env>(["bucket"]);
}, 60_000);

afterAll(() => local?.dispose());

test("a report is saved with its entries and read back as instances of the classes", async () => {
  const orm = Orm.fromEnv(env);
  const entry = { dateTime: new Date("2026-04-01T09:00:00Z"), location: "Seattle", temperature: 11.5, condition: "Rain" };
  const saved = await orm.upsert(WeatherReport, { title: "April", description: "Spring showers", weatherEntries: [entry] }, WeatherReport.withWeatherEntries);
  expect(saved).toBeInstanceOf(WeatherReport);

  const got = await orm.get(WeatherReport, { id: saved.id, includeTree: WeatherReport.withWeatherEntries });
  expect(got).toMatchObject({ title: "April", weatherEntries: [{ weatherReportId: saved.id, ...entry }] });
  expect(got!.weatherEntries[0]).toBeInstanceOf(Weather);
  expect(await orm.get(WeatherReport, { id: 987654 })).toBeUndefined();
});

test("a photo put in the bucket is hydrated by the include tree, and the method serves it", async () => {
  const orm = Orm.fromEnv(env);
  const report = await orm.upsert(WeatherReport, { title: "May", description: "Sunny", weatherEntries: [{ dateTime: new Date(), location: "Oslo", temperature: 18, condition: "Sun" }] }, WeatherReport.withWeatherEntries);
  const id = report.weatherEntries[0]!.id;

  const before = await orm.get(Weather, { id, includeTree: Weather.withPhoto });
  expect(before!.downloadPhoto().status).toBe(404);

  await env.bucket.put(`weather/photo/${id}`, "a photo of the sun");
  const after = await orm.get(Weather, { id, includeTree: Weather.withPhoto });
  expect(after!.photo!.size).toBe(18);
  const download = after!.downloadPhoto();
  expect(download.status).toBe(200);
  expect(await new Response(download.data).text()).toBe("a photo of the sun");
});
