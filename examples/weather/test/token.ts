// The API token the app under test runs with: API_TOKEN of the example's
// .dev.vars, which the e2e harness copies into its work copy, or when there
// is none, of .dev.vars.example, which the page build copies to .dev.vars
// there (vite.config.ts).
import { existsSync, readFileSync } from "node:fs";

const file = [".dev.vars", ".dev.vars.example"].map((name) => new URL(`../${name}`, import.meta.url)).find((url) => existsSync(url))!;

/** The token writes must send. */
export const apiToken = /^API_TOKEN *= *"?([^"\n]*)"?$/m.exec(readFileSync(file, "utf8"))?.[1] ?? "";

if (!apiToken) throw new Error(`${file.pathname} sets no API_TOKEN`);

/** Call options (or a client's headers) of a write: the token as a bearer token. */
export const withToken = { headers: { Authorization: `Bearer ${apiToken}` } };
