// Applies the migrations that `cloesce migrate` writes for a Durable Object
// to its SQLite storage, each exactly once. The generated Durable Object
// base class calls this inside blockConcurrencyWhile, so no request sees a
// half-migrated object.

/** A migration module of a Durable Object, as `cloesce migrate` writes it. */
export interface DurableMigration {
  /** `<timestamp>_<name>`: recorded once applied, so it must be unique. */
  readonly id: string;
  /** Unix seconds; migrations apply in this order. */
  readonly timestamp: number;
  readonly name: string;
  /** Runs the migration's statements. */
  up(sql: SqlStorage): void;
}

/** The table recording applied migrations, next to the models' tables. */
const TABLE = "_cloesce_migrations";

/**
 * Applies the migrations not applied yet, in timestamp order (then id).
 * Each runs in its own transaction together with the row recording it,
 * so a migration that throws leaves nothing behind, is not recorded, and
 * runs again the next time; the error is rethrown and later migrations
 * wait. Synchronous, like Durable Object SQL.
 */
export function applyDurableMigrations(storage: DurableObjectStorage, migrations: readonly DurableMigration[]): void {
  if (migrations.length === 0) return;
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`durable migration "${m.id}" is listed twice; migration ids must be unique`);
    ids.add(m.id);
  }
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS "${TABLE}" ("id" TEXT PRIMARY KEY, "applied_at" INTEGER NOT NULL)`);
  const applied = new Set(
    sql
      .exec<{ id: string }>(`SELECT "id" FROM "${TABLE}"`)
      .toArray()
      .map((row) => row.id),
  );
  const pending = migrations
    .filter((m) => !applied.has(m.id))
    .sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const m of pending) {
    try {
      storage.transactionSync(() => {
        m.up(sql);
        sql.exec(`INSERT INTO "${TABLE}" ("id", "applied_at") VALUES (?, ?)`, m.id, Date.now());
      });
    } catch (err) {
      throw new Error(`durable migration "${m.id}" failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }
}
