// Tests the models without HTTP: the generated Orm and data sources,
// called directly on Miniflare's bindings, as the Worker's own code calls
// them. No Worker runs, Miniflare only provides the bindings.
import { afterAll, beforeAll, expect, test } from "vitest";
import * as clo from "../.cloesce/backend.js";
import { Local } from "./local.js";

let local: Local;
/** The Worker's environment, its bindings with their helpers, as methods receive it. */
let env: clo.Env;

beforeAll(async () => {
  local = new Local();
  env = clo.upgradeEnv(await local.bindings<clo.CfEnv>());
}, 60_000);

afterAll(() => local?.dispose());

test("models are saved, read and listed without a request", async () => {
  const saved = await clo.TodoList.Orm.save(env, { title: "Groceries", items: [{ text: "Milk", done: false }] }, { items: {} });
  expect(saved.items!.map((item) => item.text)).toEqual(["Milk"]);

  const got = await clo.TodoList.GeneratedSource.Default.get(env, saved.id);
  expect(got).toMatchObject({ title: "Groceries", items: [{ listId: saved.id, text: "Milk", done: false }] });
  const lists = await clo.TodoList.Orm.list(env, { where: { id: { eq: saved.id } } });
  expect(lists.map((list) => list.title)).toEqual(["Groceries"]);
  expect(await clo.TodoList.GeneratedSource.Default.get(env, 987654)).toBeNull();
});
