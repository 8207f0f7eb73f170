"""The ``a3s/*`` wire: one pydantic model per method's params and result and per notification.

Field names are camelCase on the wire (aliases), snake_case in Python. ``params_of`` is the one
place a request's params are validated: a wrong or missing field is ``InvalidParamsError`` (-32602)
naming the field's path (``attachments.0.data``). Engine events stay the engine's typed models
(``a3s_code.events``) until ``dump`` serialises a notification (``wire_events``, kept apart so
that answering ``initialize`` does not load the engine's event models). ``docs/schema/a3s-protocol.json``
is generated from these models (``python -m a3s_lsp.wire_schema``), and so are the extension's types.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from a3s_code.ports import ConfirmationDecision

from .errors import InvalidParamsError

AnswerDecision = Literal["allow", "allow_session", "deny"]
"""What a client may answer to ``a3s/confirm`` (the engine's ``ConfirmationDecision`` minus the
``timeout`` and ``cancelled`` outcomes, which only the daemon decides)."""
ANSWERS: tuple[AnswerDecision, ...] = ("allow", "allow_session", "deny")


class Wire(BaseModel):
    """camelCase on the wire; unknown fields are errors (a misspelt field is not silently ignored)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True
    )


class Result(Wire):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="allow", defer_build=True
    )


# -- sessions -------------------------------------------------------------------------------------


class Empty(Wire):
    """Params of a method that takes none (``{}`` or omitted)."""


class SessionCreateParams(Wire):
    workspace: str | None = None
    roots: list[str] | None = Field(
        None,
        description="Further folders the session may use besides its workspace; default: the "
        "client's other workspace folders when the workspace is one of them (kept in step with "
        "workspace/didChangeWorkspaceFolders)",
    )
    model: str | None = Field(None, description='"provider/model"')
    session_id: str | None = None
    planning: bool = False
    goal_tracking: bool = False


class SessionRef(Wire):
    session_id: str


class SessionResumeParams(SessionRef):
    workspace: str | None = None


class Attachment(Wire):
    media_type: str | None = None
    data: str = Field(description="base64 image bytes (JPEG, PNG, GIF or WebP)")


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


class SessionSendParams(SessionRef):
    prompt: str
    turn_id: str | None = None
    attachments: list[Attachment] | None = None

    _prompt = field_validator("prompt")(_nonblank)


class SessionSteerParams(SessionRef):
    text: str

    _text = field_validator("text")(_nonblank)


class Steered(Result):
    """``steered``: the text will reach the running turn's next model call. ``queued``: the turn was
    ending, so the text runs as the next prompt instead. Both false: no turn runs (send a prompt)."""

    steered: bool
    queued: bool = False


class SandboxState(Result):
    """What the session's ``bash`` runs in (``a3s_code.sandbox.SandboxInfo``)."""

    enabled: bool
    backend: str
    network: bool
    memory_mb: int | None
    max_processes: int | None
    image: str | None
    workspace_mount: str | None
    timeout_ms: int | None


class SessionSummary(Result):
    session_id: str
    workspace: str
    roots: list[str] = Field(description="Every folder the session may use, its workspace first")
    model: str
    running: bool
    turn_id: str | None
    turns: int
    messages: int
    usage: dict[str, Any]
    cost_usd: float
    sandbox: SandboxState


class SessionOpened(SessionSummary):
    tools: list[str]


class SessionList(Result):
    sessions: list[SessionSummary]


class SessionSaved(Result):
    session_id: str
    saved: bool
    location: str | None


class Closed(Result):
    closed: bool


class Cancelled(Result):
    cancelled: bool


StopReason = Literal["end_turn", "max_tool_rounds", "cancelled", "error", "command"]


class TurnResult(Result):
    session_id: str
    turn_id: str
    text: str
    stop_reason: StopReason
    usage: dict[str, Any]
    cost_usd: float
    tool_calls: int


# -- checkpoints: rewind and fork -----------------------------------------------------------------

TurnRef = Annotated[
    int | str,
    Field(
        description="the turnId the client gave (or got back from) a3s/session/send, or the engine's turn number"
    ),
]


