// Global setup of the end-to-end suite: prepares every project the way a
// user builds one — the Go binary compiles it, cloesce migrate writes (or
// checks) its migrations, wrangler applies them to a fresh local D1 — in a
// work copy whose client points at a port picked for it. Tests then only
// start `wrangler dev` and talk to it.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import ts from "typescript";
import { command } from "./exec";
import { freePort } from "./port";
import { binary, type Prepared, type Project, preparedPath, projects, repo, wranglerBin } from "./projects";

/** Generated, installed or local-state paths that are never copied from a project. */
const uncopied = new Set(["node_modules", ".cloesce", ".wrangler", "dist"]);

/** At most this many projects are prepared at once (wrangler is CPU-hungry; CI has 2 cores). */
const concurrency = 2;

export default async function setup(): Promise<void> {
  mkdirSync(join(repo, "e2e", ".work"), { recursive: true });
  await command("go", ["build", "-o", binary, "./cmd/cloesce"], repo);
  // Workers import "cloesce" as users do, from the built package.
  await command("npm", ["run", "--silent", "build", "-w", "runtime"], repo);
  const queue = projects();
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) await prepare(p);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function prepare(project: Project): Promise<void> {
  rmSync(project.work, { recursive: true, force: true });
  cpSync(project.dir, project.work, { recursive: true, filter: (src) => !uncopied.has(basename(src)) });

  const config = readConfig(project);
  const port = await freePort();
  const path = new URL(String(config.workers_url ?? "http://localhost")).pathname.replace(/\/$/, "");
  config.workers_url = `http://127.0.0.1:${port}${path}`;
  writeFileSync(join(project.work, "cloesce.jsonc"), JSON.stringify(config, null, 2) + "\n");

  await command(binary, ["compile", project.work], project.work);
  // A project with a page builds it: its wrangler config serves the output as assets.
  const pkg = join(project.work, "package.json");
  if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).scripts?.build) {
    await command("npm", ["run", "--silent", "build"], project.work);
  }
  const migrations = join(project.work, String(config.migrations_path ?? "migrations"));
  if (existsSync(migrations)) {
    // Committed migrations must describe the schema, as in a user's repository.
    const plan = await command(binary, ["migrate", "--all", "--dry-run", "--dir", project.work, "check"], project.work);
    if (/would write/.test(plan)) {
      throw new Error(`${project.name}: committed migrations are out of date; run cloesce migrate --all in ${project.dir}:\n${plan}`);
    }
  } else {
    await command(binary, ["migrate", "--all", "--dir", project.work, "init"], project.work, { SOURCE_DATE_EPOCH: "1700000000" });
  }

  const cidl = JSON.parse(readFileSync(join(project.work, String(config.out_path ?? ".cloesce"), "cidl.json"), "utf8"));
  const d1: string[] = cidl.env.d1;
  for (const binding of d1) {
    await command(wranglerBin, ["d1", "migrations", "apply", binding, "--local"], project.work);
  }
  const prepared: Prepared = { port, d1 };
  writeFileSync(preparedPath(project), JSON.stringify(prepared) + "\n");
}

/** The project's cloesce.jsonc (JSON with comments), or an empty config. */
function readConfig(project: Project): Record<string, unknown> {
  const path = join(project.dir, "cloesce.jsonc");
  if (!existsSync(path)) return {};
  const parsed = ts.parseConfigFileTextToJson(path, readFileSync(path, "utf8"));
  if (parsed.error) throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, "\n")}`);
  return parsed.config as Record<string, unknown>;
}
