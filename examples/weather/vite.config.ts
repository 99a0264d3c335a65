// The page is built from src/web into dist/, the directory wrangler.jsonc
// serves as the Worker's static assets. Under `vite` (the dev server) the
// page still calls the API at workers_url, which answers with CORS headers.
import { defineConfig } from "vite";

export default defineConfig({
  root: "src/web",
  build: {
    outDir: "../../dist",
    emptyOutDir: true,
  },
});
