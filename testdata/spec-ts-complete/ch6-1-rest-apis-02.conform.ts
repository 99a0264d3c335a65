// The client's Person: an id, and one static method per API method, each
// resolving to an HttpResult (void for del).
import { type HttpResult, Person } from "@cloesce/client.js";

export const person: { id: number } = new Person();
export const byId: (id: number) => Promise<HttpResult<Person>> = Person.by_id;
export const create: (name: string) => Promise<HttpResult<Person>> = Person.create;
export const del: (id: number) => Promise<HttpResult<void>> = Person.del;
