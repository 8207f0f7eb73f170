"""Shared helpers for the provider adapters."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
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


class WireCache(Generic[W]):
    """Each history message's wire form and its JSON text, made once while the message stays in
    the history.

    History messages are never changed in place (a new turn appends, compaction builds new
    ones), so a message object is its own cache key; the entry also holds the message, so its id
    cannot be reused while cached. Only the last request's messages are kept. With the JSON text
    cached, a request body costs a string join per round instead of re-encoding the whole
    history (about 10 ms per MB on this project's machines).
    """

    def __init__(self, convert: Callable[[Message], W]) -> None:
        self._convert = convert
        self._entries: dict[int, list[Any]] = {}

    def _entries_for(self, messages: list[Message]) -> list[list[Any]]:
        entries: dict[int, list[Any]] = {}
        out: list[list[Any]] = []
        for message in messages:
            hit = self._entries.get(id(message))
            if hit is None or hit[0] is not message:
                hit = [message, self._convert(message), None]
            entries[id(message)] = hit
            out.append(hit)
        self._entries = entries
        return out

    def convert(self, messages: list[Message]) -> list[W]:
        return [entry[1] for entry in self._entries_for(messages)]

    def fragments(self, messages: list[Message]) -> list[bytes]:
        """Each message's JSON, UTF-8 (a list-valued wire form becomes its items, comma-separated)."""
        out = []
        for entry in self._entries_for(messages):
            if entry[2] is None:
                wire = entry[1]
                text = ",".join(map(dumps, wire)) if isinstance(wire, list) else dumps(wire)
                entry[2] = text.encode()
            out.append(entry[2])
        return out


def dumps(value: Any) -> str:
    """Compact JSON, as the SDKs encode request bodies."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_body(params: dict[str, Any], key: str, fragments: list[bytes]) -> bytes:
    """The request body: ``params`` plus ``key`` holding the already-encoded ``fragments``."""
    items = b",".join(f for f in fragments if f)
    rest = dumps(params)
    tail = "}" if rest == "{}" else "," + rest[1:]
    return b'{"%s":[%s]%s' % (key.encode(), items, tail.encode())


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
