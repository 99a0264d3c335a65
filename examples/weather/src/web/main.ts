// The weather page: lists reports with their entries, creates a report with
// entries in one nested save, and uploads and shows a photo per entry, all
// through the client Cloesce generated from the schema. Writes send the API
// token the person entered (src/api/main.ts refuses them without it).
import { type CallOptions, type HttpResult, type ParamProblem, Weather, WeatherReport } from "@cloesce/client.js";

const errorBox = element("error", HTMLDivElement);
const form = element("report-form", HTMLFormElement);
const entryRows = element("entry-rows", HTMLTableSectionElement);
const reportList = element("reports", HTMLDivElement);
const tokenInput = element("token", HTMLInputElement);

/** Where this browser remembers the API token. */
const TOKEN_KEY = "weather.apiToken";

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

/**
 * Shows a failed call: its message, or the invalid parameters that are not
 * shown next to a field of the form (see showFieldErrors).
 */
function showError(what: string, res: HttpResult<unknown>, problems: ParamProblem[] | undefined = res.errors): void {
  const heading = h("strong", {}, `${what} failed (${res.status || "network"})`);
  if (problems?.length) {
    errorBox.replaceChildren(heading, h("ul", {}, ...problems.map((e) => h("li", {}, h("code", {}, e.param), ` ${e.message}`))));
  } else {
    errorBox.replaceChildren(heading, `: ${res.message ?? "unknown error"}`);
  }
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.hidden = true;
  errorBox.replaceChildren();
}

/**
 * The form's input for an invalid parameter of WeatherReport.$save: the
 * problem's param is a path into the saved report, model.title or
 * model.weatherEntries.<row>.<field>.
 */
function inputFor(param: string): HTMLInputElement | null {
  const path = param.split(".");
  let scope: HTMLElement | undefined;
  let name: string | undefined;
  if (path.length === 2 && path[0] === "model") {
    [scope, name] = [form, path[1]];
  } else if (path.length === 4 && path[0] === "model" && path[1] === "weatherEntries") {
    [scope, name] = [entryRows.rows[Number(path[2])], path[3]];
  }
  const input = scope?.querySelector(`input[name="${name}"]`);
  return input instanceof HTMLInputElement ? input : null;
}

/** The API's message in the page's words where the page knows the rule ([regex /\S/] in schema.clo). */
function fieldMessage(message: string): string {
  return message.startsWith("must match /\\S/") ? "must not be blank" : message;
}

/**
 * Shows each problem under the input it belongs to (the first problem of
 * an input), until the input is edited, and returns the problems that
 * belong to no input.
 */
function showFieldErrors(problems: ParamProblem[]): ParamProblem[] {
  const rest: ParamProblem[] = [];
  for (const problem of problems) {
    const input = inputFor(problem.param);
    if (!input) rest.push(problem);
    else if (!input.hasAttribute("aria-invalid")) markInvalid(input, fieldMessage(problem.message));
  }
  form.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
  return rest;
}

let noteCount = 0;

function markInvalid(input: HTMLInputElement, message: string): void {
  const note = h("span", { class: "field-error", id: `field-error-${++noteCount}` }, message);
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", note.id);
  input.insertAdjacentElement("afterend", note);
}

function clearFieldError(input: HTMLInputElement): void {
  const id = input.getAttribute("aria-describedby");
  if (id) document.getElementById(id)?.remove();
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
}

/** The options of a write: its headers and the API token, when one was entered. */
function withToken(headers: Record<string, string> = {}): CallOptions {
  const token = tokenInput.value.trim();
  return { headers: token ? { ...headers, Authorization: `Bearer ${token}` } : headers };
}

/** A write the API refused for its token (401): the token field says why, and has the focus. */
function askForToken(res: HttpResult<unknown>): void {
  const wrong = res.headers.get("WWW-Authenticate")?.includes("invalid_token");
  clearFieldError(tokenInput);
  markInvalid(tokenInput, wrong ? "this is not the API's token" : "enter the API token to save or upload");
  clearError();
  tokenInput.focus();
}

function clearFieldErrors(): void {
  for (const input of form.querySelectorAll<HTMLInputElement>("input[aria-invalid]")) clearFieldError(input);
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
  const report = {
    title: String(data.get("title")),
    description: String(data.get("description")),
    weatherEntries: [...entryRows.rows].map((row) => ({
      location: field(row, "location"),
      dateTime: new Date(field(row, "dateTime")),
      temperature: Number(field(row, "temperature")),
      condition: field(row, "condition"),
    })),
  };
  const res = await WeatherReport.$save(report, withToken());
  clearFieldErrors();
  if (res.status === 401) return askForToken(res);
  if (!res.ok) {
    const rest = showFieldErrors(res.errors ?? []);
    if (rest.length || !res.errors?.length) showError("Saving the report", res, rest);
    else clearError();
    return;
  }
  clearError();
  form.reset();
  entryRows.replaceChildren();
  addEntryRow();
  await loadReports();
}

/** Loads and shows the photo of an entry that has one into slot. */
async function showPhoto(entry: Weather, slot: HTMLElement): Promise<void> {
  const res = await entry.downloadPhoto();
  if (!res.ok || !res.data) return showError(`Loading the photo of entry ${entry.id}`, res);
  // The blob has the type the photo was uploaded with (the response's Content-Type).
  const src = URL.createObjectURL(await res.data.blob());
  const img = h("img", { src, alt: `${entry.location}, ${entry.condition}` });
  img.addEventListener("load", () => URL.revokeObjectURL(src), { once: true });
  slot.replaceChildren(img);
}

async function uploadPhoto(entry: Weather, file: File, slot: HTMLElement): Promise<void> {
  // The API stores a photo as the file's own type (the client would send application/octet-stream).
  const res = await entry.uploadPhoto(file, withToken({ "Content-Type": file.type || "application/octet-stream" }));
  if (res.status === 401) return askForToken(res);
  if (!res.ok) return showError(`Uploading a photo for entry ${entry.id}`, res);
  clearError();
  await showPhoto(entry, slot);
}

/** The types the API accepts for a photo (see src/api/main.ts). */
const PHOTO_TYPES = "image/jpeg,image/png,image/gif,image/webp,image/avif";

function entryRow(entry: Weather): HTMLTableRowElement {
  // The list loads each entry's photo metadata: only photos that exist are downloaded.
  const slot = h("div", { class: "photo" }, h("span", { class: "muted" }, entry.photo ? "…" : "No photo"));
  const input = h("input", { type: "file", accept: PHOTO_TYPES, "aria-label": `Photo for entry ${entry.id}` });
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = ""; // choosing the same file again is a new upload
    if (file) void uploadPhoto(entry, file, slot);
  });
  if (entry.photo) void showPhoto(entry, slot);
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
  // WithPhotos: the entries come with their photos' metadata (schema.clo).
  const res = await WeatherReport.$list_WithPhotos(null, 50);
  if (!res.ok || !res.data) return showError("Loading the reports", res);
  reportList.replaceChildren(
    ...(res.data.length ? res.data.map(reportCard) : [h("p", { class: "muted" }, "No reports yet: create one above.")]),
  );
}

tokenInput.value = localStorage.getItem(TOKEN_KEY) ?? "";
tokenInput.addEventListener("input", () => {
  clearFieldError(tokenInput);
  localStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
});
element("add-entry", HTMLButtonElement).addEventListener("click", addEntryRow);
form.addEventListener("submit", (event) => void saveReport(event));
// Editing a field clears its error.
form.addEventListener("input", (event) => {
  if (event.target instanceof HTMLInputElement) clearFieldError(event.target);
});
addEntryRow();
void loadReports();
