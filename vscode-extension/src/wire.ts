// Generated from docs/schema/a3s-protocol.json by `python -m a3s_lsp.wire_schema`: do not edit.
/* eslint-disable */

export interface Attachment {
  mediaType?: string | null;
  data: string;
}

export interface CancelCommand {
  sessionId?: string | null;
}

export interface Cancelled {
  cancelled: boolean;
}

export interface CheckpointList {
  sessionId: string;
  turns: TurnCheckpoint[];
}

export interface Closed {
  closed: boolean;
}

export interface CodeActionCommand {
  action: "explain" | "fix" | "refactor";
  uri: string;
  range: Record<string, unknown>;
  diagnostics?: Record<string, unknown>[];
}

export interface CommandParams {
  sessionId: string;
  command: string;
}

export interface CommandResult {
  text: string;
  action: string;
}

export interface ConfirmAnswer {
  decision: "allow" | "allow_session" | "deny";
  content?: string | null;
  acceptedHunks?: string[] | null;
}

export interface ConfirmParams {
  sessionId: string;
  toolId: string;
  tool: string;
  args: Record<string, unknown>;
  reason: string;
  diff: string | null;
  timeoutMs: number;
  options: ("allow" | "allow_session" | "deny")[];
  hunks?: ReviewHunk[] | null;
}

export interface DebugModules {
  loaded: string[];
}

export interface DebugModulesParams {
  names?: string[];
}

export interface Empty {

}

export interface ExternalTask {
  taskId: string;
  sessionId: string;
  lane: string;
  commandType: string;
  payload: Record<string, unknown>;
  timeoutMs: number;
  claimedBy?: string | null;
}

export interface ForkCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  turnId?: number | string | null;
}

export interface PromptCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  prompt: string;
}

export interface QueueClaimParams {
  taskId: string;
  sessionId?: string | null;
}

export interface QueueCompleteParams {
  taskId: string;
  sessionId?: string | null;
  success?: boolean;
  result?: unknown;
  error?: string | null;
}

export interface QueuePendingParams {
  sessionId?: string | null;
  claim?: number;
  includeClaimed?: boolean;
}

export interface QueueSetLaneHandlerParams {
  sessionId: string;
  lane: string;
  mode?: string;
  timeoutMs?: number;
}

export interface ReviewHunk {
  id: string;
  file: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  text: string;
}

export interface RewindCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  turnId: number | string;
  files?: boolean;
  conversation?: boolean;
}

export interface RewindResult {
  sessionId: string;
  turn: number;
  turnId: string | null;
  restored: string[];
  conflicts: string[];
  failed: Record<string, string>;
  messagesRemoved: number;
}

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

export interface SessionCreateParams {
  workspace?: string | null;
  roots?: string[] | null;
  model?: string | null;
  sessionId?: string | null;
  planning?: boolean;
  goalTracking?: boolean;
}

export interface SessionForkParams {
  sessionId: string;
  turnId?: number | string | null;
  newSessionId?: string | null;
}

export interface SessionList {
  sessions: SessionSummary[];
}

export interface SessionOpened {
  sessionId: string;
  workspace: string;
  roots: string[];
  model: string;
  running: boolean;
  turnId: string | null;
  turns: number;
  messages: number;
  usage: Record<string, unknown>;
  costUsd: number;
  sandbox: SandboxState;
  tools: string[];
}

export interface SessionRef {
  sessionId: string;
}

export interface SessionResumeParams {
  sessionId: string;
  workspace?: string | null;
}

export interface SessionRewindParams {
  sessionId: string;
  turnId: number | string;
  files?: boolean;
  conversation?: boolean;
}

export interface SessionSaved {
  sessionId: string;
  saved: boolean;
  location: string | null;
}

export interface SessionSendParams {
  sessionId: string;
  prompt: string;
  turnId?: string | null;
  attachments?: Attachment[] | null;
}

export interface SessionSteerParams {
  sessionId: string;
  text: string;
}

export interface SessionSummary {
  sessionId: string;
  workspace: string;
  roots: string[];
  model: string;
  running: boolean;
  turnId: string | null;
  turns: number;
  messages: number;
  usage: Record<string, unknown>;
  costUsd: number;
  sandbox: SandboxState;
}

export interface SlashCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  command: string;
}

export interface Steered {
  steered: boolean;
  queued?: boolean;
}

export interface Target {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
}

export interface TeamConfigParams {
  maxTasks?: number | null;
  channelBuffer?: number | null;
  maxRounds?: number | null;
  pollIntervalMs?: number | null;
  parseRetries?: number | null;
}

export interface TeamModels {
  lead?: string | null;
  worker?: string | null;
  reviewer?: string | null;
}

export interface TeamRunParams {
  goal: string;
  workers?: number;
  reviewer?: boolean;
  models?: TeamModels;
  config?: TeamConfigParams;
  name?: string | null;
  workspace?: string | null;
  worktrees?: boolean;
  runId?: string | null;
}

export interface ToolCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  tool: string;
  args?: Record<string, unknown>;
}

export interface ToolParams {
  sessionId: string;
  tool: string;
  args?: Record<string, unknown>;
}

export interface ToolResult {
  output: string;
  isError: boolean;
  exitCode: number;
  metadata: Record<string, unknown>;
}

export interface TurnCheckpoint {
  turn: number;
  turnId: string | null;
  prompt: string;
  startedAt: number;
  files: string[];
}

export interface TurnDiff {
  sessionId: string;
  turnId: string;
  files: TurnFileDiff[];
}

export interface TurnDiffParams {
  sessionId: string;
  turnId?: string | null;
}

export interface TurnFileDiff {
  file: string;
  uri: string;
  diff: string;
  created: boolean;
  deleted: boolean;
  before: string | null;
  after: string | null;
}

export interface TurnResult {
  sessionId: string;
  turnId: string;
  text: string;
  stopReason: "end_turn" | "max_tool_rounds" | "cancelled" | "error" | "command";
  usage: Record<string, unknown>;
  costUsd: number;
  toolCalls: number;
}

export interface WorktreeCreateCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  branch: string;
  path?: string | null;
  base?: string | null;
  newBranch?: boolean;
}

export interface WorktreeCreateParams {
  sessionId: string;
  branch: string;
  path?: string | null;
  base?: string | null;
  newBranch?: boolean;
}

export interface WorktreeRemoveCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  path?: string | null;
  branch?: string | null;
  force?: boolean;
}

export interface WorktreeRemoveParams {
  sessionId: string;
  path?: string | null;
  branch?: string | null;
  force?: boolean;
}

export * from "./wire_events";

export const methods = ["a3s/command", "a3s/debug/modules", "a3s/queue/claim", "a3s/queue/complete", "a3s/queue/pending", "a3s/queue/setLaneHandler", "a3s/queue/stats", "a3s/session/cancel", "a3s/session/checkpoints", "a3s/session/close", "a3s/session/create", "a3s/session/fork", "a3s/session/list", "a3s/session/resume", "a3s/session/rewind", "a3s/session/save", "a3s/session/send", "a3s/session/steer", "a3s/team/run", "a3s/tool", "a3s/turn/diff", "a3s/worktree/create", "a3s/worktree/list", "a3s/worktree/remove", "a3s/worktree/status"] as const;
export const notifications = ["a3s/event", "a3s/queue/taskPending", "a3s/team/progress", "a3s/turn/diffReady"] as const;
export const serverRequests = ["a3s/confirm"] as const;
