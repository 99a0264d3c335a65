// Failure injection for the writes-across-stores tests (stores.test.ts in
// Node, stores-worker.ts inside a Durable Object): bindings that count
// their calls and fail the n-th. No Node imports: the worker bundles it.

/** The failure a Faults throws. */
export class Injected extends Error {}

/**
 * Counts the calls made on bindings it wraps, and fails those whose
 * number is in fail: before the call is sent ("before", nothing
 * happened), or after it took effect ("after", its answer was lost).
 */
export class Faults {
  calls: string[] = [];
  constructor(
    private readonly fail: ReadonlySet<number> = new Set(),
    private readonly when: "before" | "after" = "before",
  ) {}

  /** The binding with the methods named counted, each call passed to it as is. */
  wrap<T extends object>(name: string, target: T, methods: readonly string[]): T {
    const out: Record<string, unknown> = {};
    for (const m of ["prepare", "get", "getWithMetadata", "put", "delete", "list", "head", "batch", "exec"]) {
      const f = (target as Record<string, unknown>)[m];
      if (typeof f !== "function") continue;
      out[m] = methods.includes(m) ? (...args: unknown[]) => this.call(`${name}.${m}`, () => f.apply(target, args)) : f.bind(target);
    }
    return out as T;
  }

  /**
   * A Durable Object's storage with each transactionSync counted as
   * "DO.transaction", a failed one throwing before it runs (a local
   * transaction has no answer to lose: "after" does not apply). Its SQL
   * and key-value storage are passed through.
   */
  wrapDurable(storage: DurableObjectStorage): DurableObjectStorage {
    const transactionSync = <T>(fn: () => T): T => {
      const n = this.count("DO.transaction");
      if (this.fail.has(n)) throw this.injected(n, "DO.transaction", "before");
      return storage.transactionSync(fn);
    };
    return { sql: storage.sql, kv: storage.kv, transactionSync } as DurableObjectStorage;
  }

  private async call(what: string, send: () => Promise<unknown>): Promise<unknown> {
    const n = this.count(what);
    if (!this.fail.has(n)) return send();
    if (this.when === "after") await send();
    throw this.injected(n, what, this.when);
  }

  private count(what: string): number {
    return this.calls.push(what);
  }

  private injected(n: number, what: string, when: string): Injected {
    return new Injected(`injected failure of call ${n}, ${what} (${when})`);
  }
}
