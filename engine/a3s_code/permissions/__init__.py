"""Permissions: which tool calls run, which are refused, and which a human must confirm."""

from __future__ import annotations

import json
from typing import Any

from .allowed import AllowedTools, SkillRestrictedChecker
from .commands import SimpleCommand, Unparseable
from .policy import EDIT_TOOLS, READ_ONLY_TOOLS, Mode, PermissionPolicy
from .rules import Rule, RuleError
from .shell import analyse, split_commands


def suggested_rule(tool_name: str, args: dict[str, Any]) -> str:
    if tool_name == "bash":
        words = str(args.get("command", "")).split()
        return f"bash({' '.join(words[:2])}*)" if words else "bash"
    target = args.get("file_path") or args.get("path") or args.get("url")
    return f"{tool_name}({target})" if target else tool_name


def how_to_allow(tool_name: str, args: dict[str, Any]) -> str:
    """What the model and the user are told when a call needs a confirmation nobody can give."""
    rule = suggested_rule(tool_name, args)
    return (
        f"To run it without asking, allow it: in agent.hcl add permissions {{ allow = [{json.dumps(rule)}] }}, "
        f'or pass SessionOptions(permission_checker=PermissionPolicy().allow("{rule}")); '
        "or connect a confirmation channel (an editor through a3s-lsp, or the a3s-code CLI)."
    )


__all__ = [
    "AllowedTools",
    "SkillRestrictedChecker",
    "EDIT_TOOLS",
    "READ_ONLY_TOOLS",
    "Mode",
    "PermissionPolicy",
    "Rule",
    "RuleError",
    "SimpleCommand",
    "Unparseable",
    "analyse",
    "how_to_allow",
    "split_commands",
    "suggested_rule",
]
