"""write: create or replace a whole file through the session's file system (atomic on disk)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ._text import refuse_directory, unified_diff
from .base import Tool, ToolContext, ToolParams, ToolResult


class WriteParams(ToolParams):
    file_path: str = Field(description="Path to the file to write (absolute or relative to workspace)")
    content: str = Field(description="The complete content to write to the file")


class WriteTool(Tool[WriteParams]):
    name = "write"
    description = (
        "Write content to a file. Creates the file and parent directories if they don't exist. "
        "Replaces the whole file: prefer edit or patch to change part of an existing file."
    )
    Params = WriteParams
    lane = "execute"
    path_args = ("file_path",)
    text_args = ("content",)

    async def _before(self, params: WriteParams, ctx: ToolContext) -> tuple[Path, str, str | None]:
        """The target, its display name and its current text (None when it does not exist yet)."""
        path = ctx.resolve(params.file_path)
        shown = ctx.show(path)
        refuse_directory(path, shown)
        try:
            before: str | None = await ctx.fs.read_text(path)
        except FileNotFoundError:
            before = None
        return path, shown, before

    async def preview(self, params: WriteParams, ctx: ToolContext) -> str | None:
        _, shown, before = await self._before(params, ctx)
        return unified_diff(shown, before, params.content)

    async def run(self, params: WriteParams, ctx: ToolContext) -> ToolResult:
        path, shown, before = await self._before(params, ctx)
        await ctx.fs.write_text(path, params.content)
        content = params.content
        size = len(content.encode("utf-8"))
        lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
        return ToolResult(
            output=f"Wrote {size} bytes ({lines} lines) to {shown}",
            metadata={
                "file_path": shown,
                "diff": unified_diff(shown, before, content),
                "created": before is None,
            },
        )
