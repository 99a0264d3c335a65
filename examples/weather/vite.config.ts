// The page is built from src/web into dist/, the directory wrangler.jsonc
// serves as the Worker's static assets. Under `vite` (the dev server) the
// page still calls the API at workers_url, which answers with CORS headers.
import { copyFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/**
 * Gives wrangler dev its local secrets: copies .dev.vars.example to
 * .dev.vars (gitignored) when there is none. Here because building the
 * page is the step both `make run` and the end-to-end harness take before
 * starting wrangler dev; an existing .dev.vars is left as it is.
 */
function devVars(): Plugin {
  const path = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  return {
    name: "weather-dev-vars",
    buildStart() {
      if (!existsSync(path(".dev.vars"))) copyFileSync(path(".dev.vars.example"), path(".dev.vars"));
    },
  };
}

export default defineConfig({
  root: "src/web",
  plugins: [devVars()],
  resolve: {
    // `@cloesce/client.js` is the generated .cloesce/client.ts (tsconfig.json maps it the same way).
    alias: [{ find: /^@cloesce\/(.*)\.js$/, replacement: fileURLToPath(new URL("./.cloesce/$1.ts", import.meta.url)) }],
  },
  build: {
    outDir: "../../dist",
    emptyOutDir: true,
  },
});
