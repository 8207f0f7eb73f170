"""Skill tool restrictions (``allowed-tools``) with the same matcher as permission rules."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..ports import PermissionDecision
from .policy import PermissionPolicy
from .rules import RuleError


def split_rules(value: str | list[Any]) -> list[str]:
    """An allowed-tools list as Claude Code and the seed write it, as separate rules.

    ``"Read, Grep(*.py)"``, ``"Read Grep Glob"`` (space-separated, Claude Code's older form) and
    ``["Read", "Bash(git diff:*)"]`` all work: commas and spaces outside parentheses separate
    rules, a space before ``(`` does not (``Bash (git status)`` is one rule), quotes around a rule
    are dropped. Raises ``RuleError`` for unbalanced parentheses."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    rules: list[str] = []
    current = ""
    depth = 0
    for ch in value:
        if ch == "(":
            if depth == 0 and not current.strip() and rules:
                current = rules.pop()  # "Bash (git status)": the pattern belongs to the name before it
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise RuleError(f"allowed-tools has a ')' without '(': {value!r}")
        if depth == 0 and (ch == "," or ch.isspace()):
            if current.strip():
                rules.append(current.strip().strip("\"'"))
            current = ""
            continue
        current += ch
    if depth:
        raise RuleError(f"allowed-tools has a '(' without ')': {value!r}")
    if current.strip():
        rules.append(current.strip().strip("\"'"))
    return [r for r in rules if r]


class AllowedTools:
    """``AllowedTools.parse("read(*.rs), grep(*)")``: ``read(*.rs)`` permits reading Rust files only."""

    def __init__(self, rules: list[str]) -> None:
        self.rules = rules
        self._policy = PermissionPolicy.from_config(allow=rules)

    @classmethod
    def parse(cls, text: str) -> AllowedTools:
        """``Read, Grep(*.py)``, ``Read Grep Glob`` or ``"read(*)", "bash(git diff*)"``: see ``split_rules``."""
        rules = split_rules(text)
        if not rules:
            raise RuleError("allowed-tools is empty")
        return cls(rules)

    def permits(
        self, tool_name: str, args: dict[str, Any], workspace: Path, env: Mapping[str, str] | None = None
    ) -> bool:
        return self._policy.check(tool_name, args, workspace, env=env).verdict == "allow"


class SkillRestrictedChecker:
    """While skills with ``allowed-tools`` are active, a call must fit one of them, then the base policy."""

    def __init__(self, base: Any, restrictions: list[tuple[str, AllowedTools]]) -> None:
        self.base = base
        self.restrictions = restrictions

    def check(
        self, tool_name: str, args: dict[str, Any], workspace: Path, *, env: Mapping[str, str] | None = None
    ) -> PermissionDecision:
        """``env``: the session's variables, handed on to the base policy when it takes them."""
        if self.restrictions and not any(
            a.permits(tool_name, args, workspace, env) for _, a in self.restrictions
        ):
            names = ", ".join(name for name, _ in self.restrictions)
            allowed = "; ".join(", ".join(a.rules) for _, a in self.restrictions)
            return PermissionDecision(
                "deny",
                f"'{tool_name}' is outside the allowed tools of the active skill(s) {names} ({allowed})",
            )
        if self.base is None:
            return PermissionDecision("allow", "permitted by the active skill")
        if env is not None and isinstance(self.base, PermissionPolicy | SkillRestrictedChecker):
            return self.base.check(tool_name, args, workspace, env=env)
        decision: PermissionDecision = self.base.check(tool_name, args, workspace)
        return decision
