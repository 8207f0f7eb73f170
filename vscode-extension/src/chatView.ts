/** The chat side bar: hosts the webview and turns its messages into session calls, and events into messages. */

import * as vscode from "vscode";
import type { ConfirmSurface, Confirmations } from "./confirm";
import { formatCost } from "./format";
import type { Attachment } from "./protocol";
import type { Sessions } from "./sessions";
import type { FromWebview, SessionChoice, ToWebview } from "./webview/messages";

export class ChatViewProvider implements vscode.WebviewViewProvider, ConfirmSurface, vscode.Disposable {
  static readonly viewId = "a3s.chat";
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private backlog: ToWebview[] = [];
  private shownSession: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: Sessions,
    private readonly confirmations: Confirmations,
  ) {
    this.subscriptions.push(
      sessions.onEvent((n) => this.post({ type: "event", event: n.event })),
      sessions.onDidChange((state) => {
        this.post({ type: "busy", busy: state.busy });
        this.post({ type: "commands", commands: sessions.commands });
        if (this.shownSession && !state.session) {
          this.post({ type: "notice", text: "The daemon stopped: this session is gone. The next prompt starts a new one.", level: "error" });
        }
        this.shownSession = state.session?.sessionId;
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const media = vscode.Uri.joinPath(this.extensionUri, "media");
    const out = vscode.Uri.joinPath(this.extensionUri, "out");
    view.webview.options = { enableScripts: true, localResourceRoots: [media, out] };
    view.webview.html = this.html(view.webview);
    view.webview.onDidReceiveMessage((m: FromWebview) => void this.receive(m), undefined, this.subscriptions);
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  /** Reveal the chat and send a prompt as if typed (Send Selection, Explain, Fix Diagnostics). */
  async submit(text: string, attachments: Attachment[] = []): Promise<void> {
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    await this.send(text, attachments);
  }

  async newSession(): Promise<void> {
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    await this.guard(async () => {
      await this.sessions.create();
      this.post({ type: "reset" });
      await this.refreshSessions();
    });
  }

  async resume(sessionId: string): Promise<void> {
    await this.guard(async () => {
      const summary = await this.sessions.resume(sessionId);
      this.post({ type: "reset" });
      this.post({ type: "notice", text: `Resumed session ${summary.sessionId.slice(0, 8)}: ${summary.turns} turn(s), ${formatCost(summary.costUsd)}.`, level: "info" });
      if (summary.messages > 0) {
        const history = await this.sessions.runCommand("/history").catch(() => "");
        if (history.trim()) {
          this.post({ type: "notice", text: history, level: "info" });
        }
      }
      await this.refreshSessions();
    });
  }

  get visible(): boolean {
    return this.ready && this.view?.visible === true;
  }

  showConfirm(id: string, tool: string, call: string, hasDiff: boolean): void {
    this.post({ type: "confirm", id, tool, call, hasDiff });
  }

  confirmDone(id: string, answer: string): void {
    this.post({ type: "confirmDone", id, answer });
  }

  private async receive(message: FromWebview): Promise<void> {
    switch (message.type) {
      case "ready":
        this.ready = true;
        this.backlog.splice(0).forEach((m) => void this.view?.webview.postMessage(m));
        this.post({ type: "commands", commands: this.sessions.commands });
        this.post({ type: "busy", busy: this.sessions.state.busy });
        await this.refreshSessions().catch(() => undefined);
        break;
      case "send":
        await this.send(message.text, message.attachments);
        break;
      case "steer":
        await this.steer(message.text);
        break;
      case "cancel":
        await this.guard(() => this.sessions.cancel());
        break;
      case "newSession":
        await this.newSession();
        break;
      case "resume":
        await this.resume(message.sessionId);
        break;
      case "confirmAnswer":
        this.confirmations.answer(message.id, message.decision);
        break;
    }
  }

  private async send(text: string, attachments: Attachment[]): Promise<void> {
    await this.guard(async () => {
      const fresh = this.sessions.state.session === undefined;
      await this.sessions.ensure();
      if (fresh) {
        await this.refreshSessions();
      }
      this.post({ type: "user", text, images: attachments.length });
      const result = await this.sessions.send(text, attachments);
      if (result.command !== undefined) {
        this.post({ type: "notice", text: result.command || "(no output)", level: "info" });
      }
      await this.refreshSessions();
    });
  }

  /** Words for the running turn; when no turn runs any more they go as an ordinary prompt. */
  private async steer(text: string): Promise<void> {
    const result = await this.guard(() => this.sessions.steer(text));
    if (result === undefined) {
      return;
    }
    if (result.steered || result.queued) {
      this.post({ type: "user", text: result.steered ? `${text} (steer)` : `${text} (queued)`, images: 0 });
      return;
    }
    await this.send(text, []);
  }

  private async refreshSessions(): Promise<void> {
    const list = await this.sessions.list();
    const current = this.sessions.state.session;
    const choices: SessionChoice[] = list.map((s) => ({
      sessionId: s.sessionId,
      label: `${s.sessionId.slice(0, 8)} · ${s.turns} turn(s) · ${s.model.split("/").pop() ?? s.model}`,
    }));
    this.post({ type: "session", sessionId: current?.sessionId, sessions: choices, model: current?.model ?? "" });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.post({ type: "notice", text, level: "error" });
      return undefined;
    }
  }

  private post(message: ToWebview): void {
    if (this.view && this.ready) {
      void this.view.webview.postMessage(message);
    } else if (message.type !== "busy" && message.type !== "commands") {
      this.backlog.push(message);
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = Array.from({ length: 24 }, () => Math.floor(Math.random() * 36).toString(36)).join("");
    const css = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "media", "chat.css"));
    const js = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, "out", "webview.js"));
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${css}" rel="stylesheet"><title>A3S Chat</title></head>
<body>
<header><select id="sessions" title="Sessions: pick one to resume"></select><button id="new" title="New session">New</button></header>
<main id="log" aria-live="polite"></main>
<footer>
  <ul id="completions" hidden></ul>
  <div id="attachments" hidden></div>
  <textarea id="prompt" rows="3" placeholder="Ask A3S… (/ for commands, drop or paste images)"></textarea>
  <div class="actions"><button id="cancel" class="secondary" hidden>Cancel</button><button id="steer" class="secondary" hidden title="Add this to the running turn: the agent reads it before its next step">Steer</button><button id="send">Send</button></div>
</footer>
<script nonce="${nonce}" src="${js}"></script>
</body></html>`;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}
