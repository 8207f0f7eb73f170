/** The daemon's custom methods and payloads (docs/protocol.md), as the extension uses them. */

import type { ConfirmAnswer, EventNotification } from "./wire";

export const Methods = {
  sessionCreate: "a3s/session/create",
  sessionList: "a3s/session/list",
  sessionResume: "a3s/session/resume",
  sessionCancel: "a3s/session/cancel",
  sessionSend: "a3s/session/send",
  sessionSteer: "a3s/session/steer",
  sessionRewind: "a3s/session/rewind",
  sessionFork: "a3s/session/fork",
  sessionCheckpoints: "a3s/session/checkpoints",
  command: "a3s/command",
  worktreeCreate: "a3s/worktree/create",
  worktreeList: "a3s/worktree/list",
  worktreeRemove: "a3s/worktree/remove",
  event: "a3s/event",
  confirm: "a3s/confirm",
  turnDiff: "a3s/turn/diff",
  turnDiffReady: "a3s/turn/diffReady",
} as const;

export const CONFIRMATIONS_CAPABILITY = "a3s.confirmations";

// The payloads come from the daemon's own models (docs/schema/a3s-protocol.json -> wire.ts, checked by
// tests/lsp/test_wire_schema.py), so the extension cannot drift from what the daemon sends and accepts.
export type {
  Attachment,
  CheckpointList,
  RewindResult,
  ConfirmAnswer,
  ConfirmParams,
  EventNotification,
  SandboxState,
  SessionOpened,
  SessionSummary,
  Steered,
  ToolResult as ToolResultPayload,
  TurnDiff,
  TurnResult,
} from "./wire";

/** The engine's events (snake_case), discriminated by `type`. */
export type AgentEvent = EventNotification["event"];

/** What the user may answer to a confirmation. */
export type Decision = ConfirmAnswer["decision"];

export interface WorktreeInfo {
  path: string;
  branch?: string | null;
  detached?: boolean;
  bare?: boolean;
}

/** Parses `git worktree list --porcelain` (the same source the engine's git_worktree tool reads). */
export function parseWorktrees(porcelain: string): WorktreeInfo[] {
  const trees: WorktreeInfo[] = [];
  for (const block of porcelain.split(/\n\s*\n/)) {
    const info: WorktreeInfo = { path: "", branch: null, detached: false, bare: false };
    for (const line of block.split("\n")) {
      const [key, ...rest] = line.split(" ");
      const value = rest.join(" ");
      if (key === "worktree") {
        info.path = value;
      } else if (key === "branch") {
        info.branch = value.replace(/^refs\/heads\//, "");
      } else if (key === "detached") {
        info.detached = true;
      } else if (key === "bare") {
        info.bare = true;
      }
    }
    if (info.path) {
      trees.push(info);
    }
  }
  return trees;
}
