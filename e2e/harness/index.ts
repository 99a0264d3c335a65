// The test side of the end-to-end harness: a test file calls useApp() and
// its project is served by `wrangler dev` — the real local platform — for
// the file's tests, on the port its generated client was compiled for.

import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import { lockProject } from "./lock";
import { freePort } from "./port";
import { type Project, projectOf, readPrepared, wranglerBin } from "./projects";

/** A project served by wrangler dev. */
export interface App {
  /** The origin, e.g. http://127.0.0.1:43127. */
  readonly url: string;
  /** fetch() relative to the origin, for requests the client can't make (bad input, CORS). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** What wrangler dev printed so far (worker console output included). */
  logs(): string;
}

/** How long wrangler dev may take to answer its first request. */
const startTimeoutMs = 90_000;

/** How long a test file may wait for another file of its project to finish (see lock.ts). */
const lockTimeoutMs = 180_000;

/**
 * Serves the calling test file's project for the file's tests: started
 * before the first, stopped after the last.
 */
export function useApp(): App {
  let server: Server | undefined;
  let unlock: (() => void) | undefined;
  const app: App = {
    get url() {
      if (!server) throw new Error("the app is not running: use it inside tests, after useApp()'s beforeAll");
      return server.url;
    },
    fetch: (path, init) => fetch(new URL(path, app.url), init),
    logs: () => server?.output.join("") ?? "",
  };
  beforeAll(async (suite) => {
    const file = "filepath" in suite ? suite.filepath : suite.file.filepath;
    const project = projectOf(file);
    if (!project) throw new Error(`${file} is not inside an e2e project (e2e/fixtures/* or examples/*)`);
    unlock = await lockProject(project, lockTimeoutMs);
    try {
      server = await serve(project);
    } catch (err) {
      unlock();
      unlock = undefined;
      throw err;
    }
  }, lockTimeoutMs + startTimeoutMs + 10_000);
  afterAll(async () => {
    await server?.stop();
    unlock?.();
  });
  return app;
}

interface Server {
  url: string;
  output: string[];
  stop(): Promise<void>;
}

/** Starts wrangler dev in the project's work copy and waits until it answers. */
async function serve(project: Project): Promise<Server> {
  const { port } = readPrepared(project);
  const url = `http://127.0.0.1:${port}`;
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort())];
  const child = spawn(wranglerBin, [...args, "--show-interactive-dev-session=false"], {
    cwd: project.work,
    detached: true, // its own process group, so stop() reaches workerd too
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout!.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr!.on("data", (b: Buffer) => output.push(b.toString()));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const server = { url, output, stop: () => stop(child, exited) };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev for ${project.name} exited before serving:\n${output.join("")}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return server;
    } catch {
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`wrangler dev for ${project.name} did not answer on ${url} within ${startTimeoutMs / 1000}s:\n${output.join("")}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Ends the whole process group: wrangler, esbuild and workerd. */
async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
