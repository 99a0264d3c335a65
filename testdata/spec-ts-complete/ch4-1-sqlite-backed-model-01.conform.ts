// The client class of the D1 `User`: id and name (no tenant).
import { User } from "@cloesce/client.js";

export const user: { id: number; name: string } = new User();
// @ts-expect-error only a Durable Object backed User has a tenant
export const tenant: string = new User().tenant;
