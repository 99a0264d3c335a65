// make bench: what users pay for Cloesce, measured in one run on this
// machine (DESIGN §5). Compiler scaling and Go benchmarks; request
// throughput of the generated worker against a hand-written one and Hono +
// Drizzle under wrangler dev; D1 statements per operation, counted; bundle
// sizes. Prints a summary with `ratio <what>: <number>` lines and writes the
// raw figures to bench/results.json.
//
//   node bench/run.mjs          (after make build runtime)
//   BENCH_ROUNDS=4 BENCH_DURATION=5 BENCH_WARMUP=2 BENCH_CONNECTIONS=8

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { dryRunBundle, repo, runWrangler } from "./dev.mjs";
import { LABELS, OPS, WORKERS, countAndCompare, load, prepare } from "./requests.mjs";

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const opts = {
  rounds: env("BENCH_ROUNDS", 4),
  duration: env("BENCH_DURATION", 5),
  warmup: env("BENCH_WARMUP", 2),
  connections: env("BENCH_CONNECTIONS", 8),
  log: (s) => console.log(s),
};
const work = join(repo, "bench/.work");
const GO_PACKAGES = ["syntax/parser", "sema", "sqlgen", "gen/backend", "gen/client", "idl"].map((p) => `./internal/${p}`);

/** Runs cmd in the repository and returns its output; its stderr (progress) goes to ours. */
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const kb = (n) => n / 1024;

function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memory_gb: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    go: sh("go", ["env", "GOVERSION"]),
    wrangler: runWrangler(repo, ["--version"]).trim().split("\n").pop(),
    // Other processes compete for the cores: the load when the run began.
    load_average_at_start: existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "",
  };
}

function compiler() {
  console.log("== compiler: bin/cloesce compile on synthetic schemas");
  return JSON.parse(sh("go", ["run", "./bench/compiler", "-bin", "bin/cloesce"]));
}

/** The Benchmark functions of the compiler's packages on the 1,000-model schema. */
function goBenchmarks() {
  console.log("== go benchmarks (1,000 models)");
  const out = sh("go", ["test", "-run", "^$", "-bench", ".", "-benchmem", ...GO_PACKAGES]);
  const results = [];
  let pkg = "";
  for (const line of out.split("\n")) {
    const p = /^pkg: github.com\/cloesce-go\/cloesce\/(.*)$/.exec(line);
    if (p) pkg = p[1];
    const m = /^Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns\/op(?:\s+[\d.]+ MB\/s)?\s+(\d+) B\/op\s+(\d+) allocs\/op/.exec(line);
    if (m) {
      results.push({ package: pkg, name: m[1], ms: +m[2] / 1e6, mb: +m[3] / 2 ** 20, allocs: +m[4] });
      console.log(`  ${`${pkg} ${m[1]}`.padEnd(46)} ${(+m[2] / 1e6).toFixed(1).padStart(7)} ms  ${(+m[3] / 2 ** 20).toFixed(1).padStart(6)} MB/op`);
    }
  }
  return results;
}

function bundles() {
  console.log("== bundles (wrangler deploy --dry-run --minify)");
  const out = {};
  for (const w of WORKERS) {
    const b = dryRunBundle(work, `wrangler.${w}.toml`, `dist-${w}`);
    out[w] = { raw_kb: kb(b.length), gzip_kb: kb(gzipSync(b).length) };
  }
  // The runtime's own share, as `make size` measures it.
  const size = sh("node", ["runtime/scripts/size.mjs"]);
  const rt = /runtime alone.*?([\d.]+) KB raw, ([\d.]+) KB gzip/.exec(size);
  if (!rt) throw new Error(`unexpected output of runtime/scripts/size.mjs:\n${size}`);
  out.runtime = { raw_kb: +rt[1], gzip_kb: +rt[2] };
  return out;
}

/**
 * Cloesce's requests/s over another worker's for each operation, paired by
 * round: the two ran seconds apart, so a change in the machine's load
 * between rounds cancels out. The median over rounds, and the lowest and
 * highest.
 */
function ratios(samples) {
  const out = {};
  for (const op of Object.keys(OPS)) {
    out[op] = {};
    for (const w of ["hand", "hono"]) {
      const per = [];
      for (let round = 1; round <= opts.rounds; round++) {
        const rps = (worker) => samples.find((x) => x.round === round && x.op === op && x.worker === worker).rps;
        per.push(rps("cloesce") / rps(w));
      }
      out[op][w] = { median: median(per), min: Math.min(...per), max: Math.max(...per), rounds: per };
    }
  }
  return out;
}

/**
 * Per worker, the time of a get of three sibling collections of 60 over
 * that of one collection of 180 (requests/s of the second over the first),
 * paired by round: the median, lowest and highest.
 */
function collectionRatios(samples) {
  const out = {};
  for (const w of WORKERS) {
    const per = [];
    for (const round of new Set(samples.map((x) => x.round))) {
      const rps = (op) => samples.find((x) => x.round === round && x.op === op && x.worker === w)?.rps;
      if (rps("get 3x60") && rps("get 1x180")) per.push(rps("get 1x180") / rps("get 3x60"));
    }
    out[w] = { median: median(per), min: Math.min(...per), max: Math.max(...per), rounds: per };
  }
  return out;
}

