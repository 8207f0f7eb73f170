"""A workspace-bound conversation: history, usage and cost, tools, and one turn at a time."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._stream import stream_events
from ._sync import iterate_sync, run_sync
from .commands import CommandContext, CommandOutput, CommandRegistry, SlashCommand
from .errors import A3SError, ToolError
from .events import AgentEvent, ContextCompacted, ErrorEvent, TextDelta, TurnEnd, TurnStart
from .llm.base import LLMClient
from .loop import AgentLoop, LoopSettings, TurnOutcome, repair_history
from .messages import ImageBlock, Message, Usage
from .options import SessionOptions
from .pipeline import Decision, PipelineSettings, Shield, ToolCall, ToolPipeline
from .ports import ConfirmationProvider, PermissionChecker
from .prompt import environment_section
from .queue.session_api import SessionQueueAPI
from .recovery import CircuitBreaker
from .result import AgentResult
from .rewind import SessionRewind
from .roots import SessionRoots
from .sandbox.session import SessionSandbox
from .session_ext import SessionExtensions
from .session_hooks import SessionHooksAPI
from .steering import SessionSteering
from .subagents.delegator import SessionDelegator
from .tools.base import ToolContext, ToolResult
from .tools.registry import ToolRegistry
from .tools.seen import SeenFiles

if TYPE_CHECKING:
    from .agent import Agent
    from .attachments import Attachment
    from .hooks import HookExecutor
    from .permissions import AllowedTools
    from .planning import GoalState, Plan
    from .queue import SessionLane
    from .security import SecurityProvider
    from .services import SessionServices
    from .skills import Skill


_SURROGATE = re.compile("[\ud800-\udfff]")

log = logging.getLogger("a3s_code.session")


class SessionBusyError(A3SError):
    code = "session_busy"


class Session(
    SessionExtensions,
    SessionHooksAPI,
    SessionQueueAPI,
    SessionSandbox,
    SessionRoots,
    SessionSteering,
    SessionRewind,
):
    """Created by ``Agent.session``; async methods end in ``_async``, the rest are the seed's sync API."""

    def __init__(
        self,
        agent: Agent,
        workspace: str | Path,
        options: SessionOptions,
        services: SessionServices | None = None,
    ) -> None:
        """``services``: the extension points ``Agent.session`` resolved (resolved here when None)."""
        root = Path(workspace).expanduser().resolve()
        if not root.is_dir():
            raise A3SError(f"workspace {root} is not a directory")
        self.agent = agent
        self.options = options
        self._init_roots(root)  # self.workspace, self.roots
        self.session_id = options.session_id or uuid.uuid4().hex
        self.model = options.model or agent.default_model()
        agent.check_model(self.model)
        self.services = services if services is not None else agent.services(root, options)
        self.history: list[Message] = []
        self.usage = Usage()
        self.cost_usd = 0.0
        self.turns = 0
        self.tools: ToolRegistry = self.services.tools
        self._init_sandbox(root)
        self.commands: CommandRegistry = self.services.commands
        self.fs = self.services.file_system
        self.seen_files = SeenFiles()
        """Which file versions the agent has read: ``write`` replaces only a version it has seen."""
        self._delegator = SessionDelegator(self)
        self._breaker = CircuitBreaker(threshold=max(1, options.circuit_breaker_threshold))
        self._llm: LLMClient | None = None
        self._llm_model: str | None = None
        self._task: asyncio.Task[TurnOutcome | None] | None = None
        self._last_outcome: TurnOutcome | None = None
        self.created_at = time.time()
        self.hooks: HookExecutor = self.services.hooks
        self._started = False
        self.skills = self.services.skills
        self.active_skills: list[Skill] = []
        self.pinned_skills: list[Skill] = []
        self.store = self.services.session_store
        self.plan: Plan | None = None
        self.goal: GoalState | None = None
        """The last plan and the goal tracked across turns (``with_planning``, ``with_goal_tracking``)."""
        self._init_extensions()
        self._init_queue()
        self.pipeline = ToolPipeline(
            session_id=self.session_id,
            workspace=self.workspace,
            tools=self.tools,
            context=self.tool_context,
            queue=self.queue,
            hooks=self.hooks,
            shield=Shield(self.services.security),
            permission=self.services.permission,
            confirmation=self.services.confirmation,
            skills=self._skill_restrictions,
            settings=self._pipeline_settings,
            extra_roots=self.roots.extra,
            recorder=self._init_checkpoints(),
        )
        """Every tool call of this session, from any caller, is decided and run here."""
        self._check_sandbox_mode()

    # -- model ---------------------------------------------------------------------------------

    def llm(self) -> LLMClient:
        """The provider client for the current model, created on first use (API key checked here)."""
        if self.services.llm is not None:
            return self.services.llm
        if self._llm is None or self._llm_model != self.model:
            self._llm = self.agent.llm_client(self.model, self.options)
            self._llm_model = self.model
        return self._llm

    def set_model(self, model: str) -> None:
        self.agent.check_model(model)
        self.model = model

    def tool_names(self) -> list[str]:
        return self.tools.names()

    def register_command(self, command: SlashCommand) -> None:
        self.commands.register(command)

    def command_registry(self) -> CommandRegistry:
        """The seed's ``session.command_registry()``: register, list and dispatch slash commands."""
        return self.commands

    @property
    def audit(self) -> list[Any]:
        """Every refusal and confirmation answer of this session (``hitl.AuditEntry``: tool, sanitised
        args, decision, reason, stage), oldest first."""
        return self.pipeline.audit

    @property
    def permission_checker(self) -> PermissionChecker | None:
        """The permission rules and mode (``PermissionChecker``); assignable."""
        return self.pipeline.permission

    @permission_checker.setter
    def permission_checker(self, checker: PermissionChecker | None) -> None:
        self.pipeline.permission = checker

    @property
    def confirmation(self) -> ConfirmationProvider | None:
        """The channel to a human (wrapped with the confirmation policy); assignable."""
        return self.pipeline.confirmation

    @confirmation.setter
    def confirmation(self, provider: ConfirmationProvider | None) -> None:
        self.pipeline.confirmation = provider

    @property
    def security(self) -> SecurityProvider | None:
        """The ``SecurityProvider`` (None when security is off)."""
        return self.pipeline.shield.security

    @property
    def session_allowed(self) -> set[str]:
        """The calls allowed "for this session" (``tool:{json args}``), saved with the session."""
        return self.pipeline.approvals.keys

    def check(self, tool: str, args: dict[str, Any]) -> Decision:
        """The decision this session would make about calling ``tool`` with ``args``, and why.

        Returns ``Allow``, ``Ask`` or ``Deny`` (``a3s_code.pipeline``) naming the deciding stage
        (arguments, boundary, rules, skill, taint, confirmation); nothing runs and no hook fires."""
        return self.pipeline.check(tool, args)

    @property
    def is_running(self) -> bool:
        return self._task is not None and not self._task.done()

    def system_prompt(self) -> str:
        base = self.options.prompt_slots().build()
        environment = environment_section(str(self.workspace), self.tool_names(), self.roots.extra())
        prompt = base + "\n\n" + environment
        if self.active_skills:
            from .skills import render

            prompt += "\n\n" + render(self.active_skills)
        for section in getattr(self, "turn_sections", {}).values():
            prompt += "\n\n" + section
        return prompt

    def _skill_restrictions(self) -> list[tuple[str, AllowedTools]]:
        """Active skills with ``allowed-tools``: a call must fit one of them (the pipeline's skill stage)."""
        from .permissions import AllowedTools

        return [(s.name, AllowedTools.parse(s.allowed_tools)) for s in self.active_skills if s.allowed_tools]

    def _pipeline_settings(self) -> PipelineSettings:
        return PipelineSettings(
            tool_timeout_ms=self.options.tool_timeout_ms,
            confirmation_timeout_ms=self.agent.confirmation_timeout_ms(self.options),
        )

    def load_skill(self, name: str) -> bool:
        """Activate a skill by name for the next turns (also ones with disable-model-invocation)."""
        skill = self.skills.get(name) if self.skills is not None else None
        if skill is None:
            return False
        self.pinned_skills.append(skill)
        return True

    def reload_skills(self) -> int:
        """Re-read the skill folders (a skill file was added or changed); pinned skills follow by name."""
        self.skills = self.agent.skill_registry(self.options)
        if self.skills is None:
            self.pinned_skills = []
            return 0
        self.pinned_skills = [s for p in self.pinned_skills if (s := self.skills.get(p.name)) is not None]
        return len(self.skills.all())

    def tool_context(self) -> ToolContext:
        return ToolContext(
            workspace=self.workspace,
            fs=self.fs,
            env=dict(self.options.env),
            delegator=self._delegator,
            seen=self.seen_files,
            extra_roots=self.roots.extra(),
        )

    # -- turns ---------------------------------------------------------------------------------

    async def stream_async(
        self, prompt: str, attachments: list[ImageBlock] | None = None
    ) -> AsyncIterator[AgentEvent]:
        """Run one turn, yielding its events; the last is always ``TurnEnd``.

        A lone UTF-16 surrogate in ``prompt`` (a JavaScript client that split an emoji) becomes
        U+FFFD before it reaches the history: it cannot be encoded for the provider or on disk."""
        prompt = _SURROGATE.sub("\ufffd", prompt)
        if self.is_running:
            raise SessionBusyError(f"session {self.session_id} is already running a turn")

        def started(task: asyncio.Task[TurnOutcome | None]) -> None:
            self._task = task

        async for event in stream_events(partial(self._turn, prompt, attachments), started):
            self._tell_listeners(event)
            yield event

    async def send_async(self, prompt: str, attachments: list[ImageBlock] | None = None) -> AgentResult:
        end: TurnEnd | None = None
        calls = []
        async for event in self.stream_async(prompt, attachments):
            if isinstance(event, TurnEnd):
                end = event
        outcome = self._last_outcome
        if outcome is not None:
            calls = outcome.tool_calls
        assert end is not None
        error = outcome.error if outcome is not None else None
        return AgentResult(end.text, end.stop_reason, end.usage, end.cost_usd, calls, end.turn, error)

    def cancel(self) -> bool:
        """Stop the running turn (it ends with stop reason ``cancelled``); False when idle."""
        if self._task is None or self._task.done():
            return False
        self._task.cancel()
        return True

    async def _turn(self, prompt: str, images: list[ImageBlock] | None, emit: Any) -> TurnOutcome | None:
        """One turn; an unexpected exception (a bug, an SDK change) ends it with an ``error`` event
        and stop reason ``error``, the history left valid, so the next prompt works."""

        from .security.stream import sanitizing_emit

        emit = sanitizing_emit(emit, self.security)  # what the user sees: streamed text and the answer
        self.turns += 1
        turn = self.turns
        self._begin_checkpoint(turn, prompt)
        started: list[TurnStart] = []

        def tracked(event: AgentEvent) -> None:
            if isinstance(event, TurnStart):
                started.append(event)
            emit(event)

        try:
            return await self._steered(self._run_turn(turn, prompt, images, tracked))
        except Exception as exc:
            log.exception("turn %d of session %s failed", turn, self.session_id)
            repair_history(self.history, "turn failed: internal error")
            message = f"{type(exc).__name__}: {exc}"
            if not started:
                emit(TurnStart(turn=turn, prompt=prompt))
            emit(ErrorEvent(message=message, code="internal_error"))
            outcome = TurnOutcome("", "error", Usage(), 0.0, [], message)
            self._last_outcome = outcome
            emit(self._end(turn, outcome))
            return outcome

    async def _run_turn(
        self, turn: int, prompt: str, images: list[ImageBlock] | None, emit: Any
    ) -> TurnOutcome | None:
        if not self._started:
            self._started = True
            await self.hooks.fire(
                "session_start", {"session_id": self.session_id, "workspace": str(self.workspace)}
            )
        pre = await self.hooks.fire("pre_prompt", {"prompt": prompt, "session_id": self.session_id})
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
        self._last_outcome = None
        if CommandRegistry.is_command(prompt) and not images:
            out = await self.command_async(prompt)
            emit(TextDelta(text=out.text))
            emit(
                TurnEnd(
                    turn=turn, text=out.text, stop_reason="command", usage=Usage(), cost_usd=0.0, tool_calls=0
                )
            )
            return None
        chosen = self.skills.select(prompt) if self.skills is not None else []
        await self._set_active_skills(self.pinned_skills + [s for s in chosen if s not in self.pinned_skills])
        await self._prepare_turn(prompt, emit)
        loop = self._loop(emit)
        try:
            if self.options.planning or self.options.goal_tracking:
                from .planning import PlannedTurn

                outcome = await PlannedTurn(self, loop, lambda: self._loop(emit), emit).run(prompt, images)
            else:
                outcome = await loop.run(prompt, images)
        except asyncio.CancelledError:
            outcome = TurnOutcome("", "cancelled", loop.usage, loop.cost, loop.calls)
            self._finish(outcome)
            emit(self._end(turn, outcome))
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            return outcome
        post = await self.hooks.fire(
            "post_response", {"text": outcome.text, "stop_reason": outcome.stop_reason}
        )
        if post.action == "modify" and isinstance(post.payload.get("text"), str):
            outcome.text = post.payload["text"]
        outcome.text = self.pipeline.shield.sanitize(outcome.text)
        self._finish(outcome)
        if (
            self.options.auto_compact
            and outcome.last_input_tokens >= self.options.auto_compact_threshold * self.context_limit()
        ):
            try:
                compacted = await self.compact_async()
            except A3SError as exc:
                emit(ErrorEvent(message=f"auto-compaction failed: {exc}", code=exc.code, recoverable=True))
            else:
                if compacted is not None:
                    emit(compacted)
        await self._finish_turn_state(prompt, outcome, emit)
        emit(self._end(turn, outcome))
        return outcome

    async def _set_active_skills(self, skills: list[Any]) -> None:
        for skill in self.active_skills:
            if skill not in skills:
                await self.hooks.fire("skill_unload", {"skill": skill.name})
        for skill in skills:
            if skill not in self.active_skills:
                await self.hooks.fire(
                    "skill_load", {"skill": skill.name, "allowed_tools": skill.allowed_tools}
                )
        self.active_skills = skills

    async def close_async(self) -> None:
        """End the session: cancel a running turn and fire ``session_end``."""
        if self.cancel() and self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self.hooks.fire("session_end", {"session_id": self.session_id, "turns": self.turns})
        await self.mcp.close()

    def close(self) -> None:
        run_sync(self.close_async(), "close")

    def _loop(self, emit: Any) -> AgentLoop:
        model_id = self.model.split("/", 1)[1]
        cfg = self.agent.config
        return AgentLoop(
            session_id=self.session_id,
            llm=self.llm(),
            tools=self.tools,
            tool_specs=self.tools.specs(self.model),
            pipeline=self.pipeline,
            system_prompt=self.system_prompt(),
            history=self.history,
            settings=LoopSettings(
                model_id=model_id,
                max_tool_rounds=self.options.max_tool_rounds or cfg.max_tool_rounds,
                max_parse_retries=self.options.max_parse_retries,
                thinking_budget=self.options.thinking_budget or cfg.thinking_budget,
                temperature=self.options.temperature,
                max_tokens=self.options.max_tokens,
            ),
            emit=emit,
            breaker=self._breaker,
            pricing=self.agent.pricing(self.model),
            hooks=self.hooks,
            queue=self.queue,
            steer=self.steering,
            tool_filter=self.tool_selector.for_turn if self.tool_selector is not None else None,
        )

    def _finish(self, outcome: TurnOutcome) -> None:
        self.usage = self.usage + outcome.usage
        self.cost_usd += outcome.cost_usd
        self._last_outcome = outcome

    @staticmethod
    def _end(turn: int, outcome: TurnOutcome) -> TurnEnd:
        return TurnEnd(
            turn=turn,
            text=outcome.text,
            stop_reason=outcome.stop_reason,
            usage=outcome.usage,
            cost_usd=outcome.cost_usd,
            tool_calls=len(outcome.tool_calls),
        )

    # -- commands and direct tools -------------------------------------------------------------

    def command_context(self) -> CommandContext:
        return CommandContext(
            session_id=self.session_id,
            workspace=str(self.workspace),
            model=self.model,
            history_len=len(self.history),
            total_tokens=self.usage.total_tokens,
            total_cost=self.cost_usd,
            tool_names=self.tool_names(),
            mcp_servers=[(n, int(s["tool_count"])) for n, s in self.mcp_status().items()],
        )

    async def command_async(self, text: str) -> CommandOutput:
        out = await self.commands.dispatch(text, self.command_context())
        if out.action == "clear_history":
            self.history.clear()
        elif out.action == "switch_model" and out.argument:
            try:
                self.set_model(out.argument)
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
        from .compaction import compact, estimate_tokens

        if len(self.history) < 4 or self.is_running and asyncio.current_task() is not self._task:
            return None
        before, before_tokens = len(self.history), estimate_tokens(self.history)
        keep = max(2, min(8, len(self.history) // 3))
        self.history[:] = await compact(
            self.history, self.llm(), self.model.split("/", 1)[1], keep_recent=keep
        )
        return ContextCompacted(
            before_messages=before,
            after_messages=len(self.history),
            before_tokens=before_tokens,
            after_tokens=estimate_tokens(self.history),
        )

    def context_limit(self) -> int:
        _provider, model = self.agent.config.resolve_model(self.model)
        return model.limit.context if model is not None and model.limit is not None else 200_000

    async def tool_async(
        self, name: str, args: dict[str, Any], lane: SessionLane | None = None, deadline_ms: int | None = None
    ) -> ToolResult:
        """Call a tool directly, through the same pipeline as the model's calls (checks, hooks,
        allow-for-session, confirmation, events to ``add_event_listener`` listeners, audit), on its
        lane or ``lane``. A refusal is an error result, never an exception."""
        call = ToolCall(f"direct-{uuid.uuid4().hex[:12]}", name, dict(args))
        done = await self.pipeline.run(call, self._tell_listeners, lane=lane, deadline_ms=deadline_ms)
        return done.tool_result()

    # -- persistence ---------------------------------------------------------------------------

    async def save_async(self) -> str | None:
        """Write the session to its store (``sessions_dir`` or ``with_file_session_store``)."""
        from .persistence import snapshot
        from .store import SessionStoreError

        if self.store is None:
            raise SessionStoreError(
                "no session store: set sessions_dir in the config or use SessionOptions.with_file_session_store(dir)"
            )
        data = snapshot(self)
        return await asyncio.to_thread(self.store.save, data)

    def save(self) -> str | None:
        return run_sync(self.save_async(), "save")

    # -- the seed's synchronous API ------------------------------------------------------------

    def send(self, prompt: str, attachments: list[ImageBlock] | None = None) -> AgentResult:
        return run_sync(self.send_async(prompt, attachments), "send")

    def stream(self, prompt: str, attachments: list[ImageBlock] | None = None) -> Iterator[AgentEvent]:
        return iterate_sync(self.stream_async(prompt, attachments), "stream")

    def send_with_attachments(self, prompt: str, attachments: list[Attachment]) -> AgentResult:
        return self.send(prompt, [a.to_block() for a in attachments])

    def stream_with_attachments(self, prompt: str, attachments: list[Attachment]) -> Iterator[AgentEvent]:
        return self.stream(prompt, [a.to_block() for a in attachments])

    async def send_with_attachments_async(self, prompt: str, attachments: list[Attachment]) -> AgentResult:
        return await self.send_async(prompt, [a.to_block() for a in attachments])

    def tool(self, name: str, args: dict[str, Any]) -> ToolResult:
        return run_sync(self.tool_async(name, args), "tool")

    def command(self, text: str) -> CommandOutput:
        return run_sync(self.command_async(text), "command")

    def _tool_text(self, name: str, args: dict[str, Any]) -> str:
        result = self.tool(name, args)
        if result.is_error:
            raise ToolError(result.output)
        return result.output

    def read_file(self, path: str) -> str:
        """The file's current text (unsaved editor content included when the host overlays it)."""
        try:
            return run_sync(self.fs.read_text(self.tool_context().resolve(path)), "read_file")
        except FileNotFoundError:
            raise ToolError(f"File not found: {path}") from None

    def bash(self, command: str) -> str:
        return self.tool("bash", {"command": command}).output

    def glob(self, pattern: str) -> str:
        return self._tool_text("glob", {"pattern": pattern})

    def grep(self, pattern: str) -> str:
        return self._tool_text("grep", {"pattern": pattern})
