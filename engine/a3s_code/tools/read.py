"""read: a file as cat -n numbered lines (a window of it for big files), or an image the model can see."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Literal, cast

from pydantic import Field

from ..errors import ToolError
from ..messages import ImageBlock
from ._text import IMAGE_TYPES, is_binary, numbered, refuse_directory, split_lines
from .base import Tool, ToolContext, ToolParams, ToolResult

MAX_READ_LINES = 2000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
ImageMime = Literal["image/jpeg", "image/png", "image/gif", "image/webp"]


class ReadParams(ToolParams):
    file_path: str = Field(description="Path to the file to read (absolute or relative to workspace)")
    offset: int = Field(
        default=0, ge=0, description="Line number to start reading from (0-indexed, default: 0)"
    )
    limit: int = Field(
        default=MAX_READ_LINES, ge=1, description="Maximum number of lines to read (default: 2000)"
    )


class ReadTool(Tool[ReadParams]):
    name = "read"
    description = "Read the contents of a file. Returns line-numbered output. Supports text files and images."
    Params = ReadParams
    lane = "query"
    path_args = ("file_path",)

    async def run(self, params: ReadParams, ctx: ToolContext) -> ToolResult:
        path = ctx.resolve(params.file_path)
        shown = ctx.show(path)
        refuse_directory(path, shown)
        mime = IMAGE_TYPES.get(path.suffix.lower())
        if mime is not None and path not in ctx.fs.overlays():
            return await self._image(ctx, path, shown, cast(ImageMime, mime))
        try:
            text = await ctx.fs.read_text(path)
        except FileNotFoundError:
            raise ToolError(f"File not found: {shown}") from None
        if is_binary(text):
            raise ToolError(f"{shown} is a binary file; read shows text files and images only")
        lines = split_lines(text)
        total = len(lines)
        meta = {"file_path": shown, "total_lines": total}
        if total == 0:
            return ToolResult(output=f"(File {shown} is empty)", metadata=meta)
        if params.offset >= total:
            raise ToolError(
                f"offset {params.offset} is past the end of {shown}, which has {total} lines (offset is 0-based)"
            )
        end = min(total, params.offset + params.limit)
        output = numbered(lines[params.offset : end], params.offset + 1)
        if end < total:
            output += f"\n\n[Showing lines {params.offset + 1}-{end} of {total}. Use offset/limit for more.]"
        return ToolResult(output=output, metadata=meta)

    async def _image(self, ctx: ToolContext, path: Path, shown: str, mime: ImageMime) -> ToolResult:
        try:
            data = await ctx.fs.read_bytes(path)
        except FileNotFoundError:
            raise ToolError(f"File not found: {shown}") from None
        if len(data) > MAX_IMAGE_BYTES:
            raise ToolError(f"{shown} is an image of {len(data)} bytes, over the 5 MB limit")
        block = ImageBlock(media_type=mime, data=base64.b64encode(data).decode("ascii"))
        return ToolResult(
            output=f"Image {shown} ({mime}, {len(data)} bytes)",
            images=[block],
            metadata={"file_path": shown},
        )
