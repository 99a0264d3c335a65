import { Orm } from "cloesce";
import { Boss, type Env } from "@cloesce/backend.js";
declare const env: Env;
declare const result: D1Result;
export { hydrated };