class SessionRewindParams(SessionRef):
    turn_id: TurnRef
    files: bool = Field(True, description="restore the files the agent changed in this turn and later ones")
    conversation: bool = Field(True, description="cut the conversation back to before this turn's prompt")


class RewindResult(Result):
    """What ``a3s/session/rewind`` did; paths are relative to the workspace."""

    session_id: str
    turn: int
    turn_id: str | None
    restored: list[str]
    conflicts: list[str] = Field(description="changed by someone else after the agent's write: left alone")
    failed: dict[str, str] = Field(description="path -> why it could not be restored")
    messages_removed: int


class SessionForkParams(SessionRef):
    turn_id: TurnRef | None = Field(None, description="fork from before this turn (omitted: from now)")
    new_session_id: str | None = None


class TurnCheckpoint(Result):
    """One turn that ``a3s/session/rewind`` and ``fork`` can name."""

    turn: int
    turn_id: str | None
    prompt: str
    started_at: float = Field(description="seconds since the Unix epoch")
    files: list[str] = Field(description="paths the turn changed, relative to the workspace")


class CheckpointList(Result):
    session_id: str
    turns: list[TurnCheckpoint]


# -- commands, tools, worktrees -------------------------------------------------------------------


class CommandParams(SessionRef):
    command: str


class CommandResult(Result):
    text: str
    action: str


class ToolParams(SessionRef):
    tool: str
    args: dict[str, Any] = {}


class ToolResult(Result):
    output: str
    is_error: bool
    exit_code: int
    metadata: dict[str, Any]


class WorktreeCreateParams(SessionRef):
    branch: str = Field(description="the new branch (or, with newBranch false, an existing one)")
    path: str | None = Field(None, description="default: beside the repository, <repo>-<branch>")
    base: str | None = Field(None, description="the commit the new branch starts from (default HEAD)")
    new_branch: bool = True


class WorktreeRemoveParams(SessionRef):
    path: str | None = Field(None, description="the worktree's folder")
    branch: str | None = Field(None, description="or the branch checked out in it")
    force: bool = False


class DebugModulesParams(Wire):
    names: list[str] = []


class DebugModules(Result):
    loaded: list[str]


# -- teams ------------------------------------------------------------------------------------------


class TeamConfigParams(Wire):
    max_tasks: int | None = None
    channel_buffer: int | None = None
    max_rounds: int | None = None
    poll_interval_ms: int | None = None
    parse_retries: int | None = None


class TeamModels(Wire):
    lead: str | None = None
    worker: str | None = None
    reviewer: str | None = None


class TeamRunParams(Wire):
    goal: str
    workers: int = Field(2, ge=1, le=16)
    reviewer: bool = True
    models: TeamModels = TeamModels()
    config: TeamConfigParams = TeamConfigParams()
    name: str | None = None
    workspace: str | None = None
    worktrees: bool = False
    run_id: str | None = None

    _goal = field_validator("goal")(_nonblank)


# -- the lane queue -------------------------------------------------------------------------------


class QueuePendingParams(Wire):
    session_id: str | None = None
    claim: int = Field(0, ge=0)
    include_claimed: bool = False


class QueueClaimParams(Wire):
    task_id: str
    session_id: str | None = None


class QueueCompleteParams(QueueClaimParams):
    success: bool = True
    result: Any = None
    error: str | None = None


class QueueSetLaneHandlerParams(SessionRef):
    lane: str
    mode: str = "internal"
    timeout_ms: int = Field(60_000, gt=0)


class ExternalTask(Result):
    task_id: str
    session_id: str
    lane: str
    command_type: str
    payload: dict[str, Any]
    timeout_ms: int
    claimed_by: str | None = None


# -- workspace/executeCommand mirrors ------------------------------------------------------------


class Target(Wire):
    """Which session a command runs in: ``sessionId``, else the default session of the workspace
    folder holding ``uri`` (a document) or ``workspace``, else of the first folder."""

    session_id: str | None = None
    workspace: str | None = None
    uri: str | None = None


