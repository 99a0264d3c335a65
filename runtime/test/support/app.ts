// Builds the fixture application the way a user would: the Go compiler
// compiles the schema, esbuild bundles the worker with the runtime (as
// wrangler does), and Miniflare serves it on real local D1, KV, R2 and a
// SQLite-backed Durable Object.

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import type { Schema } from "../../src/cidl.js";

const runtime = resolve(__dirname, "../..");
const repo = resolve(runtime, "..");

/** Compiles and bundles the fixture named name; returns its directory and the bundled worker. */
export async function buildFixture(name: string): Promise<{ dir: string; script: string }> {
  const dir = mkdtempSync(join(tmpdir(), `cloesce-${name}-`));
  cpSync(join(runtime, "test", "fixtures", name), dir, { recursive: true, filter: (p) => !p.includes(".cloesce") });
  const bin = join(dir, "cloesce");
  execFileSync("go", ["build", "-o", bin, "./cmd/cloesce"], { cwd: repo, stdio: "pipe" });
  execFileSync(bin, ["compile", dir], { stdio: "pipe" });
  // The fixture's committed migrations must match its schema, as a user's would.
  const migrate = execFileSync(bin, ["migrate", "--all", "--dry-run", "--dir", dir, "check"], { encoding: "utf8" });
  if (!/no changes/.test(migrate) || /create|alter|drop/.test(migrate)) {
    throw new Error(`the fixture's migrations are out of date; run cloesce migrate --all in it:\n${migrate}`);
  }
  typecheck(dir);
  return { dir, script: await bundle(join(dir, "main.ts")) };
}

/**
 * Bundles a worker as wrangler would, with "cloesce" resolved to the
 * runtime's sources (or to one module of them).
 */
export async function bundle(entry: string, cloesce = join(runtime, "src", "index.ts")): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    external: ["cloudflare:workers"],
    alias: { cloesce },
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

/** Type-checks the fixture's code and its generated files as a user's project would, under tsc --strict. */
function typecheck(dir: string) {
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "ES2022",
      module: "ES2022",
      moduleResolution: "bundler",
      resolveJsonModule: true,
      skipLibCheck: true,
      noUnusedLocals: true,
      lib: ["ES2022"],
      types: [join(repo, "node_modules", "@cloudflare", "workers-types")],
      baseUrl: ".",
      paths: { cloesce: [join(runtime, "src", "index.ts")] },
    },
    include: ["*.ts", ".cloesce/*.ts", "migrations/**/*.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
  try {
    execFileSync(join(repo, "node_modules", ".bin", "tsc"), ["-p", dir], { stdio: "pipe" });
  } catch (e) {
    const out = e as { stdout?: Buffer };
    throw new Error(`the fixture does not type-check:\n${out.stdout?.toString() ?? e}`);
  }
}

/**
 * Compiles a copy of the fixture named name and writes its first
 * migrations (cloesce migrate --all init), for tests that set up their
 * stores themselves; returns its directory and interface description.
 */
export function compileWithMigrations(name: string): { dir: string; schema: Schema } {
  const dir = mkdtempSync(join(tmpdir(), `cloesce-${name}-`));
  cpSync(join(runtime, "test", "fixtures", name), dir, { recursive: true });
  const bin = join(dir, "cloesce");
  execFileSync("go", ["build", "-o", bin, "./cmd/cloesce"], { cwd: repo, stdio: "pipe" });
  execFileSync(bin, ["compile", dir], { stdio: "pipe" });
  execFileSync(bin, ["migrate", "--all", "--dir", dir, "init"], { stdio: "pipe" });
  return { dir, schema: JSON.parse(readFileSync(join(dir, ".cloesce", "cidl.json"), "utf8")) as Schema };
}

/** The statements of the first SQL migration of the D1 database binding, in the fixture at dir. */
export function initialSql(dir: string, binding = "db"): string[] {
  const migrations = join(dir, "migrations", binding);
  return statements(readFileSync(join(migrations, readdirSync(migrations).find((f) => f.endsWith(".sql"))!), "utf8"));
}

/** The statements of a migration file written by cloesce migrate (comments dropped). */
export function statements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((l) => !l.startsWith("--"))
    .join("\n")
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ""))
    .filter(Boolean);
}

/** Applies the D1 migrations of the fixture in dir to the database bound as binding, in order. */
export async function migrateD1(mf: Miniflare, dir: string, binding = "db"): Promise<void> {
  const db = await mf.getD1Database(binding);
  const migrations = join(dir, "migrations", binding);
  for (const file of readdirSync(migrations).filter((f) => f.endsWith(".sql")).sort()) {
    for (const stmt of statements(readFileSync(join(migrations, file), "utf8"))) await db.prepare(stmt).run();
  }
}

/** Serves the fixture "app" with its bindings and its D1 migrations applied. */
export async function startApp(): Promise<Miniflare> {
  const { dir, script } = await buildFixture("app");
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2026-04-01",
    d1Databases: ["db"],
    kvNamespaces: ["Store"],
    r2Buckets: ["Bucket"],
    durableObjects: { Counter: { className: "Counter", useSQLite: true } },
    bindings: { GREETING: "Hello" },
  });
  await migrateD1(mf, dir);
  return mf;
}
