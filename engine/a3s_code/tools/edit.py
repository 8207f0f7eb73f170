"""edit: exact string replacement, with errors that show the model what the file really contains."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from pydantic import Field

from ..errors import ToolError
from ._text import eol_of, line_of, numbered, read_existing, split_lines, to_eol, unified_diff
from .base import Tool, ToolContext, ToolParams, ToolResult

_SPACES = re.compile(r"\s+")


class EditParams(ToolParams):
    file_path: str = Field(description="Path to the file to edit (absolute or relative to workspace)")
    old_string: str = Field(
        description="The exact text to replace (must match the file, whitespace included)"
    )
    new_string: str = Field(description="The text to replace it with")
    replace_all: bool = Field(
        default=False, description="Replace every occurrence of old_string (default: false)"
    )


def _squash(line: str) -> str:
    return _SPACES.sub(" ", line.strip())


def _near_match(text: str, old: str) -> str:
    """Where the file has something close to ``old``: same lines modulo whitespace or case, else the
    line most like its first line. Empty when nothing is close."""
    lines = split_lines(text)
    wanted = split_lines(old)
    while wanted and not wanted[0].strip():
        wanted.pop(0)
    while wanted and not wanted[-1].strip():
        wanted.pop()
    if not wanted or not lines:
        return ""
    for label, norm in (
        ("whitespace", _squash),
        ("whitespace or letter case", lambda s: _squash(s).casefold()),
    ):
        target = [norm(w) for w in wanted]
        normed = [norm(ln) for ln in lines]
        for start in range(len(lines) - len(target) + 1):
            if normed[start : start + len(target)] == target:
                block = numbered(lines[start : start + len(target)], start + 1)
                return f"\nThe file has these lines, which differ only in {label}:\n{block}"
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
    return f"\nThe closest text in the file is at line {best + 1}:\n{numbered(lines[lo:hi], lo + 1)}"


def plan_edit(text: str, shown: str, params: EditParams) -> tuple[str, int]:
    """The new text and the number of replacements, or a ToolError that explains what to fix."""
    old, new = params.old_string, params.new_string
    if not old:
        raise ToolError("old_string is empty. To create or overwrite a whole file use the write tool.")
    if old == new:
        raise ToolError("old_string and new_string are identical; there is nothing to change.")
    eol = eol_of(text)
    if eol == "\r\n" and text.count(to_eol(old, eol)):
        # The model usually writes LF; the file's CRLF endings are kept for the replaced text too.
        old, new = to_eol(old, eol), to_eol(new, eol)
    count = text.count(old)
    if count == 0:
        raise ToolError(
            f"old_string not found in {shown}. It must match the file exactly, including whitespace "
            f"and indentation.{_near_match(text, old)}"
        )
    if count > 1 and not params.replace_all:
        at = [line_of(text, m.start()) for m in re.finditer(re.escape(old), text)]
        listed = ", ".join(str(n) for n in at[:20]) + (", ..." if len(at) > 20 else "")
        raise ToolError(
            f"old_string found {count} times in {shown} (at lines {listed}). Use replace_all=true to "
            f"replace all occurrences, or provide a more specific string."
        )
    return (text.replace(old, new) if params.replace_all else text.replace(old, new, 1)), count


class EditTool(Tool[EditParams]):
    name = "edit"
    description = (
        "Edit a file by replacing a specific string with another. The old_string must be unique in "
        "the file unless replace_all is true."
    )
    Params = EditParams
    lane = "execute"
    path_args = ("file_path",)
    text_args = ("old_string", "new_string")

    async def _plan(self, params: EditParams, ctx: ToolContext) -> tuple[Path, str, str, str, int]:
        path = ctx.resolve(params.file_path)
        shown = ctx.show(path)
        before = await read_existing(ctx, path)
        after, count = plan_edit(before, shown, params)
        return path, shown, before, after, count

    async def preview(self, params: EditParams, ctx: ToolContext) -> str | None:
        _, shown, before, after, _ = await self._plan(params, ctx)
        return unified_diff(shown, before, after)

    async def run(self, params: EditParams, ctx: ToolContext) -> ToolResult:
        path, shown, before, after, count = await self._plan(params, ctx)
        await ctx.fs.write_text(path, after)
        return ToolResult(
            output=f"Replaced {count} occurrence(s) in {shown}",
            metadata={"file_path": shown, "diff": unified_diff(shown, before, after), "replacements": count},
        )
