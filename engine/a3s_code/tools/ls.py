"""ls: one folder's entries with type and size; folders first, then files, each alphabetical."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from pydantic import Field

from ..errors import ToolError
from .base import Tool, ToolContext, ToolParams, ToolResult

MAX_ENTRIES = 1000


class LsParams(ToolParams):
    path: str = Field(default=".", description="Directory to list (default: workspace root)")


def _entries(folder: Path) -> list[tuple[int, str, str]]:
    """(sort group, name, line) per entry: folders first so the layout reads top-down."""
    rows: list[tuple[int, str, str]] = []
    for entry in os.scandir(folder):
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.is_symlink():
            try:
                target = os.readlink(entry.path)
            except OSError:
                target = "?"
            rows.append((1, entry.name, f"l {st.st_size:>10} {entry.name} -> {target}"))
        elif entry.is_dir(follow_symlinks=False):
            rows.append((0, entry.name, f"d {st.st_size:>10} {entry.name}/"))
        else:
            rows.append((1, entry.name, f"- {st.st_size:>10} {entry.name}"))
    rows.sort(key=lambda r: (r[0], r[1].casefold(), r[1]))
    return rows


class LsTool(Tool[LsParams]):
    name = "ls"
    description = (
        "List a directory: one line per entry with type (d folder, l symlink, - file), size in bytes "
        "and name. Folders come first, then files, each alphabetical."
    )
    Params = LsParams
    lane = "query"
    path_args = ("path",)

    async def run(self, params: LsParams, ctx: ToolContext) -> ToolResult:
        folder = ctx.resolve(params.path)
        shown = ctx.show(folder)
        if not folder.exists():
            raise ToolError(f"Path not found: {shown}")
        if not folder.is_dir():
            raise ToolError(f"{shown} is not a directory")
        rows = await asyncio.to_thread(_entries, folder)
        if not rows:
            return ToolResult(output=f"(directory {shown} is empty)", metadata={"count": 0})
        lines = [line for _, _, line in rows[:MAX_ENTRIES]]
        if len(rows) > MAX_ENTRIES:
            lines.append(f"\n[Showing {MAX_ENTRIES} of {len(rows)} entries]")
        return ToolResult(output="\n".join(lines), metadata={"count": len(rows)})
