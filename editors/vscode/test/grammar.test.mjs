// Tokenizes a schema with the TextMate grammar as VS Code does
// (vscode-textmate with the Oniguruma regex engine), and checks the
// scope of each kind of token.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const grammarPath = fileURLToPath(new URL("../syntaxes/cloesce.tmLanguage.json", import.meta.url));

const wasm = await readFile(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scope) =>
    scope === "source.cloesce" ? vsctm.parseRawGrammar(await readFile(grammarPath, "utf8"), grammarPath) : null,
});
const grammar = await registry.loadGrammar("source.cloesce");

const sample = `// Users and their dogs.
d1 { Db }

kv Cache {
    profile(id: int) -> string { "profile/{id}" }
}

r2 Docs {
    doc(folder: string) { \`docs/\${folder}\` }
}

[crud get, list]
model User for Db {
    primary {
        id: int
    }

    column {
        [regex /^[a-z\\/]+$/]
        name: string
        [gt -5]
        [mintlen 3]
        list: option<real>
        date: date
    }

    nav Dog::ownerId { dogs }
    kv Cache::profile(id) { bio }
    unique (name)
}

source WithDogs for User {
    include { dogs }
    get([instance] id: int)
}

api User {
    [inject Db]
    post rename(self, name: string) -> User
}
`;

// tokens returns every token of the sample: its line, text and scopes.
function tokens(text) {
  const out = [];
  let state = vsctm.INITIAL;
  text.split("\n").forEach((line, n) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push({ line: n, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = r.ruleStack;
  });
  return out;
}

const all = tokens(sample);

// scope returns the innermost scope of the token holding the text on
// the first line containing context.
function scope(context, text) {
  const lines = sample.split("\n");
  const n = lines.findIndex((l) => l.includes(context));
  assert.ok(n >= 0, `no line contains ${JSON.stringify(context)}`);
  const start = lines[n].indexOf(text, lines[n].indexOf(context));
  let col = 0;
  for (const t of all.filter((t) => t.line === n)) {
    if (start >= col && start < col + t.text.length) {
      return t.scopes[t.scopes.length - 1];
    }
    col += t.text.length;
  }
  assert.fail(`no token of ${JSON.stringify(text)} on line ${n + 1}`);
}

const cases = [
  ["// Users", "Users", "comment.line.double-slash.cloesce"],
  ["d1 {", "d1", "keyword.declaration.cloesce"],
  ["kv Cache {", "kv", "keyword.declaration.cloesce"],
  ["kv Cache {", "Cache", "entity.name.type.cloesce"],
  ["profile(id: int)", "profile", "entity.name.function.cloesce"],
  ["profile(id: int)", "id", "variable.other.property.cloesce"],
  ["profile(id: int)", "int", "support.type.primitive.cloesce"],
  ["profile(id: int)", "->", "keyword.operator.arrow.cloesce"],
  ['"profile/{id}"', "profile/", "string.quoted.double.cloesce"],
  ['"profile/{id}"', "{id}", "variable.parameter.placeholder.cloesce"],
  ["`docs/", "docs/", "string.template.cloesce"],
  ["`docs/", "${folder}", "variable.parameter.placeholder.cloesce"],
  ["[crud get, list]", "crud", "entity.name.tag.cloesce"],
  ["[crud get, list]", "list", "keyword.other.crud.cloesce"],
  ["[mintlen 3]", "mintlen", "invalid.illegal.tag.cloesce"],
  ["model User for Db", "model", "keyword.declaration.cloesce"],
  ["model User for Db", "User", "entity.name.type.cloesce"],
  ["model User for Db", "for", "keyword.other.for.cloesce"],
  ["model User for Db", "Db", "entity.name.type.cloesce"],
  ["primary {", "primary", "keyword.other.block.cloesce"],
  ["column {", "column", "keyword.other.block.cloesce"],
  ["[regex", "regex", "entity.name.tag.cloesce"],
  ["[regex", "/^[a-z", "string.regexp.cloesce"],
  ["[regex", "]+$/", "string.regexp.cloesce"],
  ["[gt -5]", "-5", "constant.numeric.cloesce"],
  // A field may have a keyword's or a type's name.
  ["list: option<real>", "list", "variable.other.property.cloesce"],
  ["list: option<real>", "option", "support.type.generic.cloesce"],
  ["list: option<real>", "real", "support.type.primitive.cloesce"],
  ["date: date", "date", "variable.other.property.cloesce"],
  ["nav Dog::ownerId", "nav", "keyword.other.relation.cloesce"],
  ["nav Dog::ownerId", "Dog", "entity.name.type.cloesce"],
  ["nav Dog::ownerId", "ownerId", "variable.other.member.cloesce"],
  ["kv Cache::profile(id)", "kv", "keyword.declaration.cloesce"],
  ["kv Cache::profile(id)", "Cache", "entity.name.type.cloesce"],
  ["unique (name)", "unique", "keyword.other.unique.cloesce"],
  ["source WithDogs for User", "source", "keyword.declaration.cloesce"],
  ["include { dogs }", "include", "keyword.other.block.cloesce"],
  ["get([instance] id: int)", "get", "keyword.other.verb.cloesce"],
  ["get([instance] id: int)", "instance", "entity.name.tag.cloesce"],
  ["[inject Db]", "inject", "entity.name.tag.cloesce"],
  ["[inject Db]", "Db", "variable.other.cloesce"],
  ["post rename(self", "post", "keyword.other.verb.cloesce"],
  ["post rename(self", "rename", "entity.name.function.cloesce"],
  ["post rename(self", "self", "variable.language.cloesce"],
  ["-> User", "User", "entity.name.type.cloesce"],
];

for (const [context, text, want] of cases) {
  test(`${context} / ${text}`, () => {
    assert.equal(scope(context, text), want);
  });
}

test("every token is scoped within source.cloesce", () => {
  for (const t of all) {
    assert.equal(t.scopes[0], "source.cloesce");
  }
});
