"""Human in the loop: the confirmation policy (timeout, lanes that skip asking) and an audit trail.

"Allow for this session" is remembered by the tool-call pipeline (``pipeline.SessionApprovals``,
one set per session), not here: a ``ConfirmationManager`` may be shared by a session and its
``task`` children, and it only wraps the channel to a human with the policy.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .ports import (
    AmendedApproval,
    ConfirmationAnswer,
    ConfirmationDecision,
    ConfirmationProvider,
    ConfirmationRequest,
    PartialApproval,
)
from .tools.base import ToolContext, ToolResult


@dataclass
class ConfirmationPolicy:
    enabled: bool = True
    timeout_ms: int = 30_000
    timeout_action: Literal["deny", "allow"] = "deny"
    """What an unanswered confirmation becomes. Deny is the safe default."""
    yolo_lanes: set[str] = field(default_factory=set)
    """Lanes (``query``, ``execute``) whose calls run without asking; a call's lane is the one its
    tool declares (``Tool.lane``), carried in ``ConfirmationRequest.lane``."""

    @classmethod
    def enabled_default(cls) -> ConfirmationPolicy:
        return cls()


@dataclass(frozen=True)
class AuditEntry:
    at: float
    session_id: str
    tool: str
    args: dict[str, Any]
    decision: ConfirmationDecision
    reason: str
    stage: str = "confirmation"
    """The pipeline stage that decided (``boundary``, ``rules``, ``hook``... for refusals)."""


class ConfirmationManager:
    """Wraps the channel to a human (editor, CLI prompt) with the policy; itself a ConfirmationProvider."""

    def __init__(
        self,
        policy: ConfirmationPolicy | None = None,
        channel: ConfirmationProvider | None = None,
        *,
        sanitize: Callable[[str], str] | None = None,
    ) -> None:
        self.policy = policy or ConfirmationPolicy()
        self.channel = channel
        self.sanitize = sanitize
        self.audit: list[AuditEntry] = []

    def standing_answer(self, request: ConfirmationRequest) -> tuple[ConfirmationDecision, str] | None:
        """The answer the policy gives without asking anyone (disabled, a yolo lane), or None."""
        if not self.policy.enabled:
            return "allow", "confirmation disabled by policy"
        if request.lane in self.policy.yolo_lanes:
            return "allow", f"lane {request.lane} skips confirmation"
        return None

    async def confirm(self, request: ConfirmationRequest) -> ConfirmationAnswer:
        answer, reason = await self._decide(request)
        if isinstance(answer, AmendedApproval):
            reason = "allowed by the user after changing the proposed text"
        elif isinstance(answer, PartialApproval):
            reason = f"the user accepted {len(answer.accepted)} of {len(request.hunks)} hunks"
        self._record(request, decision_of(answer), reason)
        return answer

    async def _decide(self, request: ConfirmationRequest) -> tuple[ConfirmationAnswer, str]:
        standing = self.standing_answer(request)
        if standing is not None:
            return standing
        if self.channel is None:
            return "deny", "no confirmation channel"
        timeout_s = (request.timeout_ms or self.policy.timeout_ms) / 1000
        try:
            async with asyncio.timeout(timeout_s):
                answer = await self.channel.confirm(request)
        except TimeoutError:
            if self.policy.timeout_action == "allow":
                return "allow", f"no answer within {timeout_s:g}s; policy allows on timeout"
            return "timeout", f"no answer within {timeout_s:g}s"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a dead channel must never mean yes
            return "deny", f"confirmation channel failed: {exc}"
        return answer, "answered by the user"

    def _record(self, request: ConfirmationRequest, decision: ConfirmationDecision, reason: str) -> None:
        args = request.args
        if self.sanitize is not None:
            args = json.loads(self.sanitize(json.dumps(args, default=str)))
        self.audit.append(
            AuditEntry(time.time(), request.session_id, request.tool_name, args, decision, reason)
        )

    def export_audit(self) -> list[dict[str, Any]]:
        return [entry.__dict__.copy() for entry in self.audit]


def decision_of(answer: ConfirmationAnswer) -> ConfirmationDecision:
    return answer.decision if isinstance(answer, AmendedApproval | PartialApproval) else answer


async def apply_amended(ctx: ToolContext, tool_name: str, args: dict[str, Any], content: str) -> ToolResult:
    """Write the text the user approved in place of ``tool_name``'s proposal, and say so to the model."""
    from .tools._text import unified_diff

    file_path = args.get("file_path")
    if not isinstance(file_path, str) or not file_path:
        return ToolResult.error(f"The user changed the proposal, but '{tool_name}' names no file_path")
    path = ctx.resolve(file_path)
    shown = ctx.show(path)
    try:
        before: str | None = await ctx.fs.read_text(path)
    except FileNotFoundError:
        before = None
    await ctx.fs.write_text(path, content)
    diff = unified_diff(shown, before, content)
    note = (
        f"The user changed your proposed {tool_name} of {shown} before allowing it. "
        f"What was applied instead (diff against the file before):\n{diff}"
        "Take this into account: the file now holds the user's version."
    )
    return ToolResult(note, metadata={"file_path": shown, "diff": diff, "amended_by_user": True})
