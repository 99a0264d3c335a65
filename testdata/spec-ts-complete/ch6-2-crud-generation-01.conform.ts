// The client's $save takes a DeepPartial of the model.
import { type DeepPartial, type HttpResult, Person } from "@cloesce/client.js";

export const save: (model: DeepPartial<Person>) => Promise<HttpResult<Person>> = Person.$save;
