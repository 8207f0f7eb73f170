"""Snapshot a session to a plain dict and back: what survives a restart of the daemon."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from .errors import A3SError
from .messages import Message, Usage
from .security.stream import sanitize_output
from .store import FORMAT_VERSION

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger("a3s_code.session")
_HISTORY: TypeAdapter[list[Message]] = TypeAdapter(list[Message])


def snapshot(session: Session) -> dict[str, Any]:
    """The session as plain data; with a security provider, every string the user or a tool wrote is redacted."""
    history = _HISTORY.dump_python(session.history, mode="json")
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "id": session.session_id,
        "workspace": str(session.workspace),
        "roots": [str(r) for r in session.roots.extra()],
        "model": session.model,
        "history": history,
        "usage": session.usage.model_dump(),
        "cost_usd": session.cost_usd,
        "turns": session.turns,
        "session_allowed": sorted(session.session_allowed),
        "audit": [dict(e.__dict__) for e in session.audit],
        "created_at": session.created_at,
        "updated_at": time.time(),
    }
    data["checkpoints"] = session.checkpoints.dump()  # file contents: not redacted (see docs/rewind.md)
    mode = permission_mode(session)
    if mode is not None:
        data["permission_mode"] = mode
    for name in ("plan", "goal"):
        value = getattr(session, name, None)
        if value is not None:
            data[name] = value.model_dump(mode="json") if hasattr(value, "model_dump") else value
    if session.security is not None:
        for turn in data["checkpoints"]["turns"]:
            turn["prompt"] = sanitize_output(session.security, turn["prompt"])
        for key in _REDACTED:
            if key in data:
                data[key] = _redact_strings(data[key], partial(sanitize_output, session.security))
    return data


_REDACTED = ("history", "audit", "session_allowed", "plan", "goal")
"""What holds text from the user, the model or tools (ids, paths and numbers are left as they are)."""


def _redact_strings(value: Any, sanitize: Any) -> Any:
    """Each string redacted on its own, so the JSON around it stays valid whatever a secret contains."""
    if isinstance(value, str):
        return str(sanitize(value)) if value else value
    if isinstance(value, dict):
        return {k: _redact_strings(v, sanitize) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_strings(v, sanitize) for v in value]
    return value


def restore(session: Session, data: dict[str, Any]) -> None:
    session.history[:] = _HISTORY.validate_python(data.get("history", []))
    session.usage = Usage.model_validate(data.get("usage", {}))
    session.cost_usd = float(data.get("cost_usd", 0.0))
    session.turns = int(data.get("turns", 0))
    session.session_allowed.update(data.get("session_allowed", []))
    session.created_at = float(data.get("created_at", session.created_at))
    for folder in data.get("roots", []):
        try:
            session.add_root(folder)
        except A3SError as exc:  # the folder is gone: the session works on without it
            log.warning("session %s: saved root left out: %s", session.session_id, exc)
    if isinstance(data.get("checkpoints"), dict):
        session.checkpoints.load(data["checkpoints"])
    for name in ("plan", "goal"):
        if name in data:
            setattr(session, f"restored_{name}", data[name])
    _restore_mode(session, data.get("permission_mode"))
    _restore_planning(session, data)


def permission_mode(session: Any) -> str | None:
    """The mode of the session's ``PermissionPolicy`` (looked for through wrapping checkers' ``base``),
    or None when its checker is no policy."""
    from .permissions import PermissionPolicy

    checker = getattr(session, "permission_checker", None)
    while checker is not None and not isinstance(checker, PermissionPolicy):
        checker = getattr(checker, "base", None)
    return None if checker is None else str(checker.mode)


def _restore_mode(session: Session, mode: Any) -> None:
    """The saved permission mode (``session/set_mode`` in ACP, ``PermissionPolicy.mode``): kept as
    ``session.restored_permission_mode`` for a host that installs its policy later, and applied to
    the policy the session has now. An unknown mode, or ``sandbox_auto_allow`` without a sandbox,
    is left out (the session keeps its configured mode)."""
    from typing import get_args

    from .permissions import Mode, PermissionPolicy

    if mode not in get_args(Mode) or (mode == "sandbox_auto_allow" and not session.sandboxed):
        return
    session.restored_permission_mode = mode  # type: ignore[attr-defined]
    checker: Any = session.permission_checker
    while checker is not None and not isinstance(checker, PermissionPolicy):
        checker = getattr(checker, "base", None)
    if checker is not None:
        checker.mode = mode


def _restore_planning(session: Session, data: dict[str, Any]) -> None:
    """The plan and goal as models again; one that no longer validates stays only in ``restored_*``."""
    from pydantic import ValidationError

    from .planning import GoalState, Plan

    try:
        if isinstance(data.get("plan"), dict):
            session.plan = Plan.model_validate(data["plan"])
        if isinstance(data.get("goal"), dict):
            session.goal = GoalState.model_validate(data["goal"])
    except ValidationError as exc:
        log.warning("session %s: saved plan or goal ignored: %s", session.session_id, exc)
