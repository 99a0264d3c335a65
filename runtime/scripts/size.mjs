// Reports what the runtime adds to a deployed worker: compiles the weather
// sample, bundles it with `wrangler deploy --dry-run --outdir` (as a
// deployment would, minified), and prints the bundle's size and the
// runtime's share of it, raw and gzip.
//
//   node runtime/scripts/size.mjs

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const repo = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "cloesce-size-"));
cpSync(join(repo, "testdata/samples/weather.clo"), join(dir, "schema.clo"));
writeFileSync(join(dir, "main.ts"), 'export { default } from "./.cloesce/backend.js";\n');
writeFileSync(
  join(dir, "wrangler.toml"),
  ['name = "weather-size"', 'main = "main.ts"', 'compatibility_date = "2026-04-01"', "", "[alias]", `cloesce = "${join(repo, "runtime/src/index.ts")}"`, ""].join("\n"),
);
execFileSync("go", ["build", "-o", join(dir, "cloesce"), "./cmd/cloesce"], { cwd: repo });
execFileSync(join(dir, "cloesce"), ["compile", dir]);
execFileSync(join(repo, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--minify", "--outdir", "out"], {
  cwd: dir,
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  stdio: "pipe",
});
const bundle = readFileSync(join(dir, "out", "main.js"));

// The runtime alone, minified the same way: everything the package exports
// that generated code reaches.
const runtime = await build({
  entryPoints: [join(repo, "runtime/src/index.ts")],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "neutral",
  write: false,
});
const rt = Buffer.from(runtime.outputFiles[0].contents);
const kb = (n) => (n / 1024).toFixed(1) + " KB";
console.log(`weather worker bundle (wrangler --dry-run --minify): ${kb(bundle.length)} raw, ${kb(gzipSync(bundle).length)} gzip`);
console.log(`cloesce runtime alone (minified):                  ${kb(rt.length)} raw, ${kb(gzipSync(rt).length)} gzip`);
console.log(`target: runtime <= 25 KB gzip`);
