/**
 * A value held in Workers KV with its metadata. `raw` is the stored value
 * (decoded from JSON); nothing checks that it has the declared type V, so
 * `value` is a cast.
 */
export class KValue<V> {
  constructor(
    public raw: unknown | null = null,
    public metadata: unknown | null = null,
  ) {}

  get value(): V | null {
    return this.raw as V | null;
  }

  /** The wire form: KValue travels as `{raw, metadata}`. */
  toJSON(): { raw: unknown; metadata: unknown } {
    return { raw: this.raw ?? null, metadata: this.metadata ?? null };
  }
}
