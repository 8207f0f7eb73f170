"""Shared helpers for the provider adapters."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import json
import operator
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..errors import LLMError
from ..messages import Message

if TYPE_CHECKING:
    from .retry import Timeouts

W = TypeVar("W")


def parse_arguments(raw: str) -> dict[str, Any]:
    """Tool-call arguments; malformed JSON becomes ``__parse_error`` so the loop can ask again."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {"__parse_error": f"{exc.msg} at position {exc.pos}", "__raw": raw[:2000]}
    if not isinstance(value, dict):
        return {
            "__parse_error": f"arguments must be a JSON object, got {type(value).__name__}",
            "__raw": raw[:2000],
        }
    return value


def retry_after_seconds(headers: Any) -> float | None:
    try:
        value = headers.get("retry-after")
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def status_error(provider: str, status: int, detail: str) -> LLMError:
    """Our error for an HTTP status (or an error event inside a 200 stream, named in ``detail``)."""
    if status in (401, 403):
        return LLMError(
            f"{provider} rejected the API key ({status}): check the provider's api_key", status=status
        )
    overloaded = status == 200 and any(k in detail for k in ("overloaded_error", "api_error", "server_error"))
    retryable = status in (408, 409, 429) or status >= 500 or overloaded
    label = {429: "rate limited", 529: "overloaded"}.get(status, f"HTTP {status}")
    if status == 200:
        label = "error inside the stream"
    return LLMError(f"{provider} request failed, {label}: {detail}", status=status, retryable=retryable)


def connection_error(provider: str, exc: BaseException) -> LLMError:
    """Our error for an SDK's connection error. A TLS certificate the client does not trust is
    said as such and not retried (it will not change by itself); anything else is retryable."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ssl.SSLCertVerificationError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, ssl.SSLCertVerificationError):
        return LLMError(
            f"cannot reach {provider}: its TLS certificate is not trusted ({cause.verify_message or cause}); "
            "if a proxy or a private CA signs it, point SSL_CERT_FILE (or SSL_CERT_DIR) at that CA's "
            "certificates",
            retryable=False,
        )
    return LLMError(f"cannot reach {provider}: {exc}", retryable=True)


def is_transport_error(exc: BaseException) -> bool:
    """A dropped or broken HTTP stream (the SDKs let these through while iterating)."""
    import httpx2

    return isinstance(exc, httpx2.TransportError)


def http_timeout(timeouts: Timeouts) -> Any:
    """The SDK's HTTP timeout: only connecting (and waiting for a pooled connection) is bounded here.

    Reads are bounded by the ``Watchdog`` per streamed event, not per socket read: a server that
    trickles keep-alive bytes forever would never trip a read timeout.
    """
    import httpx2

    return httpx2.Timeout(connect=timeouts.connect_s, read=None, write=None, pool=timeouts.connect_s)


@dataclass(slots=True)
class _Entry(Generic[W]):
    message: Message
    wire: W
    json: bytes | None = None


def sdk_http_client(sdk: Any) -> Any:
    """The HTTP client for an SDK's ``http_client=``: the SDK's own defaults (connection limits,
    redirects; ``sdk.DefaultAsyncHttpxClient``), closed when collected as the SDK's own is, and
    verifying TLS with one SSL context per process and CA setting. Loading the CA bundle cost 20 to
    35 ms on every client built (every session, every CLI run). ``SSL_CERT_FILE`` and
    ``SSL_CERT_DIR`` are honoured as httpx honours them (``httpx2.create_ssl_context``)."""
    cert_file, cert_dir = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    return _closing_client(sdk.DefaultAsyncHttpxClient)(verify=_ssl_context(cert_file, cert_dir))


@functools.lru_cache(maxsize=8)
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> Any:
    """One verifying context per CA setting (the arguments are the cache key; httpx reads them
    from the environment)."""
    import httpx2

    return httpx2.create_ssl_context(verify=True, trust_env=True)


@functools.cache
def _closing_client(base: type) -> type:
    class ClosingClient(base):  # type: ignore[misc]
        """Closed on the running loop when collected, as the SDKs' own default client is."""

        def __del__(self) -> None:
            if self.is_closed:
                return
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().create_task(self.aclose())

    return ClosingClient


