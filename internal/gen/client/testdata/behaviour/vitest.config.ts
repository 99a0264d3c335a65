// Runs the generated clients' behaviour tests in Node:
//   npx vitest run --root internal/gen/client/testdata/behaviour
// (go test ./internal/gen/client runs them too). Vite's cache goes to the
// repository's node_modules rather than beside the tests.
import { defineConfig } from "vitest/config";

export default defineConfig({
  cacheDir: "../../../../../node_modules/.vite/client-behaviour",
  test: { include: ["*.test.ts"], unstubGlobals: true },
});
