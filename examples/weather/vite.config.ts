// The page is built from src/web into dist/, the directory wrangler.jsonc
// serves as the Worker's static assets. Under `vite` (the dev server) the
// page still calls the API at workers_url, which answers with CORS headers.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/web",
  resolve: {
    // `@cloesce/client.js` is the generated .cloesce/client.ts (tsconfig.json maps it the same way).
    alias: [{ find: /^@cloesce\/(.*)\.js$/, replacement: fileURLToPath(new URL("./.cloesce/$1.ts", import.meta.url)) }],
  },
  build: {
    outDir: "../../dist",
    emptyOutDir: true,
  },
});
