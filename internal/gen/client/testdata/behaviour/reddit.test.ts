// The reddit client: Durable-Object-backed models whose keys include the
// shard, plain-old-object results, and every way a call can fail.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AuthResult,
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

describe("reddit", () => {
  it("exposes a problem's detail as the message and its errors", async () => {
    const errors = [{ param: "username", message: "must be at least 3 characters" }];
    const { fetch } = fakeFetch(problem(400, "invalid parameter username", errors));
    const result = await User.login("al", fetch);

    expect(result.ok).toBe(false);
    expect(result.status).toBe(400);
    expect(result.message).toBe("invalid parameter username");
    expect(result.errors).toEqual(errors);
    expect(result.data).toBeUndefined();
    expect(result.headers.get("Content-Type")).toBe("application/problem+json");
  });

  it("uses the body text as the message when the error is not a problem", async () => {
    const { fetch } = fakeFetch(
      new Response("upstream timed out", { status: 502, headers: { "Content-Type": "text/plain" } }),
      new Response(null, { status: 404, statusText: "Not Found" }),
      new Response("{not json", { status: 500, headers: { "Content-Type": "application/problem+json" } }),
    );

    const proxy = await User.login("alice", fetch);
    expect(proxy.ok).toBe(false);
    expect(proxy.status).toBe(502);
    expect(proxy.message).toBe("upstream timed out");
    expect(proxy.errors).toBeUndefined();

    const empty = await User.$get("alice", fetch);
    expect(empty.status).toBe(404);
    expect(empty.message).toBe("404 Not Found");

    const broken = await User.$get("alice", fetch);
    expect(broken.status).toBe(500);
    expect(broken.message).toBe("{not json");
  });

  it("returns status 0 with the error's message on a network failure", async () => {
    const { fetch, sent } = fakeFetch(new TypeError("fetch failed"));
    const result = await SubReddit.list(fetch);

    expect(sent).toHaveLength(1);
    expect(result).toBeInstanceOf(HttpResult);
    expect(result.ok).toBe(false);
    expect(result.status).toBe(0);
    expect(result.message).toBe("fetch failed");
    expect(result.headers).toBeInstanceOf(Headers);
  });

  it("fails without throwing when a successful body is not JSON", async () => {
    const { fetch } = fakeFetch(new Response("<html>", { status: 200 }));
    const result = await SubReddit.list(fetch);

    expect(result.ok).toBe(false);
    expect(result.status).toBe(200);
    expect(result.message).toMatch(/JSON/);
  });

  it("addresses an instance by its shard and key, percent-encoded", async () => {
    const post = Post.fromJson({ id: 9, subId: "a b/c?", author: "ann", title: "t", content: "c", upvotes: 1 });
    const { fetch, sent } = fakeFetch(json({ ...post, upvotes: 2 }));
    const result = await post.vote("a b/c?", 1, fetch);

    expect(sent[0]!.url).toBe("http://localhost:8787/Post/a%20b%2Fc%3F/9/vote");
    expect(sent[0]!.method).toBe("POST");
    expect(sentJson(sent[0])).toEqual({ subId: "a b/c?", delta: 1 });
    expect(result.data).toBeInstanceOf(Post);
    expect(result.data!.upvotes).toBe(2);
    expect(result.data!.comments).toEqual([]);
  });

  it("sends an instance method's parameters in the query of a GET", async () => {
    const sub = SubReddit.fromJson({ subId: "r1", metadata: { name: "R", description: "d" } });
    const { fetch, sent } = fakeFetch(json([{ id: 1, subId: "r1", comments: [{ id: 2, postId: 1 }] }]));
    const result = await sub.feed("r1", fetch);

    expect(sub.metadata).toBeInstanceOf(SubRedditMeta);
    expect(sent[0]!.url).toBe("http://localhost:8787/SubReddit/r1/feed?subId=r1");
    expect(result.data![0]).toBeInstanceOf(Post);
    expect(result.data![0]!.comments[0]!.postId).toBe(1);
  });

  it("decodes plain old objects, Durable Object storage and R2 fields", async () => {
    const user = { username: "ann", profile: { posts: [1], comments: [], subReddits: ["r1"] }, avatar: r2("avatars/ann.png") };
    const { fetch, sent } = fakeFetch(json({ token: "tok", user }), json(user), json([{ subId: "r1", name: "R" }]));

    const login = await User.login("ann", fetch);
    expect(sentJson(sent[0])).toEqual({ username: "ann" });
    expect(login.data).toBeInstanceOf(AuthResult);
    expect(login.data!.user).toBeInstanceOf(User);
    expect(login.data!.user.profile).toBeInstanceOf(Profile);

    const got = await User.$get("ann", fetch);
    expect(sent[1]!.url).toBe("http://localhost:8787/User/$get?username=ann");
    expect(got.data!.profile!.subReddits).toEqual(["r1"]);
    expect(got.data!.avatar).toBeInstanceOf(R2Object);
    expect(got.data!.avatar!.uploaded).toBeInstanceOf(Date);

    const list = await SubReddit.list(fetch);
    expect(list.data![0]).toBeInstanceOf(SubRedditEntry);
  });

  it("sends through the fetchImpl given, so callers can add headers", async () => {
    const { fetch, sent } = fakeFetch(json({ subId: "r1", metadata: { name: "R", description: "d" } }));
    const authed: typeof globalThis.fetch = (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: "Bearer t" } });
    const result = await SubReddit.create({ name: "R", description: "d" }, authed);

    expect(sent[0]!.headers.get("Authorization")).toBe("Bearer t");
    expect(sent[0]!.headers.get("Content-Type")).toBe("application/json");
    expect(sentJson(sent[0])).toEqual({ meta: { name: "R", description: "d" } });
    expect(result.data).toBeInstanceOf(SubReddit);
    expect(result.data!.metadata).toBeInstanceOf(SubRedditMeta);
  });

  it("uploads and downloads an avatar", async () => {
    const user = User.fromJson({ username: "ann" });
    const { fetch, sent } = fakeFetch(json(null), new Response(new Uint8Array([1])));
    const blob = new Blob([new Uint8Array([1, 2])]);
    const up = await user.uploadAvatar(blob, fetch);
    const down = await user.downloadAvatar(fetch);

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
    expectTypeOf(Post.$list).parameters.toEqualTypeOf<[string, number | null, number, (typeof fetch)?]>();
    expectTypeOf(Post.prototype.vote).parameters.toEqualTypeOf<[string, number, (typeof fetch)?]>();
  });
});
