// Runs the client helpers' unit tests in Node:
//   npx vitest run --root internal/gen/client/helpers
// (go test ./internal/gen/client runs them too). Vite's cache goes to the
// repository's node_modules rather than beside the tests.
import { defineConfig } from "vitest/config";

export default defineConfig({
  cacheDir: "../../../../node_modules/.vite/client-helpers",
  test: { include: ["*.test.ts"] },
});
