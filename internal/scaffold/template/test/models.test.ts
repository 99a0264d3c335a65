// Tests the models without HTTP: the generated Orm and data sources,
// called directly on Miniflare's bindings, as the Worker's own code calls
// them. The local D1 database gets the project's migrations first, as
// `wrangler d1 migrations apply` applies them in production; no Worker
// runs, Miniflare only provides the bindings.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, expect, test } from "vitest";
import * as clo from "../.cloesce/backend.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const state = mkdtempSync(join(tmpdir(), "miniflare-state-"));
let mf: Miniflare | undefined;
/** The Worker's environment, its bindings with their helpers, as methods receive it. */
let env: clo.Env;

beforeAll(async () => {
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  execFileSync(wrangler, ["d1", "migrations", "apply", "db", "--local", "--persist-to", state], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: "pipe",
  });
  // The database_id of wrangler.jsonc, in the directory wrangler applied the migrations in.
  mf = new Miniflare({ modules: true, script: "export default {};", d1Databases: { db: "local-db" }, d1Persist: join(state, "v3", "d1") });
  env = clo.upgradeEnv(await mf.getBindings<clo.CfEnv>());
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  rmSync(state, { recursive: true, force: true });
});

test("models are saved, read and listed without a request", async () => {
  const saved = await clo.TodoList.Orm.save(env, { title: "Groceries", items: [{ text: "Milk", done: false }] }, { items: {} });
  expect(saved.items!.map((item) => item.text)).toEqual(["Milk"]);

  const got = await clo.TodoList.GeneratedSource.Default.get(env, saved.id);
  expect(got).toMatchObject({ title: "Groceries", items: [{ listId: saved.id, text: "Milk", done: false }] });
  const lists = await clo.TodoList.Orm.list(env, { where: { id: { eq: saved.id } } });
  expect(lists.map((list) => list.title)).toEqual(["Groceries"]);
  expect(await clo.TodoList.GeneratedSource.Default.get(env, 987654)).toBeNull();
});
