// The weather page in headless Chromium, served by wrangler dev as `make run`
// serves it: a person is asked for the API token when saving without it
// (and told when it is wrong), enters it, creates a report with entries,
// uploads a photo and sees it, and gets a validation error next to the
// field it is about. The whole flow may log no console error and fail no
// request but the refusals it provokes.
//
// Needs Debian's chromium at /usr/bin/chromium (`make browser-deps`, which
// `make test` runs, installs it).
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApp } from "cloesce-e2e";
import { apiToken } from "./token";

const app = useApp();

const executablePath = "/usr/bin/chromium";

// What Chromium needs in a container without a GPU, a sandbox or the
// internet (as scripts/screenshot.mjs launches it).
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let browser: Browser;
let page: Page;

/** Everything that went wrong in the page: console errors, page errors, failed requests, responses of 400 or more. */
const problems: string[] = [];
/** Every request the page made, as "METHOD path". */
const requests: string[] = [];

/** The failures the flow provokes on purpose, as "POST path status": the server refusing a save. */
const provoked: string[] = [];

/** How Chromium logs a response of a failed status in the console. */
const statusText: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized" };

/** The problems so far, less those the flow provoked: each refusal and its console line. */
function unexpected(): string[] {
  const rest = [...problems];
  for (const failure of provoked) {
    const status = Number(failure.split(" ").at(-1));
    const logged = `console: Failed to load resource: the server responded with a status of ${status} (${statusText[status]})`;
    for (const expected of [failure, logged]) {
      const at = rest.indexOf(expected);
      if (at >= 0) rest.splice(at, 1);
    }
  }
  return rest;
}

