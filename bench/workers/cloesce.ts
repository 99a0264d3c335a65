// The Cloesce worker: the code generated from bench/app/schema.clo by
// bin/cloesce, with the one method the schema leaves to the user.
import * as clo from "./.cloesce/backend.js";
import { withCounting } from "./count.js";
import { rating } from "./shared.js";

const Post = clo.Post.impl({
  rate(self, stars) {
    return rating(self, stars);
  },
});

export default {
  fetch: withCounting<clo.CfEnv & { COUNT_D1?: string }>(async (request, env) => clo.cloesce(env).register(Post).run(request)),
};
