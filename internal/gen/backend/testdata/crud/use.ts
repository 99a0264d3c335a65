// User code against the crud backend.ts, type-checked beside it
// (TestTypeCheck): filtered lists, counts and deletes type-check with the
// model's filterable columns, and a column no index leads is an error.
import { Author, Book, type Env, Item, type Shop } from "./backend.js";

export async function lists(env: { db: Env.db }, shop: Shop): Promise<number> {
  const page = await Author.Orm.list(env, {
    where: { active: { eq: true }, born: { gte: new Date("1950-01-01") }, nickname: { null: false } },
    order: "-born",
    limit: 20,
    include: { books: {} },
  });
  const next = await Author.GeneratedSource.Default.list(env, null, 20, { order: "-born", after: page[page.length - 1]! });
  const books = await Book.Orm.list(env, { where: { published: { null: true }, shelf: { prefix: "a/" } }, order: "shelf" });
  const items = await Item.Orm.count(shop, { where: { price: { in: [1, 2, 3] } } });
  const gone: boolean = await Author.Orm.delete(env, { id: next[0]!.id });
  return (await Author.Orm.count(env, { where: { name: { prefix: "A" } } })) + books.length + items + Number(gone);
}

// A list the user writes filters as it likes.
export const Named = Author.Named.impl({
  list(env, prefix, limit) {
    return Author.Orm.list(env, { where: { name: { prefix } }, order: "name", limit, include: this.tree });
  },
});

export function refused(env: { db: Env.db }): unknown[] {
  return [
    // @ts-expect-error bio has no index: lists cannot filter on it
    Author.Orm.list(env, { where: { bio: { eq: "x" } } }),
    // @ts-expect-error nor order on it
    Author.Orm.list(env, { order: "bio" }),
    // @ts-expect-error nor can counts filter on it
    Author.Orm.count(env, { where: { bio: { eq: "x" } } }),
    // @ts-expect-error the generated list's query is checked the same way
    Author.GeneratedSource.Default.list(env, null, 10, { order: "-bio" }),
    // @ts-expect-error prefix is for text columns
    Item.Orm.count({} as Shop, { where: { price: { prefix: "1" } } }),
    // @ts-expect-error null is for optional columns
    Author.Orm.count(env, { where: { name: { null: true } } }),
  ];
}
