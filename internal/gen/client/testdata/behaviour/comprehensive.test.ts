// The comprehensive client: every column type, KV values, navigations to
// Worker-served models, partial results, and each verb's body.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type CallOptions,
  createClient,
  type DeepPartial,
  Home,
  HttpResult,
  KValue,
  Page,
  Post,
  PostTag,
  Profile,
  R2Object,
  Reports,
  Settings,
  Tag,
  TenantConfig,
  User,
} from "../comprehensive/client.js";
import { fakeFetch, json, r2, sentJson } from "./fake.js";

const userJson = {
  id: 1,
  name: "Ann",
  email: "ann@example.com",
  score: 1.5,
  avatarKey: null,
  active: true,
  joined: "2024-05-06T07:08:09.000Z",
  photo: "AAEC/f7/", // [0, 1, 2, 253, 254, 255]
  prefs: { theme: "dark", sizes: [1, 2] },
  posts: [
    {
      id: 10,
      authorId: 1,
      replyToId: null,
      code: "0123456789",
      body: "hi",
      tags: [{ postId: 10, tagName: "go", tagCategory: "lang", tag: { name: "go", category: "lang" } }],
    },
  ],
  settings: { raw: { theme: "dark" }, metadata: { v: 1 } },
  avatar: r2("avatars/1.png"),
};

