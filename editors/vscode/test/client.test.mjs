// Activates the built extension (out/extension.js) in Node, with a stub
// of the vscode module standing for the editor, and checks that it runs
// `cloesce lsp` and talks to it: initialize, a document opened and its
// diagnostics published, shutdown and exit on deactivation. The binary
// is $CLOESCE (make vsix sets it to bin/cloesce); without it the test is
// skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const Module = require("node:module");
const extension = fileURLToPath(new URL("../out/extension.js", import.meta.url));
const binary = process.env.CLOESCE;

// stub returns a value that absorbs any use: property reads, calls and
// construction give more stubs.
function stub() {
  return new Proxy(function () {}, {
    get: (_, p) => (p === "then" ? undefined : p === "dispose" ? () => {} : stub()),
    apply: () => stub(),
    construct: () => stub(),
  });
}

// partial is an object with the given members, and stubs for the rest.
const partial = (members) => new Proxy(members, { get: (t, p) => (p in t ? t[p] : stub()) });

class EventEmitter {
  listeners = [];
  event = (l) => {
    this.listeners.push(l);
    return { dispose() {} };
  };
  fire(e) {
    for (const l of this.listeners) l(e);
  }
  dispose() {}
}

class Disposable {
  constructor(f) {
    this.f = f;
  }
  dispose() {
    this.f?.();
  }
  static from(...ds) {
    return new Disposable(() => ds.forEach((d) => d?.dispose?.()));
  }
}

const skip = !binary || !existsSync(binary) ? "set CLOESCE to a cloesce binary (make vsix does)" : !existsSync(extension) ? "build the extension first (npm run build)" : false;

test("the extension runs cloesce lsp and talks to it", { skip }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cloesce-vscode-"));
  writeFileSync(path.join(dir, "cloesce.jsonc"), "{}\n");
  const schema = "model User {\n    primary {\n        id: strng\n    }\n}\n";
  writeFileSync(path.join(dir, "app.clo"), schema);
  // The binary, behind a script that records what it reads and writes.
  const wrapper = path.join(dir, "cloesce.sh");
  writeFileSync(wrapper, `#!/bin/sh\necho "$@" > "${dir}/args"\ntee "${dir}/in" | "${binary}" "$@" | tee "${dir}/out"\n`);
  chmodSync(wrapper, 0o755);

  const uri = pathToFileURL(path.join(dir, "app.clo")).href;
  const document = {
    uri: { scheme: "file", fsPath: path.join(dir, "app.clo"), toString: () => uri },
    fileName: path.join(dir, "app.clo"),
    languageId: "cloesce",
    version: 1,
    isClosed: false,
    getText: () => schema,
  };
  const vscode = partial({
    version: "1.82.0",
    EventEmitter,
    Disposable,
    workspace: partial({
      getConfiguration: (section) => ({
        get: (key, fallback) => (section === "cloesce" ? { path: wrapper, env: "" }[key] : undefined) ?? fallback,
        has: () => false,
        inspect: () => undefined,
        update: async () => {},
      }),
      workspaceFolders: [{ uri: { scheme: "file", fsPath: dir, toString: () => pathToFileURL(dir).href }, name: "project", index: 0 }],
      textDocuments: [document],
    }),
    languages: partial({ match: (selector) => (selector.some?.((s) => s.language === "cloesce") ? 10 : 0) }),
    window: partial({
      showErrorMessage: async (message) => assert.fail(message),
      createOutputChannel: (name) => partial({ name, append() {}, appendLine() {}, show() {}, dispose() {} }),
    }),
    commands: partial({ registerCommand: () => ({ dispose() {} }), executeCommand: async () => {} }),
  });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === "vscode" ? vscode : load.call(this, request, ...rest);
  };
  try {
    const ext = require(extension);
    await ext.activate({ subscriptions: [], extensionPath: dir });
    // Wait for the diagnostics of the open document.
    const deadline = Date.now() + 10000;
    const out = () => (existsSync(path.join(dir, "out")) ? readFileSync(path.join(dir, "out"), "utf8") : "");
    while (!out().includes("textDocument/publishDiagnostics") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await ext.deactivate();
  } finally {
    Module._load = load;
  }
  assert.equal(readFileSync(path.join(dir, "args"), "utf8").trim(), "lsp");
  const sent = readFileSync(path.join(dir, "in"), "utf8");
  for (const method of ["initialize", "initialized", "textDocument/didOpen", "shutdown", "exit"]) {
    assert.ok(sent.includes(`"method":"${method}"`), `the client sent no ${method}`);
  }
  const received = readFileSync(path.join(dir, "out"), "utf8");
  assert.match(received, /"serverInfo":\{"name":"cloesce"/);
  assert.match(received, /"method":"textDocument\/publishDiagnostics".*"code":"E0206"/);
});
