// The weather app over real HTTP: wrangler dev serves src/api/main.ts and
// the tests talk to it through the client generated from the schema. Reads
// go through the classes' methods; writes, which need the API token,
// through a client made with it (createClient).
import { beforeAll, describe, expect, it } from "vitest";
import { useApp } from "cloesce-e2e";
import { createClient, Weather, WeatherReport } from "../.cloesce/client";
import { apiToken, withToken } from "./token";

const app = useApp();

type Client = ReturnType<typeof createClient>;

/** The client of writes: every request with the API token. */
let api: Client;

/** A client of the app's API sending these headers. */
function clientWith(headers: Record<string, string>): Client {
  return createClient({ baseUrl: `${app.url}/api`, headers });
}

beforeAll(() => {
  api = clientWith(withToken.headers);
});

/** A report with two entries, saved in one nested $save. */
async function saveReport(title: string): Promise<WeatherReport> {
  const res = await api.WeatherReport.$save({
    title,
    description: "Two days on the coast",
    weatherEntries: [
      { dateTime: new Date("2026-03-01T09:00:00.000Z"), location: "Bergen", temperature: 4, condition: "Rain" },
      { dateTime: new Date("2026-03-02T15:30:00.000Z"), location: "Stavanger", temperature: -2, condition: "Snow" },
    ],
  });
  expect(res.message).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data!;
}

/** Bytes that are not valid UTF-8, so any text decoding on the way would show. */
function photoBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 131 + 7) % 256;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]); // a JPEG's start of image
  return bytes;
}

describe("reports and entries", () => {
  it("saves a report with its entries in one request", async () => {
    const report = await saveReport("Coast");
    expect(report.id).toBeGreaterThan(0);
    expect(report.title).toBe("Coast");
    expect(report.weatherEntries.map((w) => w.location)).toEqual(["Bergen", "Stavanger"]);
    for (const entry of report.weatherEntries) {
      expect(entry.id).toBeGreaterThan(0);
      expect(entry.weatherReportId).toBe(report.id);
    }
  });

  it("gets a report with its entries, and an entry with its report and the report's entries", async () => {
    const saved = await saveReport("Fjords");

    const report = await WeatherReport.$get(saved.id);
    expect(report.status).toBe(200);
    expect(report.data).toBeInstanceOf(WeatherReport);
    expect(report.data!.weatherEntries).toHaveLength(2);
    const first = report.data!.weatherEntries[0]!;
    expect(first).toBeInstanceOf(Weather);
    expect(first.dateTime).toEqual(new Date("2026-03-01T09:00:00.000Z"));
    expect(first.temperature).toBe(4);

    // Weather's default include tree: weatherReport { weatherEntries }, photo.
    const entry = await Weather.$get(first.id);
    expect(entry.status).toBe(200);
    expect(entry.data!.location).toBe("Bergen");
    expect(entry.data!.weatherReport?.title).toBe("Fjords");
    expect(entry.data!.weatherReport?.weatherEntries.map((w) => w.condition)).toEqual(["Rain", "Snow"]);
    expect(entry.data!.photo ?? null).toBeNull();
  });

  it("lists reports with their entries, a page at a time after the last id seen", async () => {
    const a = await saveReport("List A");
    const b = await saveReport("List B");

    const all = await WeatherReport.$list(null, 1000);
    expect(all.status).toBe(200);
    const byId = new Map(all.data!.map((r) => [r.id, r]));
    expect(byId.get(a.id)?.weatherEntries).toHaveLength(2);
    expect(byId.get(b.id)?.title).toBe("List B");

    const page = await WeatherReport.$list(a.id, 1);
    expect(page.data!.map((r) => r.id)).toEqual([b.id]);

    const entries = await Weather.$list(a.weatherEntries[0]!.id, 2);
    expect(entries.data!.map((w) => w.id)).toEqual([a.weatherEntries[1]!.id, b.weatherEntries[0]!.id]);
  });

  it("answers 404 for a report that does not exist", async () => {
    const res = await WeatherReport.$get(987654);
    expect(res.ok).toBe(false);
    expect(res.status).toBe(404);
  });
});

