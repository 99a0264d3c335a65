import * as clo from "@cloesce/backend.js";
export { WithDogsOwnersDogs };