describe("comprehensive", () => {
  it("decodes every column type and the include tree", () => {
    const user = User.fromJson(userJson);

    expect(user).toBeInstanceOf(User);
    expect(user.score).toBe(1.5);
    expect(user.avatarKey).toBeNull();
    expect(user.active).toBe(true);
    expect(user.joined).toEqual(new Date("2024-05-06T07:08:09Z"));
    expect(user.photo).toBeInstanceOf(Uint8Array);
    expect(Array.from(user.photo)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(user.prefs).toEqual({ theme: "dark", sizes: [1, 2] });
    expect(user.settings).toBeInstanceOf(KValue);
    expect(user.settings!.value).toEqual({ theme: "dark" });
    expect(user.settings!.metadata).toEqual({ v: 1 });
    expect(user.avatar).toBeInstanceOf(R2Object);

    const post = user.posts[0]!;
    expect(post).toBeInstanceOf(Post);
    expect(post.replyToId).toBeNull();
    expect(post.author).toBeUndefined();
    expect(post.tags[0]).toBeInstanceOf(PostTag);
    expect(post.tags[0]!.tag).toBeInstanceOf(Tag);
  });

  it("decodes navigations to Worker-served models and KV values", () => {
    const home = Home.fromJson({
      userId: 1,
      today: "2025-06-07T00:00:00.000Z",
      settings: { values: { raw: [1, 2], metadata: null } },
      profile: { userId: 1, day: "2025-06-07T00:00:00.000Z", visits: { raw: 3, metadata: { at: "x" } } },
    });

    expect(home.today).toBeInstanceOf(Date);
    expect(home.settings).toBeInstanceOf(Settings);
    expect(home.settings!.values).toBeInstanceOf(KValue);
    expect(home.settings!.values!.value).toEqual([1, 2]);
    expect(home.profile).toBeInstanceOf(Profile);
    expect(home.profile!.day).toBeInstanceOf(Date);
    expect(home.profile!.visits!.value).toBe(3);
    expect(home.profile!.visits!.metadata).toEqual({ at: "x" });
    expect(home.profile!.picture).toBeUndefined();

    const alone = Home.fromJson({ userId: 2, today: "2025-06-07T00:00:00.000Z" });
    expect(alone.settings).toBeUndefined();
    expect(alone.profile).toBeUndefined();
  });

  it("keeps null options and decodes objects inside them", () => {
    const empty = TenantConfig.fromJson({ name: "t", limits: [1, null], owner: null });
    expect(empty.owner).toBeNull();
    expect(empty.limits).toEqual([1, null]);

    const page = Page.fromJson({ id: 1, title: "p", slug: "s", config: { name: "t", limits: [], owner: userJson } });
    expect(page.config).toBeInstanceOf(TenantConfig);
    expect(page.config!.owner).toBeInstanceOf(User);
    expect(page.config!.owner!.joined).toBeInstanceOf(Date);
  });

  it("sends each verb with its body, and {} when there are no parameters", async () => {
    const user = User.fromJson(userJson);
    const { sent } = fakeFetch(json(userJson), json(null), json(null), json(null));

    const renamed = await user.rename("Annie");
    const touched = await user.touch();
    await user.remove(null);
    await user.upload(new ArrayBuffer(2));

    expect(sent.map((s) => s.method + " " + s.url)).toEqual([
      "POST https://example.com/User/1/rename",
      "PATCH https://example.com/User/1/touch",
      "DELETE https://example.com/User/1/remove",
      "PUT https://example.com/User/1/upload",
    ]);
    expect(sentJson(sent[0])).toEqual({ name: "Annie" });
    expect(sent[1]!.body).toBe("{}");
    expect(sent[1]!.headers.get("Content-Type")).toBe("application/json");
    expect(sentJson(sent[2])).toEqual({ reason: null });
    expect(sent[3]!.body).toBeInstanceOf(ArrayBuffer);
    expect(sent[3]!.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(renamed.data).toBeInstanceOf(User);
    expect(touched.ok).toBe(true);
    expect(touched.data).toBeUndefined();
    expect(touched.mediaType).toBe("json");
  });

  it("sends dates, arrays and blobs in a JSON body", async () => {
    const { sent } = fakeFetch(json([userJson]), json({ total: 3 }));
    const invited = await User.invite("ann@example.com", ["admin", "dev"]);
    const summary = await Reports.summary(new Date("2025-01-01T00:00:00Z"), new Date("2025-02-01T00:00:00Z"));
    const save = fakeFetch(json(userJson));
    await User.$save({ id: 1, photo: new Uint8Array([0, 1, 2, 253, 254, 255]), settings: { raw: 5 } });

    expect(sentJson(sent[0])).toEqual({ email: "ann@example.com", roles: ["admin", "dev"] });
    expect(invited.data![0]).toBeInstanceOf(User);
    expect(sentJson(sent[1])).toEqual({ from: "2025-01-01T00:00:00.000Z", to: "2025-02-01T00:00:00.000Z" });
    expect(summary.data).toEqual({ total: 3 });
    expect(sentJson(save.sent[0])).toEqual({ model: { id: 1, photo: "AAEC/f7/", settings: { raw: 5 } } });
  });

  it("tells a null result from a void one", async () => {
    const { sent } = fakeFetch(json(null), json(3));
    const banner = await User.banner();
    const count = await User.pageCount("my-team");

    expect(banner.ok).toBe(true);
    expect(banner.data).toBeNull();
    expect(sent[1]!.url).toBe("https://example.com/User/pageCount?slug=my-team");
    expect(count.data).toBe(3);
  });

  it("decodes blob arrays, R2 objects and partial results", async () => {
    const { sent } = fakeFetch(
      json(["AAEC/f7/", ""]),
      json(r2("docs/a b")),
      json({ id: 1, joined: "2024-05-06T07:08:09.000Z" }),
    );
    const blobs = await Reports.blobs();
    const object = await Reports.object("docs/a b");
    const lite = await User.fromJson(userJson).lite();

    expect(blobs.data!.map((b) => Array.from(b))).toEqual([[0, 1, 2, 253, 254, 255], []]);
    expect(sent[1]!.url).toBe("https://example.com/Reports/object?key=docs%2Fa+b");
    expect(object.data).toBeInstanceOf(R2Object);
    expect(object.data!.httpEtag).toBe('"e"');
    expect(object.data!.uploaded).toEqual(new Date("2025-03-04T05:06:07Z"));
    expect(sent[2]!.url).toBe("https://example.com/User/1/lite");
    expect(lite.data!.joined).toBeInstanceOf(Date);
    expect(lite.data).not.toHaveProperty("name");
    expectTypeOf(lite).toEqualTypeOf<HttpResult<DeepPartial<User>>>();
  });

  it("uses the CRUD names of every public source", async () => {
    const { sent } = fakeFetch(json([]), json(userJson));
    await User.$list_WithPosts("Smith", 20);
    await User.$save_WithPosts({ name: "Ann", posts: [{ body: "new" }] });

    expect(sent[0]!.url).toBe("https://example.com/User/$list_WithPosts?lastName=Smith&limit=20");
    expect(sentJson(sent[1])).toEqual({ user: { name: "Ann", posts: [{ body: "new" }] } });
    // The internal source Bare has no endpoints.
    expect("$get_Bare" in User).toBe(false);
  });

  it("sends [header] parameters as headers, written as query values are, and the rest in the body", async () => {
    const user = User.fromJson(userJson);
    const { sent } = fakeFetch(json(null), json(null), json([]), json([]));

    await user.archive("spam", 3, "old", { headers: { "X-Reason": "overridden", "X-Trace": "t1" } });
    await user.archive(null, 4, "new");
    await User.inbox("acme", new Date("2025-03-04T05:06:07.089Z"), false);
    await User.inbox("acme", null, true);

    expect(sent[0]!.url).toBe("https://example.com/User/1/archive");
    expect(sentJson(sent[0])).toEqual({ note: "old" });
    expect(sent[0]!.headers.get("Content-Type")).toBe("application/json");
    expect(sent[0]!.headers.get("X-Reason")).toBe("spam"); // the parameter over the call's headers
    expect(sent[0]!.headers.get("If-Match")).toBe("3");
    expect(sent[0]!.headers.get("X-Trace")).toBe("t1");
    expect(sent[1]!.headers.has("X-Reason")).toBe(false); // null sends no header
    expect(sent[1]!.headers.get("If-Match")).toBe("4");
    // A GET's header parameters stay out of the query string.
    expect(sent[2]!.url).toBe("https://example.com/User/inbox");
    expect(sent[2]!.headers.get("X-Tenant")).toBe("acme");
    expect(sent[2]!.headers.get("X-Since")).toBe("2025-03-04T05:06:07.089Z");
    expect(sent[2]!.headers.get("X-Unread")).toBe("false");
    expect(sent[3]!.headers.has("X-Since")).toBe(false);
    expect(sent[3]!.headers.get("X-Unread")).toBe("true");
  });

  it("sends no body for a method whose parameters are headers, one of them required", async () => {
    const { sent } = fakeFetch(json(null), json(null));
    const client = createClient({ baseUrl: "https://api.test", headers: { "X-Token": "client-wide", "X-Load": "9" } });

    await User.ping("t0k", 0.5);
    await client.User.ping("mine", null);

    expect(sent[0]!.method).toBe("POST");
    expect(sent[0]!.body).toBeUndefined();
    expect(sent[0]!.headers.has("Content-Type")).toBe(false);
    expect(sent[0]!.headers.get("X-Token")).toBe("t0k");
    expect(sent[0]!.headers.get("X-Load")).toBe("0.5");
    // Parameters win over the client's headers; a null one leaves the client's.
    expect(sent[1]!.url).toBe("https://api.test/User/ping");
    expect(sent[1]!.headers.get("X-Token")).toBe("mine");
    expect(sent[1]!.headers.get("X-Load")).toBe("9");
    expectTypeOf(User.ping).parameters.toEqualTypeOf<[string, number | null, CallOptions?]>();
  });

  it("sends a stream's bytes as the body and its method's header parameters as headers", async () => {
    const { sent } = fakeFetch(json(null));
    await Reports.store("a.txt", new Uint8Array([1, 2]), null);

    expect(sent[0]!.method).toBe("PUT");
    expect(sent[0]!.body).toEqual(new Uint8Array([1, 2]));
    expect(sent[0]!.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(sent[0]!.headers.get("X-File-Name")).toBe("a.txt");
    expect(sent[0]!.headers.has("Accept-Language")).toBe(false);
  });

  it("types partials: data fields only, deeply optional", () => {
    expectTypeOf<DeepPartial<User>>().toHaveProperty("posts");
    expectTypeOf<DeepPartial<User>["joined"]>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<DeepPartial<User>>().not.toHaveProperty("rename");
    expectTypeOf<DeepPartial<Post>["author"]>().toEqualTypeOf<DeepPartial<User> | undefined>();
    // @ts-expect-error methods are not data
    void User.$save({ rename: () => undefined }, fakeFetch().fetch);
  });
});
