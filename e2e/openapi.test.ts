// Every OpenAPI description cloesce compile writes (openapi.json) is valid
// OpenAPI 3.1 by a real validator, @seriousme/openapi-schema-validator
// (the specification's JSON Schema, and every $ref resolves): those of the
// samples, of every prepared project (each e2e fixture and example, as
// the global setup compiled it) and the generator's goldens. A broken
// document must fail it, so that a validator that accepts anything
// cannot pass this test.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect, it } from "vitest";
import { command } from "./harness/exec";
import { binary, projects, repo } from "./harness/projects";

/** The problems the validator finds in document, none when it is valid. */
async function problems(document: Record<string, unknown>): Promise<unknown[]> {
  const validator = new Validator();
  const { valid, errors } = await validator.validate(document);
  if (!valid) return Array.isArray(errors) ? errors : [errors ?? "invalid"];
  try {
    validator.resolveRefs();
  } catch (e) {
    return [String(e)];
  }
  return [];
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8"));
}

const samples = readdirSync(join(repo, "testdata", "samples")).filter((f) => f.endsWith(".clo"));

it.each(samples)("the sample %s's document is valid", async (sample) => {
  const dir = mkdtempSync(join(tmpdir(), "cloesce-openapi-"));
  try {
    writeFileSync(join(dir, "schema.clo"), readFileSync(join(repo, "testdata", "samples", sample)));
    await command(binary, ["compile", dir], dir);
    expect(await problems(readJson(join(dir, ".cloesce", "openapi.json")))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it.each(projects().map((p) => [p.name, p] as const))("%s's document is valid", async (_, project) => {
  // Setup wrote the work copy's cloesce.jsonc as plain JSON.
  const out = String(readJson(join(project.work, "cloesce.jsonc")).out_path ?? ".cloesce");
  expect(await problems(readJson(join(project.work, out, "openapi.json")))).toEqual([]);
});

const goldens = join(repo, "internal", "gen", "openapi", "testdata");

it.each(readdirSync(goldens))("the golden %s is valid", async (name) => {
  expect(await problems(readJson(join(goldens, name, "openapi.json")))).toEqual([]);
});

it("finds the mistakes of a broken document", async () => {
  const document = readJson(join(goldens, "weather", "openapi.json"));
  const paths = document.paths as Record<string, Record<string, { parameters?: { required?: boolean }[]; responses?: unknown }>>;
  const upload = paths["/Weather/{id}/uploadPhoto"]!.post!;
  upload.parameters![0]!.required = false; // a path parameter must be required
  expect(await problems(document)).not.toEqual([]);

  const dangling = readJson(join(goldens, "weather", "openapi.json"));
  delete (dangling.components as { schemas: Record<string, unknown> }).schemas.R2Object;
  expect(await problems(dangling)).not.toEqual([]);
});
