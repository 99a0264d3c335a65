// Cloudflare on this machine, for the tests: a fresh state directory with
// the project's D1 migrations applied, as `wrangler d1 migrations apply`
// applies them in production, then either the Worker served on it by
// `wrangler dev` or Miniflare's bindings over it without a Worker.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

const root = fileURLToPath(new URL("..", import.meta.url));
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

/** One test file's local Cloudflare; dispose removes it. */
export class Local {
  readonly state = mkdtempSync(join(tmpdir(), "cloesce-test-"));
  private server: ChildProcess | undefined;
  private mf: Miniflare | undefined;

  constructor() {
    try {
      execFileSync(wrangler, ["d1", "migrations", "apply", "db", "--local", "--persist-to", this.state], { cwd: root, env, stdio: "pipe" });
    } catch (err) {
      rmSync(this.state, { recursive: true, force: true });
      throw err;
    }
  }

  /** Serves the Worker with `wrangler dev` on a free port; returns its origin once it answers. */
  async serve(): Promise<string> {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // Detached, so that dispose can stop wrangler and workerd together.
    const server = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", this.state], { cwd: root, env, detached: true, stdio: "ignore" });
    this.server = server;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`wrangler dev exited with status ${server.exitCode}`);
      try {
        await fetch(origin);
        return origin;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /**
   * The bindings named in wrangler.jsonc, from Miniflare: the D1 database
   * db, with the migrations applied, and the R2 buckets r2Buckets.
   */
  async bindings<Env>(r2Buckets: string[] = []): Promise<Env> {
    // "local-db" is the database_id of wrangler.jsonc, under which wrangler applied the migrations.
    this.mf = new Miniflare({ modules: true, script: "export default {};", d1Databases: { db: "local-db" }, d1Persist: join(this.state, "v3", "d1"), r2Buckets });
    return this.mf.getBindings<Env>();
  }

  /** Stops what serve and bindings started, and removes the state. */
  async dispose(): Promise<void> {
    const server = this.server;
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid, "SIGTERM");
      await exited;
    }
    await this.mf?.dispose();
    rmSync(this.state, { recursive: true, force: true });
  }
}

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
