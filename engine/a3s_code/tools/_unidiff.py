"""Unified diffs (``diff -u`` / ``git diff``): parsing, and applying hunks to a file's text.

Rules, chosen so a diff made by ``git diff`` applies exactly as ``git apply`` applies it, while the
diffs models write (wrong line numbers, LF for a CRLF file, no end-of-file markers) still apply:

- A hunk's lines are read by its header counts when it has them (so a removed line ``-- x`` is not
  taken for a ``--- `` file header); past the counts, more ``' '``/``'-'``/``'+'`` lines still belong
  to it (models miscount), until a header.
- ``\\ No newline at end of file`` speaks for the line before it: the old side after ``-``, the new side
  after ``+``, both after a context line.
- Each hunk is located in the current text nearest its stated line: exactly (text and line ending),
  then ignoring line endings, then ignoring surrounding whitespace. Context lines keep the file's own
  text, so a tolerant match never rewrites lines the diff did not mean to change.
- Added lines take their line ending from the diff when it spells CRLF anywhere, else from the lines
  around them in the file. A diff with no end-of-file marker keeps the file's final newline as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import ToolError
from ._text import nearest_text, numbered

_HEADER = re.compile(r"^@@\s*(?:-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*)?@@")
Line = tuple[str, str]
"""(text without its line ending, the ending: "\\n", "\\r\\n" or "" for a last line without one)."""


@dataclass
class HunkLine:
    op: str
    text: str
    eol: str


@dataclass
class Hunk:
    number: int
    header: str
    old_start: int | None
    lines: list[HunkLine] = field(default_factory=list)

    @property
    def old(self) -> list[HunkLine]:
        return [line for line in self.lines if line.op != "+"]


@dataclass
class FileDiff:
    """One file's part of a diff. A path is None for ``/dev/null`` (creation or deletion)."""

    old_path: str | None = None
    new_path: str | None = None
    headed: bool = False
    creates: bool = False
    deletes: bool = False
    hunks: list[Hunk] = field(default_factory=list)

    @property
    def markers(self) -> bool:
        return any(line.eol == "" for hunk in self.hunks for line in hunk.lines)

    @property
    def literal(self) -> bool:
        """The diff spells line endings (some line is CRLF): added lines keep the endings it gives."""
        return any(line.eol == "\r\n" for hunk in self.hunks for line in hunk.lines)


def _path(raw: str, prefix: str) -> str | None:
    name = raw.split("\t")[0].strip()
    if name.startswith('"') and name.endswith('"') and len(name) > 1:
        name = (
            name[1:-1]
            .encode("latin-1", "backslashreplace")
            .decode("unicode_escape")
            .encode("latin-1", "replace")
            .decode("utf-8", "replace")
        )
    if name == "/dev/null":
        return None
    return name[len(prefix) :] if name.startswith(prefix) else name


def parse(diff: str) -> list[FileDiff]:
    """The files of a unified diff, each with its hunks. Raises ToolError naming the line at fault."""
    lines = diff.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    files: list[FileDiff] = []
    current: FileDiff | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("diff --git "):
            current = FileDiff()
            files.append(current)
        elif _file_header(lines, i):
            if current is None or current.hunks or current.headed:
                current = FileDiff()
                files.append(current)
            current.old_path = _path(lines[i][4:], "a/")
            current.new_path = _path(lines[i + 1][4:], "b/")
            current.headed = True
            current.creates = current.creates or current.old_path is None
            current.deletes = current.deletes or current.new_path is None
            i += 2
            continue
        elif line.startswith("new file mode") and current is not None:
            current.creates = True
        elif line.startswith("deleted file mode") and current is not None:
            current.deletes = True
        elif line.startswith(("Binary files ", "GIT binary patch")):
            raise ToolError("The diff changes a binary file; patch applies text diffs only.")
        elif line.startswith("@@"):
            if current is None:
                current = FileDiff()
                files.append(current)
            i = _hunk(lines, i, current)
            continue
        i += 1
    files = [f for f in files if f.hunks or f.creates or f.deletes]
    if not files:
        raise ToolError("No @@ hunk headers found in diff")
    return files


def _file_header(lines: list[str], i: int) -> bool:
    return lines[i].startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")


