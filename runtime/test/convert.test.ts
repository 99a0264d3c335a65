// Unit tests of value conversions that need no storage.

import { describe, expect, it } from "vitest";
import { fromVar } from "../src/convert.js";

describe("fromVar", () => {
  it("gives strings from .dev.vars the declared type", () => {
    expect(fromVar("N", "int", "3")).toBe(3);
    expect(fromVar("N", "int", "-12")).toBe(-12);
    expect(fromVar("R", "real", "0.25")).toBe(0.25);
    expect(fromVar("B", "bool", "true")).toBe(true);
    expect(fromVar("B", "bool", "false")).toBe(false);
    expect(fromVar("J", "json", '{"max":10}')).toEqual({ max: 10 });
  });

  it("keeps values wrangler already typed, and strings of string-like types", () => {
    expect(fromVar("N", "int", 42)).toBe(42);
    expect(fromVar("B", "bool", true)).toBe(true);
    expect(fromVar("J", "json", { a: [1] })).toEqual({ a: [1] });
    expect(fromVar("J", "json", "plain text")).toBe("plain text");
    expect(fromVar("S", "string", "42")).toBe("42");
    expect(fromVar("D", "date", "2025-01-02")).toBe("2025-01-02");
  });

  it.each([
    ["int", "3.5"],
    ["int", ""],
    ["real", "fast"],
    ["bool", "yes"],
  ] as const)("refuses a %s variable with the value %j", (type, value) => {
    expect(() => fromVar("X", type, value)).toThrow(`cloesce: variable X is declared ${type} but its value is ${JSON.stringify(value)}`);
  });
});
