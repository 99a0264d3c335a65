// The weather app's Worker: /api/* is the Cloesce app, everything else is
// the page Vite built (the `assets` of wrangler.jsonc). The app is built
// once, with hooks around every API request: CORS (a preflight answered,
// the headers on every response, so the page also works from another
// origin, say Vite's dev server) and the API token that writes need. It
// also serves its OpenAPI description at /api/openapi.json.
import { HttpResult, type Di } from "cloesce";
import * as clo from "@cloesce/backend.js";
import openapi from "@cloesce/openapi.json";

/** The generated bindings plus the page's files. */
interface WorkerEnv extends clo.CfEnv {
  ASSETS: Fetcher;
}

const API_PREFIX = "/api/";

const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type, Authorization",
  "Access-Control-Expose-Headers": "Allow, Content-Length, Content-Type, ETag, WWW-Authenticate",
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

/** The Weather methods; CRUD for both models comes from the generated sources. */
const Weather = clo.Weather.impl({
  async uploadPhoto(self, env, s) {
    const type = mediaType(env.Request.headers.get("Content-Type"));
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

/** The challenges of a 401 (RFC 6750): for a request without a bearer token, and for one with a wrong token. */
const NO_TOKEN = 'Bearer realm="weather"';
const WRONG_TOKEN = 'Bearer realm="weather", error="invalid_token"';

/**
 * Writes (every method that is not a GET: the saves and the photo upload)
 * need `Authorization: Bearer <API_TOKEN>`; reads stay open. The 401 says
 * how to authenticate (WWW-Authenticate, RFC 6750), with
 * error="invalid_token" when a token came but is not the one.
 */
async function requireToken(di: Di): Promise<HttpResult<never> | undefined> {
  if (di.request.method === "GET") return undefined;
  const given = /^Bearer +(\S+) *$/i.exec(di.request.headers.get("Authorization") ?? "")?.[1];
  if (given === undefined) return unauthorized(NO_TOKEN, "writes need the API token: Authorization: Bearer <API_TOKEN>");
  const expected = di.get("API_TOKEN") as clo.Env.API_TOKEN;
  if (expected === "") console.error("API_TOKEN is empty, so every write is refused: copy .dev.vars.example to .dev.vars");
  if (expected === "" || !(await sameToken(given, expected))) return unauthorized(WRONG_TOKEN, "the API token is wrong");
  return undefined;
}

function unauthorized(challenge: string, message: string): HttpResult<never> {
  return HttpResult.fail(401, message, { "WWW-Authenticate": challenge });
}

/**
 * Whether two tokens are equal, compared by their SHA-256 digests, every
 * byte: the time taken tells nothing of where a guess differs from the
 * token.
 */
async function sameToken(a: string, b: string): Promise<boolean> {
  const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < da.length; i++) diff |= da[i]! ^ db[i]!;
  return diff === 0;
}

const app = clo
  .cloesce()
  .register(Weather)
  .serveOpenApi(openapi)
  .onRequest((request) => {
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
    return undefined;
  })
  .onRoute(requireToken)
  .onResponse((response) => {
    // Every answer: results, refusals (401, 404, 405, 400) and streams.
    for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  });

export default {
  fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith(API_PREFIX)) return env.ASSETS.fetch(request);
    return app.run(request, env);
  },
} satisfies ExportedHandler<WorkerEnv>;
