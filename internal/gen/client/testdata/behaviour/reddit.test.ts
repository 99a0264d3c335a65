// The reddit client: Durable-Object-backed models whose keys include the
// shard, plain-old-object results, and every way a call can fail.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AuthResult,
  type CallOptions,
  createClient,
  HttpResult,
  Post,
  Profile,
  R2Object,
  SubReddit,
  SubRedditEntry,
  SubRedditMeta,
  User,
} from "../reddit/client.js";
import { fakeFetch, json, problem, r2, sentJson } from "./fake.js";

type Client = ReturnType<typeof createClient>;

describe("reddit", () => {
  it("exposes a problem's detail as the message and its errors", async () => {
    const errors = [{ param: "username", message: "must be at least 3 characters" }];
    fakeFetch(problem(400, "invalid parameter username", errors));
    const result = await User.login("al");

    expect(result.ok).toBe(false);
    expect(result.status).toBe(400);
    expect(result.message).toBe("invalid parameter username");
    expect(result.errors).toEqual(errors);
    expect(result.data).toBeUndefined();
    expect(result.headers.get("Content-Type")).toBe("application/problem+json");
  });

  it("uses the body text as the message when the error is not a problem", async () => {
    fakeFetch(
      new Response("upstream timed out", { status: 502, headers: { "Content-Type": "text/plain" } }),
      new Response(null, { status: 404, statusText: "Not Found" }),
      new Response("{not json", { status: 500, headers: { "Content-Type": "application/problem+json" } }),
    );

    const proxy = await User.login("alice");
    expect(proxy.ok).toBe(false);
    expect(proxy.status).toBe(502);
    expect(proxy.message).toBe("upstream timed out");
    expect(proxy.errors).toBeUndefined();

    const empty = await User.$get("alice");
    expect(empty.status).toBe(404);
    expect(empty.message).toBe("404 Not Found");

    const broken = await User.$get("alice");
    expect(broken.status).toBe(500);
    expect(broken.message).toBe("{not json");
  });

  it("returns status 0 with the error's message on a network failure", async () => {
    const { sent } = fakeFetch(new TypeError("fetch failed"));
    const result = await SubReddit.list();

    expect(sent).toHaveLength(1);
    expect(result).toBeInstanceOf(HttpResult);
    expect(result.ok).toBe(false);
    expect(result.status).toBe(0);
    expect(result.message).toBe("fetch failed");
    expect(result.headers).toBeInstanceOf(Headers);
  });

  it("fails without throwing when a successful body is not JSON", async () => {
    fakeFetch(new Response("<html>", { status: 200 }));
    const result = await SubReddit.list();

    expect(result.ok).toBe(false);
    expect(result.status).toBe(200);
    expect(result.message).toMatch(/JSON/);
  });

  it("addresses an instance by its shard and key, percent-encoded", async () => {
    const post = Post.fromJson({ id: 9, subId: "a b/c?", author: "ann", title: "t", content: "c", upvotes: 1 });
    const { sent } = fakeFetch(json({ ...post, upvotes: 2 }));
    const result = await post.vote("a b/c?", 1);

    expect(sent[0]!.url).toBe("http://localhost:8787/Post/a%20b%2Fc%3F/9/vote");
    expect(sent[0]!.method).toBe("POST");
    expect(sentJson(sent[0])).toEqual({ subId: "a b/c?", delta: 1 });
    expect(result.data).toBeInstanceOf(Post);
    expect(result.data!.upvotes).toBe(2);
    expect(result.data!.comments).toEqual([]);
  });

  it("sends an instance method's parameters in the query of a GET", async () => {
    const sub = SubReddit.fromJson({ subId: "r1", metadata: { name: "R", description: "d" } });
    const { sent } = fakeFetch(json([{ id: 1, subId: "r1", comments: [{ id: 2, postId: 1 }] }]));
    const result = await sub.feed("r1");

    expect(sub.metadata).toBeInstanceOf(SubRedditMeta);
    expect(sent[0]!.url).toBe("http://localhost:8787/SubReddit/r1/feed?subId=r1");
    expect(result.data![0]).toBeInstanceOf(Post);
    expect(result.data![0]!.comments[0]!.postId).toBe(1);
  });

  it("decodes plain old objects, Durable Object storage and R2 fields", async () => {
    const user = { username: "ann", profile: { posts: [1], comments: [], subReddits: ["r1"] }, avatar: r2("avatars/ann.png") };
    const { sent } = fakeFetch(json({ token: "tok", user }), json(user), json([{ subId: "r1", name: "R" }]));

    const login = await User.login("ann");
    expect(sentJson(sent[0])).toEqual({ username: "ann" });
    expect(login.data).toBeInstanceOf(AuthResult);
    expect(login.data!.user).toBeInstanceOf(User);
    expect(login.data!.user.profile).toBeInstanceOf(Profile);

    const got = await User.$get("ann");
    expect(sent[1]!.url).toBe("http://localhost:8787/User/$get?username=ann");
    expect(got.data!.profile!.subReddits).toEqual(["r1"]);
    expect(got.data!.avatar).toBeInstanceOf(R2Object);
    expect(got.data!.avatar!.uploaded).toBeInstanceOf(Date);

    const list = await SubReddit.list();
    expect(list.data![0]).toBeInstanceOf(SubRedditEntry);
  });

  it("sends through a client made by createClient, with its fetch and headers", async () => {
    const { fetch, sent } = fakeFetch(json({ subId: "r1", metadata: { name: "R", description: "d" } }), json([]));
    let token = 0;
    const api = createClient({ baseUrl: "https://api.test/v2/", fetch, headers: async () => ({ Authorization: `Bearer ${++token}` }) });
    const result = await api.SubReddit.create({ name: "R", description: "d" }, { headers: { "X-Trace": "t1" } });
    await api.SubReddit.list();

    expect(sent[0]!.url).toBe("https://api.test/v2/SubReddit/create");
    expect(sent[0]!.headers.get("Authorization")).toBe("Bearer 1");
    expect(sent[0]!.headers.get("X-Trace")).toBe("t1");
    expect(sent[0]!.headers.get("Content-Type")).toBe("application/json");
    expect(sentJson(sent[0])).toEqual({ meta: { name: "R", description: "d" } });
    expect(result.data).toBeInstanceOf(SubReddit);
    expect(result.data!.metadata).toBeInstanceOf(SubRedditMeta);
    expect(sent[1]!.headers.get("Authorization")).toBe("Bearer 2");
    expect(sent[1]!.headers.has("X-Trace")).toBe(false);
  });

  it("gives a failed result for an aborted call, and calls instance methods with the object first", async () => {
    const controller = new AbortController();
    const api = createClient({
      baseUrl: "http://localhost:8787",
      fetch: (_input, init) => new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))),
    });
    const pending = api.SubReddit.list({ signal: controller.signal });
    controller.abort();
    const aborted = await pending;
    expect([aborted.ok, aborted.status]).toEqual([false, 0]);
    expect(aborted.message).toMatch(/abort/i);

    const { sent } = fakeFetch(json(null));
    const post = Post.fromJson({ subId: "r1", id: 9 });
    await createClient({ baseUrl: "http://other.test", fetch: globalThis.fetch }).Post.vote(post, "u", 1);
    expect(sent[0]!.url).toBe("http://other.test/Post/r1/9/vote");
  });

  it("uploads and downloads an avatar", async () => {
    const user = User.fromJson({ username: "ann" });
    const { sent } = fakeFetch(json(null), new Response(new Uint8Array([1])));
    const blob = new Blob([new Uint8Array([1, 2])]);
    const up = await user.uploadAvatar(blob);
    const down = await user.downloadAvatar();

    expect(sent[0]!.url).toBe("http://localhost:8787/User/ann/uploadAvatar");
    expect(sent[0]!.method).toBe("PUT");
    expect(sent[0]!.body).toBe(blob);
    expect(up.ok).toBe(true);
    expect(sent[1]!.url).toBe("http://localhost:8787/User/ann/downloadAvatar");
    expect(sent[1]!.body).toBeUndefined();
    expectTypeOf(down).toEqualTypeOf<HttpResult<Response>>();
    expect(down.data).toBeInstanceOf(Response);
  });

  it("types a sharded list", () => {
    // The last parameter holds the call's options and the list's query.
    type Query = NonNullable<Parameters<typeof Post.$list>[3]>;
    expectTypeOf(Post.$list).parameters.toEqualTypeOf<[string, number | null, number, Query?]>();
    expectTypeOf<Query>().toMatchTypeOf<CallOptions>();
    expectTypeOf<Query["where"]>().toEqualTypeOf<Post.Where | undefined>();
    expectTypeOf<Query["order"]>().toEqualTypeOf<Post.OrderBy | `-${Post.OrderBy}` | undefined>();
    expectTypeOf(Post.prototype.vote).parameters.toEqualTypeOf<[string, number, CallOptions?]>();
    expectTypeOf<Parameters<Client["Post"]["vote"]>>().toEqualTypeOf<[Post, string, number, CallOptions?]>();
  });
});
