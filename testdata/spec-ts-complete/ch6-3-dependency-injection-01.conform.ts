// The env the do_stuff stub receives holds the injected bindings (Bucket
// with its helpers, the database and the variable).
import * as clo from "@cloesce/backend.js";

type Env = Parameters<clo.Person.Api["do_stuff"]>[1];
export function conform(env: Env) {
  const db: D1Database = env.Db;
  const bucket: R2Bucket = env.Bucket;
  const secret: string = env.SECRET;
  return { db, bucket, secret };
}
