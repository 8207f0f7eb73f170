"""write: create or replace a whole file through the session's file system (atomic on disk).

Replacing an existing file needs its current text to be a version the agent has seen (``tools.seen``):
otherwise text the user typed, or that changed since the agent's read, would be lost unseen. The file
keeps its line endings (``keep_line_endings``) and, through the file system, its encoding.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import Field

from ._text import keep_lines, read_current, unified_diff
from .base import PlannedChange, Tool, ToolContext, ToolParams, ToolResult


class WriteParams(ToolParams):
    file_path: str = Field(description="Path to the file to write (absolute or relative to workspace)")
    content: str = Field(description="The complete content to write to the file")


def keep_line_endings(content: str, before: str | None) -> str:
    """``content`` with the line endings of the file it replaces.

    Content that spells CRLF itself, a new file, or an all-LF file: unchanged. An all-CRLF file: every
    newline becomes CRLF. A file with both: lines that stay the same keep their own ending, new lines
    take the ending most of the file uses.
    """
    if before is None or "\n" not in content or "\r\n" in content:
        return content
    crlf = before.count("\r\n")
    if crlf == 0:
        return content
    lf = before.count("\n") - crlf
    if lf == 0:
        return content.replace("\n", "\r\n")
    majority = "\r\n" if crlf >= lf else "\n"
    old = keep_lines(before)
    old_keys = [line.rstrip("\n").removesuffix("\r") for line in old]
    new_keys = content.split("\n")
    endings = [majority] * (len(new_keys) - 1)
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                if j1 + k < len(endings) and old[i1 + k].endswith("\n"):
                    endings[j1 + k] = "\r\n" if old[i1 + k].endswith("\r\n") else "\n"
    return "".join(key + ending for key, ending in zip(new_keys, [*endings, ""], strict=True))


class WriteTool(Tool[WriteParams]):
    name = "write"
    description = (
        "Write content to a file. Creates the file and parent directories if they don't exist. "
        "Replaces the whole file: prefer edit or patch to change part of an existing file. An existing "
        "file must have been read first (all of it), and keeps its encoding and line endings."
    )
    Params = WriteParams
    lane = "execute"
    path_args = ("file_path",)
    text_args = ("content",)

    async def _plan(self, params: WriteParams, ctx: ToolContext) -> tuple[Path, str, str | None, str]:
        """The target, its display name, its current text (None if new) and the text to write."""
        path = ctx.resolve(params.file_path)
        shown = ctx.show(path)
        before = await read_current(ctx, path, "replaced")
        if before is not None and ctx.seen is not None:
            ctx.seen.check(path, before, shown, "overwrite")
        return path, shown, before, keep_line_endings(params.content, before)

    async def preview(self, params: WriteParams, ctx: ToolContext) -> str | None:
        _, shown, before, content = await self._plan(params, ctx)
        return unified_diff(shown, before, content)

    async def changes(self, params: WriteParams, ctx: ToolContext) -> list[PlannedChange] | None:
        path, shown, before, content = await self._plan(params, ctx)
        return [(path, shown, before, content, None)]

    async def run(self, params: WriteParams, ctx: ToolContext) -> ToolResult:
        path, shown, before, content = await self._plan(params, ctx)
        await ctx.fs.write_text(path, content)
        if ctx.seen is not None:
            ctx.seen.saw_text(path, content)
        size = len(content.encode("utf-8", "surrogatepass"))
        lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
        return ToolResult(
            output=f"Wrote {size} bytes ({lines} lines) to {shown}",
            metadata={
                "file_path": shown,
                "diff": unified_diff(shown, before, content),
                "created": before is None,
            },
        )
