// User code against the comprehensive backend.ts, type-checked beside it
// (TestTypeCheck): services with init, value injectables that hooks set,
// Request and Env injected, header parameters, and the hooks' types;
// the @ts-expect-error lines show what must not compile.
import { HttpResult, type Di } from "cloesce";
import * as clo from "./backend.js";

/** A service: init runs once per request, after Clock and before use. */
class Audit extends clo.Audit {
  readonly seen: string[] = [];
  override async init(env: clo.Audit.Deps, request: Request): Promise<void> {
    await env.Main.prepare("SELECT 1").run();
    this.seen.push(request.url, env.Clock.tag);
  }
}

/** A service depending on another, failing the request when it cannot start. */
class Notifier extends clo.Notifier {
  override init(env: clo.Notifier.Deps): HttpResult<never> | undefined {
    return env.Audit instanceof Audit && env.Env.DEBUG !== undefined ? undefined : HttpResult.fail(503, "no audit");
  }
}

class Clock extends clo.Clock {}

export const User = clo.User.impl({
  archive(self, env, reason, ifMatch, note) {
    const locale: string = env.Locale;
    const session: clo.SessionData | null = env.Session;
    const request: Request = env.Request;
    const notifier: clo.Notifier = env.Notifier;
    void [self.id, locale, session, request.url, notifier, reason?.length, ifMatch + 1, note];
  },
  inbox(env, tenant, since, unread) {
    void [env.ctx, tenant.length, since?.getTime(), !unread];
    return [];
  },
  ping(token: string, load: number | null) {
    return token.length > 0 && load !== 0 ? undefined : HttpResult.fail(400, "bad token");
  },
});

export function app(env: clo.CfEnv) {
  return clo
    .cloesce(env)
    .register(new Clock(), new Audit(), new Notifier(), User)
    .onRequest((request, di) => {
      di.set(clo.Locale, request.headers.get("Accept-Language") ?? "en");
    })
    .onRoute((di) => (di.has(clo.Locale) ? undefined : HttpResult.fail(400, "no locale")))
    .onNamespace(clo.User, (di) => {
      di.set(clo.Session, { userId: 1, roles: [] });
    })
    .onMethod(clo.User, "archive", async (di) => {
      const session = di.get(clo.Session);
      const audit: clo.Audit = di.get(clo.Audit);
      return session && audit ? undefined : HttpResult.fail(401, "sign in");
    })
    .onResponse((response) => {
      response.headers.set("Access-Control-Allow-Origin", "*");
    })
    .onError(() => HttpResult.fail(503, "try again later"));
}

export function refused(app: ReturnType<typeof clo.cloesce>, di: Di): unknown[] {
  return [
    // @ts-expect-error User has no method archiv
    () => app.onMethod(clo.User, "archiv", () => undefined),
    // @ts-expect-error a value injectable holds its type
    di.set(clo.Locale, 3),
    // @ts-expect-error nor may a hook answer with anything but an HttpResult or a Response
    app.onRoute(() => 401),
    // @ts-expect-error init receives its [inject] names only
    (env: clo.Audit.Deps) => env.Mailer,
  ];
}
