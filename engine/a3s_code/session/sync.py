"""``Session``: what ``Agent.session`` returns, the ``AsyncSession`` plus the seed's blocking calls.

Each blocking call runs its ``_async`` twin to completion (``_sync.run_sync``: on a private event
loop when called from a thread without one; ``A3SError`` when called inside a running loop).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .._sync import iterate_sync, run_sync
from ..errors import ToolError
from ..events import AgentEvent
from ..messages import ImageBlock
from ..options import SessionOptions
from ..result import AgentResult
from ..rewind import RewindReport
from ..tools.base import ToolResult
from .core import AsyncSession

if TYPE_CHECKING:
    from ..attachments import Attachment
    from ..commands import CommandOutput
    from ..mcp import McpManager


class Session(AsyncSession):
    """Created by ``Agent.session``: the seed's Python API, blocking and async (``*_async``)."""

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
