// Takes a PNG of the running weather app (make run) in headless Chromium,
// after using the page the way a person would: it enters the API token
// (API_TOKEN of the example's .dev.vars, which make run serves with), fills
// in a report with two entries, saves it, and uploads a photo for the first
// entry.
//
//   node examples/weather/scripts/screenshot.mjs [out.png] [url]
//
// Needs /usr/bin/chromium (apt-get install -y chromium; make screenshot
// does that).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const out = resolve(process.argv[2] ?? "weather.png");
const url = process.argv[3] ?? "http://localhost:5000/";

const devVars = new URL("../.dev.vars", import.meta.url);
const token = /^API_TOKEN *= *"?([^"\n]*)"?$/m.exec(readFileSync(devVars, "utf8"))?.[1];
if (!token) throw new Error(`${devVars.pathname} sets no API_TOKEN: make run writes it from .dev.vars.example`);

// What Chromium needs in a container without a GPU, a sandbox or the internet.
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const profile = mkdtempSync(join(tmpdir(), "weather-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args,
  viewport: { width: 1100, height: 900 },
});
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(url);
  await page.locator("#reports").getByText("Loading…").waitFor({ state: "detached" });

  await page.getByLabel("API token").fill(token);
  const title = `Coastal week ${new Date().toISOString().slice(0, 10)}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Description").fill("Morning and afternoon readings along the coast");
  await page.getByRole("button", { name: "Add entry" }).click();
  const entries = [
    ["Bergen", "2026-03-01T09:00", "4", "Rain"],
    ["Stavanger", "2026-03-01T15:30", "7", "Partly cloudy"],
  ];
  const rows = page.locator("#entry-rows tr");
  for (const [i, [location, dateTime, temperature, condition]] of entries.entries()) {
    const row = rows.nth(i);
    await row.locator('input[name="location"]').fill(location);
    await row.locator('input[name="dateTime"]').fill(dateTime);
    await row.locator('input[name="temperature"]').fill(temperature);
    await row.locator('input[name="condition"]').fill(condition);
  }
  const saving = page.waitForResponse((res) => res.url().endsWith("/WeatherReport/$save"));
  await page.getByRole("button", { name: "Save report" }).click();
  const saved = await saving;
  if (!saved.ok()) throw new Error(`saving the report failed: ${saved.status()} ${await saved.text()}`);

  // The new report's card, by its first entry's upload input: an earlier
  // run may have left a report of the same title.
  const upload = page.getByLabel(`Photo for entry ${(await saved.json()).weatherEntries[0].id}`, { exact: true });
  const card = page.locator("article.card", { has: upload });
  const photo = await page.evaluate(drawPhoto);
  await upload.setInputFiles({
    name: "bergen.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from(photo, "base64"),
  });
  await card.locator(".photo img").first().waitFor();
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));

  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

/** Runs in the page: a small JPEG of a rainy sky, as base64. */
function drawPhoto() {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 200;
  const ctx = canvas.getContext("2d");
  const sky = ctx.createLinearGradient(0, 0, 0, 200);
  sky.addColorStop(0, "#6f8297");
  sky.addColorStop(1, "#c9d3dc");
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, 320, 200);
  ctx.fillStyle = "#3e5366";
  ctx.fillRect(0, 150, 320, 50);
  ctx.strokeStyle = "rgba(255,255,255,0.6)";
  for (let i = 0; i < 60; i++) {
    const x = (i * 53) % 320;
    const y = (i * 37) % 150;
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x - 4, y + 12);
    ctx.stroke();
  }
  return canvas.toDataURL("image/jpeg", 0.9).split(",")[1];
}
