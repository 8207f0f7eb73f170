"""The daemon's transports: stdio, and loopback TCP guarded by a token.

Frames are read by ``framing.py`` (instead of pygls' loop) so that a bad header, an oversized
message or a huge line gets an error answer and the stream stays usable for the next message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import sys
import threading
from typing import IO, TYPE_CHECKING, Any

from . import errors
from .framing import LINE_LIMIT, FrameError, frame, read_frames

if TYPE_CHECKING:
    from .protocol import A3SProtocol

log = logging.getLogger(__name__)


async def serve_frames(protocol: A3SProtocol, reader: asyncio.StreamReader, max_bytes: int) -> None:
    """Feed every frame to the protocol until the stream ends."""
    async for item in read_frames(reader, max_bytes):
        try:
            if isinstance(item, FrameError):
                protocol.send_error(None, item.code, item.message)
            else:
                protocol.handle_data(item)
        except Exception:  # a bug in one message's handling must not end the connection
            log.exception("failed to handle a message")


class FileWriter:
    """Synchronous writer over the real stdout (fd 1 itself is pointed at stderr by the CLI)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def write(self, data: bytes) -> None:
        self._stream.write(data)
        self._stream.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._stream.close()


class StreamWriterAdapter:
    """pygls' writer interface over an asyncio StreamWriter (TCP)."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    def write(self, data: bytes) -> None:
        if not self._writer.is_closing():
            self._writer.write(data)

    def close(self) -> None:
        self._writer.close()


async def stdin_reader(stdin: IO[bytes]) -> asyncio.StreamReader:
    """An asyncio reader over stdin: a pipe when possible, else a feeding thread (files, ttys)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
        return reader
    except (OSError, ValueError):
        pass

    def pump() -> None:
        fd = stdin.fileno()
        while chunk := os.read(fd, 1 << 16):
            loop.call_soon_threadsafe(reader.feed_data, chunk)
        loop.call_soon_threadsafe(reader.feed_eof)

    threading.Thread(target=pump, name="a3s-stdin", daemon=True).start()
    return reader


async def serve_stdio(protocol: A3SProtocol, stdin: IO[bytes], stdout: IO[bytes], max_bytes: int) -> None:
    protocol.set_writer(FileWriter(stdout))
    reader = await stdin_reader(stdin)
    await serve_frames(protocol, reader, max_bytes)


def options_of(message: Any) -> dict[str, Any]:
    """``initialize``'s ``initializationOptions`` when it is an object (anything else: empty)."""
    params = message.get("params") if isinstance(message, dict) else None
    options = params.get("initializationOptions") if isinstance(params, dict) else None
    return options if isinstance(options, dict) else {}


def token_of(message: Any) -> str | None:
    """The token a TCP client presents in ``initialize``'s ``initializationOptions.token``."""
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return None
    token = options_of(message).get("token")
    return token if isinstance(token, str) else None


class Unauthenticated:
    """Connections that have not yet presented the token: each gets ``deadline_s`` to do it, and at
    most ``cap`` wait at once; a newcomer beyond the cap pushes out the one waiting longest, so idle
    connections can never keep the editor out (nor use up the process's file descriptors)."""

    def __init__(self, cap: int = 16, deadline_s: float = 5.0) -> None:
        self.cap = cap
        self.deadline_s = deadline_s
        self._waiting: dict[asyncio.StreamWriter, asyncio.Task[Any]] = {}

    def admit(self, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        while len(self._waiting) >= self.cap:
            oldest, waiting = next(iter(self._waiting.items()))
            del self._waiting[oldest]
            waiting.cancel()
        self._waiting[writer] = task

    def done(self, writer: asyncio.StreamWriter) -> None:
        self._waiting.pop(writer, None)


class TcpServer:
    """Loopback TCP: one authenticated editor at a time (others are answered and closed). Every
    refusal is a -32020 error answer. External workers take tasks from Redis (docs/queue.md)."""

    def __init__(
        self,
        protocol: A3SProtocol,
        token: str,
        max_bytes: int,
        gate: Unauthenticated | None = None,
    ) -> None:
        self.protocol = protocol
        self.token = token
        self.max_bytes = max_bytes
        self.gate = gate or Unauthenticated()
        self.active = False
        self.done = asyncio.Event()

    async def serve(self, host: str, port: int) -> None:
        server = await asyncio.start_server(self._connection, host, port, limit=LINE_LIMIT)
        for sock in server.sockets:
            address = sock.getsockname()
            sys.stderr.write(f"a3s-lsp listening on {address[0]}:{address[1]}\n")
            sys.stderr.flush()
        async with server:
            await self.done.wait()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        message = await self._authenticate(reader, writer)
        if message is None:
            return
        self.active = True
        try:
            self.protocol.set_writer(StreamWriterAdapter(writer))
            self.protocol.handle_data(message)
            await serve_frames(self.protocol, reader, self.max_bytes)
        finally:
            writer.close()
            self.done.set()

    async def _authenticate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Any:
        """The first frame must be ``initialize`` carrying the token, within the deadline; it comes back
        without the token (so it is never logged), or None when the client was refused."""
        first: Any = None
        reason = (
            f"unauthorized: no initialize with initializationOptions.token within {self.gate.deadline_s:g} s"
        )
        self.gate.admit(writer)
        frames = read_frames(reader, min(self.max_bytes, 1 << 20))
        try:
            async with asyncio.timeout(self.gate.deadline_s):
                first = await anext(frames, None)
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            reason = "unauthorized: dropped, too many connections waiting to authenticate"
            if (task := asyncio.current_task()) is not None:
                task.uncancel()
        finally:
            self.gate.done(writer)
            await frames.aclose()
        presented = token_of(first)
        if first is None or isinstance(first, FrameError):
            pass
        elif presented is None or not hmac.compare_digest(presented.encode(), self.token.encode()):
            reason = "unauthorized: send initialize with initializationOptions.token"
        elif self.active:
            reason = "another client is already connected"
        else:
            options_of(first).pop("token")
            return first
        msg_id = first.get("id") if isinstance(first, dict) else None
        refusal = {"code": errors.UNAUTHORIZED, "message": reason}
        writer.write(frame({"jsonrpc": "2.0", "id": msg_id if _is_id(msg_id) else None, "error": refusal}))
        with contextlib.suppress(ConnectionError, TimeoutError):
            async with asyncio.timeout(1):
                await writer.drain()
        log.warning("refused a TCP client: %s", reason)
        writer.close()
        return None


def _is_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)
