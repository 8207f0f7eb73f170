"""``session.persistence``: save a session to its ``SessionStore`` and restore it from a snapshot.

``SessionSnapshot`` is the typed shape of a saved session (``format_version`` 1, see
``store.FORMAT_VERSION``); stores keep it as plain JSON data (``SessionSnapshot.to_data``), so a
``SessionStore`` of your own sees dicts. With a security provider every string the user, the model
or a tool wrote is redacted before it leaves the process (docs/security.md, "secrets at rest");
checkpoint file contents are kept as they are (docs/rewind.md).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from pydantic import BaseModel, Field, JsonValue, ValidationError

from ..errors import A3SError
from ..messages import Message, Usage
from ..security.stream import sanitize_output
from ..store import FORMAT_VERSION, SessionStoreError

if TYPE_CHECKING:
    from ..checkpoints import CheckpointStore
    from ..hitl import AuditEntry
    from ..permissions import Mode, PermissionPolicy
    from ..planning import GoalState, Plan
    from ..ports import PermissionChecker
    from ..roots import WorkspaceRoots
    from ..sandbox.session import SessionSandbox
    from ..security import SecurityProvider
    from ..store import SessionStore

log = logging.getLogger("a3s_code.session")

_REDACTED = ("history", "audit", "session_allowed", "plan", "goal")
"""What holds text from the user, the model or tools (ids, paths and numbers are left as they are)."""


class SessionSnapshot(BaseModel):
    """A saved session. Every field but ``id`` has a default, so older files still load."""

    format_version: int = FORMAT_VERSION
    id: str
    workspace: str = "."
    roots: list[str] = Field(default_factory=list)
    """Further roots besides the workspace (absolute paths)."""
    model: str | None = None
    """``provider/model``."""
    history: list[Message] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float = 0.0
    turns: int = 0
    session_allowed: list[str] = Field(default_factory=list)
    """Calls allowed "for this session" (``tool:{json args}``)."""
    audit: list[dict[str, JsonValue]] = Field(default_factory=list)
    """``hitl.AuditEntry`` fields, oldest first."""
    created_at: float | None = None
    """Unix seconds."""
    updated_at: float | None = None
    checkpoints: dict[str, JsonValue] | None = None
    """``CheckpointStore.dump()``: ``{"turns": [...], "blobs": {sha256: base64}}``."""
    plan: dict[str, JsonValue] | None = None
    """``planning.Plan`` as data (kept raw: one that no longer validates must not lose the rest)."""
    goal: dict[str, JsonValue] | None = None
    """``planning.GoalState`` as data."""
    permission_mode: str | None = None
    """``PermissionPolicy.mode`` when the session's checker is a policy (ACP ``session/set_mode``
    changes it, and a resumed session keeps it)."""

    def to_data(self, security: SecurityProvider | None = None) -> dict[str, Any]:
        """JSON-ready data for a ``SessionStore``; ``plan``/``goal`` left out when None. With
        ``security``, strings in history, audit, allowed calls, plan, goal and checkpoint prompts
        are redacted one by one (so the JSON around a secret stays valid)."""
        data = self.model_dump(mode="json", exclude={k for k in ("plan", "goal") if getattr(self, k) is None})
        if security is not None:
            sanitize = _sanitizer(security)
            for turn in (data.get("checkpoints") or {}).get("turns", []):
                turn["prompt"] = sanitize(turn["prompt"])
            for key in _REDACTED:
                if key in data:
                    data[key] = _redact_strings(data[key], sanitize)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SessionSnapshot:
        """Raises ``pydantic.ValidationError`` when the data is not a session snapshot."""
        return cls.model_validate(data)


def _sanitizer(security: SecurityProvider) -> Callable[[str], str]:
    def sanitize(text: str) -> str:
        return sanitize_output(security, text)

    return sanitize


def _redact_strings(value: Any, sanitize: Callable[[str], str]) -> Any:
    """Each string redacted on its own, so the JSON around it stays valid whatever a secret contains."""
    if isinstance(value, str):
        return str(sanitize(value)) if value else value
    if isinstance(value, dict):
        return {k: _redact_strings(v, sanitize) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_strings(v, sanitize) for v in value]
    return value


class Persistable(Protocol):
    """What of a session a snapshot holds (``Session`` is one). Saving reads it; restoring writes
    ``history`` (in place), ``usage``, ``cost_usd``, ``turns``, ``created_at``, ``plan``, ``goal``,
    the allowed calls, the roots and the checkpoints."""

    session_id: str
    workspace: Path
    roots: WorkspaceRoots
    model: str
    history: list[Message]
    usage: Usage
    cost_usd: float
    turns: int
    created_at: float
    checkpoints: CheckpointStore
    plan: Plan | None
    goal: GoalState | None

    @property
    def session_allowed(self) -> set[str]: ...

    @property
    def audit(self) -> list[AuditEntry]: ...

    @property
    def security(self) -> SecurityProvider | None: ...

    @property
    def permission_checker(self) -> PermissionChecker | None: ...

    @property
    def sandbox(self) -> SessionSandbox: ...


class SessionPersistence:
    """Saves ``session`` to ``store`` (None: the session cannot be saved) and restores it."""

    def __init__(self, store: SessionStore | None, session: Persistable) -> None:
        self.store = store
        self._session = session
        self.restored_plan: dict[str, JsonValue] | None = None
        """The saved plan as data, as restored (also when it no longer validates as a ``Plan``)."""
        self.restored_goal: dict[str, JsonValue] | None = None
        self.restored_permission_mode: str | None = None
        """The saved permission mode, for a host that installs its own policy after the resume
        (the ACP agent does); None when none was saved or it is not valid here."""

    def snapshot(self) -> SessionSnapshot:
        """The session now, unredacted (``to_data`` redacts)."""
        s = self._session
        return SessionSnapshot(
            id=s.session_id,
            workspace=str(s.workspace),
            roots=[str(r) for r in s.roots.extra()],
            model=s.model,
            history=list(s.history),
            usage=s.usage,
            cost_usd=s.cost_usd,
            turns=s.turns,
            session_allowed=sorted(s.session_allowed),
            audit=[dict(e.__dict__) for e in s.audit],
            created_at=s.created_at,
            updated_at=time.time(),
            checkpoints=s.checkpoints.dump(),
            plan=s.plan.model_dump(mode="json") if s.plan is not None else None,
            goal=s.goal.model_dump(mode="json") if s.goal is not None else None,
            permission_mode=None if (policy := _policy(s.permission_checker)) is None else str(policy.mode),
        )

    async def save_async(self) -> str | None:
        """Write the session to its store (``sessions_dir`` or ``with_file_session_store``); returns
        where it went. Raises ``SessionStoreError`` without a store, and what the store raises."""
        store = self.store
        if store is None:
            raise SessionStoreError(
                "no session store: set sessions_dir in the config or use SessionOptions.with_file_session_store(dir)"
            )
        data = self.snapshot().to_data(self._session.security)
        return await asyncio.to_thread(store.save, data)

    def restore(self, snapshot: SessionSnapshot) -> None:
        """Put the snapshot's conversation, totals, allowed calls, roots, checkpoints, plan and goal
        into the session. A saved root that is no longer a folder is left out (logged)."""
        s = self._session
        s.history[:] = snapshot.history
        s.usage = snapshot.usage
        s.cost_usd = snapshot.cost_usd
        s.turns = snapshot.turns
        s.session_allowed.update(snapshot.session_allowed)
        if snapshot.created_at is not None:
            s.created_at = snapshot.created_at
        for folder in snapshot.roots:
            try:
                s.roots.add(folder)
            except A3SError as exc:  # the folder is gone: the session works on without it
                log.warning("session %s: saved root left out: %s", s.session_id, exc)
        if snapshot.checkpoints is not None:
            s.checkpoints.load(snapshot.checkpoints)
        self.restored_plan, self.restored_goal = snapshot.plan, snapshot.goal
        self._restore_planning(snapshot)
        self._restore_mode(snapshot.permission_mode)

    def _restore_mode(self, mode: str | None) -> None:
        """The saved mode applies to the session's policy now. An unknown mode, or
        ``sandbox_auto_allow`` without a sandbox, is left out (the configured mode stays)."""
        s = self._session
        known = _mode(mode)
        if known is None or (known == "sandbox_auto_allow" and not s.sandbox.sandboxed):
            return
        self.restored_permission_mode = known
        policy = _policy(s.permission_checker)
        if policy is not None:
            policy.mode = known

    def _restore_planning(self, snapshot: SessionSnapshot) -> None:
        """The plan and goal as models again; one that no longer validates stays only in ``restored_*``."""
        from ..planning import GoalState, Plan

        s = self._session
        try:
            if snapshot.plan is not None:
                s.plan = Plan.model_validate(snapshot.plan)
            if snapshot.goal is not None:
                s.goal = GoalState.model_validate(snapshot.goal)
        except ValidationError as exc:
            log.warning("session %s: saved plan or goal ignored: %s", s.session_id, exc)


def _policy(checker: PermissionChecker | None) -> PermissionPolicy | None:
    """The ``PermissionPolicy`` under wrapping checkers (followed through their ``base``), if any."""
    from ..permissions import PermissionPolicy

    found: object = checker
    while found is not None and not isinstance(found, PermissionPolicy):
        found = getattr(found, "base", None)
    return found if isinstance(found, PermissionPolicy) else None


def _mode(name: str | None) -> Mode | None:
    """``name`` as a permission ``Mode``, or None when it is not one."""
    from typing import get_args

    from ..permissions import Mode

    for mode in get_args(Mode):
        if mode == name:
            return cast("Mode", mode)
    return None
