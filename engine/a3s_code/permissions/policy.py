"""PermissionPolicy: guardrail, then deny, then ask, then allow; no match means ask. Plus the modes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from ..ports import PermissionDecision
from . import parser
from .bash import BashChecker
from .protected import protected_reason
from .rules import Rule, canonical_tool

Mode = Literal["default", "accept_edits", "read_only", "bypass", "sandbox_auto_allow"]
READ_ONLY_TOOLS = frozenset({"read", "grep", "glob", "ls", "web_fetch", "web_search", "tool_search"})
EDIT_TOOLS = frozenset({"write", "edit", "patch"})
PATH_TOOLS = READ_ONLY_TOOLS - {"web_fetch", "web_search", "tool_search"} | EDIT_TOOLS
_CANONICAL = {canonical_tool(t): t for t in READ_ONLY_TOOLS | EDIT_TOOLS | {"bash"}}


class PermissionPolicy:
    """``PermissionPolicy().allow("read(*)").deny("bash(rm *)").ask("write(*)")``.

    Rules are ``tool(pattern)`` (see ``rules.py``); tool names match case-insensitively. Raises
    ``RuleError`` for a rule that does not parse.
    """

    def __init__(self, mode: Mode = "default") -> None:
        parser.warm()  # the first bash check must not load the grammar on the caller's thread
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
        for tool in ("read", "grep", "glob", "ls", "tool_search"):
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

    def check(
        self, tool_name: str, args: dict[str, Any], workspace: Path, *, env: Mapping[str, str] | None = None
    ) -> PermissionDecision:
        """The verdict for one call, without running it.

        ``env``: variables the session adds for its commands (``SessionOptions.env``); they override
        this process's environment when ``$VAR`` and ``~`` in a shell command are read, as they do
        when the bash tool runs it.
        """
        root = workspace.resolve()
        tool = _CANONICAL.get(canonical_tool(tool_name), tool_name)
        if tool in ("bash", "sandbox"):  # the sandbox tool is a shell too: the bash rules apply
            command = str(args.get("command", ""))
            if "\0" in command:
                return PermissionDecision("deny", "the command holds a NUL byte, which no shell can run")
            full_env = {**os.environ, **(env or {})}
            full_env.pop("BASH_ENV", None)
            decision = BashChecker(self, root, full_env).check(command)
            if tool == "sandbox" and decision.verdict != "deny":
                named = self.decide("sandbox", [command], "text")  # rules that name the tool itself
                decision = named if named.verdict == "deny" else decision
            if self.mode == "sandbox_auto_allow" and decision.verdict == "ask" and decision.rule is None:
                # The session has a sandbox (it refuses to start otherwise): what the command might do
                # stays inside it. Deny rules, ask rules and guardrails (decisions with a rule) still hold.
                return PermissionDecision("allow", "mode sandbox_auto_allow: runs inside the sandbox")
            return decision
        if tool in PATH_TOOLS:
            return self._check_path_tool(tool, args, root)
        subject = str(args.get("url")) if "url" in args else json.dumps(args, sort_keys=True, default=str)
        return self.decide(tool_name, [subject], "text", read_only=tool in READ_ONLY_TOOLS)

    def decide(
        self,
        tool: str,
        subjects: list[str],
        kind: str,
        *,
        read_only: bool = False,
        edit: bool = False,
        deny_subjects: list[str] | None = None,
        words: list[str] | None = None,
    ) -> PermissionDecision:
        """Deny, read-only mode, ask, bypass/accept-edits, allow, else ask.

        ``deny_subjects``: extra spellings only deny and ask rules see (never widening an allow);
        ``words``: the command's words, for option-order-blind deny and ask matching.
        """
        strict = subjects + (deny_subjects or [])
        for rule in self.deny_rules:
            if rule.matches(tool, strict, kind) or (
                words and rule.covers_tool(tool) and rule.matches_flags(words)
            ):
                return PermissionDecision("deny", f"denied by rule {rule.text}", rule.text)
        if self.mode == "read_only" and not read_only:
            return PermissionDecision("deny", f"'{tool}' is not allowed in read-only (plan) mode")
        for rule in self.ask_rules:
            if rule.matches(tool, strict, kind) or (
                words and rule.covers_tool(tool) and rule.matches_flags(words)
            ):
                return PermissionDecision("ask", f"rule {rule.text} asks for confirmation", rule.text)
        if self.mode == "bypass" or (self.mode == "accept_edits" and edit):
            return PermissionDecision("allow", f"mode {self.mode}")
        for rule in self.allow_rules:
            if rule.matches(tool, subjects, kind):
                return PermissionDecision("allow", f"allowed by rule {rule.text}", rule.text)
        return PermissionDecision("ask", f"no rule allows '{tool}'")

    def _check_path_tool(self, tool: str, args: dict[str, Any], root: Path) -> PermissionDecision:
        raw = args.get("file_path", args.get("path")) or "."
        if "\0" in str(raw):
            return PermissionDecision("deny", "the path holds a NUL byte, which no file name can")
        path = resolve(root, str(raw))
        decision = self.decide(
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


def resolve(root: Path, raw: str, home: str | None = None) -> Path:
    """``raw`` made absolute against ``root`` (``~`` is ``home``), symlinks and ``..`` followed."""
    if raw == "~" or raw.startswith("~/"):
        raw = (home or os.path.expanduser("~")) + raw[1:]
    path = Path(raw)
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
