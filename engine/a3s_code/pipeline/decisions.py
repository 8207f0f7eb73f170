"""What the tool-call pipeline decides about a call, as a typed union: ``Allow | Ask | Deny``.

Each decision names the stage that made it (see ``docs/security.md``, "The tool-call pipeline")
and why, so ``session.check(tool, args)`` can tell a user exactly what would happen and because
of what, without running anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

Stage = Literal["arguments", "boundary", "rules", "skill", "hook", "taint", "confirmation"]
"""The pipeline's deciding stages, in the order they run:

- ``arguments``: the tool exists and its parameters validate;
- ``boundary``: every path-like argument (and glob pattern) stays inside the workspace;
- ``rules``: the permission checker (rules and mode);
- ``skill``: active skills' ``allowed-tools``;
- ``hook``: ``pre_tool_use`` hooks (never run by ``session.check``);
- ``taint``: the arguments carry a secret the session has seen;
- ``confirmation``: allow-for-session, the confirmation policy, and whether anyone can be asked.
"""


@dataclass(frozen=True)
class Allow:
    """The call runs without asking anyone."""

    reason: str
    stage: Stage = "rules"
    rule: str | None = None
    """The permission rule that allowed it, as written, when one did."""
    verdict: ClassVar[Literal["allow"]] = "allow"


@dataclass(frozen=True)
class Ask:
    """The call runs only if a human allows it (through the session's confirmation channel)."""

    reason: str
    stage: Stage = "rules"
    rule: str | None = None
    verdict: ClassVar[Literal["ask"]] = "ask"


@dataclass(frozen=True)
class Deny:
    """The call is refused; ``reason`` is what the model is told (as a tool error)."""

    reason: str
    stage: Stage = "rules"
    rule: str | None = None
    verdict: ClassVar[Literal["deny"]] = "deny"


Decision = Allow | Ask | Deny
"""What the session would do with a tool call; ``decision.verdict`` is ``allow``, ``ask`` or ``deny``."""

__all__ = ["Allow", "Ask", "Decision", "Deny", "Stage"]
