"""Content-Length framing over asyncio streams: stdio, and loopback TCP guarded by a token.

We read frames ourselves (instead of pygls' loop) so that a bad header, an oversized message or
a huge line gets an error answer and the stream stays usable for the next message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import sys
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    from .protocol import A3SProtocol

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
_LINE_LIMIT = 64 * 1024
_CHUNK = 1 << 16


@dataclass(frozen=True)
class FrameError:
    """A frame that could not be read; ``code`` is the JSON-RPC error to answer with."""

    code: int
    message: str


async def read_frames(
    reader: asyncio.StreamReader, max_bytes: int
) -> AsyncGenerator[bytes | FrameError, None]:
    """Yield each message body, or a FrameError for a frame that was skipped; stops at EOF."""
    while True:
        length: int | None = None
        problem: str | None = None
        seen = False
        while True:
            try:
                line = await reader.readline()
            except ValueError:
                problem, seen = "header line too long", True
                continue
            if not line:
                return
            if not line.strip():
                if not seen:
                    continue
                break
            seen = True
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                problem = f"malformed header line {line[:60]!r}"
            elif name.strip().lower() == "content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    problem = f"invalid Content-Length {value.strip()[:30]!r}"
                else:
                    if length < 0:
                        length, problem = None, "negative Content-Length"
        if length is None:
            detail = f" ({problem})" if problem else ""
            yield FrameError(errors.PARSE_ERROR, f"Bad header: no valid Content-Length{detail}")
            continue
        if problem:
            log.warning("ignoring a bad header line: %s", problem)
        if length > max_bytes:
            if not await _discard(reader, length):
                return
            yield FrameError(
                errors.MESSAGE_TOO_LARGE, f"Message of {length} bytes exceeds the limit of {max_bytes} bytes"
            )
            continue
        try:
            yield await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            return


async def _discard(reader: asyncio.StreamReader, length: int) -> bool:
    """Skip an oversized body without holding it in memory; False at EOF."""
    while length > 0:
        chunk = await reader.read(min(length, _CHUNK))
        if not chunk:
            return False
        length -= len(chunk)
    return True


async def serve_frames(protocol: A3SProtocol, reader: asyncio.StreamReader, max_bytes: int) -> None:
    """Feed every frame to the protocol until the stream ends."""
    async for item in read_frames(reader, max_bytes):
        try:
            if isinstance(item, FrameError):
                protocol.send_error(None, item.code, item.message)
            else:
                protocol.handle_payload(item)
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
    reader = asyncio.StreamReader(limit=_LINE_LIMIT)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
        return reader
    except (OSError, ValueError):
        pass

    def pump() -> None:
        fd = stdin.fileno()
        while chunk := os.read(fd, _CHUNK):
            loop.call_soon_threadsafe(reader.feed_data, chunk)
        loop.call_soon_threadsafe(reader.feed_eof)

    threading.Thread(target=pump, name="a3s-stdin", daemon=True).start()
    return reader


async def serve_stdio(protocol: A3SProtocol, stdin: IO[bytes], stdout: IO[bytes], max_bytes: int) -> None:
    protocol.set_writer(FileWriter(stdout))
    reader = await stdin_reader(stdin)
    await serve_frames(protocol, reader, max_bytes)


def frame(message: dict[str, Any]) -> bytes:
    """One JSON-RPC message with its ``Content-Length`` header, ready to write."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def token_of(message: dict[str, Any]) -> str | None:
    """The token a TCP client presents in ``initialize``'s ``initializationOptions.token``."""
    if message.get("method") != "initialize":
        return None
    options = (message.get("params") or {}).get("initializationOptions")
    token = options.get("token") if isinstance(options, dict) else None
    return token if isinstance(token, str) else None


class TcpServer:
    """Loopback TCP: one authenticated editor at a time (others are answered and closed). External
    workers do not connect here; they take tasks from Redis (docs/queue.md)."""

    def __init__(self, protocol: A3SProtocol, token: str, max_bytes: int) -> None:
        self.protocol = protocol
        self.token = token
        self.max_bytes = max_bytes
        self.active = False
        self.done = asyncio.Event()

    async def serve(self, host: str, port: int) -> None:
        server = await asyncio.start_server(self._connection, host, port, limit=_LINE_LIMIT)
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
            self.protocol.handle_payload(json.dumps(message).encode())
            await serve_frames(self.protocol, reader, self.max_bytes)
        finally:
            writer.close()
            self.done.set()

    async def _authenticate(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> dict[str, Any] | None:
        """The first frame must be ``initialize`` carrying the token; it comes back without the token
        (so it is never logged), or None when the client was refused."""
        frames = read_frames(reader, min(self.max_bytes, 1 << 20))
        first = await anext(frames, None)
        await frames.aclose()
        message: Any = None
        if isinstance(first, bytes):
            with contextlib.suppress(ValueError):
                message = json.loads(first)
        presented = token_of(message) if isinstance(message, dict) else None
        if self.active:
            reason = "another client is already connected"
        elif presented is None or not hmac.compare_digest(presented.encode(), self.token.encode()):
            reason = "unauthorized: send initialize with initializationOptions.token"
        else:
            message["params"]["initializationOptions"].pop("token")
            return message
        msg_id = message.get("id") if isinstance(message, dict) else None
        refusal = {"code": errors.UNAUTHORIZED, "message": reason}
        writer.write(frame({"jsonrpc": "2.0", "id": msg_id, "error": refusal}))
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        log.warning("refused a TCP client: %s", reason)
        writer.close()
        return None
