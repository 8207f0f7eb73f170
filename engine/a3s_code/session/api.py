"""``Session``: what ``Agent.session`` returns; the seed's Python API over ``SessionCore``.

The names that belong to a component delegate to it (``add_mcp_server_async`` to ``session.mcp``,
``queue_stats`` to ``session.queue``, ``register_hook`` to ``session.hooks``, ``rewind_async`` to
``session.rewinder``, ``save_async`` to ``session.persistence``, ...). Each blocking call runs its
``_async`` twin to completion (``_sync.run_sync``: on a private event loop when called from a
thread without one; ``A3SError`` when called inside a running loop).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._sync import iterate_sync, run_sync
from ..errors import ToolError
from ..events import AgentEvent
from ..messages import ImageBlock
from ..options import SessionOptions
from ..result import AgentResult
from ..rewind import RewindReport
from ..tools.base import ToolResult
from .core import SessionCore

if TYPE_CHECKING:
    from ..attachments import Attachment
    from ..commands import CommandOutput
    from ..context import ContextProvider
    from ..context.vector import VectorContextProvider
    from ..hooks import AnyHandler, OnError
    from ..mcp import McpManager
    from ..mcp.manager import ServerStatus
    from ..memory import MemoryItem
    from ..queue.config import HandlerMode, LaneHandlerConfig
    from ..sandbox import BashSandbox, SandboxInfo
    from ..store import SessionStore


class Session(SessionCore):
    """Created by ``Agent.session``: the seed's Python API, blocking and async (``*_async``)."""

    # -- the seed's names for the components' methods -----------------------------------------

    async def add_mcp_server_async(
        self,
        server: McpManager | str,
        command: str | None = None,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        *,
        url: str | None = None,
        headers: dict[str, str] | None = None,
        tool_timeout_secs: float = 60.0,
    ) -> int:
        """``session.mcp.add_async``: connect a server, register its tools, return how many."""
        return await self.mcp.add_async(
            server, command, args, env, url=url, headers=headers, tool_timeout_secs=tool_timeout_secs
        )

    async def remove_mcp_server_async(self, name: str) -> bool:
        """``session.mcp.remove_async``."""
        return await self.mcp.remove_async(name)

    def mcp_status(self) -> dict[str, ServerStatus]:
        """``session.mcp.status``: per server state, transport, tools, restarts, last error."""
        return self.mcp.status()

    def mcp_summary(self) -> str:
        return self.mcp.summary()

    def remember_success(self, task: str, tools: list[str], result: str) -> MemoryItem:
        """``session.memory.remember_success``; raises ``A3SError`` when memory is off (so do the next five)."""
        return self.memory.remember_success(task, tools, result)

    def remember_failure(self, task: str, error: str, tools: list[str]) -> MemoryItem:
        return self.memory.remember_failure(task, error, tools)

    def recall_similar(self, query: str, limit: int = 5) -> list[MemoryItem]:
        return self.memory.recall_similar(query, limit)

    def recall_by_tags(self, tags: list[str], limit: int = 10) -> list[MemoryItem]:
        return self.memory.recall_by_tags(tags, limit)

    def memory_recent(self, limit: int = 10) -> list[MemoryItem]:
        return self.memory.recent(limit)

    def memory_stats(self) -> dict[str, int]:
        return self.memory.stats()

    @property
    def vector_context(self) -> VectorContextProvider:
        """``session.context.vector``: ``await session.vector_context.add_document(id, text)``."""
        return self.context.vector

    @property
    def store(self) -> SessionStore | None:
        """``session.persistence.store``: where ``save`` writes (None: nowhere); assignable."""
        return self.persistence.store

    @store.setter
    def store(self, store: SessionStore | None) -> None:
        self.persistence.store = store

    @property
    def context_providers(self) -> list[ContextProvider]:
        """``session.context.providers``: asked before each turn; appendable between turns."""
        return self.context.providers

    def has_queue(self) -> bool:
        return True

    async def submit_async(
        self, lane: str, payload: dict[str, Any], deadline_ms: int | None = None
    ) -> ToolResult:
        """``session.queue.submit_async``: one command on ``lane`` without asking the model."""
        return await self.queue.submit_async(lane, payload, deadline_ms)

    async def submit_batch_async(self, lane: str, payloads: list[dict[str, Any]]) -> list[ToolResult]:
        return await self.queue.submit_batch_async(lane, payloads)

    def set_lane_handler(
        self, lane: str, config: LaneHandlerConfig | HandlerMode = "internal", timeout_ms: int = 60_000
    ) -> None:
        """``session.queue.configure_lane``: ``set_lane_handler("execute", "external", timeout_ms=120_000)``."""
        self.queue.configure_lane(lane, config, timeout_ms)

    def pending_external_tasks(self) -> list[dict[str, Any]]:
        return self.queue.pending_task_dicts()

    def complete_external_task(
        self, task_id: str, success: bool = True, result: Any = None, error: str | None = None
    ) -> bool:
        """``session.queue.answer_external_task``: False when the task is not pending."""
        return self.queue.answer_external_task(task_id, success, result, error)

    def queue_stats(self) -> dict[str, Any]:
        return self.queue.stats()

    def queue_metrics(self) -> dict[str, Any] | None:
        return self.queue.metrics()

    def dead_letters(self) -> list[dict[str, Any]]:
        return self.queue.dead_letters()

    def register_hook(
        self,
        name: str,
        event: str,
        handler: AnyHandler,
        *,
        priority: int = 100,
        matcher: str | None = None,
        timeout_ms: int = 5000,
        on_error: OnError = "block",
    ) -> None:
        """``session.hooks.register``: ``handler(event, payload)``, the seed's ``handler_fn(event)`` (one
        dict: ``event_type`` and the payload's keys) or a ``HookHandler`` object returns a
        ``HookResult``, a dict such as ``{"action": "block", "reason": ...}``, or None to continue; it
        may be async.

        A ``pre_tool_use`` handler that raises or times out blocks the call (fail closed) unless
        ``on_error="continue"``."""
        self.hooks.register(
            name, event, handler, priority=priority, matcher=matcher, timeout_ms=timeout_ms, on_error=on_error
        )

    def unregister_hook(self, name: str) -> bool:
        return self.hooks.unregister(name)

    def hook_count(self) -> int:
        return len(self.hooks)

    def add_root(self, path: str | os.PathLike[str]) -> Path:
        """``session.roots.add``: let the session read and change files under ``path`` too (from the
        next tool call on). Returns the resolved folder; raises ``RootError`` when it is not a folder."""
        return self.roots.add(path)

    def remove_root(self, path: str | os.PathLike[str]) -> bool:
        """``session.roots.remove``: False when it was not a root; ``RootError`` for the workspace."""
        return self.roots.remove(path)

    @property
    def sandboxed(self) -> bool:
        """Whether bash runs contained (``session.sandbox``)."""
        return self.sandbox.sandboxed

    @property
    def bash_sandbox(self) -> BashSandbox:
        """``session.sandbox.bash_sandbox``: the shell ``bash`` runs in."""
        return self.sandbox.bash_sandbox

    def sandbox_info(self) -> SandboxInfo:
        return self.sandbox.info()

    def steer(self, text: str) -> bool:
        """Add ``text`` to the running turn (``session.steering``): the model reads it at its next call,
        after the tool calls under way finish, and the turn goes on. Returns False (nothing queued)
        when no turn is running or ``text`` is blank: send the text as a prompt instead."""
        return bool(text.strip()) and self.steering.push(text)

    def take_unsent_steers(self) -> list[str]:
        """Steers that arrived after the finished turn's last model call, oldest first (then cleared)."""
        return self.steering.take_unsent()

    async def rewind_async(
        self, turn: int | str, *, files: bool = True, conversation: bool = True
    ) -> RewindReport:
        """``session.rewinder.rewind_async``: undo turn ``turn`` and every later one."""
        return await self.rewinder.rewind_async(turn, files=files, conversation=conversation)

    def relative_path(self, path: str) -> str:
        return self.rewinder.relative_path(path)

    async def fork_async(
        self, turn: int | str | None = None, *, options: SessionOptions | None = None
    ) -> Session:
        """A new session holding this one's conversation as it was before turn ``turn`` (all of it
        when None), with the checkpoints of the turns before it; files are not touched.

        ``options`` (default: this session's, with a new id) configure the new session. Raises
        RewindError like ``rewind``."""
        index, length, next_turn = self.rewinder.fork_point(turn)
        opts = options or replace(self.options, session_id=None)
        if opts.session_id is None:
            opts = replace(opts, session_id=uuid.uuid4().hex)
        opts = replace(opts, model=opts.model or self.model)
        forked = await asyncio.to_thread(Session, self.agent, self.workspace, opts)
        forked.history[:] = [m.model_copy(deep=True) for m in self.history[:length]]
        forked.turns = self.turns if next_turn is None else next_turn
        copied = self.checkpoints.copy_until(index)
        forked.checkpoints.turns, forked.checkpoints.blobs = copied.turns, copied.blobs
        return forked

    async def save_async(self) -> str | None:
        """``session.persistence.save_async``: write the session to its store."""
        return await self.persistence.save_async()

    async def send_with_attachments_async(self, prompt: str, attachments: list[Attachment]) -> AgentResult:
        return await self.send_async(prompt, [a.to_block() for a in attachments])

    def stream_with_attachments_async(
        self, prompt: str, attachments: list[Attachment]
    ) -> AsyncIterator[AgentEvent]:
        """``async for event in session.stream_with_attachments_async(prompt, [att])``."""
        return self.stream_async(prompt, [a.to_block() for a in attachments])

    # -- the seed's blocking calls ------------------------------------------------------------

    def add_mcp_server(
        self,
        server: McpManager | str,
        command: str | None = None,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        **kw: Any,
    ) -> int:
        return run_sync(self.add_mcp_server_async(server, command, args, env, **kw), "add_mcp_server")

    def remove_mcp_server(self, name: str) -> bool:
        return run_sync(self.remove_mcp_server_async(name), "remove_mcp_server")

    def submit(self, lane: str, payload: dict[str, Any]) -> ToolResult:
        return run_sync(self.submit_async(lane, payload), "submit")

    def submit_batch(self, lane: str, payloads: list[dict[str, Any]]) -> list[ToolResult]:
        return run_sync(self.submit_batch_async(lane, payloads), "submit_batch")

    def rewind(self, turn: int | str, *, files: bool = True, conversation: bool = True) -> RewindReport:
        return run_sync(self.rewind_async(turn, files=files, conversation=conversation), "rewind")

    def fork(self, turn: int | str | None = None, *, options: SessionOptions | None = None) -> Session:
        return run_sync(self.fork_async(turn, options=options), "fork")

    def save(self) -> str | None:
        return run_sync(self.save_async(), "save")

    def close(self) -> None:
        run_sync(self.close_async(), "close")

    def send(self, prompt: str, attachments: list[ImageBlock] | None = None) -> AgentResult:
        return run_sync(self.send_async(prompt, attachments), "send")

    def stream(self, prompt: str, attachments: list[ImageBlock] | None = None) -> Iterator[AgentEvent]:
        return iterate_sync(self.stream_async(prompt, attachments), "stream")

    def send_with_attachments(self, prompt: str, attachments: list[Attachment]) -> AgentResult:
        return self.send(prompt, [a.to_block() for a in attachments])

    def stream_with_attachments(self, prompt: str, attachments: list[Attachment]) -> Iterator[AgentEvent]:
        return self.stream(prompt, [a.to_block() for a in attachments])

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
