// What the three workers share besides the schema: the instance method's
// result and its validation rules, written once so that only the framework
// around them differs.

/** The post's score if it were rated `stars` by each commenter. */
export function rating(post: { score: number; comments?: unknown[] }, stars: number): number {
  return post.score + stars * (post.comments?.length ?? 0);
}

/** One invalid parameter, as application/problem+json lists it. */
export interface Problem {
  param: string;
  message: string;
}

/** Checks rate's parameters as the schema's validators do: stars an int in [1, 5], reason 3 to 40 characters. */
export function checkRate(body: unknown): { stars: number; reason: string } | Problem[] {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const problems: Problem[] = [];
  const { stars, reason } = b;
  if (typeof stars !== "number" || !Number.isInteger(stars)) problems.push({ param: "stars", message: "must be an integer" });
  else if (stars < 1 || stars > 5) problems.push({ param: "stars", message: "must be between 1 and 5" });
  if (typeof reason !== "string") problems.push({ param: "reason", message: "must be a string" });
  else if ([...reason].length < 3 || [...reason].length > 40) problems.push({ param: "reason", message: "must be 3 to 40 characters" });
  return problems.length > 0 ? problems : { stars: stars as number, reason: reason as string };
}

/** A 404 for a missing post, in the runtime's problem+json shape. */
export function notFound(): Response {
  return Response.json({ type: "about:blank", title: "Not Found", status: 404, detail: "Post not found" }, { status: 404, headers: { "Content-Type": "application/problem+json" } });
}

/** A 400 listing the problems, in the runtime's problem+json shape. */
export function invalid(problems: Problem[]): Response {
  const detail = problems.map((p) => `invalid parameter ${p.param}: ${p.message}`).join("; ");
  return Response.json({ type: "about:blank", title: "Bad Request", status: 400, detail, errors: problems }, { status: 400, headers: { "Content-Type": "application/problem+json" } });
}

/** The post a $save carries: its columns and any number of comments. */
export interface NewPost {
  authorId: number;
  title: string;
  body: string;
  score: number;
  published: boolean;
  comments: { authorId: number; body: string; score: number }[];
}

/** Checks a $save body ({"model": post}) for a new post with its comments. */
export function checkSave(body: unknown): NewPost | Problem[] {
  const m = (body as { model?: unknown } | null)?.model as Record<string, unknown> | undefined;
  if (typeof m !== "object" || m === null) return [{ param: "model", message: "must be an object" }];
  const problems: Problem[] = [];
  const want = (v: unknown, type: string, param: string) => {
    if (type === "int" ? !Number.isInteger(v) : typeof v !== type) problems.push({ param, message: `must be ${type === "int" ? "an integer" : `a ${type}`}` });
  };
  want(m.authorId, "int", "model.authorId");
  want(m.title, "string", "model.title");
  want(m.body, "string", "model.body");
  want(m.score, "int", "model.score");
  want(m.published, "boolean", "model.published");
  const comments = m.comments ?? [];
  if (!Array.isArray(comments)) return [...problems, { param: "model.comments", message: "must be an array" }];
  comments.forEach((c: Record<string, unknown>, i) => {
    want(c?.authorId, "int", `model.comments.${i}.authorId`);
    want(c?.body, "string", `model.comments.${i}.body`);
    want(c?.score, "int", `model.comments.${i}.score`);
  });
  return problems.length > 0 ? problems : ({ ...m, comments } as unknown as NewPost);
}
