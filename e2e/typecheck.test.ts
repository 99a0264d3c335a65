// Every prepared project — its worker, its tests and the code generated
// for it — must type-check under tsc --strict, as a user's project would.

import { existsSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { it } from "vitest";
import { command } from "./harness/exec";
import { projects, repo, workRoot } from "./harness/projects";

const tsc = join(repo, "node_modules", ".bin", "tsc");

const strict = {
  strict: true,
  noEmit: true,
  target: "ES2022",
  module: "ES2022",
  moduleResolution: "bundler",
  resolveJsonModule: true,
  skipLibCheck: true,
  noUnusedLocals: true,
  noImplicitOverride: true,
};

/** Runs tsc on a config; its diagnostics are the failure message. */
async function typecheck(config: string): Promise<void> {
  await command(tsc, ["-p", config], repo);
}

const all = projects();
const own = all.filter((p) => existsSync(join(p.dir, "tsconfig.json")));
const plain = all.filter((p) => !own.includes(p));

it.each(own.map((p) => [p.name, p] as const))("%s type-checks with its own tsconfig.json", async (_, p) => {
  await typecheck(join(p.work, "tsconfig.json"));
});

// Projects without a tsconfig.json are checked together: workers against
// the Workers types, tests against Node's.
it("workers of the fixtures type-check against @cloudflare/workers-types", async () => {
  const path = join(workRoot, "tsconfig.workers.json");
  const dirs = plain.map((p) => relative(workRoot, p.work));
  writeFileSync(path, JSON.stringify({
    compilerOptions: { ...strict, lib: ["ES2022"], types: ["@cloudflare/workers-types"] },
    include: dirs.map((d) => `${d}/**/*.ts`),
    exclude: dirs.map((d) => `${d}/**/*.test.ts`),
  }, null, 2));
  await typecheck(path);
});

it("tests of the fixtures type-check against Node and the DOM", async () => {
  const path = join(workRoot, "tsconfig.tests.json");
  writeFileSync(path, JSON.stringify({
    compilerOptions: { ...strict, lib: ["ES2022", "DOM", "DOM.Iterable"], types: ["node"] },
    include: plain.map((p) => `${relative(workRoot, p.work)}/**/*.test.ts`),
  }, null, 2));
  await typecheck(path);
});
