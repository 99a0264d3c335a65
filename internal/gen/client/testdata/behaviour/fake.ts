// A fake fetch for the behaviour tests: it records each request a
// generated client makes and answers with the responses it was given.
// It stands in for the global fetch, which the classes' methods (their
// default client) call; vitest restores the real one after each test.

import { vi } from "vitest";

/** A request as the client sent it. */
export interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: BodyInit | null | undefined;
}

/**
 * Returns a fetch that answers each call with the next of responses (an
 * Error is thrown instead, as fetch does on a network failure), and the
 * list of requests it received.
 */
export function fakeFetch(...responses: (Response | Error)[]): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    sent.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: init?.body,
    });
    const next = responses.shift();
    if (next === undefined) {
      throw new Error("no response left for " + String(input));
    }
    if (next instanceof Error) {
      throw next;
    }
    return next;
  };
  vi.stubGlobal("fetch", fetch);
  return { fetch, sent };
}

/** A JSON response, as the runtime sends results. */
export function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/** An application/problem+json error, as the runtime sends failures. */
export function problem(
  status: number,
  detail: string,
  errors?: { param: string; message: string }[],
): Response {
  const body = { type: "about:blank", title: "Bad Request", status, detail, ...(errors ? { errors } : {}) };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

/** The parsed JSON body of a request. */
export function sentJson(s: Sent | undefined): unknown {
  if (typeof s?.body !== "string") {
    throw new Error("the request has no JSON body: " + String(s?.body));
  }
  return JSON.parse(s.body);
}

/** The wire form of an R2 object, with the given key. */
export function r2(key: string) {
  return {
    key,
    version: "v1",
    size: 3,
    etag: "e",
    httpEtag: '"e"',
    uploaded: "2025-03-04T05:06:07.000Z",
    customMetadata: { by: "test" },
  };
}
