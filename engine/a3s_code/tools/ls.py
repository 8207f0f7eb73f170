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


def _entries(folder: Path, shown: int) -> tuple[list[str], int]:
    """The first ``shown`` lines and the number of entries, folders first so the layout reads top-down.

    Sorting needs only the entry types the directory listing already gives; only the entries that are
    shown are ``lstat``-ed (for their size), so a folder of 100,000 files costs one listing.
    """
    dirs: list[tuple[str, str, os.DirEntry[str]]] = []
    files: list[tuple[str, str, os.DirEntry[str]]] = []
    with os.scandir(folder) as listing:
        for entry in listing:
            try:
                group = dirs if entry.is_dir(follow_symlinks=False) else files
            except OSError:
                continue
            group.append((entry.name.casefold(), entry.name, entry))
    dirs.sort()  # names are unique, so entries themselves are never compared
    files.sort()
    lines: list[str] = []
    for is_dir, (_, name, entry) in [(True, d) for d in dirs[:shown]] + [
        (False, f) for f in files[: max(0, shown - len(dirs))]
    ]:
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.is_symlink():
            try:
                target = os.readlink(entry.path)
            except OSError:
                target = "?"
            lines.append(f"l {st.st_size:>10} {name} -> {target}")
        elif is_dir:
            lines.append(f"d {st.st_size:>10} {name}/")
        else:
            lines.append(f"- {st.st_size:>10} {name}")
    return lines, len(dirs) + len(files)


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
        lines, count = await asyncio.to_thread(_entries, folder, MAX_ENTRIES)
        if not count:
            return ToolResult(output=f"(directory {shown} is empty)", metadata={"count": 0})
        if count > MAX_ENTRIES:
            lines.append(f"\n[Showing {MAX_ENTRIES} of {count} entries]")
        return ToolResult(output="\n".join(lines), metadata={"count": count})
