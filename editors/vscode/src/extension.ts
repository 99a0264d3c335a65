// The Cloesce extension: the language (its grammar and editing rules
// are declared in package.json) and a client of `cloesce lsp`, which
// does everything else: diagnostics, hover, definitions, references,
// completion, formatting and rename.
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

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
    // The config is synchronised too: the server reads it as typed.
    documentSelector: [
      { scheme: "file", language: "cloesce" },
      { scheme: "file", pattern: "**/*cloesce.jsonc" },
    ],
    synchronize: {
      // Schema files changed outside the editor are analysed again.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.clo,*.cloesce,*cloesce.jsonc}"),
    },
  };
  client = new LanguageClient("cloesce", "Cloesce", serverOptions, clientOptions);
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
