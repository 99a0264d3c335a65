// Counts the D1 work of each request, for bench/run.mjs's counting pass:
// when the variable COUNT_D1 is set, the worker's handler sees a D1
// binding that tallies executed statements and batch() calls, and the
// response carries the tallies in x-d1-statements and x-d1-batches. The
// timed runs leave COUNT_D1 unset, so they measure the bare binding.

export interface Tally {
  statements: number;
  batches: number;
}

type Handler<E> = (request: Request, env: E) => Promise<Response>;

/** Wraps a worker's fetch handler with the counting pass. */
export function withCounting<E extends { db: D1Database; COUNT_D1?: string }>(handle: Handler<E>): Handler<E> {
  return async (request, env) => {
    if (!env.COUNT_D1) return handle(request, env);
    const tally: Tally = { statements: 0, batches: 0 };
    const res = await handle(request, { ...env, db: countingD1(env.db, tally) });
    const out = new Response(res.body, res);
    out.headers.set("x-d1-statements", String(tally.statements));
    out.headers.set("x-d1-batches", String(tally.batches));
    return out;
  };
}

const executing = new Set<PropertyKey>(["first", "all", "run", "raw"]);

/**
 * A D1 binding that counts into tally: each statement executed on its own,
 * and each batch() call with its statements. Methods are called on the real
 * objects (workerd's bindings reject a proxy as `this`).
 */
export function countingD1(db: D1Database, tally: Tally): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (executing.has(prop)) tally.statements++;
        return v.bind(target);
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          tally.batches++;
          tally.statements += stmts.length;
          return target.batch(stmts.map((s) => real.get(s) ?? s));
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