describe("photos", () => {
  it("uploads a photo as a stream and downloads the same bytes", async () => {
    const entry = (await saveReport("Photos")).weatherEntries[0]!;
    const bytes = photoBytes(100_000);

    const up = await api.Weather.uploadPhoto(entry, bytes);
    expect(up.message).toBeUndefined();
    expect(up.status).toBe(200);

    const down = await entry.downloadPhoto();
    expect(down.status).toBe(200);
    expect(down.mediaType).toBe("octet");
    expect(new Uint8Array(await down.data!.arrayBuffer())).toEqual(bytes);

    // The R2Only source loads the photo's metadata with the entry.
    const withPhoto = await Weather.$get_R2Only(entry.id);
    expect(withPhoto.data!.photo?.key).toBe(`weather/photos/${entry.id}`);
    expect(withPhoto.data!.photo?.size).toBe(bytes.length);
  });

  it("serves a photo with the content type it was uploaded with", async () => {
    const entry = (await saveReport("Typed")).weatherEntries[0]!;
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const up = await app.fetch(`/api/Weather/${entry.id}/uploadPhoto`, {
      method: "POST",
      headers: { "Content-Type": "image/png", ...withToken.headers },
      body: png,
    });
    expect(up.status).toBe(200);
    await up.body?.cancel();

    const down = await entry.downloadPhoto();
    expect(down.status).toBe(200);
    expect(down.headers.get("Content-Type")).toBe("image/png");
    expect(down.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(new Uint8Array(await down.data!.arrayBuffer())).toEqual(png);

    // The generated client declares application/octet-stream, and gets it back.
    expect((await api.Weather.uploadPhoto(entry, png)).status).toBe(200);
    const octet = await entry.downloadPhoto();
    expect(octet.headers.get("Content-Type")).toBe("application/octet-stream");
    await octet.data!.body?.cancel();
  });

  it("refuses a photo of a type the page's origin must not serve", async () => {
    const entry = (await saveReport("Refused")).weatherEntries[0]!;
    for (const type of ["text/html", "image/svg+xml; charset=utf-8"]) {
      const res = await app.fetch(`/api/Weather/${entry.id}/uploadPhoto`, {
        method: "POST",
        headers: { "Content-Type": type, ...withToken.headers },
        body: "<script>alert(1)</script>",
      });
      expect(res.status, type).toBe(415);
      expect(((await res.json()) as { detail: string }).detail).toContain(`not ${type.split(";")[0]}`);
    }
    expect((await entry.downloadPhoto()).status).toBe(404);
  });

  it("lists reports with each entry's photo metadata, present only for entries with a photo", async () => {
    const report = await saveReport("Listed photos");
    const [withPhoto, without] = report.weatherEntries;
    expect((await api.Weather.uploadPhoto(withPhoto!, photoBytes(32))).status).toBe(200);

    const list = await WeatherReport.$list_WithPhotos(report.id - 1, 1);
    expect(list.status).toBe(200);
    const entries = list.data![0]!.weatherEntries;
    expect(entries.map((w) => w.id)).toEqual([withPhoto!.id, without!.id]);
    expect(entries[0]!.photo?.key).toBe(`weather/photos/${withPhoto!.id}`);
    expect(entries[0]!.photo?.size).toBe(32);
    expect(entries[0]!.photo?.uploaded).toBeInstanceOf(Date);
    expect(entries[1]!.photo ?? null).toBeNull();
  });

  it("replaces a photo on a second upload", async () => {
    const entry = (await saveReport("Replace")).weatherEntries[1]!;
    expect((await api.Weather.uploadPhoto(entry, photoBytes(10))).status).toBe(200);
    expect((await api.Weather.uploadPhoto(entry, new Blob([photoBytes(20)]))).status).toBe(200);
    const down = await entry.downloadPhoto();
    expect(new Uint8Array(await down.data!.arrayBuffer())).toEqual(photoBytes(20));
  });

  it("answers 404 for an entry without a photo and for a missing entry", async () => {
    const entry = (await saveReport("No photo")).weatherEntries[0]!;
    const none = await entry.downloadPhoto();
    expect(none.ok).toBe(false);
    expect(none.status).toBe(404);
    expect(none.message).toBe(`weather entry ${entry.id} has no photo`);

    const missing = await Weather.fromJson({ id: 987654 }).downloadPhoto();
    expect(missing.status).toBe(404);
  });
});

describe("CORS", () => {
  const origin = "http://localhost:5173";

  it("answers a preflight request", async () => {
    const res = await app.fetch("/api/WeatherReport/$save", {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("content-type");
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
  });

  it("puts CORS headers on successes, errors and streamed responses", async () => {
    const entry = (await saveReport("CORS")).weatherEntries[0]!;
    await api.Weather.uploadPhoto(entry, photoBytes(64));
    const paths = [
      "/api/WeatherReport/$list?limit=1", // JSON
      "/api/WeatherReport/$list?limit=0", // validation error
      "/api/Nope/$get?id=1", // unknown route
      `/api/Weather/${entry.id}/downloadPhoto`, // a stream from R2
      "/api/Weather/987654/downloadPhoto", // no such entry
      "/api/openapi.json", // the OpenAPI description
    ];
    const statuses: number[] = [];
    for (const path of paths) {
      const res = await app.fetch(path, { headers: { Origin: origin } });
      statuses.push(res.status);
      expect(res.headers.get("Access-Control-Allow-Origin"), path).toBe("*");
      await res.body?.cancel();
    }
    expect(statuses).toEqual([200, 400, 404, 200, 404, 200]);
  });
});

describe("the API token", () => {
  const report = { title: "Unauthorized", description: "never saved", weatherEntries: [] };

  /** The titles of every report saved so far. */
  async function titles(): Promise<string[]> {
    return (await WeatherReport.$list(null, 1000)).data!.map((r) => r.title);
  }

  it("refuses a write without a token: 401 with WWW-Authenticate, CORS headers, and nothing saved", async () => {
    const res = await WeatherReport.$save(report);
    expect(res.status).toBe(401);
    expect(res.message).toBe("writes need the API token: Authorization: Bearer <API_TOKEN>");
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="weather"');
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Expose-Headers")).toContain("WWW-Authenticate");

    const entry = (await saveReport("Token photo")).weatherEntries[0]!;
    expect((await entry.uploadPhoto(photoBytes(8))).status).toBe(401);
    expect((await entry.downloadPhoto()).status).toBe(404);
    expect(await titles()).not.toContain(report.title);
  });

  it("refuses a wrong token, a token of another scheme and a token cut short: 401 invalid_token", async () => {
    for (const authorization of ["Bearer wrong", `Bearer ${apiToken}x`, `Bearer ${apiToken.slice(0, -1)}`, `Basic ${apiToken}`]) {
      const res = await clientWith({ Authorization: authorization }).WeatherReport.$save(report);
      expect(res.status, authorization).toBe(401);
      const challenge = res.headers.get("WWW-Authenticate");
      if (authorization.startsWith("Basic")) expect(challenge).toBe('Bearer realm="weather"');
      else expect(challenge, authorization).toBe('Bearer realm="weather", error="invalid_token"');
    }
    expect(await titles()).not.toContain(report.title);
  });

  it("takes the token, its scheme in any case", async () => {
    const saved = await clientWith({ Authorization: `bearer ${apiToken}` }).WeatherReport.$save({ ...report, title: "Authorized" });
    expect(saved.status).toBe(200);
    expect((await api.Weather.uploadPhoto((await saveReport("Token ok")).weatherEntries[0]!, photoBytes(8))).status).toBe(200);
  });

  it("leaves reads open: lists, gets, photos and the OpenAPI description", async () => {
    const entry = (await saveReport("Open reads")).weatherEntries[0]!;
    await api.Weather.uploadPhoto(entry, photoBytes(16));
    expect((await WeatherReport.$list(null, 1)).status).toBe(200);
    expect((await Weather.$get(entry.id)).status).toBe(200);
    const photo = await entry.downloadPhoto();
    expect(photo.status).toBe(200);
    await photo.data!.body?.cancel();
    expect((await app.fetch("/api/openapi.json")).status).toBe(200);
  });
});

describe("the OpenAPI description", () => {
  it("is served at /api/openapi.json, its server the one that served it", async () => {
    const res = await app.fetch("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    const doc = (await res.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.servers).toEqual([{ url: `${app.url}/api` }]);
    expect(Object.keys(doc.paths)).toContain("/WeatherReport/$save");
  });
});

describe("validation", () => {
  it("rejects a list limit that is not positive, naming the parameter", async () => {
    const res = await WeatherReport.$list(null, 0);
    expect(res.ok).toBe(false);
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.param)).toEqual(["limit"]);
    expect(res.message).toContain("limit");
  });

  it("rejects an entry whose temperature is not an int, inside the nested save", async () => {
    const res = await api.WeatherReport.$save({
      title: "Bad",
      description: "A fractional temperature",
      weatherEntries: [{ dateTime: new Date(), location: "Oslo", temperature: 21.5, condition: "Sunny" }],
    });
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.param)).toEqual(["model.weatherEntries.0.temperature"]);
  });

  it("rejects blank text: a title, description, location or condition of only spaces", async () => {
    const res = await api.WeatherReport.$save({
      title: "   ",
      description: "\t",
      weatherEntries: [{ dateTime: new Date(), location: " ", temperature: 3, condition: "\u00a0" }],
    });
    expect(res.status).toBe(400);
    expect(res.errors?.map((e) => e.param).sort()).toEqual([
      "model.description",
      "model.title",
      "model.weatherEntries.0.condition",
      "model.weatherEntries.0.location",
    ]);
    expect(res.errors?.find((e) => e.param === "model.title")?.message).toMatch(/^must match \/\\S\//);

    const padded = await api.WeatherReport.$save({ title: "  Coast  ", description: "ok", weatherEntries: [] });
    expect(padded.status).toBe(200);
    expect(padded.data!.title).toBe("  Coast  ");
  });
});

describe("the page", () => {
  it("is served from the same origin as the API, with its script", async () => {
    const page = await app.fetch("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("<h1>Weather reports</h1>");

    const script = html.match(/<script type="module" crossorigin src="([^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const js = await app.fetch(script!);
    expect(js.status).toBe(200);
    // The page calls the API through the client compiled for this server.
    expect(await js.text()).toContain(`"${app.url}/api"`);
  });

  it("answers 404 for a path that is neither a file of the page nor under /api/", async () => {
    const res = await app.fetch("/no-such-page.txt");
    expect(res.status).toBe(404);
    await res.body?.cancel();
  });
});
