/** "Rewind to Before a Turn" and "Fork from a Turn": pick a checkpointed turn, then a3s/session/rewind or fork. */

import * as vscode from "vscode";
import type { Daemon } from "./daemon";
import { Methods, type CheckpointList, type RewindResult, type SessionOpened } from "./protocol";
import type { Sessions } from "./sessions";

interface TurnPick extends vscode.QuickPickItem {
  turn: number;
}

type Scope = { files: boolean; conversation: boolean };

const SCOPES: (vscode.QuickPickItem & Scope)[] = [
  { label: "Files and conversation", description: "undo the agent's edits and forget the turns", files: true, conversation: true },
  { label: "Files only", description: "undo the agent's edits, keep the conversation", files: true, conversation: false },
  { label: "Conversation only", description: "forget the turns, keep the files as they are", files: false, conversation: true },
];

async function pickTurn(daemon: Daemon, sessionId: string, title: string): Promise<number | undefined> {
  const list = await daemon.request<CheckpointList>(Methods.sessionCheckpoints, { sessionId });
  if (list.turns.length === 0) {
    void vscode.window.showInformationMessage("A3S: this session has no turns to go back to yet.");
    return undefined;
  }
  const items: TurnPick[] = [...list.turns].reverse().map((t) => ({
    label: `Turn ${t.turn}: ${t.prompt.replace(/\s+/g, " ").slice(0, 70)}`,
    description: new Date(t.startedAt * 1000).toLocaleTimeString(),
    detail: t.files.length ? `changed ${t.files.join(", ")}` : "changed no files",
    turn: t.turn,
  }));
  return (await vscode.window.showQuickPick(items, { title }))?.turn;
}

/** Summary shown after a rewind: what was put back, what was kept because the user changed it. */
export function rewindSummary(result: RewindResult): string {
  const parts = [`Rewound to before turn ${result.turn}`];
  if (result.restored.length) {
    parts.push(`restored ${result.restored.join(", ")}`);
  }
  if (result.conflicts.length) {
    parts.push(`kept ${result.conflicts.join(", ")} (changed after the agent's edit)`);
  }
  const failed = Object.entries(result.failed);
  if (failed.length) {
    parts.push(`could not restore ${failed.map(([p, why]) => `${p}: ${why}`).join("; ")}`);
  }
  if (result.messagesRemoved) {
    parts.push(`${result.messagesRemoved} message(s) removed`);
  }
  return parts.join("; ") + ".";
}

export async function rewind(daemon: Daemon, sessions: Sessions, reload: (sessionId: string) => Promise<void>): Promise<void> {
  const session = sessions.state.session;
  if (!session) {
    void vscode.window.showWarningMessage("A3S: no active session to rewind.");
    return;
  }
  const turn = await pickTurn(daemon, session.sessionId, "Rewind to before which turn?");
  if (turn === undefined) {
    return;
  }
  const scope = await vscode.window.showQuickPick(SCOPES, { title: `Rewind turn ${turn} and later ones` });
  if (!scope) {
    return;
  }
  const result = await daemon.request<RewindResult>(Methods.sessionRewind, {
    sessionId: session.sessionId,
    turnId: turn,
    files: scope.files,
    conversation: scope.conversation,
  });
  const text = `A3S: ${rewindSummary(result)}`;
  if (result.conflicts.length || Object.keys(result.failed).length) {
    void vscode.window.showWarningMessage(text);
  } else {
    void vscode.window.showInformationMessage(text);
  }
  await reload(session.sessionId);
}

export async function fork(daemon: Daemon, sessions: Sessions, open: (sessionId: string) => Promise<void>): Promise<void> {
  const session = sessions.state.session;
  if (!session) {
    void vscode.window.showWarningMessage("A3S: no active session to fork.");
    return;
  }
  const turn = await pickTurn(daemon, session.sessionId, "Fork a new session from before which turn?");
  if (turn === undefined) {
    return;
  }
  const opened = await daemon.request<SessionOpened>(Methods.sessionFork, { sessionId: session.sessionId, turnId: turn });
  await open(opened.sessionId);
}
