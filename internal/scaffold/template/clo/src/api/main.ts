// The Worker. The generated backend (.cloesce/backend.ts) routes, validates
// and runs the CRUD endpoints by itself; this file supplies the methods the
// schema declares in `api` blocks.
import * as clo from "@cloesce/backend.js";

const TodoList = clo.TodoList.impl({
  add(self, env, text) {
    return clo.Item.GeneratedSource.Default.save(env, { listId: self.id, text, done: false });
  },
});

export default {
  async fetch(request: Request, env: clo.CfEnv): Promise<Response> {
    return clo.cloesce(env).register(TodoList).run(request);
  },
};