def _hunk(lines: list[str], i: int, current: FileDiff) -> int:
    """Parse the hunk whose header is ``lines[i]``; the index of the first line after it."""
    header = lines[i]
    m = _HEADER.match(header)
    if m is None:
        raise ToolError(f"Malformed hunk header: {header!r} (expected '@@ -a,b +c,d @@')")
    hunk = Hunk(len(current.hunks) + 1, header, int(m.group(1)) if m.group(1) is not None else None)
    current.hunks.append(hunk)
    counted = m.group(1) is not None
    old_left = (1 if m.group(2) is None else int(m.group(2))) if counted else 0
    new_left = (1 if m.group(4) is None else int(m.group(4))) if counted else 0
    blanks = 0  # empty lines outside the counts: context only if more hunk lines follow them
    i += 1
    while i < len(lines):
        line = lines[i]
        if line == "" and not counted:
            blanks += 1
            i += 1
            continue
        if line.startswith("\\"):
            if hunk.lines:
                last = hunk.lines[-1]
                last.text, last.eol = last.text + ("\r" if last.eol == "\r\n" else ""), ""
            i += 1
            continue
        if counted and old_left <= 0 and new_left <= 0:
            if not line or line[0] not in " -+" or _file_header(lines, i):
                break
            counted = False  # the header's counts were short: keep reading hunk lines
        if line.startswith(("@@", "diff --git ")):
            break
        if _file_header(lines, i) and _ends_hunk(lines, i, counted, (old_left, new_left)):
            break
        if line[:1] in (" ", "-", "+", ""):
            hunk.lines.extend(HunkLine(" ", "", "\n") for _ in range(blanks))
            blanks = 0
        if line == "":
            op, text = " ", ""
        elif line[0] in " -+":
            op, text = line[0], line[1:]
        else:
            raise ToolError(
                f"Hunk {hunk.number} has a line without a ' ', '-' or '+' prefix: {line!r}. "
                "Every line of a hunk must start with one of them."
            )
        eol = "\n"
        if text.endswith("\r"):
            text, eol = text[:-1], "\r\n"
        hunk.lines.append(HunkLine(op, text, eol))
        if op != "+":
            old_left -= 1
        if op != "-":
            new_left -= 1
        i += 1
    if not hunk.lines:
        raise ToolError(f"Hunk {hunk.number} ({header}) is empty")
    return i


def _ends_hunk(lines: list[str], i: int, counted: bool, left: tuple[int, int]) -> bool:
    """Whether a ``--- ``/``+++ `` pair at ``i`` is the next file's header rather than a removed ``-- x``
    and an added ``++ y``: always when the hunk has no counts; with counts, only when they cannot be
    those two last lines and a hunk header follows (the counts were wrong)."""
    if not counted:
        return True
    return left != (1, 1) and (i + 2 >= len(lines) or lines[i + 2].startswith("@@"))


# --- applying ------------------------------------------------------------------------------------


def text_lines(text: str) -> list[Line]:
    """A text as (line, ending) pairs; only ``\\n`` ends a line."""
    parts = text.split("\n")
    out: list[Line] = []
    for part in parts[:-1]:
        out.append((part[:-1], "\r\n") if part.endswith("\r") else (part, "\n"))
    if parts[-1]:
        out.append((parts[-1], ""))
    return out


def join_lines(lines: list[Line]) -> str:
    return "".join(text + eol for text, eol in lines)


@dataclass
class Placement:
    hunk: Hunk
    at: int
    how: str
    """"" for an exact match, else what was ignored: "line endings" or "whitespace"."""


def _same_exact(line: Line, want: HunkLine) -> bool:
    return line[0] == want.text and line[1] == want.eol


def _same_text(line: Line, want: HunkLine) -> bool:
    return line[0] == want.text or (line[1] == "" and line[0] == want.text + "\r")


def _same_trimmed(line: Line, want: HunkLine) -> bool:
    return line[0].strip() == want.text.strip()


_LEVELS: tuple[tuple[str, Callable[[Line, HunkLine], bool]], ...] = (
    ("", _same_exact),
    ("line endings", _same_text),
    ("whitespace", _same_trimmed),
)


def _find(
    lines: list[Line], old: list[HunkLine], lo: int, expected: int, same: Callable[[Line, HunkLine], bool]
) -> int:
    """The start index >= lo where ``old`` matches, nearest to ``expected``; -1 if none."""
    best = -1
    for p in range(lo, len(lines) - len(old) + 1):
        if best >= 0 and p - expected > abs(best - expected):
            break
        if all(same(a, b) for a, b in zip(lines[p : p + len(old)], old, strict=True)) and (
            best < 0 or abs(p - expected) < abs(best - expected)
        ):
            best = p
    return best


