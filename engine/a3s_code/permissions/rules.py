"""Rules ``tool(pattern)`` or ``tool``, and the wildcard matching they use.

Tool names match without regard to case, ``_`` or ``-``, and Claude Code's names are understood
(``Bash``, ``Read``, ``Edit``, ``MultiEdit``, ``Write``, ``Grep``, ``Glob``, ``LS``, ``WebFetch``,
``WebSearch``; Claude Code settings docs, "Tool-specific permission rules"), so rules copied from
there mean the same here. Patterns and subjects are compared in Unicode NFC: a composed ``é`` in a
rule matches a decomposed one in a file name.

Wildcards: ``*`` matches any run of characters except ``/`` in paths (anything in commands and
URLs), ``**`` matches anything including ``/``, ``?`` one character. A command pattern ending in
``:*`` (Claude Code style, ``npm run test:*``) means "this prefix, then anything", and one ending in
`` *`` also matches the prefix alone (``rm *`` covers ``xargs rm``, which runs ``rm`` with no words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import A3SError

_RULE = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\((.*)\))?\s*$", re.S)
ALIASES = {"multiedit": "edit", "notebookedit": "edit", "webfetch": "web_fetch", "websearch": "web_search"}
"""Claude Code tool names whose canonical form is not ours once case and ``_`` are ignored."""


class RuleError(A3SError):
    code = "bad_rule"


def canonical_tool(name: str) -> str:
    """``Bash`` is ``bash``, ``WebFetch`` and ``web-fetch`` are ``webfetch``; MCP names keep their
    ``__`` separators (``mcp__GitHub__x`` is ``mcp__github__x``)."""
    low = unicodedata.normalize("NFC", name).lower()
    if low.startswith("mcp__"):
        return low
    low = ALIASES.get(low.replace("_", "").replace("-", ""), low)
    return low.replace("_", "").replace("-", "")


@dataclass(frozen=True)
class Rule:
    tool: str
    pattern: str | None
    text: str
    canonical: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> Rule:
        match = _RULE.match(text)
        if not match:
            raise RuleError(
                f"bad permission rule {text!r}: expected tool or tool(pattern), e.g. bash(git status*)"
            )
        pattern = match.group(2)
        pattern = unicodedata.normalize("NFC", pattern.strip()) if pattern is not None else None
        return cls(match.group(1), pattern, text.strip(), canonical_tool(match.group(1)))

    def covers_tool(self, tool: str) -> bool:
        """``mcp__server`` covers every tool of that server; ``*`` covers every tool."""
        name = canonical_tool(tool)
        if self.canonical in ("*", name):
            return True
        return self.canonical.startswith("mcp__") and name.startswith(self.canonical + "__")

    @property
    def names_program(self) -> str | None:
        """The program a command rule names literally (``bash(python3 -c *)`` names ``python3``)."""
        if not self.pattern:
            return None
        first = self.pattern.split(None, 1)[0] if self.pattern.split() else ""
        return None if any(c in first for c in "*?") else first.rsplit("/", 1)[-1].removesuffix(":")

    def matches(self, tool: str, subjects: list[str], kind: str) -> bool:
        if not self.covers_tool(tool):
            return False
        if self.pattern is None or self.pattern in ("*", "**"):
            return True
        regex = compile_pattern(self.pattern, kind)
        return any(regex.fullmatch(unicodedata.normalize("NFC", s)) for s in subjects)

    def matches_flags(self, words: list[str]) -> bool:
        """Deny and ask rules on commands also match with options in any order and grouping:
        ``rm -rf *`` matches ``rm -fr x``, ``rm -r -f x`` and ``rm -rfv x``."""
        if not self.pattern or not words:
            return False
        shape = pattern_shape(self.pattern)
        if shape is None:
            return False
        literals, flags, rest = shape
        plain = [w for w in words if not w.startswith("-") or w == "-"]
        if [w.rsplit("/", 1)[-1] if i == 0 else w for i, w in enumerate(plain[: len(literals)])] != literals:
            return False
        program = literals[0]
        if not _same(flags, program) <= _same(option_set(words[1:]), program):
            return False
        operands = " ".join(plain[len(literals) :])
        return compile_pattern(rest, "text").fullmatch(operands) is not None if rest else not operands


SYNONYMS: dict[str, dict[str, str]] = {
    "rm": {"-R": "-r", "--recursive": "-r", "--force": "-f", "--dir": "-d"},
    "cp": {"-R": "-r", "--recursive": "-r", "--force": "-f"},
    "chmod": {"--recursive": "-R"},
    "chown": {"--recursive": "-R"},
    "chgrp": {"--recursive": "-R"},
    "git": {"--force": "-f"},
}
"""Options that mean the same to one program (its manual page): ``rm -R`` is ``rm -r``."""


@lru_cache(maxsize=512)
def pattern_shape(pattern: str) -> tuple[list[str], frozenset[str], str] | None:
    """``git push --force *`` is (``[git, push]``, ``{--force}``, ``*``); None without options."""
    text = pattern[:-2] + " *" if pattern.endswith(":*") else pattern
    words = text.split()
    literals: list[str] = []
    flags: set[str] = set()
    i = 0
    while i < len(words) and not words[i].startswith("-") and not any(c in words[i] for c in "*?"):
        literals.append(words[i])
        i += 1
    rest = words[i:]
    while rest and rest[0].startswith("-") and not any(c in rest[0][:-1] for c in "*?"):
        if rest[0].endswith("*"):  # `--force*`: the option, then anything
            flags |= option_set([rest[0][:-1]])
            rest = ["*", *rest[1:]]
            break
        flags |= option_set([rest[0]])
        rest = rest[1:]
    if not literals or not flags:
        return None
    return literals, frozenset(flags), " ".join(rest)


def _same(options: frozenset[str] | set[str], program: str) -> set[str]:
    table = SYNONYMS.get(program, {})
    return {table.get(o, o) for o in options}


def option_set(words: list[str]) -> set[str]:
    """``-rf`` is ``{-r, -f}``; ``--force=x`` is ``--force``; stops at ``--``."""
    out: set[str] = set()
    for word in words:
        if word == "--":
            break
        if word.startswith("--"):
            out.add(word.split("=", 1)[0])
        elif word.startswith("-") and len(word) > 1:
            out.update("-" + c for c in word[1:])
    return out


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, kind: str) -> re.Pattern[str]:
    """``kind`` is ``path`` (``*`` stops at ``/``) or ``text`` (commands, URLs: ``*`` spans all)."""
    optional_tail = False
    if kind == "text" and pattern.endswith(":*"):
        pattern = pattern[:-2] + "*"
        optional_tail = True
    elif kind == "text" and pattern.endswith(" *"):
        pattern = pattern[:-2]
        optional_tail = True
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
    if optional_tail and not pattern.endswith("*"):
        out.append("(?:\\s.*)?")
    return re.compile("".join(out), re.S)
