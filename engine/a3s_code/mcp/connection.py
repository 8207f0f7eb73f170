"""One MCP server connection, owned by a long-lived task.

The SDK's client is a stack of async context managers that must be entered and exited in the
same task, so a dedicated task enters them, publishes the client, and waits for a stop signal.
Calls are made from the callers' tasks; each one races the owner task, so a server that dies
fails its pending call at once instead of at the timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TextIO

from ..errors import A3SError
from .transport import McpTransport, StdioTransport, new_errlog

if TYPE_CHECKING:
    from ..config.models import McpServerConfig

log = logging.getLogger("a3s_code.mcp")
State = Literal["stopped", "starting", "running", "failed"]
CONNECTION_CLOSED = -32000


class McpError(A3SError):
    code = "mcp_error"


@dataclass
class McpServerSpec:
    """How to reach a server: ``command`` (+ ``args``, ``env``) for stdio, or ``url`` for HTTP."""

    name: str
    command: str | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    tool_timeout_secs: float = 60.0
    connect_timeout_secs: float = 30.0
    cwd: str | None = None

    def __post_init__(self) -> None:
        if not self.name or "__" in self.name or any(c in self.name for c in " /\\"):
            raise McpError(f"invalid MCP server name {self.name!r}: use letters, digits, '-' or '_'")
        if bool(self.command) == bool(self.url):
            raise McpError(f"MCP server {self.name!r}: set exactly one of command (stdio) or url (HTTP)")

    @classmethod
    def from_config(cls, cfg: McpServerConfig) -> McpServerSpec:
        """From a config ``mcp_servers`` block (``config.models.McpServerConfig``)."""
        return cls(
            name=cfg.name,
            command=cfg.command,
            args=list(cfg.args),
            env=dict(cfg.env),
            url=cfg.url,
            headers=dict(cfg.headers),
            tool_timeout_secs=float(cfg.tool_timeout_secs),
        )


@dataclass(frozen=True)
class McpToolInfo:
    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass
class CallOutcome:
    """A tool call's answer, reduced to what the engine passes on."""

    text: str
    is_error: bool
    images: list[tuple[str, str]] = field(default_factory=list)
    """(media type, base64 data) pairs."""


