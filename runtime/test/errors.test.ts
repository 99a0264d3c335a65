import { describe, expect, it } from "vitest";
import { CloesceError, databaseError } from "../src/errors.js";

describe("databaseError", () => {
  it.each([
    ["UNIQUE constraint failed: User.username", 409, "an object with the same unique value already exists (User.username)"],
    [
      "D1_ERROR: UNIQUE constraint failed: User.email, User.dogId: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)",
      409,
      "an object with the same unique value already exists (User.email, User.dogId)",
    ],
    ["D1_ERROR: PRIMARY KEY constraint failed: SQLITE_CONSTRAINT", 409, "an object with the same unique value already exists"],
    ["D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT", 400, "a referenced object does not exist, or other objects still reference this one"],
    ["NOT NULL constraint failed: User.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)", 400, "a not null constraint failed (User.name)"],
  ])("classifies %j", (message, status, detail) => {
    const e = databaseError(new Error(message));
    expect(e).toBeInstanceOf(CloesceError);
    expect((e as CloesceError).status).toBe(status);
    expect((e as CloesceError).message).toBe(detail);
  });

  it("passes other failures through", () => {
    const e = new Error("D1_ERROR: no such table: User");
    expect(databaseError(e)).toBe(e);
  });
});
