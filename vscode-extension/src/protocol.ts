/** The daemon's custom methods and payloads (docs/protocol.md), as the extension uses them. */

import type { Usage } from "./format";

export const Methods = {
  sessionCreate: "a3s/session/create",
  sessionList: "a3s/session/list",
  sessionResume: "a3s/session/resume",
  sessionCancel: "a3s/session/cancel",
  sessionSend: "a3s/session/send",
  command: "a3s/command",
  worktreeCreate: "a3s/worktree/create",
  worktreeList: "a3s/worktree/list",
  worktreeRemove: "a3s/worktree/remove",
  event: "a3s/event",
  confirm: "a3s/confirm",
} as const;

export const CONFIRMATIONS_CAPABILITY = "a3s.confirmations";

export interface SessionSummary {
  sessionId: string;
  workspace: string;
  model: string;
  running: boolean;
  turns: number;
  messages: number;
  usage: Usage;
  costUsd: number;
  sandbox?: SandboxState;
  tools?: string[];
}

/** What the session's `bash` runs in (docs/protocol.md, `a3s/session/create`). */
export interface SandboxState {
  enabled: boolean;
  backend: string;
  network: boolean;
  memoryMb: number | null;
  maxProcesses: number | null;
  image: string | null;
  workspaceMount: string | null;
  timeoutMs: number | null;
}

export interface TurnResult {
  sessionId: string;
  turnId: string;
  text: string;
  stopReason: string;
  usage: Usage;
  costUsd: number;
  toolCalls: number;
}

export interface Attachment {
  mediaType: string;
  data: string;
}

/** The engine's events (snake_case), discriminated by `type`. */
export type AgentEvent =
  | { type: "turn_start"; turn: number; prompt: string }
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; text: string }
  | { type: "tool_start"; tool_id: string; tool_name: string; args: Record<string, unknown> }
  | { type: "tool_output"; tool_id: string; tool_name: string; delta: string }
  | { type: "tool_end"; tool_id: string; tool_name: string; output: string; exit_code: number; metadata?: Record<string, unknown> }
  | { type: "usage"; usage: Usage; cost_usd: number; model: string }
  | { type: "confirmation_required"; tool_id: string; tool_name: string; args: Record<string, unknown>; diff?: string | null }
  | { type: "confirmation_received"; tool_id: string; decision: string; reason?: string }
  | { type: "permission_denied"; tool_id: string; tool_name: string; reason: string }
  | { type: "error"; message: string; code?: string; recoverable?: boolean }
  | { type: "turn_end"; turn: number; text: string; stop_reason: string; usage: Usage; cost_usd: number; tool_calls: number }
  | { type: string; [key: string]: unknown };

export interface EventNotification {
  sessionId: string;
  turnId: string;
  event: AgentEvent;
}

export interface ConfirmParams {
  sessionId: string;
  toolId: string;
  tool: string;
  args: Record<string, unknown>;
  reason?: string;
  diff?: string | null;
  timeoutMs?: number;
}

export type Decision = "allow" | "allow_session" | "deny";

/** `content`: the file text the user approved after changing the proposal (allow only). */
export interface ConfirmAnswer {
  decision: Decision;
  content?: string;
}

export interface ToolResultPayload {
  output: string;
  isError: boolean;
  exitCode?: number;
  metadata?: Record<string, unknown>;
}

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
