// Serving the compiled OpenAPI description. cloesce compile writes
// <out_path>/openapi.json (docs/openapi.md); an app that opts in
// (app.serveOpenApi(openapi), the JSON imported by the Worker) answers
// GET <workers_url>/openapi.json with it. No model route can take that
// path: a route has two segments or more, and no name holds a dot.

import { problem } from "./http.js";

/** Where an app serves its OpenAPI description, under the path of its workers_url. */
export const OPENAPI_PATH = "/openapi.json";

/** The document's text, made once per document and server (the last one asked for). */
const texts = new WeakMap<object, { server: string; text: string }>();

/**
 * The route of an app whose base path is base (its workers_url's, without
 * a trailing slash) serving document: for a request to
 * `<base>/openapi.json` it answers GET and HEAD with the document as
 * JSON, its servers set to the origin and base the request came to (so
 * that tools call the Worker that served it, wherever it is deployed),
 * and any other verb with 405; for any other path it gives undefined.
 */
export function openApiRoute(document: object, base: string): (request: Request, url: URL) => Response | undefined {
  const path = base + OPENAPI_PATH;
  return (request, url) => {
    if (url.pathname !== path) return undefined;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return problem(405, `${path} takes GET or HEAD, not ${request.method}`, undefined, { Allow: "GET, HEAD" });
    }
    const server = url.origin + base;
    let cached = texts.get(document);
    if (cached?.server !== server) {
      // Spread keeps the document's key order, servers where it was.
      cached = { server, text: JSON.stringify({ ...document, servers: [{ url: server }] }) };
      texts.set(document, cached);
    }
    return new Response(request.method === "HEAD" ? null : cached.text, {
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
  };
}
