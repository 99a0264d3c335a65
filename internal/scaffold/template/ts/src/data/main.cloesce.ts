// The Wrangler environment and the custom main. `cloesce compile` reads
// the @WranglerEnv class for the bindings it adds to wrangler.jsonc, and
// the Worker it generates (.cloesce/workers.ts) calls main for every
// request that is not for a file of src/web.
import { CloesceApp, WranglerEnv } from "cloesce/backend";

@WranglerEnv
export class Env {
    db: D1Database;
    bucket: R2Bucket;
    myVariable: string;
}

// The app routes the request to the models; around it, CORS headers let a
// page served from another origin (a Vite dev server, say) call the API.
export default async function main(
    request: Request,
    env: Env,
    app: CloesceApp,
    ctx: ExecutionContext
): Promise<Response> {
    const cors = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
    };
    if (request.method === "OPTIONS") {
        return new Response(null, { status: 204, headers: cors });
    }
    const response = await app.run(request, env);
    for (const [name, value] of Object.entries(cors)) {
        response.headers.set(name, value);
    }
    return response;
}
