import { Person } from "@cloesce/client.js";
export { result };
