"""PermissionPolicy: deny, then ask, then allow; no match means ask. Plus the four modes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from ..ports import PermissionDecision
from .protected import protected_reason
from .rules import Rule
from .shell import SimpleCommand, Unparseable, split_commands

Mode = Literal["default", "accept_edits", "read_only", "bypass", "sandbox_auto_allow"]
READ_ONLY_TOOLS = frozenset({"read", "grep", "glob", "ls", "web_fetch", "web_search"})
EDIT_TOOLS = frozenset({"write", "edit", "patch"})
PATH_TOOLS = READ_ONLY_TOOLS - {"web_fetch", "web_search"} | EDIT_TOOLS
_RANK = {"allow": 0, "ask": 1, "deny": 2}


class PermissionPolicy:
    """``PermissionPolicy().allow("read(*)").deny("bash(rm *)").ask("write(*)")``."""

    def __init__(self, mode: Mode = "default") -> None:
        self.mode: Mode = mode
        self.allow_rules: list[Rule] = []
        self.deny_rules: list[Rule] = []
        self.ask_rules: list[Rule] = []

    @classmethod
    def from_config(
        cls,
        *,
        allow: Iterable[str] = (),
        deny: Iterable[str] = (),
        ask: Iterable[str] = (),
        mode: Mode = "default",
    ) -> PermissionPolicy:
        policy = cls(mode)
        for rule in allow:
            policy.allow(rule)
        for rule in deny:
            policy.deny(rule)
        for rule in ask:
            policy.ask(rule)
        return policy

    @classmethod
    def permissive(cls) -> PermissionPolicy:
        return cls("bypass")

    @classmethod
    def interactive_default(cls) -> PermissionPolicy:
        """Used when a human can answer and nothing is configured: reading runs, the rest asks."""
        policy = cls()
        for tool in ("read", "grep", "glob", "ls"):
            policy.allow(tool)
        return policy

    def allow(self, rule: str) -> PermissionPolicy:
        self.allow_rules.append(Rule.parse(rule))
        return self

    def deny(self, rule: str) -> PermissionPolicy:
        self.deny_rules.append(Rule.parse(rule))
        return self

    def ask(self, rule: str) -> PermissionPolicy:
        self.ask_rules.append(Rule.parse(rule))
        return self

    # -- deciding ------------------------------------------------------------------------------

    def check(self, tool_name: str, args: dict[str, Any], workspace: Path) -> PermissionDecision:
        root = workspace.resolve()
        if tool_name in ("bash", "sandbox"):  # the sandbox tool is a shell too: the bash rules apply
            command = str(args.get("command", ""))
            decision = self._check_bash(command, root)
            if tool_name == "sandbox" and decision.verdict != "deny":
                named = self._decide("sandbox", [command], "text")  # rules that name the tool itself
                decision = named if named.verdict == "deny" else decision
            if self.mode == "sandbox_auto_allow" and decision.verdict == "ask" and decision.rule is None:
                # The session has a sandbox (it refuses to start otherwise): what the command might do
                # stays inside it. Deny rules, ask rules and guardrails (decisions with a rule) still hold.
                return PermissionDecision("allow", "mode sandbox_auto_allow: runs inside the sandbox")
            return decision
        if tool_name in PATH_TOOLS:
            return self._check_path_tool(tool_name, args, root)
        subject = str(args.get("url")) if "url" in args else json.dumps(args, sort_keys=True, default=str)
        return self._decide(tool_name, [subject], "text", read_only=tool_name in READ_ONLY_TOOLS)

    def _decide(
        self,
        tool: str,
        subjects: list[str],
        kind: str,
        *,
        read_only: bool = False,
        edit: bool = False,
        deny_subjects: list[str] | None = None,
    ) -> PermissionDecision:
        """``deny_subjects``: extra spellings that only deny and ask rules see (never widening an allow)."""
        strict = subjects + (deny_subjects or [])
        for rule in self.deny_rules:
            if rule.matches(tool, strict, kind):
                return PermissionDecision("deny", f"denied by rule {rule.text}", rule.text)
        if self.mode == "read_only" and not read_only:
            return PermissionDecision("deny", f"'{tool}' is not allowed in read-only (plan) mode")
        for rule in self.ask_rules:
            if rule.matches(tool, strict, kind):
                return PermissionDecision("ask", f"rule {rule.text} asks for confirmation", rule.text)
        if self.mode == "bypass" or (self.mode == "accept_edits" and edit):
            return PermissionDecision("allow", f"mode {self.mode}")
        for rule in self.allow_rules:
            if rule.matches(tool, subjects, kind):
                return PermissionDecision("allow", f"allowed by rule {rule.text}", rule.text)
        return PermissionDecision("ask", f"no rule allows '{tool}'")

    def _check_path_tool(self, tool: str, args: dict[str, Any], root: Path) -> PermissionDecision:
        raw = args.get("file_path", args.get("path")) or "."
        path = _resolve(root, str(raw))
        decision = self._decide(
            tool,
            path_subjects(path, root),
            "path",
            read_only=tool in READ_ONLY_TOOLS,
            edit=tool in EDIT_TOOLS,
        )
        if tool in EDIT_TOOLS and decision.verdict == "allow":
            reason = protected_reason(path, root)
            if reason:
                return PermissionDecision("ask", f"writing {raw} needs confirmation: {reason}")
        if decision.verdict == "allow" and root != path and root not in path.parents:
            return PermissionDecision("ask", f"{raw} is outside the workspace")
        return decision

    def _check_bash(self, command: str, root: Path) -> PermissionDecision:
        if not command.strip():
            return self._decide("bash", [""], "text")
        try:
            commands = split_commands(command)
        except Unparseable as exc:
            worst = self._decide("bash", [command], "text")
            if worst.verdict == "deny":
                return worst
            return PermissionDecision(
                "ask", f"the command could not be parsed ({exc}), so it needs confirmation"
            )
        if not commands:
            return self._decide("bash", [command], "text")
        return max((self._check_simple(c, root) for c in commands), key=lambda d: _RANK[d.verdict])

    def _check_simple(self, command: SimpleCommand, root: Path) -> PermissionDecision:
        decision = self._decide("bash", [command.text], "text", deny_subjects=command.spellings)
        if decision.verdict == "deny":
            return decision
        for target in command.redirects:
            path = _resolve(root, target)
            written = self._decide("write", path_subjects(path, root), "path", edit=True)
            if written.verdict == "deny":
                return PermissionDecision("deny", f"redirect to {target}: {written.reason}", written.rule)
            outside = root != path and root not in path.parents
            if decision.verdict == "allow" and (outside or protected_reason(path, root)):
                decision = PermissionDecision("ask", f"the command writes to {target}")
        if decision.verdict == "allow" and command.dynamic:
            return PermissionDecision("ask", f"'{command.text}' is built from variables or substitutions")
        if decision.verdict == "allow" and command.privileged:
            return PermissionDecision("ask", f"'{command.text}' runs with elevated privileges")
        return decision


def _resolve(root: Path, raw: str) -> Path:
    path = Path(os.path.expanduser(raw))
    return (path if path.is_absolute() else root / path).resolve(strict=False)


def path_subjects(path: Path, root: Path) -> list[str]:
    """Every spelling a path rule may be written in: workspace-relative and absolute."""
    subjects = [path.as_posix()]
    try:
        relative = path.relative_to(root).as_posix()
        subjects += [relative, f"./{relative}"]
    except ValueError:
        pass
    return subjects