def place(lines: list[Line], hunks: list[Hunk], shown: str) -> list[Placement]:
    """Locate every hunk in the original lines, in order and without overlap, or raise ToolError."""
    placements: list[Placement] = []
    lo, drift = 0, 0
    for hunk in hunks:
        old = hunk.old
        stated = (hunk.old_start - 1) if hunk.old_start else 0
        expected = max(lo, stated + drift)
        if not old:
            at = min(max(lo, (hunk.old_start or 0) + drift), len(lines))
            placements.append(Placement(hunk, at, ""))
            continue
        at, how = -1, ""
        for level, same in _LEVELS:
            at = _find(lines, old, lo, expected, same)
            if at >= 0:
                how = level
                break
        if at < 0:
            raise _mismatch(hunk, len(hunks), lines, lo, expected, shown)
        placements.append(Placement(hunk, at, how))
        if hunk.old_start:
            drift = at - stated
        lo = at + len(old)
    return placements


def _mismatch(hunk: Hunk, total: int, lines: list[Line], lo: int, expected: int, shown: str) -> ToolError:
    old = [line.text for line in hunk.old]
    texts = [text for text, _ in lines]
    near = max(lo, min(expected, len(lines) - 1)) if lines else 0
    window = numbered(texts[max(0, near - 2) : near + len(old) + 2], max(0, near - 2) + 1)
    first_bad = ""
    for j, want in enumerate(old):
        have = texts[near + j] if near + j < len(texts) else None
        if have is None or have.strip() != want.strip():
            got = "end of file" if have is None else repr(have)
            first_bad = (
                f"First difference at line {near + j + 1}: the diff expects {want!r}, the file has {got}.\n"
            )
            break
    expected_block = "\n".join(f"  {line}" for line in old)
    nearest = nearest_text("\n".join(texts[lo:]), "\n".join(old), lo + 1)
    return ToolError(
        f"Hunk {hunk.number} of {total} ({hunk.header}) does not match {shown}: these context/removed "
        f"lines were not found at or after line {lo + 1}:\n{expected_block}\n{first_bad}"
        f"The file near line {near + 1} has:\n{window or '  (empty file)'}{nearest}\n"
        "No changes were made. Read the file and build the diff from its current text."
    )


def apply(text: str, diff: FileDiff, shown: str) -> tuple[str, list[Placement]]:
    """The new text after every hunk of ``diff``, and where each hunk went; raises ToolError."""
    lines = text_lines(text)
    placements = place(lines, diff.hunks, shown)
    style = _majority(lines)
    out: list[Line] = []
    cursor = 0
    for placed in placements:
        out.extend(lines[cursor : placed.at])
        j = placed.at
        matched = [lines[placed.at + k] for k in range(len(placed.hunk.old))]
        for index, line in enumerate(placed.hunk.lines):
            if line.op == " ":
                out.append(lines[j])
                j += 1
            elif line.op == "-":
                j += 1
            else:
                out.append((line.text, _added_eol(line, index, placed.hunk, matched, diff, style)))
        cursor = j
    out.extend(lines[cursor:])
    for k in range(len(out) - 1):
        if out[k][1] == "":
            out[k] = (out[k][0], style)  # a line that no longer ends the file needs a newline
    if out and not diff.markers and text and not text.endswith("\n") and out[-1][1]:
        out[-1] = (out[-1][0], "")  # the diff did not speak about the final newline: keep it absent
    return join_lines(out), placements


def _majority(lines: list[Line]) -> str:
    crlf = sum(1 for _, eol in lines if eol == "\r\n")
    lf = sum(1 for _, eol in lines if eol == "\n")
    return "\r\n" if crlf > lf else "\n"


def _added_eol(
    line: HunkLine, index: int, hunk: Hunk, matched: list[Line], diff: FileDiff, style: str
) -> str:
    """The line ending of an added line: the diff's own when it is explicit, else its neighbours'."""
    if line.eol == "" or diff.literal:
        return line.eol
    old_index = sum(1 for other in hunk.lines[:index] if other.op != "+")
    before = [eol for _, eol in matched[:old_index] if eol]
    after = [eol for _, eol in matched[old_index:] if eol]
    if before:
        return before[-1]
    if after:
        return after[0]
    return style
