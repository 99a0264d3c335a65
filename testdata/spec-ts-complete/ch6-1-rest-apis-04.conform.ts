// HttpResult as documented, in backend.ts and client.ts: the constructor's
// members in order, and the static ok and fail.
import { HttpResult as Backend } from "@cloesce/backend.js";
import { HttpResult as Client } from "@cloesce/client.js";

export function conform(headers: Headers) {
  const results = [
    new Backend<number>(true, 200, headers, 1, "ok", "json"),
    new Client<number>(true, 200, headers, 1, "ok", "json"),
    Backend.ok<number>(201, 1, { "X-A": "b" }),
    Client.ok<number>(201, 1, { "X-A": "b" }),
  ];
  const failed: (Backend<never> | Client<never>)[] = [Backend.fail(503, "down", [["Retry-After", "1"]]), Client.fail(503, "down")];
  const fields: [boolean, number, Headers, number | undefined, string | undefined][] = results.map((r) => [r.ok, r.status, r.headers, r.data, r.message]);
  return { failed, fields };
}
