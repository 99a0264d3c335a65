// Serves the Worker with `wrangler dev`, on a free port and a fresh local
// database, and drives its API over HTTP through the generated client.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createClient } from "../.cloesce/client.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const state = mkdtempSync(join(tmpdir(), "wrangler-state-"));
let server: ChildProcess | undefined;
let origin = "";
/** The generated client, for the test's server rather than workers_url's host (same path, /api). */
let api: ReturnType<typeof createClient>;

beforeAll(async () => {
  execFileSync(wrangler, ["d1", "migrations", "apply", "db", "--local", "--persist-to", state], { cwd: root, env, stdio: "pipe" });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  api = createClient({ baseUrl: `${origin}/api` });
  // Detached, so that afterAll can stop wrangler and workerd together.
  server = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state], { cwd: root, env, detached: true, stdio: "ignore" });
  await ready(server);
}, 60_000);

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    await exited;
  }
  rmSync(state, { recursive: true, force: true });
});

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

/** Returns a TCP port that is free now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** Waits until the server answers HTTP, failing if it exits first. */
async function ready(proc: ChildProcess): Promise<void> {
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`wrangler dev exited with status ${proc.exitCode}`);
    try {
      await fetch(origin);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
