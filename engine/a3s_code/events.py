"""Events a turn emits, as one discriminated union (``type``), serialisable with ``model_dump``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .messages import Usage
from .ports import ConfirmationDecision


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def event_type(self) -> str:
        """The seed's Python SDK name for ``type``."""
        return str(getattr(self, "type"))  # noqa: B009


class TurnStart(_Event):
    type: Literal["turn_start"] = "turn_start"
    turn: int
    prompt: str


class TextDelta(_Event):
    type: Literal["text_delta"] = "text_delta"
    text: str


class ThinkingDelta(_Event):
    type: Literal["thinking_delta"] = "thinking_delta"
    text: str


class ToolStart(_Event):
    type: Literal["tool_start"] = "tool_start"
    tool_id: str
    tool_name: str
    args: dict[str, Any] = {}


class ToolOutput(_Event):
    """A chunk of a running tool's output (bash streams its lines)."""

    type: Literal["tool_output"] = "tool_output"
    tool_id: str
    tool_name: str
    delta: str


class ToolEnd(_Event):
    type: Literal["tool_end"] = "tool_end"
    tool_id: str
    tool_name: str
    output: str
    exit_code: int
    metadata: dict[str, Any] = {}


class UsageEvent(_Event):
    type: Literal["usage"] = "usage"
    usage: Usage
    cost_usd: float
    model: str


class ErrorEvent(_Event):
    type: Literal["error"] = "error"
    message: str
    code: str = "error"
    recoverable: bool = False


class ConfirmationRequired(_Event):
    type: Literal["confirmation_required"] = "confirmation_required"
    tool_id: str
    tool_name: str
    args: dict[str, Any]
    timeout_ms: int
    diff: str | None = None


class ConfirmationReceived(_Event):
    type: Literal["confirmation_received"] = "confirmation_received"
    tool_id: str
    decision: ConfirmationDecision
    reason: str | None = None


class PermissionDenied(_Event):
    type: Literal["permission_denied"] = "permission_denied"
    tool_id: str
    tool_name: str
    args: dict[str, Any]
    reason: str


class SecurityWarning(_Event):
    """A prompt-injection or similar finding in content the model is about to see."""

    type: Literal["security_warning"] = "security_warning"
    source: str
    findings: list[str]


class ContextCompacted(_Event):
    type: Literal["context_compacted"] = "context_compacted"
    before_messages: int
    after_messages: int
    before_tokens: int
    after_tokens: int


class MemoryRecalled(_Event):
    """A past experience recalled for this prompt and added to the system prompt."""

    type: Literal["memory_recalled"] = "memory_recalled"
    memory_id: str
    content: str


class MemoryStored(_Event):
    type: Literal["memory_stored"] = "memory_stored"
    memory_id: str
    kind: str
    content: str


class ContextResolving(_Event):
    type: Literal["context_resolving"] = "context_resolving"
    providers: list[str]


class ContextResolved(_Event):
    type: Literal["context_resolved"] = "context_resolved"
    total_items: int
    total_tokens: int


class SubagentStart(_Event):
    """A ``task`` call handed work to a child agent; its events follow as ``subagent_event``."""

    type: Literal["subagent_start"] = "subagent_start"
    task_id: str
    agent: str
    description: str
    session_id: str
    max_steps: int


class SubagentEvent(_Event):
    """One event of a child agent's turn, streamed under the parent's turn."""

    type: Literal["subagent_event"] = "subagent_event"
    task_id: str
    agent: str
    event: AgentEvent


class SubagentEnd(_Event):
    type: Literal["subagent_end"] = "subagent_end"
    task_id: str
    agent: str
    success: bool
    stop_reason: str
    output: str
    tool_calls: int
    usage: Usage
    cost_usd: float


class ExternalTaskPending(_Event):
    """A tool call on an external (or hybrid) lane waits for a worker (or is announced to observers)."""

    type: Literal["external_task_pending"] = "external_task_pending"
    task_id: str
    session_id: str
    lane: str
    command_type: str
    payload: dict[str, Any]
    timeout_ms: int
    mode: Literal["external", "hybrid"] = "external"


class ExternalTaskCompleted(_Event):
    type: Literal["external_task_completed"] = "external_task_completed"
    task_id: str
    session_id: str
    success: bool
    worker: str | None = None


class CommandRetry(_Event):
    type: Literal["command_retry"] = "command_retry"
    command_id: str
    command_type: str
    lane: str
    attempt: int
    delay_ms: int
    error: str


class CommandDeadLettered(_Event):
    type: Literal["command_dead_lettered"] = "command_dead_lettered"
    command_id: str
    command_type: str
    lane: str
    error: str
    attempts: int


class QueueAlert(_Event):
    """Lane pressure: pending work reached ``pressure_threshold`` (``pressure``), or drained (``idle``)."""

    type: Literal["queue_alert"] = "queue_alert"
    level: Literal["info", "warning"]
    alert_type: Literal["pressure", "idle"]
    lane: str
    pending: int
    message: str


class PlanningStart(_Event):
    type: Literal["planning_start"] = "planning_start"
    prompt: str


class PlanningEnd(_Event):
    """The plan the turn will execute (``planning.Plan`` as JSON), in waves of parallel steps."""

    type: Literal["planning_end"] = "planning_end"
    plan: dict[str, Any]
    estimated_steps: int
    waves: list[list[str]] = []


class StepStart(_Event):
    type: Literal["step_start"] = "step_start"
    step_id: str
    description: str
    step_number: int
    total_steps: int
    wave: int


class StepEnd(_Event):
    type: Literal["step_end"] = "step_end"
    step_id: str
    description: str
    step_number: int
    total_steps: int
    wave: int
    status: Literal["completed", "failed"]
    text: str = ""


class GoalExtracted(_Event):
    type: Literal["goal_extracted"] = "goal_extracted"
    goal: str
    success_criteria: list[str] = []


class GoalProgress(_Event):
    type: Literal["goal_progress"] = "goal_progress"
    goal: str
    progress: float
    completed_steps: int | None = None
    total_steps: int | None = None
    remaining_criteria: list[str] = []


class GoalAchieved(_Event):
    type: Literal["goal_achieved"] = "goal_achieved"
    goal: str
    total_steps: int
    turns: int
    duration_ms: int


class TurnEnd(_Event):
    type: Literal["turn_end"] = "turn_end"
    turn: int
    text: str
    stop_reason: Literal["end_turn", "max_tool_rounds", "cancelled", "error", "command"]
    usage: Usage
    cost_usd: float
    tool_calls: int


AgentEvent = Annotated[
    TurnStart
    | TextDelta
    | ThinkingDelta
    | ToolStart
    | ToolOutput
    | ToolEnd
    | UsageEvent
    | ErrorEvent
    | ConfirmationRequired
    | ConfirmationReceived
    | PermissionDenied
    | SecurityWarning
    | ContextCompacted
    | MemoryRecalled
    | MemoryStored
    | ContextResolving
    | ContextResolved
    | SubagentStart
    | SubagentEvent
    | SubagentEnd
    | ExternalTaskPending
    | ExternalTaskCompleted
    | CommandRetry
    | CommandDeadLettered
    | QueueAlert
    | PlanningStart
    | PlanningEnd
    | StepStart
    | StepEnd
    | GoalExtracted
    | GoalProgress
    | GoalAchieved
    | TurnEnd,
    Field(discriminator="type"),
]

SubagentEvent.model_rebuild()
EVENT_ADAPTER: TypeAdapter[AgentEvent] = TypeAdapter(AgentEvent)
