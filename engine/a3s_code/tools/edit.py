"""edit: exact string replacement, with errors that show the model what the file really contains.

``old_string`` is looked up exactly; when that fails and it spans lines, it is looked up again with each
line break matching either LF or CRLF (models write LF; files may use CRLF, or both). ``new_string``
takes the line endings of the text it replaces, line break by line break, so a file's line endings are
kept. The search, the
replacement and the diff run in a worker thread, and the diff covers only the changed region, so a
20 MB file neither blocks the event loop nor pays for a line diff of the whole file.
"""

from __future__ import annotations

import asyncio
import re

from pydantic import Field

from ..errors import ToolError
from ..textcodec import UnencodableTextError
from ._text import line_of, local_eol, nearest_text, read_existing, unified_diff
from .base import PlannedChange, Tool, ToolContext, ToolParams, ToolResult


class EditParams(ToolParams):
    file_path: str = Field(description="Path to the file to edit (absolute or relative to workspace)")
    old_string: str = Field(
        description="The exact text to replace (must match the file, whitespace included)"
    )
    new_string: str = Field(description="The text to replace it with")
    replace_all: bool = Field(
        default=False, description="Replace every occurrence of old_string (default: false)"
    )


def _spans(text: str, old: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``old``: exact, else with line breaks matching LF or CRLF."""
    spans: list[tuple[int, int]] = []
    at = text.find(old)
    while at >= 0:
        spans.append((at, at + len(old)))
        at = text.find(old, at + len(old))
    if spans or not ("\n" in old or "\r" in old):
        return spans
    parts = old.replace("\r\n", "\n").split("\n")
    pattern = re.compile(r"\r?\n".join(re.escape(part) for part in parts))
    return [m.span() for m in pattern.finditer(text)]


def _fit(new: str, text: str, start: int, end: int) -> str:
    """``new`` with the line endings of the text it replaces (``text[start:end]``): its k-th line break
    takes the ending of the k-th one replaced (the last one's beyond), or, when nothing with a line break
    is replaced, the ending of the line it sits in."""
    if "\n" not in new:
        return new
    segment = text[start:end]
    plain = new.replace("\r\n", "\n").split("\n")
    if "\n" in segment:
        at = [i for i, ch in enumerate(segment) if ch == "\n"]
        old = ["\r\n" if (segment[i - 1] if i else text[start - 1 : start]) == "\r" else "\n" for i in at]
        endings = [old[min(k, len(old) - 1)] for k in range(len(plain) - 1)]
    else:
        endings = [local_eol(text, start)] * (len(plain) - 1)
    return "".join(part + eol for part, eol in zip(plain, endings, strict=False)) + plain[-1]


def plan_edit(text: str, shown: str, params: EditParams) -> tuple[str, int]:
    """The new text and the number of replacements, or a ToolError that explains what to fix."""
    old, new = params.old_string, params.new_string
    if not old:
        raise ToolError("old_string is empty. To create or overwrite a whole file use the write tool.")
    if old == new:
        raise ToolError("old_string and new_string are identical; there is nothing to change.")
    spans = _spans(text, old)
    if not spans:
        raise ToolError(
            f"old_string not found in {shown}. It must match the file exactly, including whitespace "
            f"and indentation.{nearest_text(text, old)}"
        )
    if len(spans) > 1 and not params.replace_all:
        at = [line_of(text, start) for start, _ in spans[:21]]
        listed = ", ".join(str(n) for n in at[:20]) + (", ..." if len(spans) > 20 else "")
        raise ToolError(
            f"old_string found {len(spans)} times in {shown} (at lines {listed}). Use replace_all=true to "
            f"replace all occurrences, or provide a more specific string."
        )
    fitted = [_fit(new, text, start, end) for start, end in spans]
    if all(text[s:e] == old for s, e in spans) and len(set(fitted)) == 1:
        # one C-level pass, one new string: no slices of a big file held alongside it
        return text.replace(old, fitted[0], len(spans)), len(spans)
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(_fit(new, text, start, end))
        last = end
    pieces.append(text[last:])
    return "".join(pieces), len(spans)


def _plan_with_diff(text: str, shown: str, params: EditParams) -> tuple[str, int, str]:
    after, count = plan_edit(text, shown, params)
    return after, count, unified_diff(shown, text, after)


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

    async def preview(self, params: EditParams, ctx: ToolContext) -> str | None:
        path = ctx.resolve(params.file_path)
        before = await read_existing(ctx, path)
        _, _, diff = await asyncio.to_thread(_plan_with_diff, before, ctx.show(path), params)
        return diff

    async def changes(self, params: EditParams, ctx: ToolContext) -> list[PlannedChange] | None:
        path = ctx.resolve(params.file_path)
        shown = ctx.show(path)
        before = await read_existing(ctx, path)
        after, _ = await asyncio.to_thread(plan_edit, before, shown, params)
        return [(path, shown, before, after, None)]

    async def run(self, params: EditParams, ctx: ToolContext) -> ToolResult:
        path = ctx.resolve(params.file_path)
        shown = ctx.show(path)
        before = await read_existing(ctx, path)
        knew_all = ctx.seen is not None and ctx.seen.has_seen(path, before)
        after, count, diff = await asyncio.to_thread(_plan_with_diff, before, shown, params)
        del before  # a big file's old text is not kept alive while the new one is encoded and written
        try:
            await ctx.fs.write_text(path, after)
        except UnencodableTextError as exc:
            raise exc.within("new_string", params.new_string) from None
        if knew_all and ctx.seen is not None:
            ctx.seen.saw_text(path, after)
        return ToolResult(
            output=f"Replaced {count} occurrence(s) in {shown}",
            metadata={"file_path": shown, "diff": diff, "replacements": count},
        )
