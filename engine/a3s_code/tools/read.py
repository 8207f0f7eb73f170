"""read: a file as cat -n numbered lines (a window of it for big files), or an image the model can see.

A window holds at most ``limit`` lines and ``MAX_READ_BYTES`` bytes of output; a footer says where to
go on. Files over ``fs.STREAM_ABOVE`` bytes are streamed, so a multi-gigabyte log costs one window of
memory. Text is decoded in the file's own encoding (``textcodec``); what was shown is recorded in the
session's ``SeenFiles`` (the versions ``write`` may replace).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Literal, cast

from pydantic import Field

from ..errors import ToolError
from ..fs import read_window
from ..messages import ImageBlock
from ..textcodec import BinaryFileError, NotTextError
from ..textwindow import TextWindow
from ._text import IMAGE_TYPES, MAX_LINE_LENGTH, is_binary, numbered, refuse_directory
from .base import Tool, ToolContext, ToolParams, ToolResult

MAX_READ_LINES = 2000
MAX_READ_BYTES = 100 * 1024
"""Output cap of one read (about 25k tokens): a window stops before passing it."""
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


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def _footer(window: TextWindow) -> str:
    """How to read on, when the window did not reach the end of the file ('' when it did)."""
    first, end, total = window.offset + 1, window.end, window.total_lines
    if window.capped:
        of = f" of {total}" if total is not None else ""
        return (
            f"[Output capped at {MAX_READ_BYTES // 1024} KB: showing lines {first}-{end}{of}. "
            f"Use offset={end} to read on.]"
        )
    if total is None:
        size = f" of a {_size(window.size)} file" if window.size is not None else ""
        return f"[Showing lines {first}-{end}{size}; more follows. Use offset={end} to read on.]"
    if end < total:
        return f"[Showing lines {first}-{end} of {total}. Use offset/limit for more.]"
    return ""


class ReadTool(Tool[ReadParams]):
    name = "read"
    description = (
        "Read the contents of a file. Returns line-numbered output (at most 2000 lines or 100 KB per "
        "call; a footer says how to read on). Supports text files in any encoding and images."
    )
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
            window = await read_window(
                ctx.fs, path, params.offset, params.limit, MAX_READ_BYTES, MAX_LINE_LENGTH
            )
        except FileNotFoundError:
            raise ToolError(f"File not found: {shown}") from None
        except BinaryFileError:
            raise ToolError(f"{shown} is a binary file; read shows text files and images only") from None
        except NotTextError as exc:
            raise ToolError(str(exc).replace(path.name, shown, 1)) from None
        if window.offset == 0 and is_binary("\n".join(window.lines[:200])):
            raise ToolError(f"{shown} is a binary file; read shows text files and images only")
        if ctx.seen is not None:
            ctx.seen.saw_window(path, window, MAX_LINE_LENGTH)
        meta: dict[str, object] = {"file_path": shown, "total_lines": window.total_lines}
        note = ""
        if window.encoding is not None and not window.encoding.is_utf8:
            meta["encoding"] = window.encoding.label
            note = f"\n\n[Encoding: {window.encoding.label}; edits keep it.]"
        if window.total_lines == 0:
            return ToolResult(output=f"(File {shown} is empty)", metadata=meta)
        if not window.lines:
            total = window.total_lines
            raise ToolError(
                f"offset {params.offset} is past the end of {shown}, which has {total} lines (offset is 0-based)"
            )
        output = numbered(window.lines, window.offset + 1)
        footer = _footer(window)
        if footer:
            output += f"\n\n{footer}"
        return ToolResult(output=output + note, metadata=meta)

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
