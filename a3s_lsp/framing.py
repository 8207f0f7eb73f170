"""``Content-Length`` framing (LSP "Base Protocol") that survives bad input and finds its way back.

Every frame becomes either its parsed JSON value or a ``FrameError`` to answer with; the stream is
never left out of step:

- a header block without a valid ``Content-Length`` is an error, and the next header is read;
- a header name found inside a line (``}Content-Length: 57`` after a body one byte shorter than
  declared) starts a header there;
- a body longer than ``max_bytes`` (``Content-Length: 2**63`` included) is an error, and the bytes up
  to the next ``Content-Length:`` are skipped without being held in memory;
- a body whose declared length runs past its JSON (one byte too many, or into the next frame) is
  read up to where the JSON ends and the rest is read again as headers; when no more bytes come
  for ``stall_s`` and what arrived is complete JSON, it is taken as it is;
- JSON nested too deeply to parse is an error like any other malformed body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from . import errors

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
LINE_LIMIT = 64 * 1024
_CHUNK = 1 << 16
_HEADER = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_NAME_TAIL = len(b"content-length") + 8


@dataclass(frozen=True)
class FrameError:
    """A frame that could not be read; ``code`` is the JSON-RPC error to answer with (id ``null``)."""

    code: int
    message: str


def frame(message: Any) -> bytes:
    """One JSON-RPC message with its ``Content-Length`` header, ready to write."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class FrameReader:
    """Reads frames from an asyncio stream, with its own buffer so bytes can be read again."""

    def __init__(self, reader: asyncio.StreamReader, max_bytes: int, stall_s: float = 2.0) -> None:
        self._reader = reader
        self._max = max_bytes
        self._stall = stall_s
        self._buf = bytearray()
        self._eof = False

    async def _fill(self) -> bool:
        """Read more bytes into the buffer; False at EOF."""
        if self._eof:
            return False
        chunk = await self._reader.read(_CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    async def _line(self) -> bytes | None:
        """One header line without its end; None at EOF. An over-long line comes back cut short."""
        while (end := self._buf.find(b"\n")) < 0:
            if len(self._buf) > LINE_LIMIT:
                del self._buf[: len(self._buf) - _NAME_TAIL]  # keep a tail: a header may start there
                return b"\x00 header line too long"
            if not await self._fill():
                if not self._buf:
                    return None
                end = len(self._buf)
                break
        line = bytes(self._buf[:end])
        del self._buf[: end + 1]
        return line.rstrip(b"\r")

    async def _skip_to_header(self) -> bool:
        """Drop bytes up to the next ``Content-Length:`` (kept); False at EOF."""
        while (found := _HEADER.search(self._buf)) is None:
            del self._buf[: max(0, len(self._buf) - _NAME_TAIL)]
            if not await self._fill():
                return False
        del self._buf[: found.start()]
        return True

    async def _body(self, length: int) -> bytes | None:
        """``length`` bytes, or fewer when the sender stalls after complete JSON; None at EOF."""
        while len(self._buf) < length:
            try:
                async with asyncio.timeout(self._stall):
                    if not await self._fill():
                        return None
            except TimeoutError:
                if self._buf and _parses(bytes(self._buf)):
                    log.warning(
                        "Content-Length %d, but the message ended after %d bytes", length, len(self._buf)
                    )
                    length = len(self._buf)
        body = bytes(self._buf[:length])
        del self._buf[:length]
        return body

    async def frames(self) -> AsyncGenerator[Any | FrameError, None]:
        """Each message's parsed JSON value, or a FrameError; stops at EOF."""
        while True:
            length, problem = None, None
            seen = False
            while True:
                line = await self._line()
                if line is None:
                    return
                if not line.strip():
                    if seen:
                        break
                    continue
                seen = True
                if (found := _HEADER.search(line)) is not None:
                    if found.start() > 0:
                        log.warning("ignoring %d stray bytes before a header", found.start())
                    length, problem = _length(line[found.end() :])
                elif b":" not in line:
                    problem = f"malformed header line {line[:60]!r}"
            if length is None:
                yield FrameError(errors.PARSE_ERROR, f"Bad header: no valid Content-Length ({problem})")
                continue
            if length > self._max:
                yield FrameError(
                    errors.MESSAGE_TOO_LARGE,
                    f"Message of {length} bytes exceeds the limit of {self._max} bytes",
                )
                if not await self._skip_to_header():
                    return
                continue
            body = await self._body(length)
            if body is None:
                return
            yield self._parse(body)

    def _parse(self, body: bytes) -> Any | FrameError:
        try:
            return json.loads(body)
        except RecursionError:
            return FrameError(errors.PARSE_ERROR, "Parse error: the message is nested too deeply")
        except ValueError as exc:
            recovered = _leading_json(body)
            if recovered is None:
                return FrameError(errors.PARSE_ERROR, f"Parse error: {exc}")
            value, rest = recovered
            log.warning("Content-Length ran %d bytes past the message; reading them as headers", len(rest))
            self._buf[:0] = rest
            return value


def _length(value: bytes) -> tuple[int | None, str | None]:
    text = value.strip()
    if not text.isdigit():
        return None, f"invalid Content-Length {text[:30]!r}"
    return int(text), None


def _parses(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


def _leading_json(body: bytes) -> tuple[Any, bytes] | None:
    """A complete JSON value at the start of ``body`` followed by the start of the next frame."""
    found = _HEADER.search(body)
    if found is not None and found.start() > 0:
        head = body[: found.start()]
        if _parses(head):
            return json.loads(head), body[found.start() :]
    try:
        text = body.decode("utf-8")
        value, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        return None
    return value, text[end:].lstrip(" \t\r\n").encode("utf-8")


async def read_frames(reader: asyncio.StreamReader, max_bytes: int) -> AsyncGenerator[Any | FrameError, None]:
    """Each message's parsed JSON value, or a FrameError for one that could not be read; stops at EOF."""
    async for item in FrameReader(reader, max_bytes).frames():
        yield item
