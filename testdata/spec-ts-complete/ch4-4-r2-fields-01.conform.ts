// The client's R2Object has the documented fields and types.
import { R2Object } from "@cloesce/client.js";

interface Documented {
  key: string;
  version: string;
  size: number;
  etag: string;
  httpEtag: string;
  uploaded: Date;
  customMetadata?: Record<string, string>;
}

export const object: Documented = new R2Object();
