// Counts the D1 work of each request, for bench/run.mjs's counting pass:
// when the variable COUNT_D1 is set, the worker's handler sees a D1
// binding that tallies executed statements, batch() calls and the rows
// D1 reports reading (meta.rows_read, what D1 bills), and the response
// carries the tallies in x-d1-statements, x-d1-batches and x-d1-rows-read.
// The timed runs leave COUNT_D1 unset, so they measure the bare binding.

export interface Tally {
  statements: number;
  batches: number;
  rowsRead: number;
}

type Handler<E> = (request: Request, env: E) => Promise<Response>;

/** Wraps a worker's fetch handler with the counting pass. */
export function withCounting<E extends { db: D1Database; COUNT_D1?: string }>(handle: Handler<E>): Handler<E> {
  return async (request, env) => {
    if (!env.COUNT_D1) return handle(request, env);
    const tally: Tally = { statements: 0, batches: 0, rowsRead: 0 };
    const res = await handle(request, { ...env, db: countingD1(env.db, tally) });
    const out = new Response(res.body, res);
    out.headers.set("x-d1-statements", String(tally.statements));
    out.headers.set("x-d1-batches", String(tally.batches));
    out.headers.set("x-d1-rows-read", String(tally.rowsRead));
    return out;
  };
}

/** Adds the rows a result's meta reports read. */
function countRows(tally: Tally, result: { meta?: { rows_read?: number } } | undefined) {
  tally.rowsRead += result?.meta?.rows_read ?? 0;
}

/**
 * A D1 binding that counts into tally: each statement executed on its own,
 * and each batch() call with its statements, and the rows each reads.
 * Methods are called on the real objects (workerd's bindings reject a
 * proxy as `this`). first() and raw() return no meta, so here they are
 * served by all() (whose rows keep their columns' order; the benchmark's
 * queries name each column once) to read it.
 */
export function countingD1(db: D1Database, tally: Tally): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const all = async () => {
      tally.statements++;
      const result = await stmt.all<Record<string, unknown>>();
      countRows(tally, result);
      return result;
    };
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== "function") return v;
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (prop === "all") return all;
        if (prop === "run") {
          return async () => {
            tally.statements++;
            const result = await target.run();
            countRows(tally, result);
            return result;
          };
        }
        if (prop === "first") {
          return async (column?: string) => {
            const row = (await all()).results[0] ?? null;
            return column === undefined || row === null ? row : row[column];
          };
        }
        if (prop === "raw") {
          return async (opts?: { columnNames?: boolean }) => {
            const rows = (await all()).results;
            const values = rows.map((r) => Object.values(r));
            return opts?.columnNames ? [Object.keys(rows[0] ?? {}), ...values] : values;
          };
        }
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
          return target.batch(stmts.map((s) => real.get(s) ?? s)).then((results) => {
            for (const r of results) countRows(tally, r);
            return results;
          });
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
