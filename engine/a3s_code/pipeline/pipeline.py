"""ToolPipeline: the one way a tool call runs, whoever makes it.

The agent loop, ``session.tool``/``tool_async`` (and so the daemon's ``a3s/tool`` and
``a3s/worktree/*``, queue ``submit`` and external workers' lanes), ``batch``'s inner calls and
``task`` children (their own session's pipeline) all hand calls here. Stages, in order:

1. arguments: the tool exists; its ``Params`` validate;
2. boundary: path and pattern arguments resolved and confined (``boundary.py``): refused at once;
3. rules: the ``PermissionChecker`` (rules and mode); a call the tool declares read-only that no
   rule names runs without asking;
4. skill: active skills' ``allowed-tools``;
5. hooks: ``pre_tool_use`` (block, skip, modify: modified arguments go through 1-4 again; a hook
   that fails blocks the call unless registered ``on_error="continue"``);
6. taint: arguments carrying a secret the session has seen are flagged and asked, never run silently;
7. confirmation: allow-for-session (one set per session), the confirmation policy, the human;
8. execution: a slot in the tool's lane of the session queue (delegating tools take none), under
   the tool timeout;
9. result shaping: ``post_tool_use`` hooks, taint recorded, output sanitised and scanned, events
   (``tool_start``/``tool_end``, ``permission_denied``, ``confirmation_*``, ``security_warning``)
   and the audit trail.

``check`` runs stages 1-4, 6 and 7's standing answers without running anything (no hook fires).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import ValidationError

from ..checkpoints import CheckpointStore, RecordingFileSystem
from ..errors import ToolError
from ..events import (
    AgentEvent,
    ConfirmationReceived,
    ConfirmationRequired,
    PermissionDenied,
    SecurityWarning,
    ToolEnd,
    ToolOutput,
    ToolStart,
)
from ..hitl import AuditEntry, ConfirmationManager, apply_amended
from ..hooks import HookExecutor
from ..messages import ImageBlock, ToolResultBlock
from ..permissions.policy import PermissionPolicy
from ..ports import (
    AmendedApproval,
    ConfirmationDecision,
    ConfirmationProvider,
    ConfirmationRequest,
    PartialApproval,
    PermissionChecker,
)
from ..review.partial import Override, apply_partial, partial_override, propose
from ..shellwatch import ShellWatch
from ..tools.base import Tool, ToolContext, ToolParams, ToolResult
from ..tools.registry import ToolRegistry, format_validation_error
from .approvals import SessionApprovals
from .boundary import check_boundary, rule_scope
from .decisions import Allow, Ask, Decision, Deny
from .shield import Shield

if TYPE_CHECKING:
    from ..permissions import AllowedTools
    from ..queue import SessionLane, SessionLaneQueue

log = logging.getLogger("a3s_code.pipeline")
Emit = Callable[[AgentEvent], None]
SkillRestrictions = Callable[[], Sequence[tuple[str, "AllowedTools"]]]
"""The active skills that restrict tools: ``(skill name, its allowed-tools)`` pairs."""
_ANSWERS: frozenset[str] = frozenset(get_args(ConfirmationDecision))


@dataclass(frozen=True)
class ToolCall:
    """One call: ``id`` (the model's tool-use id, or one made up for direct calls), tool, arguments."""

    id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class CallResult:
    """What came of a call: ``output`` is what the model gets (sanitised, security notice added)."""

    call: ToolCall
    """The call as it ran (a ``pre_tool_use`` hook may have changed its arguments)."""
    output: str
    is_error: bool
    exit_code: int | None
    """The process's exit code where there is one (bash); ``code`` is what events report."""
    decision: Decision
    metadata: dict[str, Any] = field(default_factory=dict)
    images: tuple[ImageBlock, ...] = ()

    @property
    def code(self) -> int:
        return self.tool_result().code

    def block(self) -> ToolResultBlock:
        """The ``tool_result`` block for the conversation history."""
        return ToolResultBlock(
            tool_use_id=self.call.id, content=self.output, is_error=self.is_error, images=self.images
        )

    def tool_result(self) -> ToolResult:
        """As a ``ToolResult`` (what ``session.tool`` returns)."""
        return ToolResult(self.output, self.is_error, self.exit_code, self.metadata, list(self.images))


@dataclass
class PipelineSettings:
    tool_timeout_ms: int | None = None
    """Per tool call, None for no limit (the lane queue's ``default_timeout_ms`` applies as well)."""
    confirmation_timeout_ms: int = 30_000


@dataclass(frozen=True)
class _Prepared:
    decision: Decision
    tool: Tool[Any] | None = None
    params: ToolParams | None = None


class ToolPipeline:
    """One per session. ``permission`` and ``confirmation`` may be replaced at any time."""

    def __init__(
        self,
        *,
        session_id: str,
        workspace: Path,
        tools: ToolRegistry,
        context: Callable[[], ToolContext],
        queue: SessionLaneQueue,
        hooks: HookExecutor,
        shield: Shield,
        permission: PermissionChecker | None = None,
        confirmation: ConfirmationProvider | None = None,
        skills: SkillRestrictions = lambda: (),
        approvals: SessionApprovals | None = None,
        settings: Callable[[], PipelineSettings] = PipelineSettings,
        extra_roots: Callable[[], tuple[Path, ...]] = tuple,
        recorder: CheckpointStore | None = None,
    ) -> None:
        self.session_id = session_id
        self.workspace = workspace
        self.extra_roots = extra_roots
        """The session's further roots, read at each call (``Session.add_root`` applies at once)."""
        self.tools = tools
        self.context = context
        self.queue = queue
        self.hooks = hooks
        self.shield = shield
        self.permission = permission
        self.confirmation = confirmation
        self.skills = skills
        self.approvals = approvals if approvals is not None else SessionApprovals()
        self.settings = settings
        """Read at each call, so a change to the session's options applies to the next call."""
        self.audit: list[AuditEntry] = []
        """Every refusal and every confirmation answer (arguments sanitised), oldest first."""
        self.recorder = recorder
        """Where the file changes tools make are checkpointed (``checkpoints``); None records none."""
        self.shell_watch = ShellWatch(recorder) if recorder is not None else None
        """Checkpoints what shell tools change (``shellwatch``), wherever the command runs."""

    # -- deciding ------------------------------------------------------------------------------

    def check(self, name: str, args: dict[str, Any]) -> Decision:
        """The decision the session would make about this call, with its reason; nothing runs.

        ``pre_tool_use`` hooks are not fired (they are code with effects): one may still block the
        call, or change its arguments, when it really runs.
        """
        prepared = self._prepare(name, args)
        return self._settle(prepared, name, args)

    def lane_of(self, name: str) -> SessionLane:
        """The lane the tool declares (``Tool.lane``); an unknown tool is ``execute``."""
        tool = self.tools.find(name)
        return "query" if tool is not None and tool.lane == "query" else "execute"

    def _prepare(self, name: str, args: dict[str, Any]) -> _Prepared:
        """Stages 1-4: arguments, boundary, rules, skill restrictions."""
        tool = self.tools.find(name)
        if tool is None:
            known = ", ".join(self.tools.names())
            return _Prepared(Deny(f"Unknown tool: {name}. Available tools: {known}", "arguments"))
        try:
            params = tool.Params.model_validate(args)
        except ValidationError as exc:
            return _Prepared(Deny(format_validation_error(name, exc), "arguments"), tool)
        refusal = check_boundary(tool, params, self.workspace, args, self.extra_roots())
        if refusal is not None:
            if refusal.invalid:
                return _Prepared(Deny(f"Invalid arguments for tool '{name}': {refusal.message}", "arguments"))
            return _Prepared(Deny(refusal.message, "boundary"), tool, params)
        decision = self._rules(tool, params, name, args)
        if not isinstance(decision, Deny):
            decision = self._skills(name, args) or decision
        if isinstance(decision, Ask) and tool.delegates:
            decision = Allow("each call it makes is checked and confirmed on its own", "rules")
        return _Prepared(decision, tool, params)

    def _rules(self, tool: Tool[Any], params: ToolParams, name: str, args: dict[str, Any]) -> Decision:
        if self.permission is None:
            return Allow("no permission policy is set (the library default runs every call)")
        try:
            root, scoped = rule_scope(tool, params, args, self.workspace, self.extra_roots())
            if isinstance(self.permission, PermissionPolicy):
                # Shell commands run with the session's env: $VAR and ~ in them are read from it.
                verdict = self.permission.check(name, scoped, root, env=self.context().env)
            else:
                verdict = self.permission.check(name, scoped, root)
        except Exception as exc:  # a checker that cannot decide must not let the call through
            log.exception("permission check failed for %s", name)
            return Deny(f"the permission check failed ({type(exc).__name__}: {exc}), so the call is refused")
        if verdict.verdict == "deny":
            return Deny(verdict.reason or f"denied by rule {verdict.rule}", "rules", verdict.rule)
        if verdict.verdict == "allow":
            return Allow(verdict.reason, "rules", verdict.rule)
        if verdict.rule is None and tool.read_only(params):
            return Allow(f"'{name}' only reads here, and no rule asks about it", "rules")
        return Ask(verdict.reason, "rules", verdict.rule)

    def _skills(self, name: str, args: dict[str, Any]) -> Deny | None:
        restrictions = list(self.skills())
        if not restrictions or any(a.permits(name, args, self.workspace) for _, a in restrictions):
            return None
        names = ", ".join(skill for skill, _ in restrictions)
        allowed = "; ".join(", ".join(a.rules) for _, a in restrictions)
        return Deny(
            f"'{name}' is outside the allowed tools of the active skill(s) {names} ({allowed})", "skill"
        )

    def _settle(self, prepared: _Prepared, name: str, args: dict[str, Any]) -> Decision:
        """Stages 6 and 7 (without asking): taint, allow-for-session, standing answers, a channel."""
        decision = prepared.decision
        if isinstance(decision, Deny):
            return decision
        tainted = self.shield.carries_taint(args)
        if tainted:
            why = "its arguments carry a secret seen earlier in this session (in a file, a tool's output or the prompt)"
            decision = Ask(why if isinstance(decision, Allow) else f"{decision.reason}; and {why}", "taint")
        if isinstance(decision, Allow):
            return decision
        if self.approvals.allows(name, args):
            return Allow("allowed for this session earlier", "confirmation")
        lane = prepared.tool.lane if prepared.tool is not None else "execute"
        if isinstance(self.confirmation, ConfirmationManager):
            request = ConfirmationRequest(self.session_id, "", name, args, decision.reason, 0, lane=lane)
            standing = self.confirmation.standing_answer(request)
            if standing is not None and not tainted:
                return Allow(standing[1], "confirmation")
            if standing is not None:
                return Deny(
                    f"{decision.reason}, and the confirmation policy ({standing[1]}) would not ask", "taint"
                )
        nobody = isinstance(self.confirmation, ConfirmationManager) and self.confirmation.channel is None
        if self.confirmation is None or nobody:
            from ..permissions import how_to_allow

            return Deny(
                f"'{name}' needs confirmation ({decision.reason}), but no "
                f"confirmation channel is configured. {how_to_allow(name, args)}",
                "taint" if tainted else "confirmation",
            )
        return decision

    # -- running -------------------------------------------------------------------------------

    async def run(
        self,
        call: ToolCall,
        emit: Emit,
        *,
        lane: SessionLane | None = None,
        deadline_ms: int | None = None,
        on_call: Callable[[CallResult], None] | None = None,
    ) -> CallResult:
        """Run ``call`` through every stage; never raises for a refused or failing call.

        ``lane`` overrides the tool's lane (queue ``submit``); ``on_call`` sees this call's result
        and those of the calls it makes (``batch``). Cancellation propagates.
        """
        emit(ToolStart(tool_id=call.id, tool_name=call.name, args=call.args))
        decision: Decision = Deny("the call did not complete", "arguments")
        try:
            decision, call, result = await self._run(call, emit, lane, deadline_ms, on_call)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in a stage ends this call with an error, never the turn
            log.exception("tool call %s (%s) failed in the pipeline", call.id, call.name)
            result = ToolResult.error(f"'{call.name}' failed: {type(exc).__name__}: {exc}")
        output, findings = self.shield.tool_output(result.output, f"tool:{call.name}")
        if findings:
            emit(SecurityWarning(source=f"tool:{call.name}", findings=findings))
        metadata = _jsonable(result.metadata)
        emit(
            ToolEnd(
                tool_id=call.id, tool_name=call.name, output=output, exit_code=result.code, metadata=metadata
            )
        )
        done = CallResult(
            call, output, result.is_error, result.exit_code, decision, metadata, tuple(result.images)
        )
        if on_call is not None:
            on_call(done)
        return done

    async def _run(
        self,
        call: ToolCall,
        emit: Emit,
        lane: SessionLane | None,
        deadline_ms: int | None,
        on_call: Callable[[CallResult], None] | None,
    ) -> tuple[Decision, ToolCall, ToolResult]:
        prepared = self._prepare(call.name, call.args)
        if isinstance(prepared.decision, Deny):
            return self._refuse(call, prepared.decision, emit)
        pre = await self.hooks.fire(
            "pre_tool_use", {"tool": call.name, "args": call.args, "tool_id": call.id}
        )
        changed = pre.payload.get("args")
        if pre.action == "modify" and isinstance(changed, dict) and changed != call.args:
            call = replace(call, args=changed)
            prepared = self._prepare(call.name, call.args)
            if isinstance(prepared.decision, Deny):
                return self._refuse(call, prepared.decision, emit)
        if pre.action == "block":
            return self._refuse(call, Deny(pre.reason, "hook"), emit)
        if pre.action == "skip":
            return (
                Allow(pre.reason, "hook"),
                call,
                ToolResult(f"Skipped by a hook: {pre.reason}".rstrip(": ")),
            )
        decision = self._settle(prepared, call.name, call.args)
        if decision.stage == "taint":
            emit(SecurityWarning(source=f"tool_args:{call.name}", findings=[decision.reason]))
        if isinstance(decision, Deny):
            return self._refuse(call, decision, emit)
        amended: Override | None = None
        if isinstance(decision, Ask):
            refusal, amended = await self._confirm(call, prepared, decision, emit)
            if refusal is not None:
                return refusal, call, ToolResult.error(refusal.reason)
        assert prepared.tool is not None and prepared.params is not None
        ctx = self._context(call, emit, on_call)
        result = await self._execute(
            call, prepared.tool, prepared.params, ctx, lane, deadline_ms, emit, amended
        )
        result = await self._post_tool_use(call, prepared.tool, prepared.params, ctx, result, lane, emit)
        return decision, call, result

    def _refuse(self, call: ToolCall, deny: Deny, emit: Emit) -> tuple[Decision, ToolCall, ToolResult]:
        message = _refusal_text(deny)
        if deny.stage != "arguments":
            emit(PermissionDenied(tool_id=call.id, tool_name=call.name, args=call.args, reason=deny.reason))
            self._record(call, "deny", deny.reason, deny.stage)
        return deny, call, ToolResult.error(message)

    async def _confirm(
        self, call: ToolCall, prepared: _Prepared, decision: Ask, emit: Emit
    ) -> tuple[Deny | None, Override | None]:
        """Ask the human: (a refusal, or None) and what to apply instead of the proposal (the text
        they wrote, or the hunks they accepted; None: the call as proposed)."""
        assert prepared.tool is not None and prepared.params is not None and self.confirmation is not None
        tool = prepared.tool
        diff, proposal = await propose(tool, prepared.params, self._context(call, emit, None))
        hunks = tuple(proposal.hunks) if proposal is not None and proposal.splittable else ()
        timeout_ms = self.settings().confirmation_timeout_ms
        emit(
            ConfirmationRequired(
                tool_id=call.id, tool_name=call.name, args=call.args, timeout_ms=timeout_ms, diff=diff
            )
        )
        request = ConfirmationRequest(
            self.session_id,
            call.id,
            call.name,
            call.args,
            decision.reason,
            timeout_ms,
            diff,
            tool.lane,
            hunks,
        )
        try:
            answer = await self.confirmation.confirm(request)
        except asyncio.CancelledError:
            emit(ConfirmationReceived(tool_id=call.id, decision="cancelled"))
            raise
        except Exception as exc:  # a broken channel must not leave the call allowed
            why = f"confirmation failed: {exc}"
            emit(ConfirmationReceived(tool_id=call.id, decision="deny", reason=why))
            self._record(call, "deny", why, "confirmation")
            return Deny(f"Not confirmed: the confirmation channel failed ({exc})", "confirmation"), None
        amended: Override | None = answer.content if isinstance(answer, AmendedApproval) else None
        if isinstance(answer, PartialApproval):
            refusal, amended = partial_override(call.name, proposal, hunks, answer.accepted)
            if refusal is not None:
                emit(ConfirmationReceived(tool_id=call.id, decision="deny", reason=refusal))
                self._record(call, "deny", refusal, "confirmation")
                return Deny(refusal, "confirmation"), None
        said = answer.decision if isinstance(answer, AmendedApproval | PartialApproval) else answer
        choice: ConfirmationDecision = said if said in _ANSWERS else "deny"
        emit(ConfirmationReceived(tool_id=call.id, decision=choice))
        self._record(
            call, choice, "answered" if said in _ANSWERS else f"unknown answer {said!r}", "confirmation"
        )
        if choice == "allow_session":
            self.approvals.add(call.name, call.args)
        if choice in ("allow", "allow_session"):
            return None, amended
        if choice == "timeout":
            why = (
                f"Not confirmed: the user did not answer within {timeout_ms}ms, so '{call.name}' was not run"
            )
            return Deny(why, "confirmation"), None
        return Deny(
            f"The user denied running '{call.name}'. Do not retry it; ask or take another approach.",
            "confirmation",
        ), None

    async def _execute(
        self,
        call: ToolCall,
        tool: Tool[Any],
        params: ToolParams,
        ctx: ToolContext,
        lane: SessionLane | None,
        deadline_ms: int | None,
        emit: Emit,
        amended: Override | None = None,
    ) -> ToolResult:
        if isinstance(amended, str):
            return await apply_amended(ctx, call.name, call.args, amended)
        if amended is not None:
            try:
                return await apply_partial(ctx, call.name, amended.proposal, amended.accepted)
            except ToolError as exc:
                return ToolResult.error(str(exc))
        if tool.delegates:  # its calls take their own slots; a slot here could deadlock them
            try:
                return await self._invoke(tool, params, ctx)
            except Exception as exc:
                log.exception("tool %s failed", call.name)
                return ToolResult.error(f"'{call.name}' failed: {type(exc).__name__}: {exc}")

        def run() -> Awaitable[ToolResult]:
            return self.queue.run_tool(
                call.name,
                call.args,
                lambda: self._invoke(tool, params, ctx),
                lane=lane,
                declared_lane=tool.lane,
                emit=emit,
                deadline_ms=deadline_ms,
            )

        if tool.shell and self.shell_watch is not None:  # around the lane: an external worker counts
            roots = (ctx.workspace, *ctx.extra_roots)
            return await self.shell_watch.around(getattr(params, "command", None), roots, ctx.env, run)
        return await run()

    async def _invoke(self, tool: Tool[Any], params: ToolParams, ctx: ToolContext) -> ToolResult:
        timeout_ms = self.settings().tool_timeout_ms
        try:
            if timeout_ms is None:
                return await self.tools.run(tool, params, ctx)
            async with asyncio.timeout(timeout_ms / 1000):
                return await self.tools.run(tool, params, ctx)
        except TimeoutError:
            return ToolResult.error(f"Tool '{tool.name}' timed out after {timeout_ms}ms")

    async def _post_tool_use(
        self,
        call: ToolCall,
        tool: Tool[Any],
        params: ToolParams,
        ctx: ToolContext,
        result: ToolResult,
        lane: SessionLane | None,
        emit: Emit,
    ) -> ToolResult:
        payload = {"tool": call.name, "args": call.args, "output": result.output, "exit_code": result.code}
        post = await self.hooks.fire("post_tool_use", payload)
        if post.action == "retry":
            return await self._execute(call, tool, params, ctx, lane, None, emit)
        if post.action == "modify" and isinstance(post.payload.get("output"), str):
            return replace(result, output=post.payload["output"])
        if post.action == "block":
            return ToolResult.error(f"Output withheld by a hook: {post.reason}")
        return result

    def _context(
        self, call: ToolCall, emit: Emit, on_call: Callable[[CallResult], None] | None
    ) -> ToolContext:
        base = self.context()

        def emit_output(chunk: str) -> None:
            emit(ToolOutput(tool_id=call.id, tool_name=call.name, delta=chunk))

        fs = base.fs if self.recorder is None else RecordingFileSystem(base.fs, self.recorder)
        return ToolContext(
            workspace=base.workspace,
            fs=fs,
            tool_id=call.id,
            emit_output=emit_output,
            env=base.env,
            delegator=base.delegator,
            seen=base.seen,
            extra_roots=base.extra_roots,
            emit_event=emit,
            inner_calls=_InnerCalls(self, emit, on_call),
        )

    def _record(self, call: ToolCall, decision: ConfirmationDecision, reason: str, stage: str) -> None:
        args = call.args
        try:
            args = json.loads(self.shield.sanitize(json.dumps(args, default=str)))
        except ValueError:  # sanitising broke the JSON: keep nothing rather than the raw secret
            args = {"(arguments)": "not recorded"}
        self.audit.append(AuditEntry(time.time(), self.session_id, call.name, args, decision, reason, stage))


class _InnerCalls:
    """``ToolContext.inner_calls`` for one call: its inner calls share its event sink and observer."""

    def __init__(
        self, pipeline: ToolPipeline, emit: Emit, on_call: Callable[[CallResult], None] | None
    ) -> None:
        self._pipeline = pipeline
        self._emit = emit
        self._on_call = on_call

    async def call(self, tool_id: str, name: str, args: dict[str, Any]) -> ToolResult:
        done = await self._pipeline.run(ToolCall(tool_id, name, args), self._emit, on_call=self._on_call)
        return done.tool_result()


def _refusal_text(deny: Deny) -> str:
    """What the model is told instead of a result."""
    prefix = {
        "arguments": "",
        "hook": "Blocked by a hook: ",
        "boundary": "Refused: ",
        "confirmation": "Permission required: ",
        "taint": "Permission required: ",
    }.get(deny.stage, "Permission denied: ")
    return prefix + deny.reason


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return json.loads(json.dumps(value, default=str))  # type: ignore[no-any-return]
