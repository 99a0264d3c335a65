// The counting pass of make bench on its own (bench/requests.mjs,
// countAndCompare): the D1 statements and batch() calls of each operation
// on each worker, after checking that the three workers answer alike. It
// takes about a minute; the timed run takes much longer.
//
//   node bench/count.mjs        (after make build runtime)

import { rmSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./dev.mjs";
import { LABELS, OPS, WORKERS, countAndCompare, prepare } from "./requests.mjs";

// Inside the repository, where the workers' imports resolve; git ignores bench/.work.
const work = join(repo, "bench/.work/count");
try {
  prepare(work);
  const counts = await countAndCompare(work);
  console.log("D1 statements / batch() calls per operation (the three workers answer alike)");
  for (const op of Object.keys(OPS)) {
    for (const w of WORKERS) console.log(`  ${op.padEnd(12)} ${LABELS[w].padEnd(13)} ${counts[w][op].statements} / ${counts[w][op].batches}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
