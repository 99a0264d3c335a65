// The KV helpers the listing sketches: template/get/put/list per template,
// on the namespace in the Cloesce environment.
import type { Env, SessionToken } from "@cloesce/backend.js";

export async function conform(env: Env, token: string, session: SessionToken) {
  const keys: string[] = [env.MyNamespace.settings.template(), env.MyNamespace.session.template(token)];
  const settings: unknown = await env.MyNamespace.settings.get();
  const found: SessionToken | null = await env.MyNamespace.session.get(token);
  await env.MyNamespace.settings.put({ theme: "dark" });
  await env.MyNamespace.session.put(token, session);
  const listed: KVNamespaceListResult<unknown, string>[] = [
    await env.MyNamespace.settings.list({ limit: 10, cursor: "c" }),
    await env.MyNamespace.session.list({ limit: 10 }),
  ];
  return { keys, settings, found, listed };
}
