// Activates the built extension (out/extension.js) in Node, with a stub
// of the vscode module standing for the editor, and checks that it runs
// `cloesce lsp` and talks to it: initialize, documents opened (a schema
// file and a .cloesce.ts file) and their diagnostics published, shutdown
// and exit on deactivation; and that the providers of a .cloesce.ts file
// are those that do not compete with TypeScript's. The binary is
// $CLOESCE (make vsix sets it to bin/cloesce); without it the test is
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

// matches is VS Code's languages.match for the filters the extension
// uses: a language, a scheme and a pattern "**/*<suffix>".
const matches = (selector, doc) =>
  [selector]
    .flat()
    .some(
      (f) =>
        (!f.language || f.language === doc.languageId) &&
        (!f.scheme || f.scheme === doc.uri.scheme) &&
        (!f.pattern || doc.fileName.endsWith(f.pattern.replace("**/*", ""))),
    );

// until waits for cond to hold, for ten seconds at most.
async function until(cond) {
  const deadline = Date.now() + 10000;
  while (!cond() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

// openDocument is a document the editor has open.
function openDocument(dir, name, languageId, text) {
  const uri = pathToFileURL(path.join(dir, name)).href;
  writeFileSync(path.join(dir, name), text);
  return {
    uri: { scheme: "file", fsPath: path.join(dir, name), toString: () => uri },
    fileName: path.join(dir, name),
    languageId,
    version: 1,
    isClosed: false,
    getText: () => text,
  };
}

const skip = !binary || !existsSync(binary) ? "set CLOESCE to a cloesce binary (make vsix does)" : !existsSync(extension) ? "build the extension first (npm run build)" : false;

test("the extension runs cloesce lsp and talks to it", { skip }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cloesce-vscode-"));
  writeFileSync(path.join(dir, "cloesce.jsonc"), "{}\n");
  const schema = openDocument(dir, "app.clo", "cloesce", "model User {\n    primary {\n        id: strng\n    }\n}\n");
  const classes = openDocument(dir, "dogs.cloesce.ts", "typescript", "@Model()\nexport class Dog {\n    id: Integer;\n    name: Strng;\n}\n");
  // The binary, behind a script that records what it reads and writes.
  const wrapper = path.join(dir, "cloesce.sh");
  writeFileSync(wrapper, `#!/bin/sh\necho "$@" > "${dir}/args"\ntee "${dir}/in" | "${binary}" "$@" | tee "${dir}/out"\n`);
  chmodSync(wrapper, 0o755);

  // The selectors each kind of provider is registered for.
  const providers = {};
  const register = (kind) => (selector) => {
    (providers[kind] ??= []).push(selector);
    return { dispose() {} };
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
      textDocuments: [schema, classes],
    }),
    languages: partial({
      match: (selector, doc) => (matches(selector, doc) ? 10 : 0),
      registerHoverProvider: register("hover"),
      registerDefinitionProvider: register("definition"),
      registerCompletionItemProvider: register("completion"),
      registerDocumentFormattingEditProvider: register("formatting"),
      registerDocumentSymbolProvider: register("documentSymbol"),
      registerRenameProvider: register("rename"),
    }),
    window: partial({
      showErrorMessage: async (message) => assert.fail(message),
      createOutputChannel: (name) => partial({ name, append() {}, appendLine() {}, show() {}, dispose() {} }),
    }),
    commands: partial({ registerCommand: () => ({ dispose() {} }), executeCommand: async () => {} }),
  });
  // read returns what the wrapper recorded so far in a file of dir.
  const read = (name) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name), "utf8") : "");
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === "vscode" ? vscode : load.call(this, request, ...rest);
  };
  try {
    const ext = require(extension);
    await ext.activate({ subscriptions: [], extensionPath: dir });
    // Wait for the diagnostics of the open documents.
    const published = (doc) => read("out").includes(`"uri":"${doc.uri}"`);
    await until(() => published(schema) && published(classes));
    await ext.deactivate();
    // The client has sent exit; tee may not have written it yet.
    await until(() => read("in").includes(`"method":"exit"`));
  } finally {
    Module._load = load;
  }
  assert.equal(readFileSync(path.join(dir, "args"), "utf8").trim(), "lsp");
  const sent = readFileSync(path.join(dir, "in"), "utf8");
  for (const method of ["initialize", "initialized", "textDocument/didOpen", "shutdown", "exit"]) {
    assert.ok(sent.includes(`"method":"${method}"`), `the client sent no ${method}`);
  }
  for (const doc of [schema, classes]) {
    assert.ok(sent.includes(`"method":"textDocument/didOpen","params":{"textDocument":{"uri":"${doc.uri}"`), `no didOpen of ${doc.fileName}`);
  }
  const received = readFileSync(path.join(dir, "out"), "utf8");
  assert.match(received, /"serverInfo":\{"name":"cloesce"/);
  for (const doc of [schema, classes]) {
    const diagnostics = new RegExp(`"method":"textDocument/publishDiagnostics","params":\\{"uri":"${doc.uri}"[^\\n]*"code":"E0206"`);
    assert.match(received, diagnostics, `no E0206 published for ${doc.fileName}`);
  }
  // Diagnostics, hover and definitions in a .cloesce.ts file; the rest
  // is TypeScript's there.
  for (const kind of ["hover", "definition", "completion", "formatting", "documentSymbol", "rename"]) {
    assert.ok(providers[kind]?.some((s) => matches(s, schema)), `no ${kind} provider for .clo files`);
    assert.equal(providers[kind].some((s) => matches(s, classes)), kind === "hover" || kind === "definition", `${kind} provider for .cloesce.ts files`);
  }
});