/** Per worker and operation: the medians over rounds, and the spread of requests/s. */
function aggregate(samples) {
  const out = {};
  for (const w of WORKERS) {
    out[w] = {};
    for (const op of Object.keys(OPS)) {
      const s = samples.filter((x) => x.worker === w && x.op === op);
      const rps = s.map((x) => x.rps);
      const med = median(rps);
      out[w][op] = {
        rps: med,
        p50: median(s.map((x) => x.p50)),
        p99: median(s.map((x) => x.p99)),
        spread: (Math.max(...rps) - Math.min(...rps)) / med,
        failed: s.reduce((n, x) => n + x.failed, 0),
      };
    }
  }
  return out;
}

function summary(r) {
  const lines = ["", "== summary", `machine: ${r.machine.nproc} cores, ${r.machine.cpu}, ${r.machine.memory_gb} GB, node ${r.machine.node}, ${r.machine.go}, wrangler ${r.machine.wrangler}, load ${r.machine.load_average_at_start}`];
  for (const s of r.compiler.sizes) lines.push(`compile ${String(s.models).padStart(5)} models: best ${s.best_ms.toFixed(1)} ms, median ${s.median_ms.toFixed(1)} ms, CPU ${s.cpu_ms.toFixed(1)} ms, peak RSS ${s.peak_rss_mb.toFixed(0)} MB`);
  lines.push("", `requests (median of ${opts.rounds} rounds × ${opts.duration} s, ${opts.connections} connections; spread = (max - min) / median req/s)`);
  lines.push(`${"op".padEnd(12)} ${"worker".padEnd(13)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"spread".padStart(7)}  D1 statements/batches  rows read  failed`);
  for (const op of Object.keys(OPS)) {
    for (const w of WORKERS) {
      const a = r.requests[w][op];
      const c = r.d1[w][op];
      lines.push(`${op.padEnd(12)} ${LABELS[w].padEnd(13)} ${a.rps.toFixed(0).padStart(7)} ${String(a.p50).padStart(7)} ${String(a.p99).padStart(7)} ${`${(a.spread * 100).toFixed(0)}%`.padStart(7)}  ${`${c.statements}/${c.batches}`.padEnd(22)}${String(c.rowsRead).padStart(9)}  ${a.failed}`);
    }
  }
  lines.push("", "bundles (minified / gzip KB)");
  for (const w of [...WORKERS, "runtime"]) lines.push(`  ${(LABELS[w] ?? "cloesce runtime alone").padEnd(22)} ${r.bundles[w].raw_kb.toFixed(1).padStart(7)} ${r.bundles[w].gzip_kb.toFixed(1).padStart(7)}`);
  lines.push("", "cloesce req/s over the others', paired by round: median (lowest..highest)");
  for (const op of Object.keys(OPS)) {
    const x = r.ratios[op];
    const show = (w) => `${x[w].median.toFixed(2)} (${x[w].min.toFixed(2)}..${x[w].max.toFixed(2)}) vs ${LABELS[w]}`;
    lines.push(`  ${op.padEnd(12)} ${show("hand")}, ${show("hono")}`);
  }
  const show = (w) => {
    const x = r.collections[w];
    return `${LABELS[w]} ${x.median.toFixed(2)} (${x.min.toFixed(2)}..${x.max.toFixed(2)})`;
  };
  lines.push("", `get 3x60 over get 1x180 (time, paired by round): ${WORKERS.map(show).join(", ")}`);
  lines.push("");
  const ratio = (what, x) => lines.push(`ratio ${what}: ${x.toFixed(2)}`);
  const compileTargets = { 100: 10, 1000: 100, 5000: 600 }; // ms, DESIGN §5
  for (const s of r.compiler.sizes) {
    if (compileTargets[s.models]) ratio(`compile ${s.models} models vs ${compileTargets[s.models]} ms target`, s.median_ms / compileTargets[s.models]);
  }
  for (const g of r.compiler.growth) ratio(`compile growth per 10x models ${g.from}->${g.to}`, g.per_10x);
  for (const op of Object.keys(OPS)) {
    for (const w of ["hand", "hono"]) ratio(`${op} vs ${LABELS[w]}`, r.ratios[op][w].median);
  }
  // What three sibling collections of 60 cost against one of 180 (DESIGN §5: at most 2).
  ratio("three-collections vs one", r.collections.cloesce.median);
  for (const w of ["hand", "hono"]) ratio(`bundle gzip vs ${LABELS[w]}`, r.bundles.cloesce.gzip_kb / r.bundles[w].gzip_kb);
  ratio("runtime gzip KB vs 25 KB target", r.bundles.runtime.gzip_kb / 25);
  return lines.join("\n");
}

const started = Date.now();
const results = { date: new Date().toISOString(), options: { ...opts, log: undefined }, machine: machine() };
results.compiler = compiler();
results.go = goBenchmarks();
console.log("== requests: preparing the three workers");
prepare(work);
results.d1 = await countAndCompare(work);
console.log("  the three workers answer every operation with the same JSON");
results.samples = await load(work, opts);
results.requests = aggregate(results.samples);
results.ratios = ratios(results.samples);
results.collections = collectionRatios(results.samples);
results.bundles = bundles();
results.seconds = Math.round((Date.now() - started) / 1000);
writeFileSync(join(repo, "bench/results.json"), JSON.stringify(results, null, 2) + "\n");
console.log(summary(results));
console.log(`\nraw results: bench/results.json (${results.seconds} s)`);
