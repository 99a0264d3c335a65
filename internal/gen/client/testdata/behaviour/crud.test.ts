// The crud client: $delete, $count and $list's where, order and after,
// on the wire and in the types (a column no index leads is a compile
// error, as it is a 400).
import { describe, expect, expectTypeOf, it } from "vitest";
import { Author, Book, HttpResult, Item } from "../crud/client.js";
import { fakeFetch, json } from "./fake.js";

const authorJson = {
  id: 7,
  name: "Ann",
  born: "1960-02-03T00:00:00.000Z",
  rating: null,
  active: true,
  nickname: "A",
  email: "ann@example.com",
  bio: "",
};

/** The query string of a request, decoded, as name=value pairs. */
const query = (url: string) => [...new URL(url).searchParams].map(([k, v]) => k + "=" + v);

describe("crud", () => {
  it("lists as before when given no query", async () => {
    const { sent } = fakeFetch(json([authorJson]), json([]));
    const controller = new AbortController();
    const page = await Author.$list(null, 10);
    await Author.$list(3, 10, { signal: controller.signal, headers: { "X-Trace": "1" } });

    expect(sent[0]!.url).toBe("https://example.com/Author/$list?limit=10");
    expect(page.data![0]).toBeInstanceOf(Author);
    expect(page.data![0]!.born).toEqual(new Date("1960-02-03T00:00:00Z"));
    expect(sent[1]!.url).toBe("https://example.com/Author/$list?lastSeen_id=3&limit=10");
    expect(sent[1]!.headers.get("X-Trace")).toBe("1");
  });

  it("sends where as <column>.<op>=<value>, each value written as its column's", async () => {
    const { sent } = fakeFetch(json([]));
    await Author.$list(null, 20, {
      where: {
        name: { prefix: "A", ne: "Al" },
        born: { gte: new Date("1950-01-01T00:00:00Z") },
        rating: { in: [1.5, 2] },
        active: { eq: false },
        nickname: { null: true },
      },
      order: "-born",
    });

    expect(query(sent[0]!.url)).toEqual([
      "limit=20",
      "name.prefix=A",
      "name.ne=Al",
      "born.gte=1950-01-01T00:00:00.000Z",
      "rating.in=1.5",
      "rating.in=2",
      "active.eq=false",
      "nickname.null=true",
      "order=-born",
    ]);
  });

  it("continues after the last object by its key and order column", async () => {
    const { sent } = fakeFetch(json([authorJson]), json([]), json([]));
    const first = await Author.$list(null, 1, { order: "born" });
    await Author.$list(null, 1, { order: "born", after: first.data![0]! });
    const book = Book.fromJson({ shelf: "b/2", n: 4, authorId: 7, title: "T", published: null, cover: "" });
    await Book.$list(null, null, 5, { order: "-published", after: book });

    expect(query(sent[1]!.url)).toEqual(["limit=1", "order=born", "lastSeen_id=7", "lastSeen_born=1960-02-03T00:00:00.000Z"]);
    // The second key column continues the page though nothing filters on it; a null order value is left out.
    expect(query(sent[2]!.url)).toEqual(["limit=5", "order=-published", "lastSeen_shelf=b/2", "lastSeen_n=4"]);
  });

  it("counts, with a where", async () => {
    const { sent } = fakeFetch(json(42), json(3));
    const all = await Author.$count();
    const some = await Author.$count({ where: { active: { eq: true }, email: { eq: "a@b" } } });

    expect(sent[0]!.url).toBe("https://example.com/Author/$count");
    expect(all.data).toBe(42);
    expect(sent[1]!.url).toBe("https://example.com/Author/$count?active.eq=true&email.eq=a%40b");
    expect(some.data).toBe(3);
    expectTypeOf(some).toEqualTypeOf<HttpResult<number>>();
  });

  it("deletes by the key in the query string, without a body", async () => {
    const { sent } = fakeFetch(json(null), json(null));
    const deleted = await Book.$delete("b/2", 4);
    await Item.$delete("my shop", "sku-1");

    expect(sent[0]!.method).toBe("DELETE");
    expect(sent[0]!.url).toBe("https://example.com/Book/$delete?shelf=b%2F2&n=4");
    expect(sent[0]!.body).toBeUndefined();
    expect(sent[0]!.headers.has("Content-Type")).toBe(false);
    expect(deleted.ok).toBe(true);
    expectTypeOf(deleted).toEqualTypeOf<HttpResult<void>>();
    expect(sent[1]!.url).toBe("https://example.com/Item/$delete?slug=my+shop&sku=sku-1");
  });

  it("addresses a Durable Object's count by its shard", async () => {
    const { sent } = fakeFetch(json(2));
    await Item.$count("my shop", { where: { price: { lt: 100 } } });

    expect(sent[0]!.url).toBe("https://example.com/Item/$count?slug=my+shop&price.lt=100");
  });

  it("refuses columns no index leads, and conditions their type has not", () => {
    expectTypeOf<Author.OrderBy>().toEqualTypeOf<"id" | "name" | "born" | "rating" | "active" | "nickname" | "email">();
    expectTypeOf<Book.OrderBy>().toEqualTypeOf<"shelf" | "authorId" | "published">();
    // Checked by tsc, never run.
    const refused = () => [
      // @ts-expect-error bio has no index
      Author.$list(null, 10, { where: { bio: { eq: "x" } } }),
      // @ts-expect-error nor can a list order on it
      Author.$list(null, 10, { order: "-bio" }),
      // @ts-expect-error nor can a count filter on it
      Author.$count({ where: { bio: { eq: "x" } } }),
      // @ts-expect-error prefix is for text
      Item.$count("s", { where: { price: { prefix: "1" } } }),
      // @ts-expect-error null is for optional columns
      Author.$count({ where: { name: { null: true } } }),
      // @ts-expect-error values have the column's type
      Author.$count({ where: { born: { lt: "1960" } } }),
      // @ts-expect-error a list the user writes takes only its own parameters, and the call's options
      Author.$list_Named("An", 10, { where: { active: { eq: true } } }),
    ];
    expect(refused).toBeTypeOf("function");
  });
});
