// The Cloesce extension: the language (its grammar and editing rules
// are declared in package.json) and a client of `cloesce lsp`, which
// does everything else: diagnostics, hover, definitions, references,
// completion, formatting and rename.
import * as vscode from "vscode";
import {
  LanguageClient,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

// The schema language's files.
const schemaFiles: DocumentSelector = [{ scheme: "file", language: "cloesce" }];

// The decorator edition's: TypeScript classes that the server extracts
// and checks with the rest of the project. Its diagnostics, hover and
// definitions there stand beside the TypeScript server's.
const decoratorFiles: DocumentSelector = [{ scheme: "file", language: "typescript", pattern: "**/*.cloesce.ts" }];

// The config is synchronised too: the server reads it as typed.
const configFiles: DocumentSelector = [{ scheme: "file", pattern: "**/*cloesce.jsonc" }];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("cloesce.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("cloesce.path") || e.affectsConfiguration("cloesce.env")) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function restart(): Promise<void> {
  await deactivate();
  await start();
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("cloesce");
  const command = config.get<string>("path") || "cloesce";
  const env = config.get<string>("env") || "";
  // Standard input and output, without a transport option: with one, the
  // client would add --stdio to the arguments.
  const serverOptions: ServerOptions = {
    command,
    args: env ? ["--env", env, "lsp"] : ["lsp"],
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [...schemaFiles, ...decoratorFiles, ...configFiles],
    synchronize: {
      // Schema files changed outside the editor are analysed again.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.clo,*.cloesce,*.cloesce.ts,*cloesce.jsonc}"),
    },
  };
  client = new LanguageClient("cloesce", "Cloesce", serverOptions, clientOptions);
  schemaOnly(client);
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const choice = await vscode.window.showErrorMessage(
      `Cloesce: cannot start \`${command} lsp\` (${err instanceof Error ? err.message : String(err)}). ` +
        "Set cloesce.path to the cloesce binary.",
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "cloesce.path");
    }
  }
}

// schemaOnly offers completion, formatting, the outline and rename in the
// schema language's files only. The client would offer every feature of
// the server in every file it sends; in a .cloesce.ts file these are
// TypeScript's, and a second formatter would have VS Code ask which one
// formats TypeScript. (Each feature registers its provider for the
// selector it is initialized with.)
function schemaOnly(client: LanguageClient): void {
  const features = [
    client.getFeature("textDocument/completion"),
    client.getFeature("textDocument/formatting"),
    client.getFeature("textDocument/documentSymbol"),
    client.getFeature("textDocument/rename"),
  ];
  for (const feature of features) {
    const initialize = feature.initialize.bind(feature);
    feature.initialize = (capabilities) => initialize(capabilities, schemaFiles);
  }
}
