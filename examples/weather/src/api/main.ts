// The weather app's Worker: /api/* is the Cloesce app, everything else is
// the page Vite built (the `assets` of wrangler.jsonc). Every API response
// carries CORS headers, so the page also works from another origin (say,
// Vite's dev server).
import { HttpResult } from "cloesce";
import * as clo from "@cloesce/backend.js";

/** The generated bindings plus the page's files. */
interface WorkerEnv extends clo.CfEnv {
  ASSETS: Fetcher;
}

const API_PREFIX = "/api/";

const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type, Authorization",
  "Access-Control-Expose-Headers": "Allow, Content-Length, Content-Type",
  "Access-Control-Max-Age": "86400",
};

/** The Weather methods; CRUD for both models comes from the generated sources. */
const Weather = clo.Weather.impl({
  async uploadPhoto(self, env, s) {
    await env.Bucket.photos.put(self.id, s);
  },
  downloadPhoto(self) {
    // The R2Only source hydrates the photo with its body: stream it as it is.
    if (!self.photo) return HttpResult.fail(404, `weather entry ${self.id} has no photo`);
    return self.photo.body;
  },
});

/**
 * res with the CORS headers, in a new Response over the same body (nothing
 * is buffered): a response that came from fetch(), such as one forwarded to
 * a Durable Object or the assets, has immutable headers.
 */
function withCors(res: Response): Response {
  const out = new Response(res.body, res);
  for (const [name, value] of Object.entries(CORS_HEADERS)) out.headers.set(name, value);
  return out;
}

export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith(API_PREFIX)) return env.ASSETS.fetch(request);
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
    const res = await clo.cloesce(env).register(Weather).run(request);
    return withCors(res);
  },
} satisfies ExportedHandler<WorkerEnv>;
