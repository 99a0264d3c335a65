// The weather API against its OpenAPI description: Schemathesis reads the
// openapi.json the app serves (src/api/main.ts: serveOpenApi), whose
// server is the app under wrangler dev, sends generated requests, valid
// and invalid, with the API token, and checks that no answer is a 5xx and
// that every answer (status, Content-Type, headers, body) is one the
// document describes. Its hooks (contract_hooks.py) keep the keys it gives
// new objects small, so the tests that share the local D1 after it still
// get keys they can use. make contract-deps installs Schemathesis in .venv,
// pinned by e2e/requirements.txt.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { useApp } from "cloesce-e2e";
import { createClient } from "../.cloesce/client";
import { withToken } from "./token";

const app = useApp();

const schemathesis = fileURLToPath(new URL("../../../.venv/bin/schemathesis", import.meta.url));
const hooks = fileURLToPath(new URL("./contract_hooks.py", import.meta.url));

/** What the document must hold for every answer; other checks (say, that the app takes every valid-looking save) are not the contract. */
const checks = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance", "response_schema_conformance"];

it("answers every request as its openapi.json says, never with a 5xx", async () => {
  expect(existsSync(schemathesis), `${schemathesis} is missing: run make contract-deps`).toBe(true);
  // Run in a directory of its own: nothing Schemathesis writes lands in the repository.
  const dir = mkdtempSync(join(tmpdir(), "cloesce-contract-"));
  try {
    // The served document names the server it came from: no --url.
    const document = `${app.url}/api/openapi.json`;
    const header = `Authorization: ${withToken.headers.Authorization}`;
    // A fixed seed and one worker: the same requests every run (and
    // Hypothesis on Python 3.11 can fail to generate with several threads).
    const args = ["run", document, "--header", header, "--checks", checks.join(","), "--max-examples", "25", "--seed", "20260401", "--workers", "1"];
    const run = await promisify(execFile)(schemathesis, [...args, "--generation-database", "none", "--no-color"], {
      cwd: dir,
      env: { ...process.env, SCHEMATHESIS_HOOKS: hooks },
      maxBuffer: 16 << 20,
    }).then(
      (r) => ({ ok: true, output: r.stdout + r.stderr }),
      (e: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, output: `${e.stdout ?? ""}${e.stderr ?? e.message}` }),
    );
    expect(run.ok, run.output).toBe(true);
    expect(run.output).toMatch(/\d+ generated, \d+ passed/);
    // The writes got past the token: the saves were answered, not all refused.
    expect(app.logs()).toMatch(/POST \/api\/WeatherReport\/\$save 200/);
    // And left the keys the database generates small (contract_hooks.py).
    const api = createClient({ baseUrl: `${app.url}/api`, headers: withToken.headers });
    const next = await api.WeatherReport.$save({ title: "After the contract", description: "keys stay small", weatherEntries: [] });
    expect(next.status).toBe(200);
    expect(next.data!.id).toBeLessThan(2_000_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
