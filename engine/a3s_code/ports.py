"""Small interfaces the loop calls and the host (daemon, CLI, tests) implements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

PermissionVerdict = Literal["allow", "deny", "ask"]
ConfirmationDecision = Literal["allow", "allow_session", "deny", "timeout", "cancelled"]


@dataclass(frozen=True)
class AmendedApproval:
    """The user allowed a file change after rewriting it: ``content`` is the whole file to write instead.

    Only meaningful for calls that carry a ``file_path`` (write, edit, patch); the model is then told
    what was applied, since it differs from what it proposed.
    """

    decision: Literal["allow", "allow_session"]
    content: str


@dataclass(frozen=True)
class PartialApproval:
    """The user reviewed a proposed file change hunk by hunk (``ConfirmationRequest.hunks``) and
    accepted the hunks whose ids are in ``accepted``: exactly those are applied, the model is told
    which were rejected. Accepting every hunk is a plain allow; accepting none is a deny.
    """

    decision: Literal["allow", "allow_session"]
    accepted: frozenset[str]


ConfirmationAnswer = ConfirmationDecision | AmendedApproval | PartialApproval


@dataclass(frozen=True)
class PermissionDecision:
    verdict: PermissionVerdict
    reason: str = ""
    rule: str | None = None
    """The rule that matched, as written, for the audit trail."""


class PermissionChecker(Protocol):
    """Decides a tool call before it runs; ``workspace`` lets path rules resolve arguments."""

    def check(self, tool_name: str, args: dict[str, Any], workspace: Path) -> PermissionDecision: ...


@dataclass(frozen=True)
class ConfirmationRequest:
    session_id: str
    tool_id: str
    tool_name: str
    args: dict[str, Any]
    reason: str
    timeout_ms: int
    diff: str | None = None
    """For edits: the unified diff the user is asked to approve."""
    lane: Literal["query", "execute"] = "execute"
    """The lane the tool declares (``Tool.lane``); ``ConfirmationPolicy.yolo_lanes`` names lanes."""
    hunks: tuple[ReviewHunk, ...] = ()
    """For a file change of more than one hunk: the hunks the user may accept one by one (answer with
    ``PartialApproval``); empty when the change can only be taken whole."""


class ReviewHunk(Protocol):
    """One hunk of a proposed change (``review.hunks.Hunk``): ``id`` is stable for the same proposal;
    ``text`` is the hunk as a unified diff shows it (``@@`` header included); starts are 1-based."""

    @property
    def id(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def old_start(self) -> int: ...
    @property
    def old_lines(self) -> int: ...
    @property
    def new_start(self) -> int: ...
    @property
    def new_lines(self) -> int: ...
    @property
    def text(self) -> str: ...


class ConfirmationProvider(Protocol):
    """Asks a human. Must return (not raise) on timeout or disconnect: ``timeout`` / ``deny``."""

    async def confirm(self, request: ConfirmationRequest) -> ConfirmationAnswer: ...
