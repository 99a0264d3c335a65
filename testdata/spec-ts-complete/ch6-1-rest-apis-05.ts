import { HttpResult } from "@cloesce/backend.js";
