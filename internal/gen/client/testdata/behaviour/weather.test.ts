// The weather client: CRUD over a one-to-many relation, a stream upload and
// download, and a base URL with a path (http://localhost:5000/api).
import { describe, expect, expectTypeOf, it } from "vitest";
import { HttpResult, MediaType, R2Object, Weather, WeatherReport } from "../weather/client.js";
import { fakeFetch, json, r2, sentJson } from "./fake.js";

const report = {
  id: 7,
  title: "Spring",
  description: "Mild",
  weatherEntries: [
    {
      id: 1,
      weatherReportId: 7,
      dateTime: "2025-01-02T03:04:05.000Z",
      location: "Oslo",
      temperature: 4,
      condition: "rain",
      photo: r2("weather/photos/1.jpg"),
    },
  ],
};

describe("weather", () => {
  it("gets with the key in the query and decodes nested models", async () => {
    const { sent } = fakeFetch(json(report));
    const result = await WeatherReport.$get(7);

    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("http://localhost:5000/api/WeatherReport/$get?id=7");
    expect(sent[0]!.method).toBe("GET");
    expect(sent[0]!.body).toBeUndefined();
    expect(sent[0]!.headers.has("Content-Type")).toBe(false);

    expect(result).toBeInstanceOf(HttpResult);
    expect(result.ok).toBe(true);
    expect(result.status).toBe(200);
    expect(result.mediaType).toBe(MediaType.Json);
    const data = result.data!;
    expect(data).toBeInstanceOf(WeatherReport);
    expect(data.title).toBe("Spring");
    const entry = data.weatherEntries[0]!;
    expect(entry).toBeInstanceOf(Weather);
    expect(entry.dateTime).toBeInstanceOf(Date);
    expect(entry.dateTime.toISOString()).toBe("2025-01-02T03:04:05.000Z");
    expect(entry.weatherReport).toBeUndefined();
    expect(entry.photo).toBeInstanceOf(R2Object);
    expect(entry.photo!.uploaded).toEqual(new Date("2025-03-04T05:06:07.000Z"));
    expect(entry.photo!.customMetadata).toEqual({ by: "test" });
  });

  it("defaults a missing one-to-many navigation to an empty array", () => {
    const r = WeatherReport.fromJson({ id: 1, title: "t", description: "d" });
    expect(r.weatherEntries).toEqual([]);
  });

  it("leaves out a null page cursor", async () => {
    const { sent } = fakeFetch(json([report]), json([]));
    const first = await WeatherReport.$list(null, 10);
    await WeatherReport.$list(7, 10);

    expect(sent[0]!.url).toBe("http://localhost:5000/api/WeatherReport/$list?limit=10");
    expect(sent[1]!.url).toBe("http://localhost:5000/api/WeatherReport/$list?lastSeen_id=7&limit=10");
    expect(first.data![0]).toBeInstanceOf(WeatherReport);
    expect(first.data![0]!.weatherEntries[0]).toBeInstanceOf(Weather);
  });

  it("saves a deep partial as JSON with dates as ISO strings", async () => {
    const { sent } = fakeFetch(json(report, 201));
    const result = await WeatherReport.$save(
      {
        title: "Spring",
        weatherEntries: [{ dateTime: new Date("2025-01-02T03:04:05Z"), temperature: 4 }],
      },
    );

    expect(sent[0]!.url).toBe("http://localhost:5000/api/WeatherReport/$save");
    expect(sent[0]!.method).toBe("POST");
    expect(sent[0]!.headers.get("Content-Type")).toBe("application/json");
    expect(sentJson(sent[0])).toEqual({
      model: {
        title: "Spring",
        weatherEntries: [{ dateTime: "2025-01-02T03:04:05.000Z", temperature: 4 }],
      },
    });
    expect(result.ok).toBe(true);
    expect(result.status).toBe(201);
    expect(result.data).toBeInstanceOf(WeatherReport);
  });

  it("uploads a stream as the raw body of an instance method", async () => {
    const { sent } = fakeFetch(json(null));
    const weather = Weather.fromJson(report.weatherEntries[0]);
    const bytes = new Uint8Array([1, 2, 3]);
    const result = await weather.uploadPhoto(bytes);

    expect(sent[0]!.url).toBe("http://localhost:5000/api/Weather/1/uploadPhoto");
    expect(sent[0]!.method).toBe("POST");
    expect(sent[0]!.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(sent[0]!.body).toBe(bytes);
    expect(result.ok).toBe(true);
    expect(result.data).toBeUndefined();
    expectTypeOf(result).toEqualTypeOf<HttpResult<void>>();
  });

  it("returns a stream result as the unread Response", async () => {
    const { sent } = fakeFetch(
      new Response(new Uint8Array([9, 8, 7]), { headers: { "Content-Type": "image/jpeg" } }),
    );
    const weather = Weather.fromJson({ id: 5 });
    const result = await weather.downloadPhoto();

    expect(sent[0]!.url).toBe("http://localhost:5000/api/Weather/5/downloadPhoto");
    expect(result.ok).toBe(true);
    expect(result.mediaType).toBe("octet");
    expect(result.data).toBeInstanceOf(Response);
    expect(result.data!.bodyUsed).toBe(false);
    expect(new Uint8Array(await result.data!.arrayBuffer())).toEqual(new Uint8Array([9, 8, 7]));
  });

  it("types parameters and results", () => {
    expectTypeOf(WeatherReport.$get).parameter(0).toEqualTypeOf<number>();
    expectTypeOf(WeatherReport.$get).returns.resolves.toEqualTypeOf<HttpResult<WeatherReport>>();
    expectTypeOf(WeatherReport.$list).returns.resolves.toEqualTypeOf<HttpResult<WeatherReport[]>>();
    expectTypeOf<Weather["weatherReport"]>().toEqualTypeOf<WeatherReport | undefined>();
    // Null when the object does not exist in R2, as the runtime sends it.
    expectTypeOf<Weather["photo"]>().toEqualTypeOf<R2Object | null | undefined>();
    // Type errors only: never called.
    void (() => {
      // @ts-expect-error a key is a number
      void WeatherReport.$get("7");
      // @ts-expect-error a partial still checks the types of the fields it has
      void WeatherReport.$save({ title: 5 });
    });
  });
});
