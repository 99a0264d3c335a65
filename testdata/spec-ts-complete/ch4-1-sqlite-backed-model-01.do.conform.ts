// The client class of the Durable Object backed `User`: id, name and tenant.
import { User } from "@cloesce/client.js";

export const user: { id: number; name: string; tenant: string } = new User();
