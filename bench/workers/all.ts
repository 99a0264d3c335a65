// The three workers behind one `wrangler dev`, so that their requests can
// be interleaved second by second against the same D1 database: the first
// path segment names the worker (/cloesce/Post/$get?id=1), the rest is its
// request. Each bundle is still measured on its own (wrangler.<name>.toml).
import cloesce from "./cloesce.js";
import hand from "./hand.js";
import hono from "./hono.js";

type Env = Parameters<typeof hand.fetch>[1] & Parameters<typeof cloesce.fetch>[1] & Parameters<typeof hono.fetch>[1];

const workers: Record<string, { fetch(request: Request, env: Env): Promise<Response> }> = { cloesce, hand, hono };

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const [, name = "", ...rest] = url.pathname.split("/");
    const worker = workers[name];
    if (!worker) return Promise.resolve(new Response("no such worker", { status: 404 }));
    url.pathname = `/${rest.join("/")}`;
    return worker.fetch(new Request(url, request), env);
  },
};
