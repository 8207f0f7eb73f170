"""Rules ``tool(pattern)`` or ``tool``, and the wildcard matching they use.

Wildcards: ``*`` matches any run of characters except ``/`` in paths (anything in commands and
URLs), ``**`` matches anything including ``/``, ``?`` one character. A command pattern ending in
``:*`` (Claude Code style, ``npm run test:*``) means "this prefix, then anything".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import A3SError

_RULE = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\((.*)\))?\s*$", re.S)


class RuleError(A3SError):
    code = "bad_rule"


@dataclass(frozen=True)
class Rule:
    tool: str
    pattern: str | None
    text: str

    @classmethod
    def parse(cls, text: str) -> Rule:
        match = _RULE.match(text)
        if not match:
            raise RuleError(
                f"bad permission rule {text!r}: expected tool or tool(pattern), e.g. bash(git status*)"
            )
        pattern = match.group(2)
        return cls(match.group(1), pattern.strip() if pattern is not None else None, text.strip())

    def covers_tool(self, tool: str) -> bool:
        """``mcp__server`` covers every tool of that server; ``*`` covers every tool."""
        if self.tool in ("*", tool):
            return True
        return self.tool.startswith("mcp__") and tool.startswith(self.tool + "__")

    def matches(self, tool: str, subjects: list[str], kind: str) -> bool:
        if not self.covers_tool(tool):
            return False
        if self.pattern is None or self.pattern in ("*", "**"):
            return True
        regex = compile_pattern(self.pattern, kind)
        return any(regex.fullmatch(s) for s in subjects)


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, kind: str) -> re.Pattern[str]:
    """``kind`` is ``path`` (``*`` stops at ``/``) or ``text`` (commands, URLs: ``*`` spans all)."""
    if kind == "text" and pattern.endswith(":*"):
        pattern = pattern[:-2] + "*"
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i) and kind == "path":
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*" if kind == "path" else ".*")
        elif ch == "?":
            out.append("[^/]" if kind == "path" else ".")
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S)