class McpConnection:
    def __init__(self, spec: McpServerSpec, transport: McpTransport | None = None) -> None:
        self.spec = spec
        self.transport: McpTransport = transport if transport is not None else StdioTransport()
        self.state: State = "stopped"
        self.tools: list[McpToolInfo] = []
        self.last_error: str | None = None
        self.starts = 0
        self._client: Any = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._errlog: TextIO | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def alive(self) -> bool:
        return (
            self.state == "running"
            and self._task is not None
            and not self._task.done()
            and self._loop is asyncio.get_running_loop()
        )

    async def ensure_started(self) -> None:
        """Start (or restart, after a crash, hang or garbage answer) the server."""
        if self.alive:
            return
        if self._lock is None or self._loop is not asyncio.get_running_loop():
            self._lock = asyncio.Lock()
        async with self._lock:
            if not self.alive:
                await self._start()

    async def _start(self) -> None:
        await self.stop()
        self.starts += 1
        self.state = "starting"
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        ready: asyncio.Future[None] = self._loop.create_future()
        self._task = asyncio.create_task(self._own(ready), name=f"mcp-{self.spec.name}")
        try:
            async with asyncio.timeout(self.spec.connect_timeout_secs):
                await asyncio.shield(ready)
        except TimeoutError:
            await self.stop()
            self._fail(f"did not finish its handshake within {self.spec.connect_timeout_secs:g}s")
            raise McpError(self._describe_failure()) from None
        except Exception:
            self.state = "failed"
            raise McpError(self._describe_failure()) from None

    async def _own(self, ready: asyncio.Future[None]) -> None:
        try:
            from mcp import Client

            async with Client(self._transport(), cache=None) as client:
                self.tools = await _list_tools(client)
                self._client = client
                self.state = "running"
                self.last_error = None
                ready.set_result(None)
                await self._stop.wait()
        except BaseException as exc:  # the owner reports everything; callers see McpError
            if not isinstance(exc, asyncio.CancelledError):
                self._fail(_exc_text(exc))
            if not ready.done():
                ready.set_exception(McpError(self.last_error or "stopped"))
            if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
                raise
        finally:
            self._client = None
            if self.state in ("running", "starting"):
                self.state = "stopped" if self._stop.is_set() else "failed"

    def _transport(self) -> Any:
        if self._errlog is not None:
            self._errlog.close()
        self._errlog = new_errlog()
        return self.transport.open(self.spec, self._errlog)

    async def call(self, tool: str, args: dict[str, Any]) -> CallOutcome:
        """Run a tool; any failure of the server is an ``McpError`` and the server is restarted next time."""
        await self.ensure_started()
        client, owner = self._client, self._task
        assert client is not None and owner is not None
        timeout = self.spec.tool_timeout_secs
        call = asyncio.ensure_future(client.call_tool(tool, args))
        try:
            done, _ = await asyncio.wait({call, owner}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            call.cancel()
            raise
        if call not in done:
            call.cancel()
            await asyncio.gather(call, return_exceptions=True)
            if owner in done:
                raise McpError(
                    f"MCP server '{self.spec.name}' stopped during the call: {self._describe_failure()}"
                )
            await self.stop()
            self._fail(f"tool '{tool}' did not answer within {timeout:g}s")
            raise McpError(f"MCP server '{self.spec.name}': {self.last_error}; the server will be restarted")
        try:
            result = call.result()
        except Exception as exc:
            code = getattr(exc, "code", None)
            if type(exc).__name__ == "MCPError" and isinstance(code, int) and code != CONNECTION_CLOSED:
                # The server is fine; it refused this request (unknown tool, bad arguments...).
                raise McpError(f"MCP server '{self.spec.name}' refused '{tool}': {exc}") from None
            await self.stop()
            self._fail(_exc_text(exc))
            raise McpError(
                f"MCP server '{self.spec.name}' failed on '{tool}': {self._describe_failure()}; "
                "the server will be restarted"
            ) from None
        return _outcome(result)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            self._stop.set()
            if task.get_loop() is asyncio.get_running_loop():
                try:
                    async with asyncio.timeout(5):
                        await asyncio.gather(task, return_exceptions=True)
                except TimeoutError:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            else:
                task.get_loop().call_soon_threadsafe(self._stop.set)
        if self.state in ("running", "starting"):
            self.state = "stopped"

    def _fail(self, why: str) -> None:
        self.state = "failed"
        self.last_error = why
        log.warning("MCP server %s: %s", self.spec.name, why)

    def _describe_failure(self) -> str:
        why = self.last_error or "unknown error"
        tail = self.stderr_tail()
        return f"{why} (stderr: {tail})" if tail else why

    def stderr_tail(self, lines: int = 3) -> str:
        if self._errlog is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            self._errlog.flush()
            self._errlog.seek(0)
            text = self._errlog.read()[-4000:]
            return " | ".join(line for line in text.strip().splitlines()[-lines:] if line.strip())
        return ""


async def _list_tools(client: Any) -> list[McpToolInfo]:
    tools: list[McpToolInfo] = []
    cursor: str | None = None
    while True:
        page = await client.list_tools(cursor=cursor)
        for t in page.tools:
            schema = dict(t.input_schema or {"type": "object"})
            tools.append(McpToolInfo(t.name, t.description or "", schema))
        cursor = page.next_cursor
        if not cursor:
            return tools


def _outcome(result: Any) -> CallOutcome:
    texts: list[str] = []
    images: list[tuple[str, str]] = []
    for block in result.content:
        kind = getattr(block, "type", "")
        if kind == "text":
            texts.append(block.text)
        elif kind == "image":
            images.append((block.mime_type, block.data))
        elif kind == "resource":
            res = block.resource
            texts.append(getattr(res, "text", None) or f"[resource {res.uri}]")
        elif kind == "resource_link":
            texts.append(f"[resource {block.uri}]")
        else:
            texts.append(f"[{kind or 'unknown'} content]")
    if not texts and result.structured_content is not None:
        import json

        texts.append(json.dumps(result.structured_content))
    return CallOutcome("\n".join(texts), bool(result.is_error), images)


def _exc_text(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(_exc_text(e) for e in exc.exceptions)
    name = type(exc).__name__
    if name == "ValidationError":
        return "it sent a response that is not valid MCP"
    text = str(exc).strip() or name
    return text if len(text) < 300 else text[:300] + "..."
