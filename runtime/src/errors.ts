// Errors the ORM and router raise on purpose. Each carries the HTTP status
// it answers with; anything else thrown is a 500 whose details stay in the
// log (DESIGN §3.11).

import type { ParamProblem } from "./http.js";

export class CloesceError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: ParamProblem[],
  ) {
    super(message);
    this.name = "CloesceError";
  }
}

/**
 * Classifies a database failure: a violated constraint is the request's
 * fault (409 for a duplicate key, 400 otherwise), anything else is ours.
 */
export function databaseError(e: unknown): unknown {
  const message = e instanceof Error ? e.message : String(e);
  // D1 appends ": SQLITE_CONSTRAINT (extended: ...)" to SQLite's message; only the columns are kept.
  const m = /(UNIQUE|PRIMARY KEY|FOREIGN KEY|NOT NULL|CHECK) constraint failed(?:: (?!SQLITE_)((?:(?!: SQLITE_)[^\n])*))?/i.exec(message);
  if (!m) return e;
  const kind = m[1]!.toUpperCase();
  const where = m[2] ? ` (${m[2].trim()})` : "";
  switch (kind) {
    case "UNIQUE":
    case "PRIMARY KEY":
      return new CloesceError(409, `an object with the same unique value already exists${where}`);
    case "FOREIGN KEY":
      return new CloesceError(400, "a referenced object does not exist, or other objects still reference this one");
    default:
      return new CloesceError(400, `a ${kind.toLowerCase()} constraint failed${where}`);
  }
}

/** Whether e is SQLite refusing a write that would break a foreign key. */
export function isForeignKeyFailure(e: unknown): boolean {
  return /FOREIGN KEY constraint failed/i.test(e instanceof Error ? e.message : String(e));
}
