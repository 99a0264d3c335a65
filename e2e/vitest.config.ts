// The end-to-end suite: every project (e2e/fixtures/*, examples/*) is
// prepared once by the global setup, then each test file serves its own
// project with wrangler dev and drives it through the generated client.

import { resolve as resolvePath, dirname } from "node:path";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { inWork, isInside, projectOf, repo } from "./harness/projects";

/**
 * Tests import their project's generated code by its real path
 * (../.cloesce/client); this sends those imports to the work copy, which
 * was compiled for the port the test's wrangler dev listens on.
 */
function generatedFromWork(): Plugin {
  return {
    name: "cloesce-e2e-work-copy",
    enforce: "pre",
    async resolveId(source, importer) {
      if (!importer || !source.startsWith(".")) return null;
      const project = projectOf(importer);
      if (!project || isInside(importer, project.work)) return null;
      const target = resolvePath(dirname(importer), source);
      if (!isInside(target, resolvePath(project.dir, ".cloesce"))) return null;
      return this.resolve(inWork(project, target), importer, { skipSelf: true });
    },
  };
}

export default defineConfig({
  root: repo,
  plugins: [generatedFromWork()],
  test: {
    include: ["e2e/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/.work/**"],
    globalSetup: ["e2e/harness/setup.ts"],
    // Each test file runs its own wrangler dev (workerd); two at a time suit a 2-core machine.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
