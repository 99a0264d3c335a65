// The edge client (testdata/edge/schema.clo): renamed parameters, every
// kind of GET parameter, keys that are dates, blobs and nulls, a source
// whose get takes a parameter the object does not hold, and KV values.
import { describe, expect, expectTypeOf, it } from "vitest";
import { createClient, Day, Item, KValue, Slot, Thing } from "../edge/client.js";
import { fakeFetch, json, sentJson } from "./fake.js";

const item = { label: "a", when: "2025-01-01T00:00:00.000Z", bytes: "+/+/", days: [null, "2025-01-02T00:00:00.000Z"], nested: [[]] };

describe("edge", () => {
  it("encodes every kind of GET parameter under its schema name", async () => {
    const { sent } = fakeFetch(json([]), json([]));
    await Thing.search(
      "https://x.test/?a=1&b=2",
      2,
      null,
      [1, 2],
      [new Date("2025-01-01T00:00:00Z"), new Date("2025-01-02T00:00:00Z")],
      [new Uint8Array([251, 255, 191]), new Uint8Array([])],
      false,
      { q: "x y", n: [1] },
      new Date("2025-03-04T05:06:07.089Z"),
      1.5,
    );
    await Thing.search("u", 0, "d", [], [], null, true, "text", new Date(0), -0.25);

    const query = new URL(sent[0]!.url).searchParams;
    expect(query.get("url")).toBe("https://x.test/?a=1&b=2");
    expect(query.get("fetchImpl")).toBe("2");
    expect(query.has("default")).toBe(false);
    expect(query.getAll("ids")).toEqual(["1", "2"]);
    expect(query.getAll("days")).toEqual(["2025-01-01T00:00:00.000Z", "2025-01-02T00:00:00.000Z"]);
    expect(query.getAll("raw")).toEqual(["+/+/", ""]);
    expect(query.get("flag")).toBe("false");
    expect(query.get("filter")).toBe('{"q":"x y","n":[1]}');
    expect(query.get("at")).toBe("2025-03-04T05:06:07.089Z");
    expect(query.get("Thing")).toBe("1.5");
    const names = sent[0]!.url.split("?")[1]!.split("&").map((pair) => pair.split("=")[0]);
    expect(names).toEqual(["url", "fetchImpl", "ids", "ids", "days", "days", "raw", "raw", "flag", "filter", "at", "Thing"]);

    const second = new URL(sent[1]!.url).searchParams;
    expect(second.get("default")).toBe("d");
    expect(second.has("ids")).toBe(false);
    expect(second.has("raw")).toBe(false);
    expect(second.get("flag")).toBe("true");
    expect(second.get("filter")).toBe('"text"');
    expect(second.get("Thing")).toBe("-0.25");
  });

  it("puts a source's extra get parameter in the path, after the declared ones", async () => {
    const thing = Thing.fromJson({ id: 4, default: "x", when: null, data: null });
    const { sent } = fakeFetch(json(item), json(null), json({ id: 4 }));
    const kept = await thing.keep("v2", [Item.fromJson(item)], null, 7);
    const dropped = await thing.drop(8);
    const again = await thing.drop(8);

    expect(sent[0]!.url).toBe("http://localhost:8787/Thing/4/7/keep");
    expect(sentJson(sent[0])).toEqual({ version: "v2", items: [item], when: null });
    expect(kept.data).toBeInstanceOf(Item);
    expect(sent[1]!.url).toBe("http://localhost:8787/Thing/4/8/drop");
    expect(sent[1]!.method).toBe("DELETE");
    expect(sent[1]!.body).toBe("{}");
    expect(dropped.data).toBeNull();
    expect(again.data).toBeInstanceOf(Thing);
    // Parameter by parameter: @types/node overloads fetch, and expect-type
    // cannot compare a parameter list holding an overloaded function.
    expectTypeOf(thing.keep).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(thing.keep).parameter(1).toEqualTypeOf<Item[]>();
    expectTypeOf(thing.keep).parameter(2).toEqualTypeOf<Date | null>();
    expectTypeOf(thing.keep).parameter(3).toEqualTypeOf<number>();
    expectTypeOf(thing.keep).parameters.toHaveProperty("length").toEqualTypeOf<4 | 5>();
  });

  it("writes date and blob keys as ISO strings and base64, percent-encoded", async () => {
    const day = Day.fromJson({ day: "2025-01-02T03:04:05.000Z", key: "+/+/", note: "n" });
    const { sent } = fakeFetch(json({ day: "2025-01-02T03:04:05.000Z", key: "AAE=", note: "m" }));
    const shown = await day.show();

    expect(day.key).toEqual(new Uint8Array([251, 255, 191]));
    expect(sent[0]!.url).toBe("http://localhost:8787/Day/2025-01-02T03%3A04%3A05.000Z/%2B%2F%2B%2F/show");
    expect(shown.data!.day).toBeInstanceOf(Date);
    expect(shown.data!.key).toEqual(new Uint8Array([0, 1]));
  });

  it("writes a null key as null, and keeps a parameter named like a helper (helpers have a $)", async () => {
    const slot = Slot.fromJson({ when: null, n: 3, on: true });
    const other = Slot.fromJson({ when: "2025-01-02T00:00:00.000Z", n: 4, on: false });
    const { sent } = fakeFetch(json(other), json(slot));
    const pinged = await slot.ping(other);
    await other.ping(slot);

    expect(sent[0]!.url).toBe("http://localhost:8787/Slot/null/3/true/ping");
    expect(sentJson(sent[0])).toEqual({ send: { when: "2025-01-02T00:00:00.000Z", n: 4, on: false } });
    expect(pinged.data!.when).toBeInstanceOf(Date);
    expect(sent[1]!.url).toBe("http://localhost:8787/Slot/2025-01-02T00%3A00%3A00.000Z/4/false/ping");
  });

  it("decodes KV values of objects and dates", async () => {
    const thing = Thing.fromJson({
      id: 1,
      default: "d",
      when: "2025-01-01T00:00:00.000Z",
      data: "AQID",
      item: { raw: item, metadata: { m: 1 } },
      stamp: { raw: "2025-05-05T00:00:00.000Z", metadata: null },
    });
    expect(thing.default).toBe("d");
    expect(thing.when).toBeInstanceOf(Date);
    expect(thing.data).toEqual(new Uint8Array([1, 2, 3]));
    expect(thing.item).toBeInstanceOf(KValue);
    expect(thing.item!.value).toBeInstanceOf(Item);
    expect(thing.item!.value!.when).toBeInstanceOf(Date);
    expect(thing.item!.value!.days).toEqual([null, new Date("2025-01-02T00:00:00Z")]);
    expect(thing.item!.metadata).toEqual({ m: 1 });
    expect(thing.stamp!.value).toEqual(new Date("2025-05-05T00:00:00Z"));

    fakeFetch(json([{ raw: "2025-05-05T00:00:00.000Z", metadata: 1 }, { raw: null, metadata: null }]));
    const stamps = await Thing.stamps();
    expect(stamps.data![0]).toBeInstanceOf(KValue);
    expect(stamps.data![0]!.value).toEqual(new Date("2025-05-05T00:00:00Z"));
    expect(stamps.data![1]!.value).toBeNull();
    expectTypeOf(stamps.data!).toEqualTypeOf<KValue<Date>[]>();
  });

  it("round-trips large blobs through base64", async () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 7) % 256);
    const save = fakeFetch();
    const echo: typeof fetch = async (input, init) => {
      await save.fetch(input, init).catch(() => undefined);
      const { model } = JSON.parse(String(init?.body)) as { model: { data: string } };
      return json({ id: 1, data: model.data });
    };
    const result = await createClient({ baseUrl: "http://localhost:8787", fetch: echo }).Thing.$save({ id: 1, data: bytes });

    expect(save.sent).toHaveLength(1);
    const sentBase64 = (sentJson(save.sent[0]) as { model: { data: string } }).model.data;
    expect(sentBase64).toHaveLength(Math.ceil(bytes.length / 3) * 4);
    expect(atob(sentBase64.slice(0, 8))).toBe(String.fromCharCode(...bytes.slice(0, 6)));
    expect(result.data!.data).toEqual(bytes);
  });

  it("sends a JSON body when no header parameter is both required and unsafelisted, and headers under their schema names", async () => {
    const thing = Thing.fromJson({ id: 4, default: "x", when: null, data: null });
    const { sent } = fakeFetch(json(null), json(null), json(null), json(null));
    await Thing.poke(null, null);
    await Thing.poke(7, "d");
    await thing.mark(new Date("2025-01-02T03:04:05.000Z"), "n");
    await Thing.greet("fr");

    expect(sent[0]!.body).toBe("{}");
    expect(sent[0]!.headers.get("Content-Type")).toBe("application/json");
    expect(sent[0]!.headers.has("X-Maybe")).toBe(false);
    expect(sent[1]!.headers.get("X-Maybe")).toBe("7");
    expect(sent[1]!.headers.get("default")).toBe("d");
    expect(sent[2]!.url).toBe("http://localhost:8787/Thing/4/mark");
    expect(sent[2]!.headers.get("Thing")).toBe("2025-01-02T03:04:05.000Z");
    expect(sentJson(sent[2])).toEqual({ note: "n" });
    // Accept-Language is CORS-safelisted: alone, it needs the JSON body.
    expect(sent[3]!.headers.get("Accept-Language")).toBe("fr");
    expect(sent[3]!.body).toBe("{}");
  });
});
