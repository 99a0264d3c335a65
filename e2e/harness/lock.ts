// One test file at a time serves a project: its generated client was
// compiled for one port, and its local D1 and R2 state is shared. A project
// with several test files (the weather example's API and browser tests)
// takes turns through a lock file in its work copy.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Project } from "./projects";

/** Waits until this process holds the project's lock; the result releases it. */
export async function lockProject(project: Project, timeoutMs: number): Promise<() => void> {
  const path = join(project.work, ".cloesce", "e2e.lock");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (!holderAlive(path)) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${project.name} stayed locked by another test file (${path}) for ${timeoutMs / 1000}s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether the process that wrote the lock file still runs (a crashed test file leaves its lock behind). */
function holderAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, "utf8"));
  } catch {
    return true; // just released, or being written: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
