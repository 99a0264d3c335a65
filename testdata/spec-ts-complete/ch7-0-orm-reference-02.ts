import { Orm } from "cloesce";
import { Boss, type Env } from "@cloesce/backend.js";
declare const env: Env;
export { mapped };
