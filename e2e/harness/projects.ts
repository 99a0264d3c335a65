// Where the end-to-end projects live and where the harness prepares
// them. Setup, the test-side hooks and the import redirect all find a
// project the same way, from this one place.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const workRoot = join(repo, "e2e", ".work");
export const binary = join(workRoot, "bin", "cloesce");
export const wranglerBin = join(repo, "node_modules", ".bin", "wrangler");

/** A user-like application: a schema, a worker and tests. */
export interface Project {
  /** Unique among projects; also the name of its work directory. */
  name: string;
  /** The committed project. */
  dir: string;
  /** The prepared copy the tests run against. */
  work: string;
}

/** What setup records for the tests of a prepared project. */
export interface Prepared {
  port: number;
  /** The D1 bindings whose migrations were applied. */
  d1: string[];
}

/** Every fixture under e2e/fixtures and every example app. */
export function projects(): Project[] {
  const found: Project[] = [];
  const add = (parent: string, prefix: string) => {
    const root = join(repo, parent);
    if (!existsSync(root)) return;
    for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const name = prefix + entry.name;
      found.push({ name, dir: join(root, entry.name), work: join(workRoot, name) });
    }
  };
  add("e2e/fixtures", "");
  add("examples", "example-");
  return found;
}

/** The project holding file (a test file or a module it imports), if any. */
export function projectOf(file: string): Project | undefined {
  return projects().find((p) => isInside(file, p.dir) || isInside(file, p.work));
}

/** The path in the project's work copy that stands for file in the project. */
export function inWork(project: Project, file: string): string {
  return join(project.work, relative(project.dir, file));
}

export function isInside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir + sep);
}

export function preparedPath(project: Project): string {
  return join(project.work, ".cloesce", "e2e.json");
}

export function readPrepared(project: Project): Prepared {
  const path = preparedPath(project);
  if (!existsSync(path)) {
    throw new Error(`project ${project.name} was not prepared (no ${path}); run the tests through e2e/vitest.config.ts`);
  }
  return JSON.parse(readFileSync(path, "utf8")) as Prepared;
}
