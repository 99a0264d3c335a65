// Keys of KV and R2 templates and names of Durable Object instances, filled
// from values. A value may never widen the key it fills: with "/" or ".."
// a template could reach another template's keys, so such values are
// refused (DESIGN §3.9).

/** A value that cannot fill a key; the router answers 400. */
export class KeyError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = "KeyError";
  }
}

/** Returns the text of one key segment, refusing values that would escape it. */
export function segment(param: string, value: unknown): string {
  if (value === null || value === undefined) {
    throw new KeyError(param, `${param} is required to build the key`);
  }
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (text === "" || text === "." || text === ".." || text.includes("/")) {
    throw new KeyError(param, `${param} cannot be ${JSON.stringify(text)} in a key: it must be non-empty, not "." or "..", and contain no "/"`);
  }
  return text;
}

const placeholder = /\{([^{}]+)\}/g;

/** Fills the `{name}` placeholders of format from values. */
export function fillKey(format: string, values: Readonly<Record<string, unknown>>): string {
  return format.replace(placeholder, (_, name: string) => segment(name, values[name]));
}

/**
 * Checks each placeholder of format that values gives a value (the others
 * are left for later): throws KeyError for one that cannot fill a key.
 */
export function checkKey(format: string, values: Readonly<Record<string, unknown>>): void {
  for (const m of format.matchAll(placeholder)) {
    const v = values[m[1]!];
    if (v !== null && v !== undefined) segment(m[1]!, v);
  }
}

/** Fills format's placeholders, in order, from positional arguments. */
export function fillKeyArgs(format: string, names: readonly string[], args: readonly unknown[]): string {
  const values: Record<string, unknown> = {};
  names.forEach((n, i) => (values[n] = args[i]));
  return fillKey(format, values);
}

/**
 * The prefix of format fixed by the leading parameters given in args
 * (names in template order): format up to its first placeholder whose
 * parameter has no value, the placeholders before it filled as fillKey
 * does. Every given value is checked as a key segment, so a prefix can
 * never reach outside its template. With no values this is the text
 * before the first placeholder; with all of them, the whole key.
 */
export function keyPrefix(format: string, names: readonly string[], args: readonly unknown[]): string {
  if (args.length > names.length) throw new TypeError(`a prefix of ${JSON.stringify(format)} takes at most ${names.length} value(s), got ${args.length}`);
  const values = new Map<string, string>();
  args.forEach((v, i) => values.set(names[i]!, segment(names[i]!, v)));
  let out = "";
  let last = 0;
  for (const m of format.matchAll(placeholder)) {
    const v = values.get(m[1]!);
    if (v === undefined) return out + format.slice(last, m.index);
    out += format.slice(last, m.index) + v;
    last = m.index + m[0].length;
  }
  return out + format.slice(last);
}

/** Reports whether every placeholder of format has a non-null value. */
export function keyResolvable(format: string, values: Readonly<Record<string, unknown>>): boolean {
  for (const m of format.matchAll(placeholder)) {
    const v = values[m[1]!];
    if (v === null || v === undefined) return false;
  }
  return true;
}

/** The name of a Durable Object instance: "Binding/shard1/shard2". */
export function durableName(binding: string, names: readonly string[], values: readonly unknown[]): string {
  return [binding, ...values.map((v, i) => segment(names[i] ?? `shard ${i + 1}`, v))].join("/");
}