class PromptCommand(Target):
    prompt: str

    _prompt = field_validator("prompt")(_nonblank)


class SlashCommand(Target):
    command: str


class ToolCommand(Target):
    tool: str
    args: dict[str, Any] = {}


class WorktreeCreateCommand(Target):
    branch: str
    path: str | None = None
    base: str | None = None
    new_branch: bool = True


class WorktreeRemoveCommand(Target):
    path: str | None = None
    branch: str | None = None
    force: bool = False


class RewindCommand(Target):
    turn_id: TurnRef
    files: bool = True
    conversation: bool = True


class ForkCommand(Target):
    turn_id: TurnRef | None = None


class CancelCommand(Wire):
    session_id: str | None = None


class CodeActionCommand(Wire):
    """The argument of ``a3s.codeAction`` (built by the daemon's own code actions)."""

    action: Literal["explain", "fix", "refactor"]
    uri: str
    range: dict[str, Any]
    diagnostics: list[dict[str, Any]] = []


class SlashResult(CommandResult):
    session_id: str


# -- server -> client -------------------------------------------------------------------------------


class ReviewHunk(Wire):
    """One hunk of a proposed file change (``docs/review.md``): ``id`` is stable for the same
    proposal; ``text`` is the hunk as a unified diff shows it, ``@@`` header included; starts are
    1-based line numbers (the line before, for an empty side)."""

    id: str
    file: str = Field(description="workspace-relative path, as in the diff's headers")
    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    text: str


class ConfirmParams(Wire):
    """``a3s/confirm`` (server -> client request). ``hunks``: a file change of more than one hunk,
    which the user may accept hunk by hunk (answer with ``acceptedHunks``)."""

    session_id: str
    tool_id: str
    tool: str
    args: dict[str, Any]
    reason: str
    diff: str | None
    timeout_ms: int
    options: list[AnswerDecision]
    hunks: list[ReviewHunk] | None = None


class ConfirmAnswer(Wire):
    """The client's answer to ``a3s/confirm``; ``content`` with an allow is the file text the user
    approved after changing the proposal; ``acceptedHunks`` with an allow are the ids of the hunks
    to apply (the others are not; none at all is a deny). Not both."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True
    )
    decision: AnswerDecision
    content: str | None = None
    accepted_hunks: list[str] | None = None

    @model_validator(mode="after")
    def _one_amendment(self) -> ConfirmAnswer:
        if self.content is not None and self.accepted_hunks is not None:
            raise ValueError("give content or acceptedHunks, not both")
        return self


# -- the turn's aggregate diff ----------------------------------------------------------------------


class TurnDiffParams(SessionRef):
    turn_id: str | None = Field(None, description="default: the session's latest turn")


class TurnFileDiff(Result):
    """One file a turn changed: ``before`` null when the turn created it, ``after`` null when it
    deleted it; ``diff`` is a unified diff (3 lines of context)."""

    file: str = Field(description="workspace-relative path")
    uri: str
    diff: str
    created: bool
    deleted: bool
    before: str | None
    after: str | None


class TurnDiff(Result):
    """``a3s/turn/diff``'s result, and the ``a3s/turn/diffReady`` notification at each turn's end
    (sent only when the turn changed a file)."""

    session_id: str
    turn_id: str
    files: list[TurnFileDiff]


Outcome = ConfirmationDecision
"""Every way a confirmation can end, as recorded in ``confirmation_received`` events."""

M = TypeVar("M", bound=BaseModel)


def params_of(model: type[M], raw: Any, method: str) -> M:
    """Validate ``raw`` params (None counts as ``{}``); InvalidParamsError names the first bad field."""
    try:
        return model.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        raise InvalidParamsError(f"{method}: invalid params: {describe(exc)}") from None


def describe(exc: ValidationError) -> str:
    """``field.path: message`` for each error (camelCase paths, as the client wrote them)."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "params"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def dump(model: BaseModel) -> dict[str, Any]:
    """A model as the JSON object sent on the wire (camelCase aliases, JSON types)."""
    return model.model_dump(mode="json", by_alias=True)