function path(url: string): string {
  const u = new URL(url);
  return u.origin === app.url ? u.pathname : url;
}

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: install Debian's chromium (make browser-deps, or apt-get install -y chromium)`);
  }
  browser = await chromium.launch({ executablePath, headless: true, args });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("request", (req) => requests.push(`${req.method()} ${path(req.url())}`));
  page.on("requestfailed", (req) => problems.push(`failed: ${req.method()} ${path(req.url())}: ${req.failure()?.errorText}`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`${res.request().method()} ${path(res.url())} ${res.status()}`);
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens the page and waits for the report list. */
async function open(): Promise<void> {
  await page.goto(app.url + "/");
  await page.locator("#reports").getByText("Loading…").waitFor({ state: "detached" });
}

/** Fills row i of the new report's entries. */
async function fillEntry(i: number, location: string, dateTime: string, temperature: string, condition: string): Promise<void> {
  const row = page.locator("#entry-rows tr").nth(i);
  await row.locator('input[name="location"]').fill(location);
  await row.locator('input[name="dateTime"]').fill(dateTime);
  await row.locator('input[name="temperature"]').fill(temperature);
  await row.locator('input[name="condition"]').fill(condition);
}

/** Clicks "Save report" and waits for the server's answer, of this status; a refusal is one the flow provokes. */
async function save(status: number): Promise<void> {
  if (status >= 400) provoked.push(`POST /api/WeatherReport/$save ${status}`);
  const saved = page.waitForResponse((res) => res.url().endsWith("/WeatherReport/$save"));
  await page.getByRole("button", { name: "Save report" }).click();
  expect((await saved).status()).toBe(status);
}

/** Runs in the page: a small PNG drawn on a canvas, as base64. */
function drawPng(): string {
  const canvas = document.createElement("canvas");
  canvas.width = 64;
  canvas.height = 40;
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "#6f8297";
  ctx.fillRect(0, 0, 64, 40);
  ctx.fillStyle = "#f5b301";
  ctx.fillRect(8, 8, 12, 12);
  return canvas.toDataURL("image/png").split(",")[1]!;
}

/** expect.poll with room for a page that talks to a server (playwright-core has no web-first assertions). */
function eventually<T>(value: () => Promise<T> | T) {
  return expect.poll(value, { timeout: 10_000, interval: 100 });
}

describe("the weather page in Chromium", () => {
  const title = `Browser coast ${Date.now()}`;
  const card = () => page.locator("article.card", { hasText: title });
  /** The ids of the report's entries, from their upload inputs. */
  const entryIds = () =>
    card()
      .locator('input[type="file"]')
      .evaluateAll((inputs) => inputs.map((el) => el.getAttribute("aria-label")!.replace("Photo for entry ", "")));
  const downloads = (id: string) => requests.filter((r) => r === `GET /api/Weather/${id}/downloadPhoto`);

  it("loads without a failed request: no favicon or photo probing", async () => {
    await open();
    expect(await page.locator("h1").textContent()).toBe("Weather reports");
    // Headless Chromium asks for no favicon, a browser with a window for
    // /favicon.ico unless the page names one: the page's is inline.
    expect(await page.locator('link[rel="icon"]').getAttribute("href")).toMatch(/^data:image\/svg\+xml,/);
    expect(requests.filter((r) => r.includes("favicon"))).toEqual([]);
    expect(unexpected()).toEqual([]);
  });

  it("asks for the API token when a report is saved without it, and says when the token is wrong", async () => {
    const token = page.getByLabel("API token");
    const note = page.locator("#token + .field-error");
    expect(await token.inputValue()).toBe("");
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Description").fill("Two readings along the coast");
    await page.getByRole("button", { name: "Add entry" }).click();
    await fillEntry(0, "Bergen", "2026-03-01T09:00", "4", "Rain");
    await fillEntry(1, "Stavanger", "2026-03-01T15:30", "7", "Partly cloudy");
    await save(401);

    // The note is written once the 401 has been read: wait for it.
    await eventually(() => note.allTextContents()).toEqual(["enter the API token to save or upload"]);
    expect(await token.getAttribute("aria-invalid")).toBe("true");
    expect(await token.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.locator("#error").isHidden()).toBe(true);

    await token.fill("not-the-token");
    expect(await note.count()).toBe(0); // typing clears the note
    await save(401);
    await eventually(() => note.allTextContents()).toEqual(["this is not the API's token"]);
    // Nothing was saved, and the form still holds the report.
    expect(await card().count()).toBe(0);
    expect(await page.getByLabel("Title").inputValue()).toBe(title);
    expect(unexpected()).toEqual([]);
  });

  it("creates a report with two entries once the token is entered; they have no photo and ask for none", async () => {
    await page.getByLabel("API token").fill(apiToken);
    expect(await page.locator(".field-error").count()).toBe(0);
    await save(200);

    await eventually(() => card().locator("tbody tr").count()).toBe(2);
    expect(await card().locator(".photo").allTextContents()).toEqual(["No photo", "No photo"]);
    const ids = await entryIds();
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(downloads(id)).toEqual([]);
    // The form is ready for the next report.
    expect(await page.getByLabel("Title").inputValue()).toBe("");
    expect(await page.locator("#error").isHidden()).toBe(true);
    expect(unexpected()).toEqual([]);
  });

  it("uploads a PNG and shows it, served as image/png", async () => {
    const [id] = await entryIds();
    const download = page.waitForResponse((res) => res.url().endsWith(`/api/Weather/${id}/downloadPhoto`));
    await card()
      .locator('input[type="file"]')
      .first()
      .setInputFiles({ name: "bergen.png", mimeType: "image/png", buffer: Buffer.from(await page.evaluate(drawPng), "base64") });
    const res = await download;
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/png");

    const img = card().locator(".photo img");
    await img.waitFor();
    await eventually(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(64);
    expect(await card().locator(".photo").nth(1).textContent()).toBe("No photo");
    expect(unexpected()).toEqual([]);
  });

  it("after a reload, remembers the token and downloads the photo that exists and only that one", async () => {
    requests.length = 0;
    await open();
    expect(await page.getByLabel("API token").inputValue()).toBe(apiToken);
    const img = card().locator(".photo img");
    await img.waitFor();
    await eventually(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(64);
    expect(await card().locator(".photo img").count()).toBe(1);
    expect(await card().locator(".photo").nth(1).textContent()).toBe("No photo");

    const [withPhoto, without] = await entryIds();
    expect(downloads(withPhoto!)).toHaveLength(1);
    expect(downloads(without!)).toEqual([]);
    expect(requests.filter((r) => r.includes("favicon"))).toEqual([]);
    expect(unexpected()).toEqual([]);
  });

  it("shows each validation error once, next to its field, in the page's words", async () => {
    const cards = await page.locator("article.card").count();
    const titleInput = page.getByLabel("Title");
    const temperature = page.locator('#entry-rows tr input[name="temperature"]').first();
    await titleInput.fill("   ");
    await page.getByLabel("Description").fill("A blank title and a fractional temperature");
    await fillEntry(0, "Oslo", "2026-03-02T12:00", "21.5", "Sunny");
    await save(400);

    await page.locator(".field-error").first().waitFor();
    expect(await page.locator("#title + .field-error").allTextContents()).toEqual(["must not be blank"]);
    expect(await titleInput.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator('#entry-rows tr input[name="temperature"] + .field-error').allTextContents()).toEqual([
      "must be an integer, got 21.5",
    ]);
    expect(await temperature.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".field-error").count()).toBe(2);
    // Not in the alert box, and no internal path anywhere.
    expect(await page.locator("#error").isHidden()).toBe(true);
    expect(await page.locator("body").innerText()).not.toContain("model.");
    expect(await titleInput.evaluate((el) => el === document.activeElement)).toBe(true);
    // Nothing was saved.
    expect(await page.locator("article.card").count()).toBe(cards);

    // Editing a field clears its error.
    await titleInput.fill("Oslo noon");
    expect(await page.locator("#title + .field-error").count()).toBe(0);
    expect(await titleInput.getAttribute("aria-invalid")).toBeNull();
    expect(await page.locator(".field-error").count()).toBe(1);
  });

  it("logged no console error and failed no request but the refusals it provoked", () => {
    expect(provoked).toEqual(["POST /api/WeatherReport/$save 401", "POST /api/WeatherReport/$save 401", "POST /api/WeatherReport/$save 400"]);
    for (const failure of new Set(provoked)) {
      expect(problems.filter((p) => p === failure)).toHaveLength(provoked.filter((p) => p === failure).length);
    }
    expect(unexpected()).toEqual([]);
  });
});