class WireCache(Generic[W]):
    """Each history message's wire form and its JSON text, made once while the message stays in
    the history, and the request's joined message list carried from one round to the next.

    History messages are never changed in place (a new turn appends, compaction builds new
    ones), so a message object is its own cache key; the entry also holds the message, so its id
    cannot be reused while cached. Only the last request's messages are kept. When a request's
    messages start with the previous request's (the usual append-only round), only the new ones
    are converted, encoded and appended: a round's cost no longer grows with the history, except
    for one copy of the history's bytes into the body (walking and re-joining the whole history
    cost about 2.5 ms per MB of history on this project's machines; three copies of a 1 MB body
    about 0.6 ms).
    """

    def __init__(self, convert: Callable[[Message], W]) -> None:
        self._convert = convert
        self._messages: list[Message] = []
        self._entries: list[_Entry[W]] = []  # aligned with _messages
        self._joined = bytearray()  # the non-empty JSON texts of the first _joined_count entries,
        self._joined_count = 0  # comma-separated; grown in place, so a round copies only its new bytes

    def _update(self, messages: list[Message]) -> None:
        previous = self._messages
        kept = min(len(previous), len(messages))
        if kept and not (
            previous[kept - 1] is messages[kept - 1] and all(map(operator.is_, previous, messages))
        ):
            kept = next(i for i, (a, b) in enumerate(zip(previous, messages, strict=False)) if a is not b)
        cached: dict[int, _Entry[W]] = {}
        if kept < len(previous):  # compaction or rewind: later messages may still be cached
            cached = {id(e.message): e for e in self._entries[kept:]}
            del self._entries[kept:]
            if self._joined_count > kept:
                self._joined, self._joined_count = bytearray(), 0
        for message in messages[kept:]:
            hit = cached.get(id(message))
            self._entries.append(hit if hit is not None else _Entry(message, self._convert(message)))
        self._messages = list(messages)

    def convert(self, messages: list[Message]) -> list[W]:
        self._update(messages)
        return [entry.wire for entry in self._entries]

    def body(self, messages: list[Message], params: dict[str, Any], key: str, head: bytes = b"") -> bytes:
        """The request body: ``params`` plus ``key`` holding the array of ``head`` (already-encoded
        items placed first, such as a system message) and the messages' JSON (a list-valued wire
        form becomes its items; an empty one is left out). The history's bytes are copied once,
        into the body (the SDKs' ``create()`` would encode it all again)."""
        self._join(messages)
        rest = dumps(params)
        tail = "}" if rest == "{}" else "," + rest[1:]
        comma = b"," if head and self._joined else b""
        return b"".join((b'{"%s":[' % key.encode(), head, comma, self._joined, b"]" + tail.encode()))

    def _join(self, messages: list[Message]) -> None:
        self._update(messages)
        tail = b",".join(f for f in map(_encoded, self._entries[self._joined_count :]) if f)
        if tail:
            if self._joined:
                self._joined += b","
            self._joined += tail
        self._joined_count = len(self._entries)


def _encoded(entry: _Entry[Any]) -> bytes:
    if entry.json is None:
        wire = entry.wire
        text = ",".join(map(dumps, wire)) if isinstance(wire, list) else dumps(wire)
        entry.json = text.encode()
    return entry.json


def dumps(value: Any) -> str:
    """Compact JSON, as the SDKs encode request bodies."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def prewarm(construct: Callable[..., Any], event_type: Any, sample: dict[str, Any]) -> None:
    """Do, in the thread that builds a client, the one-time work of a first streamed request.

    The SDKs build a pydantic validator for their stream-event union the first time they parse
    an event (hundreds of ms), and httpx's async backend module loads on the first request;
    both would otherwise run on the event loop in the middle of the first turn. ``construct`` is
    the SDK's own ``construct_type``, given one ``sample`` event. Best effort: never raises.
    """
    try:
        importlib.import_module("anyio._backends._asyncio")
        construct(type_=event_type, value=sample)
    except Exception:  # an SDK that parses differently just warms up later, on the loop
        return
