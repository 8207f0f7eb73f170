"""Helpers the file tools share: numbered listings, diffs, line endings, .gitignore rules, glob patterns."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from pathspec import GitIgnoreSpec

from ..errors import ToolError
from .base import ToolContext

MAX_LINE_LENGTH = 2000
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def cut(line: str, limit: int = MAX_LINE_LENGTH) -> str:
    return line if len(line) <= limit else line[:limit] + "..."


def numbered(lines: Sequence[str], first: int, *, limit: int = MAX_LINE_LENGTH) -> str:
    """cat -n style: 1-based ``first`` number, right-aligned in 6 columns, a tab, the (cut) line."""
    return "\n".join(f"{first + i:>6}\t{cut(line, limit)}" for i, line in enumerate(lines))


def split_lines(text: str) -> list[str]:
    """Lines without their ``\\n``/``\\r\\n``; a final newline does not add an empty line.

    ``str.splitlines`` is not used: it also splits on form feeds and Unicode separators, which would
    shift line numbers away from what editors and ripgrep report.
    """
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def eol_of(text: str) -> str:
    """The file's line ending: CRLF when every newline is CRLF (and there is one), else LF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\n") else "\n"


def to_eol(text: str, eol: str) -> str:
    normalized = text.replace("\r\n", "\n")
    return normalized if eol == "\n" else normalized.replace("\n", eol)


def is_binary(data: bytes | str) -> bool:
    """NUL in the first 8 KB, the heuristic git and ripgrep use."""
    head = data[:8192]
    return (b"\0" in head) if isinstance(head, bytes) else ("\0" in head)


def unified_diff(display: str, before: str | None, after: str) -> str:
    """The change as a unified diff, ``--- /dev/null`` for a new file; empty when nothing changed."""
    old_name = "/dev/null" if before is None else f"a/{display}"
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=old_name,
        tofile=f"b/{display}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def line_of(text: str, index: int) -> int:
    """1-based line number of character ``index``."""
    return text.count("\n", 0, index) + 1


def refuse_directory(path: Path, shown: str) -> None:
    """A clear error for a folder where a file is expected (one stat; fine on the event loop)."""
    if path.is_dir():
        raise ToolError(f"{shown} is a directory, not a file")


async def read_existing(ctx: ToolContext, path: Path) -> str:
    """Current text of a file to change (unsaved editor text wins), with errors the model can act on."""
    shown = ctx.show(path)
    refuse_directory(path, shown)
    try:
        text = await ctx.fs.read_text(path)
    except FileNotFoundError:
        raise ToolError(f"File not found: {shown}") from None
    if is_binary(text):
        raise ToolError(f"{shown} is a binary file; it cannot be edited as text")
    return text


# --- .gitignore -------------------------------------------------------------------------------------


class IgnoreRules:
    """The workspace's .gitignore files (nested ones included), read lazily and cached per directory.

    ``.git`` is always ignored. Paths are workspace-relative with forward slashes.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._specs: dict[str, GitIgnoreSpec | None] = {}

    def _spec(self, rel_dir: str) -> GitIgnoreSpec | None:
        if rel_dir not in self._specs:
            spec: GitIgnoreSpec | None = None
            try:
                text = (self.root / rel_dir / ".gitignore").read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            if text.strip():
                spec = GitIgnoreSpec.from_lines(text.splitlines())
            self._specs[rel_dir] = spec
        return self._specs[rel_dir]

    def match(self, rel: str, is_dir: bool) -> bool:
        """Whether ``rel`` itself is ignored (its parents are assumed not to be)."""
        if rel.rsplit("/", 1)[-1] == ".git":
            return True
        parts = rel.split("/")
        verdict = False
        for depth in range(len(parts)):
            spec = self._spec("/".join(parts[:depth]))
            if spec is None:
                continue
            include = spec.check_file("/".join(parts[depth:]) + ("/" if is_dir else "")).include
            if include is not None:
                verdict = include
        return verdict

    def ignored(self, rel: str, is_dir: bool = False) -> bool:
        """Whether ``rel`` or any of its parent directories is ignored."""
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            if self.match("/".join(parts[:depth]), True):
                return True
        return self.match(rel, is_dir)

    def walk(self, start: str = "") -> Iterator[str]:
        """Every non-ignored file under ``start`` (workspace-relative), pruning ignored directories."""
        stack = [start]
        while stack:
            rel_dir = stack.pop()
            try:
                entries = list(os.scandir(self.root / rel_dir))
            except OSError:
                continue
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if self.match(rel, is_dir):
                    continue
                if is_dir:
                    stack.append(rel)
                else:
                    yield rel


# --- glob patterns ----------------------------------------------------------------------------------


def _expand_braces(pattern: str) -> list[str]:
    """``src/{a,b}/*.{ts,tsx}`` -> every alternative (nested braces work)."""
    depth = 0
    start = -1
    for i, ch in enumerate(pattern):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                options: list[str] = []
                level, last = 0, start + 1
                for j in range(start + 1, i):
                    c = pattern[j]
                    if c == "{":
                        level += 1
                    elif c == "}":
                        level -= 1
                    elif c == "," and level == 0:
                        options.append(pattern[last:j])
                        last = j + 1
                options.append(pattern[last:i])
                head, tail = pattern[:start], pattern[i + 1 :]
                return [x for opt in options for x in _expand_braces(head + opt + tail)]
    return [pattern]


def _glob_part(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob for relative POSIX paths: ``*`` stays within a folder, ``**`` crosses folders."""
    alternatives = [_glob_part(p) for p in _expand_braces(pattern)]
    return re.compile("^(?:" + "|".join(alternatives) + ")$")


def literal_prefix(pattern: str) -> str:
    """The leading folders of a glob that contain no wildcard, so a walk can start there."""
    fixed: list[str] = []
    for part in pattern.split("/")[:-1]:
        if any(c in part for c in "*?[{"):
            break
        fixed.append(part)
    return "/".join(fixed)


# --- ripgrep ----------------------------------------------------------------------------------------


def find_rg() -> str | None:
    """The ``rg`` from the PyPI ``ripgrep`` package next to our interpreter, else the one on PATH."""
    exe = "rg.exe" if os.name == "nt" else "rg"
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin"):
        candidate = folder / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("rg")
