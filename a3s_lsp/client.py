"""A small asyncio client for scripts: spawn ``a3s-lsp`` (or connect over TCP), call methods, read events.

    async with await A3SClient.spawn("--config", "agent.hcl") as client:
        await client.initialize(root="/path/to/project")
        session = await client.request("a3s/session/create", {})
        async for event in client.turn(session["sessionId"], "List the files"):
            print(event["event"]["type"])

Server-to-client requests (``a3s/confirm``, ``workspace/applyEdit``...) go to handlers set with
``on_request``; by default confirmations are denied and edits refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from .framing import DEFAULT_MAX_MESSAGE_BYTES, frame, read_frames

Handler = Callable[[Any], Any]


class RpcError(Exception):
    """An error response: ``code``, ``message`` and ``data`` as the daemon sent them."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self.data = data


def file_uri(path: str | Path) -> str:
    return Path(os.path.abspath(path)).as_uri()


class A3SClient:
    """One JSON-RPC connection to the daemon."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter | asyncio.WriteTransport | Any,
        process: asyncio.subprocess.Process | None = None,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self.process = process
        self._ids = itertools.count(1)
        self._pending: dict[Any, asyncio.Future[Any]] = {}
        self._requests: dict[str, Handler] = {
            "a3s/confirm": lambda _p: {"decision": "deny"},
            "window/showMessageRequest": lambda _p: None,
            "window/workDoneProgress/create": lambda _p: None,
            "workspace/applyEdit": lambda _p: {
                "applied": False,
                "failureReason": "this client applies no edits",
            },
            "window/showDocument": lambda _p: {"success": False},
        }
        self._notifications: dict[str, Handler] = {}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.notifications: list[tuple[str, Any]] = []
        self.stray_errors: list[RpcError] = []
        self._answering: set[asyncio.Future[None]] = set()
        self._reading = asyncio.create_task(self._read_loop())

    # -- connecting -----------------------------------------------------------------------------

    @classmethod
    async def spawn(
        cls,
        *args: str,
        command: list[str] | None = None,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> A3SClient:
        """Start ``python -m a3s_lsp ARGS`` (or ``command``) with stdio pipes."""
        argv = command or [sys.executable, "-m", "a3s_lsp", *args]
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            limit=1 << 20,
        )
        assert process.stdout is not None and process.stdin is not None
        return cls(process.stdout, process.stdin, process)

    @classmethod
    async def connect(cls, host: str, port: int) -> A3SClient:
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        return cls(reader, writer)

    async def __aenter__(self) -> A3SClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- messages -------------------------------------------------------------------------------

    def on_request(self, method: str, handler: Handler) -> None:
        """Answer the server's ``method`` requests with ``handler(params)`` (may be async)."""
        self._requests[method] = handler

    def on_notification(self, method: str, handler: Handler) -> None:
        self._notifications[method] = handler

    def write(self, data: bytes) -> None:
        """Raw bytes to the daemon (for protocol tests and experiments)."""
        self._writer.write(data)

    def notify(self, method: str, params: Any = None) -> None:
        self.write(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def send_request(self, method: str, params: Any = None) -> tuple[int, asyncio.Future[Any]]:
        """Send a request; its id and a future for the result (for ``cancel``)."""
        msg_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = future
        self.write(frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        return msg_id, future

    async def request(self, method: str, params: Any = None) -> Any:
        """Send a request and wait for its result; an error response raises RpcError."""
        _id, future = self.send_request(method, params)
        return await future

    def cancel(self, msg_id: int) -> None:
        self.notify("$/cancelRequest", {"id": msg_id})

    async def initialize(
        self,
        root: str | Path | None = None,
        capabilities: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> Any:
        """``initialize`` then ``initialized``; confirmations come as ``a3s/confirm`` by default."""
        caps = capabilities or {
            "window": {"workDoneProgress": True},
            "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}},
            "experimental": {"a3s.confirmations": True},
        }
        params = {
            "processId": os.getpid(),
            "rootUri": file_uri(root) if root else None,
            "capabilities": caps,
            "clientInfo": {"name": "a3s_lsp.client"},
            "initializationOptions": options or {},
        }
        result = await self.request("initialize", params)
        self.notify("initialized", {})
        return result

    async def turn(self, session_id: str, prompt: str) -> AsyncIterator[dict[str, Any]]:
        """Run ``a3s/session/send`` and yield its ``a3s/event`` params; the last is the result."""
        _id, future = self.send_request("a3s/session/send", {"sessionId": session_id, "prompt": prompt})
        while True:
            getter = asyncio.ensure_future(self.events.get())
            done, _ = await asyncio.wait({getter, future}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                event = getter.result()
                if event.get("sessionId") == session_id:
                    yield event
                else:
                    self.events.put_nowait(event)
                continue
            getter.cancel()
            while not self.events.empty():
                yield self.events.get_nowait()
            yield {"sessionId": session_id, "result": future.result()}
            return

    async def close(self) -> int | None:
        """``shutdown`` + ``exit`` when possible, then wait for the process."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.request("shutdown"), 10)
            self.notify("exit")
        if isinstance(self._writer, asyncio.StreamWriter):
            self._writer.close()
        elif self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
        code = None
        if self.process is not None:
            try:
                code = await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                code = await self.process.wait()
        self._reading.cancel()
        return code

    # -- reading --------------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        try:
            async for message in read_frames(self._reader, DEFAULT_MAX_MESSAGE_BYTES):
                if isinstance(message, dict):
                    await self._handle(message)
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the daemon closed the connection"))

    async def _handle(self, message: dict[str, Any]) -> None:
        if "method" not in message:
            future = self._pending.pop(message.get("id"), None)
            error = message.get("error")
            if future is None:
                if error:
                    self.stray_errors.append(RpcError(error["code"], error["message"], error.get("data")))
            elif error:
                future.set_exception(RpcError(error["code"], error["message"], error.get("data")))
            else:
                future.set_result(message.get("result"))
            return
        method, params = message["method"], message.get("params")
        if "id" in message:
            task = asyncio.ensure_future(self._answer(message["id"], method, params))
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)
            return
        self.notifications.append((method, params))
        if method == "a3s/event" and isinstance(params, dict):
            self.events.put_nowait(params)
        handler = self._notifications.get(method)
        if handler is not None:
            await _maybe_await(handler(params))

    async def _answer(self, msg_id: Any, method: str, params: Any) -> None:
        handler = self._requests.get(method)
        if handler is None:
            reply = {
                "jsonrpc": "2.0",
                "id": msg_id,
                "error": {"code": -32601, "message": f"no handler: {method}"},
            }
        else:
            try:
                reply = {"jsonrpc": "2.0", "id": msg_id, "result": await _maybe_await(handler(params))}
            except Exception as exc:
                reply = {"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32603, "message": str(exc)}}
        with contextlib.suppress(ConnectionError, RuntimeError):
            self.write(frame(reply))


async def _maybe_await(value: Any) -> Any:
    if isinstance(value, Awaitable):
        return await value
    return value
