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

export interface CommandDeadLettered {
  type: "command_dead_lettered";
  command_id: string;
  command_type: string;
  lane: string;
  error: string;
  attempts: number;
}

export interface CommandParams {
  sessionId: string;
  command: string;
}

export interface CommandResult {
  text: string;
  action: string;
}

export interface CommandRetry {
  type: "command_retry";
  command_id: string;
  command_type: string;
  lane: string;
  attempt: number;
  delay_ms: number;
  error: string;
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

export interface ConfirmationReceived {
  type: "confirmation_received";
  tool_id: string;
  decision: "allow" | "allow_session" | "deny" | "timeout" | "cancelled";
  reason?: string | null;
}

export interface ConfirmationRequired {
  type: "confirmation_required";
  tool_id: string;
  tool_name: string;
  args: Record<string, unknown>;
  timeout_ms: number;
  diff?: string | null;
}

export interface ContextCompacted {
  type: "context_compacted";
  before_messages: number;
  after_messages: number;
  before_tokens: number;
  after_tokens: number;
}

export interface ContextResolved {
  type: "context_resolved";
  total_items: number;
  total_tokens: number;
}

export interface ContextResolving {
  type: "context_resolving";
  providers: string[];
}

export interface DebugModules {
  loaded: string[];
}

export interface DebugModulesParams {
  names?: string[];
}

export interface Empty {

}

export interface ErrorEvent {
  type: "error";
  message: string;
  code?: string;
  recoverable?: boolean;
}

export interface EventNotification {
  sessionId: string;
  turnId: string;
  event: TurnStart | TextDelta | ThinkingDelta | ToolStart | ToolOutput | ToolEnd | UsageEvent | ErrorEvent | ConfirmationRequired | ConfirmationReceived | PermissionDenied | SecurityWarning | ContextCompacted | MemoryRecalled | MemoryStored | ContextResolving | ContextResolved | SubagentStart | SubagentEvent | SubagentEnd | ExternalTaskPending | ExternalTaskCompleted | CommandRetry | CommandDeadLettered | QueueAlert | PlanningStart | PlanningEnd | StepStart | StepEnd | GoalExtracted | GoalProgress | GoalAchieved | TurnEnd;
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

export interface ExternalTaskCompleted {
  type: "external_task_completed";
  task_id: string;
  session_id: string;
  success: boolean;
  worker?: string | null;
}

export interface ExternalTaskPending {
  type: "external_task_pending";
  task_id: string;
  session_id: string;
  lane: string;
  command_type: string;
  payload: Record<string, unknown>;
  timeout_ms: number;
  mode?: "external" | "hybrid";
}

export interface ForkCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  turnId?: number | string | null;
}

export interface GoalAchieved {
  type: "goal_achieved";
  goal: string;
  total_steps: number;
  turns: number;
  duration_ms: number;
}

export interface GoalExtracted {
  type: "goal_extracted";
  goal: string;
  success_criteria?: string[];
}

export interface GoalProgress {
  type: "goal_progress";
  goal: string;
  progress: number;
  completed_steps?: number | null;
  total_steps?: number | null;
  remaining_criteria?: string[];
}

export interface MemoryRecalled {
  type: "memory_recalled";
  memory_id: string;
  content: string;
}

export interface MemoryStored {
  type: "memory_stored";
  memory_id: string;
  kind: string;
  content: string;
}

export interface PermissionDenied {
  type: "permission_denied";
  tool_id: string;
  tool_name: string;
  args: Record<string, unknown>;
  reason: string;
}

export interface PlannedTask {
  id: string;
  description: string;
}

export interface PlanningEnd {
  type: "planning_end";
  plan: Record<string, unknown>;
  estimated_steps: number;
  waves?: string[][];
}

export interface PlanningStart {
  type: "planning_start";
  prompt: string;
}

export interface PromptCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  prompt: string;
}

