// KValue as documented, in both client.ts and backend.ts.
import { KValue as BackendKValue } from "@cloesce/backend.js";
import { KValue as ClientKValue } from "@cloesce/client.js";

interface Documented<V> {
  raw: unknown | null;
  metadata: unknown | null;
  readonly value: V | null;
}

export const fromBackend: Documented<number> = new BackendKValue<number>(1, null);
export const fromClient: Documented<number> = new ClientKValue<number>(1, null);
