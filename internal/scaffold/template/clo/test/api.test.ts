// Serves the Worker with `wrangler dev`, on a free port and a fresh local
// database, and drives its API over HTTP through the generated client.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createClient } from "../.cloesce/client.js";
import { Local } from "./local.js";

let local: Local;
/** The generated client, for the test's server rather than workers_url's host (same path, /api). */
let api: ReturnType<typeof createClient>;

beforeAll(async () => {
  local = new Local();
  api = createClient({ baseUrl: `${await local.serve()}/api` });
}, 60_000);

afterAll(() => local?.dispose());

test("a saved list gets items and is read back with them", async () => {
  const saved = await api.TodoList.$save({ title: "Groceries" });
  expect(saved.status).toBe(200);
  const list = saved.data!;
  expect(list.title).toBe("Groceries");

  const added = await api.TodoList.add(list, "Milk");
  expect(added.ok).toBe(true);
  expect(added.data).toMatchObject({ listId: list.id, text: "Milk", done: false });

  const got = await api.TodoList.$get(list.id);
  expect(got.data!.items.map((item) => item.text)).toEqual(["Milk"]);

  const all = await api.TodoList.$list(null, 50);
  expect(all.data!.map((l) => l.id)).toContain(list.id);
});

test("invalid input is rejected before any code runs", async () => {
  const untitled = await api.TodoList.$save({ title: "" });
  expect(untitled.status).toBe(400);

  const list = (await api.TodoList.$save({ title: "Chores" })).data!;
  const empty = await api.TodoList.add(list, "");
  expect(empty.status).toBe(400);
  expect(empty.errors!.map((e) => e.param)).toEqual(["text"]);
});

test("a list that does not exist is a 404", async () => {
  const missing = await api.TodoList.$get(987654);
  expect(missing.status).toBe(404);
});
