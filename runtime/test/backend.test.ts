// cloesce/backend, the decorator edition's runtime API, without a Worker:
// its HttpResult.ok forms, how CloesceApp.init links classes, instance()
// along navigations, services given their dependencies, link(), and the
// edition's Orm.select/map. The Worker that uses them on wrangler dev is
// tested end to end (e2e/fixtures/decorators).

import { describe, expect, it } from "vitest";
import { CloesceApp, HttpResult, Orm, injectableService, instance, link, withService } from "../src/backend.js";
import type { Navigation } from "../src/cidl.js";
import { HttpResult as CoreResult } from "../src/shared.js";
import { model, schemaOf } from "./support/schema.js";

const nav = (name: string, target: string, many: boolean): Navigation => ({
  name,
  type: many ? { array: target } : target,
  model: target,
  many,
  local: many ? ["id"] : ["authorId"],
  remote: many ? ["authorId"] : ["id"],
});

const column = (name: string, type: "int" | "string") => ({ name, type });

class Author {
  id!: number;
  name!: string;
  books!: Book[];

  describe(): string {
    return `${this.name}: ${this.books.map((b) => b.shout()).join(", ")}`;
  }
}

class Book {
  id!: number;
  title!: string;
  author: Author | undefined;

  shout(): string {
    return this.title.toUpperCase();
  }
}

const backing = { binding: "db", kind: "d1" as const, shard: [] };
const schema = schemaOf([
  model("Author", [], { backing, primary_key: [{ name: "id", type: "int" }], columns: [column("name", "string")], navigations: [nav("books", "Book", true)] }),
  model("Book", [], {
    backing,
    primary_key: [{ name: "id", type: "int" }],
    columns: [column("authorId", "int"), column("title", "string")],
    navigations: [nav("author", "Author", false)],
  }),
]);
CloesceApp.init(schema, { Author, Book });

describe("HttpResult", () => {
  it("takes the edition's HttpResult.ok(data) as a 200, and a number alone as a status", () => {
    const data = HttpResult.ok("Echo: hi");
    expect([data.ok, data.status, data.data]).toEqual([true, 200, "Echo: hi"]);
    expect(data).toBeInstanceOf(CoreResult);
    expect(HttpResult.ok(204).status).toBe(204);
    const full = HttpResult.ok(201, { id: 1 }, { "X-A": "b" });
    expect([full.status, full.data, full.headers.get("X-A")]).toEqual([201, { id: 1 }, "b"]);
  });
});

describe("linking classes", () => {
  it("names each registered class by its static tag", () => {
    expect((Author as unknown as { tag: string }).tag).toBe("Author");
  });

  it("makes an object and those its navigations hold instances of their classes, in place", () => {
    const obj = { id: 1, name: "ann", books: [{ id: 2, title: "first", author: { id: 1, name: "ann", books: [] } }] };
    const a = instance(Author, obj);
    expect(a).toBe(obj);
    expect(a).toBeInstanceOf(Author);
    expect(a.books[0]).toBeInstanceOf(Book);
    expect(a.books[0]!.author).toBeInstanceOf(Author);
    expect(a.describe()).toBe("ann: FIRST");
    expect(instance(Author, null)).toBeNull();
  });

  it("refuses a class CloesceApp.init did not link", () => {
    class Stranger {}
    expect(() => instance(Stranger, {})).toThrow(/Stranger is not a class of the schema/);
  });

  it("registers methods with the model's impl, as the router calls them", () => {
    let given: unknown;
    const model = { impl: (methods: never) => ((given = methods), { tag: "Author" }) };
    const methods = { describe: (self: unknown) => instance(Author, self).describe() };
    expect(link<{ describe(self: unknown): string }>(model, methods)).toEqual({ tag: "Author" });
    expect(given).toBe(methods);
  });
});

describe("services", () => {
  class Clock {
    zone = "UTC";
    now(): string {
      return `noon ${this.zone}`;
    }
  }
  class Greeter {
    clock!: Clock;
    request!: Request;
    greeting = "";
    init(): HttpResult<void> | undefined {
      if (this.request.headers.has("X-Block")) return HttpResult.fail(403, "blocked");
      this.greeting = `hello at ${this.clock.now()}`;
      return undefined;
    }
    hello(name: string): string {
      return `${this.greeting}, ${name}`;
    }
  }
  CloesceApp.init(schema, { Author, Book, Clock, Greeter });

  it("runs a method on a new instance with its dependencies set and init run", async () => {
    const request = new Request("http://x/");
    const out = await withService(Greeter, { clock: new Clock(), request }, (s) => s.hello("ann"));
    expect(out).toBe("hello at noon UTC, ann");
  });

  it("answers the failure init returns, without calling the method", async () => {
    let called = false;
    const out = await withService(Greeter, { clock: new Clock(), request: new Request("http://x/", { headers: { "X-Block": "1" } }) }, () => (called = true));
    expect(out).toBeInstanceOf(CoreResult);
    expect((out as CoreResult).status).toBe(403);
    expect(called).toBe(false);
  });

  it("registers an injectable service whose init sets its dependencies on the router's copy", async () => {
    const registered = injectableService(Greeter, { clock: "Clock", request: "Request" });
    expect(registered.tag).toBe("Greeter");
    expect(registered).toBeInstanceOf(Greeter);
    const copy = Object.create(Greeter.prototype, Object.getOwnPropertyDescriptors(registered)) as Greeter & { init(deps: object): unknown };
    expect(await copy.init({ Clock: new Clock(), Request: new Request("http://x/") })).toBeUndefined();
    expect(copy.hello("bob")).toBe("hello at noon UTC, bob");
    expect(registered.greeting).toBe("");
  });
});

describe("the edition's Orm", () => {
  it("selects a model's columns and its included navigations' by alias, and maps rows back into instances", () => {
    const sql = Orm.select(Author, { includeTree: { books: {} } });
    expect(sql).toContain(`AS "books.title"`);
    const rows = [
      { id: 1, name: "ann", "books.id": 2, "books.authorId": 1, "books.title": "first" },
      { id: 1, name: "ann", "books.id": 3, "books.authorId": 1, "books.title": "second" },
    ];
    const [a] = Orm.map(Author, rows, { books: {} });
    expect(a).toBeInstanceOf(Author);
    expect(a!.describe()).toBe("ann: FIRST, SECOND");
  });
});
