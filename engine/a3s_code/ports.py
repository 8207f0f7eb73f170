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


ConfirmationAnswer = ConfirmationDecision | AmendedApproval


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


class ConfirmationProvider(Protocol):
    """Asks a human. Must return (not raise) on timeout or disconnect: ``timeout`` / ``deny``."""

    async def confirm(self, request: ConfirmationRequest) -> ConfirmationAnswer: ...
