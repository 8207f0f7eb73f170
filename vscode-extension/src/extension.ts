/** Entry point: wires the daemon, the chat, confirmations, commands, worktrees and the status bar. */

import * as vscode from "vscode";
import { ChatViewProvider } from "./chatView";
import { registerCommands } from "./commands";
import { Confirmations } from "./confirm";
import { Daemon } from "./daemon";
import { Sessions } from "./sessions";
import { StatusBar } from "./statusBar";
import { TurnReview } from "./turnReview";
import { Worktrees } from "./worktrees";

let daemon: Daemon | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("A3S");
  const confirmations = new Confirmations(context.globalStorageUri);
  daemon = new Daemon(output, (params, token) => confirmations.ask(params, token));
  const sessions = new Sessions(daemon);
  const chat = new ChatViewProvider(context.extensionUri, sessions, confirmations);
  confirmations.surface = chat;
  const worktrees = new Worktrees(daemon, sessions);
  const status = new StatusBar();
  const turns = new TurnReview();
  context.subscriptions.push(
    output,
    confirmations,
    turns,
    daemon.onTurnDiff((diff) => void turns.ready(diff)),
    daemon,
    sessions,
    chat,
    status,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.window.registerTreeDataProvider("a3s.worktrees", worktrees),
    sessions.onDidChange((state) => status.update(state)),
    daemon.onReady((up) => (up ? status.update(sessions.state) : status.daemonDown())),
    daemon.onReady((up) => up && worktrees.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("a3s")) {
        void vscode.commands.executeCommand("a3s.restartServer");
      }
    }),
    ...registerCommands({ output, daemon, sessions, chat, worktrees, turns }),
  );
  await daemon.start();
}

export async function deactivate(): Promise<void> {
  await daemon?.stop();
}
