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
  "Access-Control-Expose-Headers": "Allow, Content-Length, Content-Type, ETag",
  "Access-Control-Max-Age": "86400",
};

/**
 * The types a photo may be uploaded as: images every browser shows, or
 * bytes of no stated type (the generated client's default). Anything else
 * (text/html, image/svg+xml, ...) would be served back from the page's own
 * origin with that type, so it is refused.
 */
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "application/octet-stream"]);

/** The media type of a Content-Type header, lower case and without parameters. */
function mediaType(header: string | null): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase() || "application/octet-stream";
}

/**
 * The Weather methods for one request (uploadPhoto reads its Content-Type);
 * CRUD for both models comes from the generated sources.
 */
function weather(request: Request) {
  return clo.Weather.impl({
    async uploadPhoto(self, env, s) {
      const type = mediaType(request.headers.get("Content-Type"));
      // Refused before reading: the unread body is discarded.
      if (!PHOTO_TYPES.has(type)) return HttpResult.fail(415, `a photo must be one of ${[...PHOTO_TYPES].join(", ")}, not ${type}`);
      // The type goes with the object (httpMetadata), so the key needs no extension.
      await env.Bucket.put(env.Bucket.photos.template(self.id), s, { httpMetadata: { contentType: type } });
      return HttpResult.ok(200);
    },
    downloadPhoto(self) {
      // The R2Only source hydrates the photo with its body: stream it as it
      // is, with the type it was uploaded as.
      if (!self.photo) return HttpResult.fail(404, `weather entry ${self.id} has no photo`);
      const headers = new Headers({ ETag: self.photo.httpEtag, "X-Content-Type-Options": "nosniff" });
      self.photo.writeHttpMetadata(headers);
      return HttpResult.ok(200, self.photo.body, headers);
    },
  });
}

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
    const res = await clo.cloesce(env).register(weather(request)).run(request);
    return withCors(res);
  },
} satisfies ExportedHandler<WorkerEnv>;
