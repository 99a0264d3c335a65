// Applies a Durable Object's migrations inside the object: each exactly
// once, in timestamp order, each in one storage transaction with the
// record of it, so a failing migration leaves nothing behind and runs
// again next time.

/** A migration module written by `cloesce migrate` for a Durable Object. */
export interface DurableMigration {
  id: string;
  name: string;
  timestamp: number;
  up(sql: SqlStorage): void;
}

const TABLE = `"_cloesce_migrations"`;

/** Applies the migrations not yet applied to storage; returns the ids applied now. */
export function applyDurableMigrations(storage: DurableObjectStorage, migrations: readonly DurableMigration[]): string[] {
  if (migrations.length === 0) return [];
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`cloesce: migration ${m.id} is listed twice`);
    ids.add(m.id);
  }
  storage.sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const applied = new Set(storage.sql.exec<{ id: string }>(`SELECT id FROM ${TABLE}`).toArray().map((r) => r.id));
  const pending = migrations.filter((m) => !applied.has(m.id)).sort((a, b) => a.timestamp - b.timestamp || a.id.localeCompare(b.id));
  for (const m of pending) {
    storage.transactionSync(() => {
      m.up(storage.sql);
      storage.sql.exec(`INSERT INTO ${TABLE} (id, applied_at) VALUES (?, ?)`, m.id, Date.now());
    });
  }
  return pending.map((m) => m.id);
}
