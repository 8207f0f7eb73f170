"""``SessionCore``: a workspace-bound conversation (history, usage and cost, tools, one turn at a
time) composed of its components (see ``a3s_code.session``)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._stream import stream_events
from ..commands import CommandContext, CommandOutput, CommandRegistry, SlashCommand
from ..errors import A3SError
from ..events import AgentEvent, ContextCompacted, TurnEnd
from ..llm.base import LLMClient
from ..messages import ImageBlock, Message, Usage
from ..options import SessionOptions
from ..pipeline import Decision, PipelineSettings, Shield, ToolCall, ToolPipeline
from ..ports import ConfirmationProvider, PermissionChecker
from ..prompt import environment_section
from ..queue.config import SessionQueueConfig
from ..result import AgentResult
from ..rewind import SessionRewind, settings_for
from ..roots import WorkspaceRoots
from ..sandbox.session import SessionSandbox
from ..steering import SteerQueue
from ..subagents.delegator import SessionDelegator
from ..tools.base import ToolContext, ToolResult
from ..tools.registry import ToolRegistry
from ..tools.seen import SeenFiles
from .context import SessionContext
from .mcp import SessionMcp
from .memory import SessionMemory
from .persistence import SessionPersistence
from .queue import SessionQueue
from .turn import TurnRunner

if TYPE_CHECKING:
    from ..agent import Agent
    from ..checkpoints import CheckpointStore
    from ..hitl import AuditEntry
    from ..hooks import HookExecutor
    from ..permissions import AllowedTools
    from ..planning import GoalState, Plan
    from ..queue import SessionLane
    from ..security import SecurityProvider
    from ..services import SessionServices
    from ..skills import Skill

Emit = Callable[[AgentEvent], None]


_SURROGATE = re.compile("[\ud800-\udfff]")

log = logging.getLogger("a3s_code.session")


class SessionBusyError(A3SError):
    code = "session_busy"


class SessionCore:
    """A session's state and its components, composed, and what it does itself: turns (through
    ``runner``), slash commands, direct tool calls, the model and the permission settings.
    ``Session`` (``session.api``, what ``Agent.session`` returns) adds the seed's other names.

    The components, each an attribute: ``roots``, ``sandbox``, ``mcp``, ``memory``, ``context``,
    ``queue``, ``hooks``, ``steering``, ``rewinder`` (with ``checkpoints``), ``persistence``,
    ``pipeline`` and ``runner``."""

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
        self.workspace: Path = root
        """The primary root (resolved): relative paths start here, ``bash`` runs here."""
        self.roots = WorkspaceRoots(root, options.roots)
        """Every folder the session may use: ``roots.all()``, the workspace first."""
        self.session_id = options.session_id or uuid.uuid4().hex
        self.model = options.model or agent.default_model()
        agent.check_model(self.model)
        self.services = services if services is not None else agent.services(root, options)
        self.history: list[Message] = []
        self.usage = Usage()
        self.cost_usd = 0.0
        self.turns = 0
        self.tools: ToolRegistry = self.services.tools
        self.sandbox = SessionSandbox(agent.config, options, root, self.tools)
        self.commands: CommandRegistry = self.services.commands
        self.fs = self.services.file_system
        self.seen_files = SeenFiles()
        """Which file versions the agent has read: ``write`` replaces only a version it has seen."""
        self._delegator = SessionDelegator(self)
        self._llm: LLMClient | None = None
        self._llm_model: str | None = None
        self.created_at = time.time()
        self.hooks: HookExecutor = self.services.hooks
        self.skills = self.services.skills
        self.active_skills: list[Skill] = []
        self.pinned_skills: list[Skill] = []
        self.plan: Plan | None = None
        self.goal: GoalState | None = None
        """The last plan and the goal tracked across turns (``with_planning``, ``with_goal_tracking``)."""
        self.mcp = SessionMcp(
            workspace=root,
            tools=self.tools,
            transport=self.services.mcp_transport,
            security=self.services.security,
            shared=agent.mcp_manager,
            commands=self.commands,
        )
        self.memory = SessionMemory(self.services.memory, self.session_id)
        self.context = SessionContext(self.services.context_providers, self.session_id)
        self.event_listeners: list[Emit] = []
        """Also see every turn's events, whoever runs the turn (a team runner, for example)."""
        from ..tool_search import selector_for

        self.tool_selector = selector_for(options.tool_search, agent.config.tool_search)
        """Tool search (None when off): which MCP tools each request carries."""
        if self.tool_selector is not None:
            from ..tools.tool_search import ToolSearchTool

            self.tools.add(ToolSearchTool(self.tool_selector), replace=True)
        self.queue = SessionQueue(
            SessionQueueConfig.of(options.queue_config or agent.config.queue),
            self.session_id,
            workspace=root,
            command_factory=self.services.command_factory,
            run=lambda name, args, lane, deadline: self.tool_async(name, args, lane, deadline),
            cancel=self.cancel,
            llm=self.llm,
            model=lambda: self.model,
            options=options,
        )
        self.steering = SteerQueue()
        """Steers for the running turn (open only while a turn runs)."""
        self.rewinder = SessionRewind(
            history=self.history,
            workspace=root,
            fs=self.fs,
            settings=settings_for(options, agent.config),
            session_id=self.session_id,
            is_running=lambda: self.is_running,
            commands=self.commands,
        )
        self.checkpoints: CheckpointStore = self.rewinder.checkpoints
        self.persistence = SessionPersistence(self.services.session_store, self)
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
            recorder=self.checkpoints,
        )
        """Every tool call of this session, from any caller, is decided and run here."""
        self.runner = TurnRunner(self, options.circuit_breaker_threshold)
        self.sandbox.check_mode(self.permission_checker)

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
    def audit(self) -> list[AuditEntry]:
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
        return self.runner.running

    def system_prompt(self) -> str:
        base = self.options.prompt_slots().build()
        environment = environment_section(str(self.workspace), self.tool_names(), self.roots.extra())
        prompt = base + "\n\n" + environment
        if self.active_skills:
            from ..skills import render

            prompt += "\n\n" + render(self.active_skills)
        for section in self.runner.sections.values():
            prompt += "\n\n" + section
        return prompt

    def _skill_restrictions(self) -> list[tuple[str, AllowedTools]]:
        """Active skills with ``allowed-tools``: a call must fit one of them (the pipeline's skill stage)."""
        from ..permissions import AllowedTools

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
        """Run one turn (``session.runner``), yielding its events; the last is always ``TurnEnd``.

        A lone UTF-16 surrogate in ``prompt`` (a JavaScript client that split an emoji) becomes
        U+FFFD before it reaches the history: it cannot be encoded for the provider or on disk.
        Raises ``SessionBusyError`` while a turn runs."""
        prompt = _SURROGATE.sub("\ufffd", prompt)
        if self.is_running:
            raise SessionBusyError(f"session {self.session_id} is already running a turn")
        async for event in stream_events(partial(self.runner.run, prompt, attachments), self.runner.started):
            self._tell_listeners(event)
            yield event

    async def send_async(self, prompt: str, attachments: list[ImageBlock] | None = None) -> AgentResult:
        end: TurnEnd | None = None
        calls = []
        async for event in self.stream_async(prompt, attachments):
            if isinstance(event, TurnEnd):
                end = event
        outcome = self.runner.last_outcome
        if outcome is not None:
            calls = outcome.tool_calls
        assert end is not None
        error = outcome.error if outcome is not None else None
        return AgentResult(end.text, end.stop_reason, end.usage, end.cost_usd, calls, end.turn, error)

    def cancel(self) -> bool:
        """Stop the running turn (it ends with stop reason ``cancelled``); False when idle."""
        task = self.runner.task
        if task is None or task.done():
            return False
        task.cancel()
        return True

    async def close_async(self) -> None:
        """End the session: cancel a running turn and fire ``session_end``."""
        if self.cancel() and self.runner.task is not None:
            await asyncio.gather(self.runner.task, return_exceptions=True)
        await self.hooks.fire("session_end", {"session_id": self.session_id, "turns": self.turns})
        await self.mcp.close()

    def add_event_listener(self, listener: Emit) -> None:
        """``listener`` sees each event of every later turn; one that raises is logged and skipped."""
        self.event_listeners.append(listener)

    def _tell_listeners(self, event: AgentEvent) -> None:
        for listener in self.event_listeners:
            try:
                listener(event)
            except Exception:
                log.exception("an event listener failed on %s", event.type)

    # -- commands and direct tools -------------------------------------------------------------

    def command_context(self) -> CommandContext:
        return self.runner.command_context()

    async def command_async(self, text: str) -> CommandOutput:
        """Run a slash command (``/help``, ``/model``, ``/compact``, ...) outside a turn."""
        return await self.runner.command_async(text)

    async def compact_async(self) -> ContextCompacted | None:
        """Prune old tool outputs, then summarise the middle of the history with the model (None:
        too short to compact, or another task's turn is running)."""
        return await self.runner.compact_async()

    def context_limit(self) -> int:
        """The model's context window in tokens (200,000 when the config does not say)."""
        return self.runner.context_limit()

    async def tool_async(
        self, name: str, args: dict[str, Any], lane: SessionLane | None = None, deadline_ms: int | None = None
    ) -> ToolResult:
        """Call a tool directly, through the same pipeline as the model's calls (checks, hooks,
        allow-for-session, confirmation, events to ``add_event_listener`` listeners, audit), on its
        lane or ``lane``. A refusal is an error result, never an exception."""
        call = ToolCall(f"direct-{uuid.uuid4().hex[:12]}", name, dict(args))
        done = await self.pipeline.run(call, self._tell_listeners, lane=lane, deadline_ms=deadline_ms)
        return done.tool_result()
