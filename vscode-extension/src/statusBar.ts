/** The status bar item: the active model, the session's tokens and cost; a click opens the chat. */

import * as vscode from "vscode";
import { sandboxStatus, statusText } from "./format";
import type { SessionState } from "./sessions";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("a3s.status", vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = "A3S";
    this.item.command = "a3s.chat.focus";
    this.daemonDown();
    this.item.show();
  }

  update(state: SessionState): void {
    const spin = state.busy ? "$(sync~spin)" : "$(hubot)";
    const sandbox = sandboxStatus(state.session?.sandbox);
    const icon = sandbox.icon ? ` ${sandbox.icon}` : "";
    this.item.text = `${spin}${icon} ${statusText(state.session?.model, state.tokens, state.costUsd)}`;
    const lines = state.session ? [`A3S session ${state.session.sessionId}`, state.session.workspace, sandbox.tooltip] : ["A3S: no session yet"];
    this.item.tooltip = lines.filter((line) => line).join("\n");
    this.item.backgroundColor = undefined;
  }

  daemonDown(): void {
    this.item.text = "$(hubot) A3S: daemon not running";
    this.item.tooltip = "A3S: Restart Daemon, or A3S: Show Log";
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
  }

  dispose(): void {
    this.item.dispose();
  }
}
