"""``session.runner``: one turn of a session, from the prompt to ``TurnEnd``.

The order (docs/architecture.md, "A turn"): ``session_start`` (first turn) and ``pre_prompt``
hooks; a slash command answers on its own; skills are chosen; MCP servers, memories and context
are gathered (``session.mcp``, ``session.memory``, ``session.context``); the agent loop (or a
planned turn) runs; ``post_response`` hooks and sanitising; auto-compaction; memory, context
providers and auto-save are told; ``TurnEnd``. An unexpected exception ends the turn with an
``error`` event, the history left valid.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..commands import CommandContext, CommandOutput, CommandRegistry
from ..errors import A3SError
from ..events import AgentEvent, ContextCompacted, ErrorEvent, TextDelta, TurnEnd, TurnStart
from ..loop import AgentLoop, LoopSettings, TurnOutcome, repair_history
from ..messages import ImageBlock, Message, Usage
from ..steering import SteerQueue, steered

if TYPE_CHECKING:
    from ..agent import Agent
    from ..hooks import HookExecutor
    from ..llm.base import LLMClient
    from ..options import SessionOptions
    from ..pipeline import ToolPipeline
    from ..planning import GoalState, Plan
    from ..rewind import SessionRewind
    from ..security import SecurityProvider
    from ..services import SessionServices
    from ..skills import Skill, SkillRegistry
    from ..tool_search import ToolSelector
    from ..tools.registry import ToolRegistry
    from .context import SessionContext
    from .mcp import SessionMcp
    from .memory import SessionMemory
    from .persistence import SessionPersistence
    from .queue import SessionQueue

log = logging.getLogger("a3s_code.session")
Emit = Callable[[AgentEvent], None]


class TurnHost(Protocol):
    """What of its session a turn reads and writes (``Session`` is one): the conversation and its
    totals (written), the model, the components a turn goes through, and the session's own
    ``llm``, ``system_prompt`` and ``set_model``."""

    session_id: str
    workspace: Path
    agent: Agent
    options: SessionOptions
    services: SessionServices
    model: str
    history: list[Message]
    usage: Usage
    cost_usd: float
    turns: int
    plan: Plan | None
    goal: GoalState | None
    hooks: HookExecutor
    tools: ToolRegistry
    pipeline: ToolPipeline
    queue: SessionQueue
    steering: SteerQueue
    rewinder: SessionRewind
    mcp: SessionMcp
    memory: SessionMemory
    context: SessionContext
    persistence: SessionPersistence
    skills: SkillRegistry | None
    pinned_skills: list[Skill]
    active_skills: list[Skill]
    tool_selector: ToolSelector | None
    commands: CommandRegistry

    @property
    def security(self) -> SecurityProvider | None: ...

    def llm(self) -> LLMClient: ...

    def system_prompt(self) -> str: ...

    def set_model(self, model: str) -> None: ...


class TurnRunner:
    """Runs the turns of ``session``, one at a time (``Session.stream_async`` starts each as its own
    task and keeps it in ``task``); ``last_outcome`` is the last turn's, ``sections`` the current
    turn's extra prompt sections (recalled memories, retrieved context)."""

    def __init__(self, session: TurnHost, breaker_threshold: int) -> None:
        from ..recovery import CircuitBreaker

        self.session = session
        self.task: asyncio.Task[TurnOutcome | None] | None = None
        self.last_outcome: TurnOutcome | None = None
        self.sections: dict[str, str] = {}
        self._breaker = CircuitBreaker(threshold=max(1, breaker_threshold))
        self._started = False

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def started(self, task: asyncio.Task[TurnOutcome | None]) -> None:
        self.task = task

    async def run(self, prompt: str, images: list[ImageBlock] | None, emit: Emit) -> TurnOutcome | None:
        """One turn; an unexpected exception (a bug, an SDK change) ends it with an ``error`` event
        and stop reason ``error``, the history left valid, so the next prompt works."""

        from ..security.stream import sanitizing_emit

        s = self.session
        emit = sanitizing_emit(emit, s.security)  # what the user sees: streamed text and the answer
        s.turns += 1
        turn = s.turns
        s.rewinder.begin_turn(turn, prompt)
        started: list[TurnStart] = []

        def tracked(event: AgentEvent) -> None:
            if isinstance(event, TurnStart):
                started.append(event)
            emit(event)

        try:
            return await steered(s.steering, self._run(turn, prompt, images, tracked))
        except Exception as exc:
            log.exception("turn %d of session %s failed", turn, s.session_id)
            repair_history(s.history, "turn failed: internal error")
            message = f"{type(exc).__name__}: {exc}"
            if not started:
                emit(TurnStart(turn=turn, prompt=prompt))
            emit(ErrorEvent(message=message, code="internal_error"))
            outcome = TurnOutcome("", "error", Usage(), 0.0, [], message)
            self.last_outcome = outcome
            emit(_end(turn, outcome))
            return outcome

    async def _run(
        self, turn: int, prompt: str, images: list[ImageBlock] | None, emit: Emit
    ) -> TurnOutcome | None:
        s = self.session
        if not self._started:
            self._started = True
            await s.hooks.fire("session_start", {"session_id": s.session_id, "workspace": str(s.workspace)})
        pre = await s.hooks.fire("pre_prompt", {"prompt": prompt, "session_id": s.session_id})
        if pre.action == "modify" and isinstance(pre.payload.get("prompt"), str):
            prompt = pre.payload["prompt"]
        emit(TurnStart(turn=turn, prompt=prompt))
        if pre.action == "block":
            text = f"Prompt blocked by a hook: {pre.reason}"
            emit(TextDelta(text=text))
            emit(
                TurnEnd(turn=turn, text=text, stop_reason="error", usage=Usage(), cost_usd=0.0, tool_calls=0)
            )
            return None
        self.last_outcome = None
        if CommandRegistry.is_command(prompt) and not images:
            out = await self.command_async(prompt)
            emit(TextDelta(text=out.text))
            emit(
                TurnEnd(
                    turn=turn, text=out.text, stop_reason="command", usage=Usage(), cost_usd=0.0, tool_calls=0
                )
            )
            return None
        chosen = s.skills.select(prompt) if s.skills is not None else []
        await self._set_active_skills(s.pinned_skills + [k for k in chosen if k not in s.pinned_skills])
        await self._prepare(prompt, emit)
        loop = self.loop(emit)
        try:
            if s.options.planning or s.options.goal_tracking:
                from ..planning import PlannedTurn

                outcome = await PlannedTurn(s, loop, lambda: self.loop(emit), emit).run(prompt, images)
            else:
                outcome = await loop.run(prompt, images)
        except asyncio.CancelledError:
            outcome = TurnOutcome("", "cancelled", loop.usage, loop.cost, loop.calls)
            self._finish(outcome)
            emit(_end(turn, outcome))
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            return outcome
        post = await s.hooks.fire("post_response", {"text": outcome.text, "stop_reason": outcome.stop_reason})
        if post.action == "modify" and isinstance(post.payload.get("text"), str):
            outcome.text = post.payload["text"]
        outcome.text = s.pipeline.shield.sanitize(outcome.text)
        self._finish(outcome)
        if (
            s.options.auto_compact
            and outcome.last_input_tokens >= s.options.auto_compact_threshold * self.context_limit()
        ):
            try:
                compacted = await self.compact_async()
            except A3SError as exc:
                emit(ErrorEvent(message=f"auto-compaction failed: {exc}", code=exc.code, recoverable=True))
            else:
                if compacted is not None:
                    emit(compacted)
        await self._after(prompt, outcome, emit)
        emit(_end(turn, outcome))
        return outcome

    async def _set_active_skills(self, skills: list[Skill]) -> None:
        s = self.session
        for skill in s.active_skills:
            if skill not in skills:
                await s.hooks.fire("skill_unload", {"skill": skill.name})
        for skill in skills:
            if skill not in s.active_skills:
                await s.hooks.fire("skill_load", {"skill": skill.name, "allowed_tools": skill.allowed_tools})
        s.active_skills = skills

    async def _prepare(self, prompt: str, emit: Emit) -> None:
        """Before the model is asked: MCP tools, recalled memories, retrieved context."""
        s = self.session
        for event in s.mcp.take_pending():
            emit(event)
        await s.mcp.attach_config(emit)
        self.sections = {}
        if (memories := await s.memory.recall_for_turn(prompt, emit)) is not None:
            self.sections["memory"] = memories
        if (context := await s.context.resolve(prompt, emit)) is not None:
            self.sections["context"] = context

    async def _after(self, prompt: str, outcome: TurnOutcome, emit: Emit) -> None:
        """After the turn: remember how it went, tell providers, save if asked."""
        s = self.session
        s.memory.record_turn(prompt, outcome, emit)
        await s.context.turn_complete(prompt, outcome.text)
        if s.options.auto_save and s.persistence.store is not None:
            try:
                await s.persistence.save_async()
            except Exception as exc:
                emit(
                    ErrorEvent(
                        message=f"auto-save failed: {exc}", code="session_store_error", recoverable=True
                    )
                )

    def loop(self, emit: Emit) -> AgentLoop:
        """An agent loop on the session's current model, tools, prompt and history."""
        s = self.session
        model_id = s.model.split("/", 1)[1]
        cfg = s.agent.config
        return AgentLoop(
            session_id=s.session_id,
            llm=s.llm(),
            tools=s.tools,
            tool_specs=s.tools.specs(s.model),
            pipeline=s.pipeline,
            system_prompt=s.system_prompt(),
            history=s.history,
            settings=LoopSettings(
                model_id=model_id,
                max_tool_rounds=s.options.max_tool_rounds or cfg.max_tool_rounds,
                max_parse_retries=s.options.max_parse_retries,
                thinking_budget=s.options.thinking_budget or cfg.thinking_budget,
                temperature=s.options.temperature,
                max_tokens=s.options.max_tokens,
            ),
            emit=emit,
            breaker=self._breaker,
            pricing=s.agent.pricing(s.model),
            hooks=s.hooks,
            queue=s.queue,
            steer=s.steering,
            tool_filter=s.tool_selector.for_turn if s.tool_selector is not None else None,
        )

    def _finish(self, outcome: TurnOutcome) -> None:
        s = self.session
        s.usage = s.usage + outcome.usage
        s.cost_usd += outcome.cost_usd
        self.last_outcome = outcome

    # -- slash commands and compaction ---------------------------------------------------------

    def command_context(self) -> CommandContext:
        s = self.session
        return CommandContext(
            session_id=s.session_id,
            workspace=str(s.workspace),
            model=s.model,
            history_len=len(s.history),
            total_tokens=s.usage.total_tokens,
            total_cost=s.cost_usd,
            tool_names=s.tools.names(),
            mcp_servers=[(n, int(st["tool_count"])) for n, st in s.mcp.status().items()],
        )

    async def command_async(self, text: str) -> CommandOutput:
        s = self.session
        out = await s.commands.dispatch(text, self.command_context())
        if out.action == "clear_history":
            s.history.clear()
        elif out.action == "switch_model" and out.argument:
            try:
                s.set_model(out.argument)
            except A3SError as exc:
                out = CommandOutput.of(f"Cannot switch model: {exc}")
        elif out.action == "compact":
            event = await self.compact_async()
            if event is None:
                out = CommandOutput(f"{out.text}\nNothing to compact yet.", "compact")
            else:
                out = CommandOutput(
                    f"{out.text}\nCompacted: {event.before_messages} -> {event.after_messages} messages, "
                    f"~{event.before_tokens} -> ~{event.after_tokens} tokens.",
                    "compact",
                )
        return out

    async def compact_async(self) -> ContextCompacted | None:
        """Prune old tool outputs, then summarise the middle of the history with the model."""
        from ..compaction import compact, estimate_tokens

        s = self.session
        if len(s.history) < 4 or self.running and asyncio.current_task() is not self.task:
            return None
        before, before_tokens = len(s.history), estimate_tokens(s.history)
        keep = max(2, min(8, len(s.history) // 3))
        s.history[:] = await compact(s.history, s.llm(), s.model.split("/", 1)[1], keep_recent=keep)
        return ContextCompacted(
            before_messages=before,
            after_messages=len(s.history),
            before_tokens=before_tokens,
            after_tokens=estimate_tokens(s.history),
        )

    def context_limit(self) -> int:
        s = self.session
        _provider, model = s.agent.config.resolve_model(s.model)
        return model.limit.context if model is not None and model.limit is not None else 200_000


def _end(turn: int, outcome: TurnOutcome) -> TurnEnd:
    return TurnEnd(
        turn=turn,
        text=outcome.text,
        stop_reason=outcome.stop_reason,
        usage=outcome.usage,
        cost_usd=outcome.cost_usd,
        tool_calls=len(outcome.tool_calls),
    )
