// Generated from docs/schema/a3s-protocol.json by `python -m a3s_lsp.wire_schema`: do not edit.
/* eslint-disable */

export interface CommandDeadLettered {
  type: "command_dead_lettered";
  command_id: string;
  command_type: string;
  lane: string;
  error: string;
  attempts: number;
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

export interface QueueAlert {
  type: "queue_alert";
  level: "info" | "warning";
  alert_type: "pressure" | "idle";
  lane: string;
  pending: number;
  message: string;
}

export interface SecurityWarning {
  type: "security_warning";
  source: string;
  findings: string[];
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

export interface TeamEnd {
  type: "team_end";
  stop_reason: "done" | "max_rounds" | "error" | "cancelled";
  rounds: number;
  done: number;
  rejected: number;
  error?: string | null;
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

export interface ToolStart {
  type: "tool_start";
  tool_id: string;
  tool_name: string;
  args?: Record<string, unknown>;
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