export interface QueueAlert {
  type: "queue_alert";
  level: "info" | "warning";
  alert_type: "pressure" | "idle";
  lane: string;
  pending: number;
  message: string;
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

export interface SecurityWarning {
  type: "security_warning";
  source: string;
  findings: string[];
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

export interface StepEnd {
  type: "step_end";
  step_id: string;
  description: string;
  step_number: number;
  total_steps: number;
  wave: number;
  status: "completed" | "failed";
  text?: string;
}

export interface StepStart {
  type: "step_start";
  step_id: string;
  description: string;
  step_number: number;
  total_steps: number;
  wave: number;
}

export interface SubagentEnd {
  type: "subagent_end";
  task_id: string;
  agent: string;
  success: boolean;
  stop_reason: string;
  output: string;
  tool_calls: number;
  usage: Usage;
  cost_usd: number;
}

export interface SubagentEvent {
  type: "subagent_event";
  task_id: string;
  agent: string;
  event: TurnStart | TextDelta | ThinkingDelta | ToolStart | ToolOutput | ToolEnd | UsageEvent | ErrorEvent | ConfirmationRequired | ConfirmationReceived | PermissionDenied | SecurityWarning | ContextCompacted | MemoryRecalled | MemoryStored | ContextResolving | ContextResolved | SubagentStart | SubagentEvent | SubagentEnd | ExternalTaskPending | ExternalTaskCompleted | CommandRetry | CommandDeadLettered | QueueAlert | PlanningStart | PlanningEnd | StepStart | StepEnd | GoalExtracted | GoalProgress | GoalAchieved | TurnEnd;
}

export interface SubagentStart {
  type: "subagent_start";
  task_id: string;
  agent: string;
  description: string;
  session_id: string;
  max_steps: number;
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

export interface TeamEnd {
  type: "team_end";
  stop_reason: "done" | "max_rounds" | "error" | "cancelled";
  rounds: number;
  done: number;
  rejected: number;
  error?: string | null;
}

export interface TeamModels {
  lead?: string | null;
  worker?: string | null;
  reviewer?: string | null;
}

export interface TeamOutputRetry {
  type: "team_output_retry";
  member: string;
  role: "lead" | "reviewer";
  attempt: number;
  error: string;
}

export interface TeamPlanned {
  type: "team_planned";
  goal: string;
  tasks: PlannedTask[];
  dropped?: number;
}

export interface TeamProgressNotification {
  runId: string;
  event: TeamPlanned | TeamTaskClaimed | TeamTaskCompleted | TeamTaskReviewed | TeamOutputRetry | TeamRoundEnd | TeamEnd;
}

export interface TeamRoundEnd {
  type: "team_round_end";
  round: number;
  open: number;
  in_progress: number;
  in_review: number;
  done: number;
  rejected: number;
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

export interface TeamTaskClaimed {
  type: "team_task_claimed";
  task_id: string;
  member: string;
  description: string;
  round: number;
  attempt: number;
}

export interface TeamTaskCompleted {
  type: "team_task_completed";
  task_id: string;
  member: string;
  result: string;
  stop_reason: string;
}

export interface TeamTaskReviewed {
  type: "team_task_reviewed";
  task_id: string;
  reviewer: string;
  verdict: "approved" | "rejected";
  feedback: string;
}

export interface TextDelta {
  type: "text_delta";
  text: string;
}

export interface ThinkingDelta {
  type: "thinking_delta";
  text: string;
}

export interface ToolCommand {
  sessionId?: string | null;
  workspace?: string | null;
  uri?: string | null;
  tool: string;
  args?: Record<string, unknown>;
}

export interface ToolEnd {
  type: "tool_end";
  tool_id: string;
  tool_name: string;
  output: string;
  exit_code: number;
  metadata?: Record<string, unknown>;
}

export interface ToolOutput {
  type: "tool_output";
  tool_id: string;
  tool_name: string;
  delta: string;
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

export interface ToolStart {
  type: "tool_start";
  tool_id: string;
  tool_name: string;
  args?: Record<string, unknown>;
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

export interface TurnEnd {
  type: "turn_end";
  turn: number;
  text: string;
  stop_reason: "end_turn" | "max_tool_rounds" | "cancelled" | "error" | "command";
  usage: Usage;
  cost_usd: number;
  tool_calls: number;
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

export interface TurnStart {
  type: "turn_start";
  turn: number;
  prompt: string;
}

export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  reasoning_tokens?: number;
}

export interface UsageEvent {
  type: "usage";
  usage: Usage;
  cost_usd: number;
  model: string;
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

export const methods = ["a3s/command", "a3s/debug/modules", "a3s/queue/claim", "a3s/queue/complete", "a3s/queue/pending", "a3s/queue/setLaneHandler", "a3s/queue/stats", "a3s/session/cancel", "a3s/session/checkpoints", "a3s/session/close", "a3s/session/create", "a3s/session/fork", "a3s/session/list", "a3s/session/resume", "a3s/session/rewind", "a3s/session/save", "a3s/session/send", "a3s/session/steer", "a3s/team/run", "a3s/tool", "a3s/turn/diff", "a3s/worktree/create", "a3s/worktree/list", "a3s/worktree/remove", "a3s/worktree/status"] as const;
export const notifications = ["a3s/event", "a3s/queue/taskPending", "a3s/team/progress", "a3s/turn/diffReady"] as const;
export const serverRequests = ["a3s/confirm"] as const;
