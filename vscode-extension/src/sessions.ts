/** The active agent session: create, resume, send, cancel; running totals for the status bar. */

import * as vscode from "vscode";
import type { Daemon } from "./daemon";
import { totalTokens } from "./format";
import { Methods, type Attachment, type EventNotification, type SessionSummary, type Steered, type TurnResult } from "./protocol";
import { BUILTIN_COMMANDS, isSlash, parseHelp, type SlashCommand } from "./slash";

export interface SessionState {
  session: SessionSummary | undefined;
  tokens: number;
  costUsd: number;
  busy: boolean;
}

export class Sessions implements vscode.Disposable {
  private current: SessionSummary | undefined;
  private tokens = 0;
  private costUsd = 0;
  private turns = 0;
  private commandList: SlashCommand[] = BUILTIN_COMMANDS;
  private readonly changed = new vscode.EventEmitter<SessionState>();
  private readonly turnEvents = new vscode.EventEmitter<EventNotification>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChange = this.changed.event;
  /** `a3s/event`s of the active session only. */
  readonly onEvent = this.turnEvents.event;

  constructor(private readonly daemon: Daemon) {
    this.subscriptions.push(
      daemon.onEvent((n) => {
        if (n.sessionId !== this.current?.sessionId) {
          return;
        }
        if (n.event.type === "usage") {
          const e = n.event as { usage: object; cost_usd: number; model: string };
          this.tokens += totalTokens(e.usage);
          this.costUsd += e.cost_usd ?? 0;
          this.fire();
        }
        this.turnEvents.fire(n);
      }),
      daemon.onReady((up) => {
        if (!up) {
          this.current = undefined;
          this.turns = 0;
          this.fire();
        }
      }),
    );
  }

  get state(): SessionState {
    return { session: this.current, tokens: this.tokens, costUsd: this.costUsd, busy: this.turns > 0 };
  }

  get commands(): SlashCommand[] {
    return this.commandList;
  }

  async ensure(): Promise<SessionSummary> {
    return this.current ?? this.create();
  }

  async create(): Promise<SessionSummary> {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const summary = await this.daemon.request<SessionSummary>(Methods.sessionCreate, workspace ? { workspace } : {});
    this.adopt(summary);
    void this.refreshCommands();
    return summary;
  }

  async resume(sessionId: string): Promise<SessionSummary> {
    const summary = await this.daemon.request<SessionSummary>(Methods.sessionResume, { sessionId });
    this.adopt(summary);
    return summary;
  }

  async list(): Promise<SessionSummary[]> {
    if (!this.daemon.running) {
      return [];
    }
    const result = await this.daemon.request<{ sessions: SessionSummary[] }>(Methods.sessionList, {});
    return result.sessions;
  }

  /** A prompt runs a turn (queued by the daemon behind a running one); `/name args` runs a slash
   * command and returns its text. */
  async send(text: string, attachments: Attachment[] = []): Promise<{ command?: string; turn?: TurnResult }> {
    const session = await this.ensure();
    if (isSlash(text) && attachments.length === 0) {
      return { command: await this.runCommand(text) };
    }
    this.turnStarted(1);
    try {
      const params: Record<string, unknown> = { sessionId: session.sessionId, prompt: text || "See the attached image." };
      if (attachments.length > 0) {
        params["attachments"] = attachments;
      }
      const turn = await this.daemon.request<TurnResult>(Methods.sessionSend, params);
      return { turn };
    } finally {
      this.turnStarted(-1);
    }
  }

  /** `a3s/session/steer`: the running turn reads `text` before its next model call. */
  async steer(text: string): Promise<Steered> {
    const session = await this.ensure();
    return this.daemon.request<Steered>(Methods.sessionSteer, { sessionId: session.sessionId, text });
  }

  async runCommand(text: string): Promise<string> {
    const session = await this.ensure();
    const result = await this.daemon.request<{ text: string; action: string }>(Methods.command, {
      sessionId: session.sessionId,
      command: text.trim(),
    });
    if (result.action === "switch_model" || result.action === "clear_history") {
      await this.resume(session.sessionId).catch(() => undefined);
    }
    return result.text;
  }

  async cancel(): Promise<boolean> {
    if (!this.current) {
      return false;
    }
    const result = await this.daemon.request<{ cancelled: boolean }>(Methods.sessionCancel, { sessionId: this.current.sessionId });
    return result.cancelled;
  }

  private async refreshCommands(): Promise<void> {
    try {
      this.commandList = parseHelp(await this.runCommand("/help"));
      this.fire();
    } catch {
      this.commandList = BUILTIN_COMMANDS;
    }
  }

  private adopt(summary: SessionSummary): void {
    this.current = summary;
    this.tokens = totalTokens(summary.usage);
    this.costUsd = summary.costUsd ?? 0;
    this.fire();
  }

  /** Sends under way (a running turn plus the queued ones): busy while any is. */
  private turnStarted(delta: number): void {
    this.turns = Math.max(0, this.turns + delta);
    this.fire();
  }

  private fire(): void {
    this.changed.fire(this.state);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
    this.turnEvents.dispose();
  }
}
