// Serves the Worker (.cloesce/workers.ts) with `wrangler dev`, on a free
// port and a fresh local database and bucket, and drives its API over
// HTTP through the generated client.
import { afterAll, beforeAll, expect, test } from "vitest";
import { Weather, createClient } from "../.cloesce/client.js";
import { Local } from "./local.js";

let local: Local;
let origin = "";
/** The generated client, for the test's server rather than workers_url's host (same path, /api). */
let api: ReturnType<typeof createClient>;

beforeAll(async () => {
  local = new Local();
  origin = await local.serve();
  api = createClient({ baseUrl: `${origin}/api` });
}, 60_000);

afterAll(() => local?.dispose());

const rainy = { dateTime: new Date("2026-04-01T09:00:00Z"), location: "Seattle", temperature: 11.5, condition: "Rain" };

test("a report is saved with its weather entries and read back with them", async () => {
  const saved = await api.WeatherReport.$save({ title: "April", description: "Spring showers", weatherEntries: [rainy] });
  expect(saved.status).toBe(200);
  const report = saved.data!;

  const got = await api.WeatherReport.$get(report.id);
  expect(got.data).toMatchObject({ title: "April", weatherEntries: [{ weatherReportId: report.id, ...rainy }] });

  const all = await api.WeatherReport.$list(null, 50);
  expect(all.data!.map((r) => r.id)).toContain(report.id);
});

test("a weather entry's photo is uploaded, then downloaded", async () => {
  const report = (await api.WeatherReport.$save({ title: "May", description: "Sunny", weatherEntries: [rainy] })).data!;
  const weather = report.weatherEntries[0]!;

  const none = await api.Weather.downloadPhoto(weather);
  expect(none.status).toBe(404);

  const photo = new TextEncoder().encode("a photo of the rain");
  expect((await api.Weather.uploadPhoto(weather, photo)).status).toBe(200);
  const downloaded = await api.Weather.downloadPhoto(weather);
  expect(downloaded.status).toBe(200);
  expect(new Uint8Array(await downloaded.data!.arrayBuffer())).toEqual(photo);
});

test("a photo streamed without a length is stored whole", async () => {
  const report = (await api.WeatherReport.$save({ title: "June", description: "Windy", weatherEntries: [rainy] })).data!;
  const weather = report.weatherEntries[0]!;

  // A stream body goes chunked, without a Content-Length.
  const chunks = ["a photo ", "in ", "chunks"].map((chunk) => new TextEncoder().encode(chunk));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
  const res = await fetch(`${origin}/api/Weather/${weather.id}/uploadPhoto`, { method: "POST", headers: { "Content-Type": "application/octet-stream" }, body, duplex: "half" } as RequestInit);
  expect(res.status).toBe(200);
  const downloaded = await api.Weather.downloadPhoto(weather);
  expect(await downloaded.data!.text()).toBe("a photo in chunks");
});

test("a report or weather entry that does not exist is a 404", async () => {
  expect((await api.WeatherReport.$get(987654)).status).toBe(404);
  expect((await api.Weather.downloadPhoto(Weather.fromJson({ id: 987654 }))).status).toBe(404);
});

test("the custom main adds CORS headers, and answers preflight requests", async () => {
  const listed = await fetch(`${origin}/api/WeatherReport/$list?limit=1`);
  expect(listed.status).toBe(200);
  expect(listed.headers.get("Access-Control-Allow-Origin")).toBe("*");

  const preflight = await fetch(`${origin}/api/Weather/1/uploadPhoto`, { method: "OPTIONS" });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get("Access-Control-Allow-Methods")).toContain("POST");
});
