/** The status bar item: the active model, the session's tokens and cost; a click opens the chat. */

import * as vscode from "vscode";
import { statusText } from "./format";
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
    this.item.text = `${spin} ${statusText(state.session?.model, state.tokens, state.costUsd)}`;
    this.item.tooltip = state.session ? `A3S session ${state.session.sessionId}\n${state.session.workspace}` : "A3S: no session yet";
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
