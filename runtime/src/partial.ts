/** A recursively optional object: what a save accepts. Dates, blobs, streams and KV values stay whole. */
export type DeepPartial<T> = T extends Date | Uint8Array | ReadableStream | { raw: unknown; metadata: unknown }
  ? T
  : T extends (infer E)[]
    ? DeepPartial<E>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;
