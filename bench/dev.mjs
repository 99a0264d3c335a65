// wrangler helpers for the benchmarks: one `wrangler dev` at a time on a
// free loopback port, killed with its whole process tree; dry-run deploys
// for bundle sizes.

import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const repo = resolve(import.meta.dirname, "..");
const wrangler = join(repo, "node_modules/.bin/wrangler");
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" };

/** Runs wrangler with args in dir and returns its output; throws with the output on failure. */
export function runWrangler(dir, args) {
  try {
    return execFileSync(wrangler, args, { cwd: dir, env: wranglerEnv, encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** A free TCP port on loopback (the kernel picks it; we release it just before wrangler binds it). */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/**
 * Starts `wrangler dev --no-bundle -c config` in dir with its D1 state in
 * persist, waits until it answers, and returns { url, stop, log }. vars are
 * passed with --var. stop() kills the whole process tree (wrangler,
 * workerd). The config's main must be a bundle (dryRunBundle): wrangler
 * dev rebuilds when a source changes, and the runtime's dist/ may be
 * rebuilt by someone else mid-run.
 */
export async function startDev(dir, config, persist, vars = {}) {
  const port = await freePort();
  const inspector = await freePort();
  const args = ["dev", "--no-bundle", "-c", config, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
    "--persist-to", persist, "--log-level", "warn", "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = spawn(wrangler, args, { cwd: dir, env: wranglerEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (d) => (log = (log + d).slice(-20000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((ok) => child.once("exit", ok));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!killed) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      await exited;
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      await fetch(`${url}/__ready`);
      return { url, stop, log: () => log };
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 90 s:\n${log}`);
    }
    await sleep(250);
  }
}

/** Bundles the worker of config as a deployment would (minified unless told) into outdir and returns the bundle's bytes. */
export function dryRunBundle(dir, config, outdir, minify = true) {
  runWrangler(dir, ["deploy", "--dry-run", ...(minify ? ["--minify"] : []), "--outdir", outdir, "-c", config]);
  const js = readdirSync(join(dir, outdir)).filter((f) => f.endsWith(".js"));
  if (js.length !== 1) throw new Error(`expected one bundle in ${outdir}, found ${js.join(", ")}`);
  return readFileSync(join(dir, outdir, js[0]));
}
