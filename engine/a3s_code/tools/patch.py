"""patch: apply a unified diff to one file, all hunks or none.

Every hunk is located in the current text first (exact match nearest the stated line, then ignoring
surrounding whitespace); only when all of them fit is anything written. Context lines keep the file's
own text, so a whitespace-tolerant match never rewrites lines the diff did not mean to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from ..errors import ToolError
from ._text import eol_of, is_binary, numbered, refuse_directory, split_lines, unified_diff
from .base import Tool, ToolContext, ToolParams, ToolResult

_HEADER = re.compile(r"^@@\s*(?:-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*)?@@")


class PatchParams(ToolParams):
    file_path: str = Field(description="Path to the file to patch (absolute or relative to workspace)")
    diff: str = Field(
        description="Unified diff with @@ -a,b +c,d @@ hunk headers; lines start with ' ' (context), "
        "'-' (remove) or '+' (add). '--- /dev/null' creates a new file."
    )


@dataclass
class Hunk:
    number: int
    header: str
    old_start: int | None
    lines: list[tuple[str, str]] = field(default_factory=list)
    no_newline_at_end: bool = False

    @property
    def old(self) -> list[str]:
        return [text for op, text in self.lines if op != "+"]


@dataclass
class Placement:
    hunk: Hunk
    at: int
    fuzzy: bool


def parse_diff(diff: str) -> tuple[list[Hunk], bool]:
    """The hunks, and whether the diff creates the file (``--- /dev/null``)."""
    raw = split_lines(diff.rstrip("\n\r "))
    hunks: list[Hunk] = []
    creates = False
    for i, line in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        if line.startswith("--- ") and nxt.startswith("+++ "):
            if hunks:
                raise ToolError("The diff changes more than one file; patch applies to file_path only.")
            creates = line[4:].split("\t")[0].strip() == "/dev/null"
            continue
        if line.startswith("+++ ") and i > 0 and raw[i - 1].startswith("--- "):
            continue
        if line.startswith("@@"):
            m = _HEADER.match(line)
            if m is None:
                raise ToolError(f"Malformed hunk header: {line!r} (expected '@@ -a,b +c,d @@')")
            old_start = int(m.group(1)) if m.group(1) is not None else None
            hunks.append(Hunk(number=len(hunks) + 1, header=line, old_start=old_start))
            continue
        if not hunks:
            continue  # "diff --git", "index ..." and other preamble
        hunk = hunks[-1]
        if line.startswith("\\"):
            if hunk.lines and hunk.lines[-1][0] != "-":
                hunk.no_newline_at_end = True
        elif line == "":
            hunk.lines.append((" ", ""))
        elif line[0] in " -+":
            hunk.lines.append((line[0], line[1:]))
        else:
            raise ToolError(
                f"Hunk {hunk.number} has a line without a ' ', '-' or '+' prefix: {line!r}. "
                "Every line of a hunk must start with one of them."
            )
    if not hunks:
        raise ToolError("No @@ hunk headers found in diff")
    for hunk in hunks:
        if not hunk.lines:
            raise ToolError(f"Hunk {hunk.number} ({hunk.header}) is empty")
    return hunks, creates


def _find(lines: list[str], old: list[str], lo: int, expected: int, same: Callable[[str, str], bool]) -> int:
    """The start index >= lo where ``old`` matches, nearest to ``expected``; -1 if none."""
    best = -1
    for p in range(lo, len(lines) - len(old) + 1):
        if all(same(a, b) for a, b in zip(lines[p : p + len(old)], old, strict=True)) and (
            best < 0 or abs(p - expected) < abs(best - expected)
        ):
            best = p
        if best >= 0 and p - expected > abs(best - expected):
            break
    return best


def _mismatch(hunk: Hunk, total: int, lines: list[str], lo: int, expected: int, shown: str) -> ToolError:
    old = hunk.old
    near = max(lo, min(expected, len(lines) - 1)) if lines else 0
    window = numbered(lines[max(0, near - 2) : near + len(old) + 2], max(0, near - 2) + 1)
    first_bad = ""
    for j, want in enumerate(old):
        have = lines[near + j] if near + j < len(lines) else None
        if have is None or have.strip() != want.strip():
            got = "end of file" if have is None else repr(have)
            first_bad = (
                f"First difference at line {near + j + 1}: the diff expects {want!r}, the file has {got}.\n"
            )
            break
    expected_block = "\n".join(f"  {line}" for line in old)
    return ToolError(
        f"Hunk {hunk.number} of {total} ({hunk.header}) does not match {shown}: these context/removed "
        f"lines were not found at or after line {lo + 1}:\n{expected_block}\n{first_bad}"
        f"The file near line {near + 1} has:\n{window or '  (empty file)'}\n"
        "No changes were made. Read the file and build the diff from its current text."
    )


def place_hunks(lines: list[str], hunks: list[Hunk], shown: str) -> list[Placement]:
    """Locate every hunk in the original lines, in order and without overlap, or raise."""
    placements: list[Placement] = []
    lo, drift = 0, 0
    for hunk in hunks:
        old = hunk.old
        stated = (hunk.old_start - 1) if hunk.old_start else 0
        expected = max(lo, stated + drift)
        if not old:
            at = min(max(lo, (hunk.old_start or 0) + drift), len(lines))
            placements.append(Placement(hunk, at, False))
            continue
        at = _find(lines, old, lo, expected, lambda a, b: a == b)
        fuzzy = False
        if at < 0:
            at = _find(lines, old, lo, expected, lambda a, b: a.strip() == b.strip())
            fuzzy = True
        if at < 0:
            raise _mismatch(hunk, len(hunks), lines, lo, expected, shown)
        placements.append(Placement(hunk, at, fuzzy))
        if hunk.old_start:
            drift = at - stated
        lo = at + len(old)
    return placements


def apply_hunks(lines: list[str], placements: list[Placement]) -> list[str]:
    out: list[str] = []
    cursor = 0
    for place in placements:
        out.extend(lines[cursor : place.at])
        j = place.at
        for op, text in place.hunk.lines:
            if op == " ":
                out.append(lines[j])
                j += 1
            elif op == "-":
                j += 1
            else:
                out.append(text)
        cursor = j
    out.extend(lines[cursor:])
    return out


class PatchTool(Tool[PatchParams]):
    name = "patch"
    description = (
        "Apply a unified diff patch to a file. Use this for complex multi-line edits where the edit "
        "tool would be cumbersome. The diff must be in unified diff format with @@ hunk headers. "
        "All hunks apply or none do."
    )
    Params = PatchParams
    lane = "execute"
    path_args = ("file_path",)
    text_args = ("diff",)

    async def _plan(self, params: PatchParams, ctx: ToolContext) -> tuple[Path, str, str | None, str, str]:
        path = ctx.resolve(params.file_path)
        shown = ctx.show(path)
        hunks, creates = parse_diff(params.diff)
        refuse_directory(path, shown)
        try:
            before: str | None = await ctx.fs.read_text(path)
        except FileNotFoundError:
            if not creates:
                raise ToolError(f"File not found: {shown} (use '--- /dev/null' to create a file)") from None
            before = None
        if before is not None and creates and before:
            raise ToolError(f"The diff creates {shown} ('--- /dev/null'), but that file already exists")
        if before is not None and is_binary(before):
            raise ToolError(f"{shown} is a binary file; it cannot be patched as text")
        text = before or ""
        lines = split_lines(text)
        placements = place_hunks(lines, hunks, shown)
        new_lines = apply_hunks(lines, placements)
        eol = eol_of(text)
        trailing = text.endswith("\n") if text else not hunks[-1].no_newline_at_end
        after = eol.join(new_lines) + (eol if trailing and new_lines else "")
        notes = [
            f"Hunk {p.hunk.number} applied at line {p.at + 1}"
            + (
                f" (the header said {p.hunk.old_start})"
                if p.hunk.old_start and p.hunk.old_start != p.at + 1
                else ""
            )
            + (", matching lines that differ only in whitespace" if p.fuzzy else "")
            for p in placements
            if p.fuzzy or (p.hunk.old and p.hunk.old_start and p.hunk.old_start != p.at + 1)
        ]
        summary = f"Applied {len(hunks)} hunk(s) to {shown}" + "".join(f"\n{n}." for n in notes)
        return path, shown, before, after, summary

    async def preview(self, params: PatchParams, ctx: ToolContext) -> str | None:
        _, shown, before, after, _ = await self._plan(params, ctx)
        return unified_diff(shown, before, after)

    async def run(self, params: PatchParams, ctx: ToolContext) -> ToolResult:
        path, shown, before, after, summary = await self._plan(params, ctx)
        await ctx.fs.write_text(path, after)
        return ToolResult(
            output=summary,
            metadata={
                "file_path": shown,
                "diff": unified_diff(shown, before, after),
                "created": before is None,
            },
        )
