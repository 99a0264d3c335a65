// The weather page: lists reports with their entries, creates a report with
// entries in one nested save, and uploads and shows a photo per entry, all
// through the client Cloesce generated from the schema.
import { type HttpResult, Weather, WeatherReport } from "@cloesce/client.js";

const errorBox = element("error", HTMLDivElement);
const form = element("report-form", HTMLFormElement);
const entryRows = element("entry-rows", HTMLTableSectionElement);
const reportList = element("reports", HTMLDivElement);

/** The element with this id, which the page must have. */
function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no #${id}`);
  return el;
}

/** A new element with attributes and children (appendChild: see tsconfig.json on append). */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  for (const child of children) el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  return el;
}

/** Shows a failed call's message and each invalid parameter. */
function showError(what: string, res: HttpResult<unknown>): void {
  errorBox.replaceChildren(h("strong", {}, `${what} failed (${res.status || "network"}): `), res.message ?? "unknown error");
  if (res.errors?.length) {
    errorBox.appendChild(h("ul", {}, ...res.errors.map((e) => h("li", {}, h("code", {}, e.param), ` ${e.message}`))));
  }
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.hidden = true;
  errorBox.replaceChildren();
}

/** A row of the new report's entries table. */
function addEntryRow(): void {
  const remove = h("button", { type: "button", class: "link", title: "Remove this entry" }, "✕");
  const row = h(
    "tr",
    {},
    h("td", {}, h("input", { name: "location", required: "", placeholder: "Oslo" })),
    h("td", {}, h("input", { name: "dateTime", type: "datetime-local", required: "" })),
    // step=any: the API, not the browser, rejects a temperature that is not an int.
    h("td", {}, h("input", { name: "temperature", type: "number", step: "any", required: "", class: "narrow" })),
    h("td", {}, h("input", { name: "condition", required: "", placeholder: "Sunny" })),
    h("td", {}, remove),
  );
  remove.addEventListener("click", () => row.remove());
  entryRows.appendChild(row);
}

/** The value of the named input in row. */
function field(row: Element, name: string): string {
  const input = row.querySelector(`input[name="${name}"]`);
  return input instanceof HTMLInputElement ? input.value : "";
}

async function saveReport(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const data = new FormData(form);
  const res = await WeatherReport.$save({
    title: String(data.get("title")),
    description: String(data.get("description")),
    weatherEntries: [...entryRows.rows].map((row) => ({
      location: field(row, "location"),
      dateTime: new Date(field(row, "dateTime")),
      temperature: Number(field(row, "temperature")),
      condition: field(row, "condition"),
    })),
  });
  if (!res.ok) return showError("Saving the report", res);
  clearError();
  form.reset();
  entryRows.replaceChildren();
  addEntryRow();
  await loadReports();
}

/** Loads and shows an entry's photo into slot, or says there is none. */
async function showPhoto(entry: Weather, slot: HTMLElement): Promise<void> {
  const res = await entry.downloadPhoto();
  if (res.ok && res.data) {
    const src = URL.createObjectURL(await res.data.blob());
    const img = h("img", { src, alt: `${entry.location}, ${entry.condition}` });
    img.addEventListener("load", () => URL.revokeObjectURL(src), { once: true });
    slot.replaceChildren(img);
  } else if (res.status === 404) {
    slot.replaceChildren(h("span", { class: "muted" }, "No photo"));
  } else {
    showError(`Loading the photo of entry ${entry.id}`, res);
  }
}

async function uploadPhoto(entry: Weather, file: File, slot: HTMLElement): Promise<void> {
  const res = await entry.uploadPhoto(file);
  if (!res.ok) return showError(`Uploading a photo for entry ${entry.id}`, res);
  clearError();
  await showPhoto(entry, slot);
}

function entryRow(entry: Weather): HTMLTableRowElement {
  const slot = h("div", { class: "photo" }, h("span", { class: "muted" }, "…"));
  const input = h("input", { type: "file", accept: "image/*", "aria-label": `Photo for entry ${entry.id}` });
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    if (file) void uploadPhoto(entry, file, slot);
  });
  void showPhoto(entry, slot);
  return h(
    "tr",
    {},
    h("td", {}, entry.location),
    h("td", {}, entry.dateTime.toLocaleString()),
    h("td", { class: "number" }, `${entry.temperature} °C`),
    h("td", {}, entry.condition),
    h("td", {}, slot, h("label", { class: "upload" }, "Upload photo", input)),
  );
}

function reportCard(report: WeatherReport): HTMLElement {
  const entries = report.weatherEntries.length
    ? h(
        "table",
        { class: "entries" },
        h("thead", {}, h("tr", {}, ...["Location", "Date and time", "Temperature", "Condition", "Photo"].map((t) => h("th", {}, t)))),
        h("tbody", {}, ...report.weatherEntries.map(entryRow)),
      )
    : h("p", { class: "muted" }, "No entries.");
  return h("article", { class: "card" }, h("h3", {}, report.title), h("p", {}, report.description), entries);
}

async function loadReports(): Promise<void> {
  const res = await WeatherReport.$list(null, 50);
  if (!res.ok || !res.data) return showError("Loading the reports", res);
  reportList.replaceChildren(
    ...(res.data.length ? res.data.map(reportCard) : [h("p", { class: "muted" }, "No reports yet: create one above.")]),
  );
}

element("add-entry", HTMLButtonElement).addEventListener("click", addEntryRow);
form.addEventListener("submit", (event) => void saveReport(event));
addEntryRow();
void loadReports();
