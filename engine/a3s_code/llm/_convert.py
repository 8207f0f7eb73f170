"""Shared helpers for the provider adapters."""

from __future__ import annotations

import json
from typing import Any


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


def is_transport_error(exc: BaseException) -> bool:
    """A dropped or broken HTTP stream (the SDKs let these through while iterating)."""
    import httpx2

    return isinstance(exc, httpx2.TransportError)
