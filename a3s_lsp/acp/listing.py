"""``session/list``: the sessions open in this process and those saved in the session store.

ACP v1 (``ListSessionsRequest``/``ListSessionsResponse``): optional ``cwd`` filter (absolute path),
opaque ``cursor`` pagination, each ``SessionInfo`` with ``sessionId``, ``cwd``, ``title`` and
``updatedAt`` (ISO 8601), newest first.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acp import RequestError
from acp.schema import ListSessionsResponse, SessionInfo

PAGE = 50
"""Sessions per page."""


def _title(history: list[Any]) -> str | None:
    """The first user words, cut to one line of 80 characters."""
    for message in history:
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
        if role != "user":
            continue
        blocks = message.get("content", []) if isinstance(message, dict) else message.content
        for block in blocks:
            text = block.get("text") if isinstance(block, dict) else getattr(block, "text", None)
            if isinstance(text, str) and text.strip():
                line = " ".join(text.split())
                return line if len(line) <= 80 else line[:79] + "…"
    return None


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        offset = None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise RequestError.invalid_params({"message": f"not a cursor from session/list: {cursor!r}"})
    return offset


def list_sessions(
    engine: Any, open_sessions: dict[str, Any], active: dict[str, float], cwd: str | None, cursor: str | None
) -> ListSessionsResponse:
    """Open sessions (their live state) and saved ones (the store's copy), newest first; a bad
    ``cursor`` is -32602."""
    offset = _offset(cursor)
    rows: dict[str, tuple[float, SessionInfo]] = {}
    from a3s_code import SessionOptions

    store = engine.session_store(SessionOptions())
    for saved in store.list() if store is not None else []:
        data = store.load(saved["id"]) or {}
        updated = float(saved.get("updated_at") or 0)
        info = SessionInfo(
            session_id=saved["id"],
            cwd=str(saved.get("workspace") or ""),
            title=_title(data.get("history", [])),
            updated_at=_iso(updated),
        )
        rows[saved["id"]] = (updated, info)
    for session_id, session in open_sessions.items():
        updated = max(rows.get(session_id, (0.0, None))[0], active.get(session_id, 0.0), session.created_at)
        info = SessionInfo(
            session_id=session_id,
            cwd=str(session.workspace),
            title=_title(session.history),
            updated_at=_iso(updated),
        )
        rows[session_id] = (updated, info)
    wanted = None if cwd is None else Path(cwd).resolve()
    infos = [
        info
        for _, info in sorted(rows.values(), key=lambda row: -row[0])
        if wanted is None or (info.cwd and Path(info.cwd).resolve() == wanted)
    ]
    page = infos[offset : offset + PAGE]
    more = offset + PAGE < len(infos)
    return ListSessionsResponse(sessions=page, next_cursor=_cursor(offset + PAGE) if more else None)
