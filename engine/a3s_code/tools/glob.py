"""glob: files whose workspace path matches a pattern, skipping what .gitignore (and .git) hide.

The listing is ripgrep's (``rg --files``, the same ignore rules ``grep`` uses: ``.gitignore`` in and
out of git repositories, hidden files included, ``.git`` skipped, symlinks not followed); the pattern's
last segment is handed to rg as a prefilter and the whole pattern is then matched here, with this tool's
own rules: ``*`` stays within one folder, ``**`` crosses folders, ``{a,b}`` alternatives. The walk
starts at the pattern's fixed leading folders, and a pattern can never reach outside the workspace.
How the listing is split over two rg runs is in ``_listing``.
Results are workspace-relative; under a further root of the session (``roots``) they are absolute.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TypeVar

from pydantic import Field, field_validator

from ..errors import ToolError, WorkspaceError
from ._listing import list_files
from ._text import find_rg, glob_regex, literal_prefix
from .base import Tool, ToolContext, ToolParams, ToolResult

MAX_RESULTS = 1000
T = TypeVar("T", str, bytes)
_PREFILTER_SAFE = set("*?{},.-_+@#%~=") | set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)


class GlobParams(ToolParams):
    pattern: str = Field(
        description="Glob pattern relative to path, e.g. '**/*.py' or 'src/**/*.{ts,tsx}'; "
        "'*' stays within one folder, '**' crosses folders"
    )
    path: str = Field(default=".", description="Base directory to search in (default: workspace root)")

    @field_validator("path", mode="before")
    @classmethod
    def _null_is_default(cls, value: object) -> object:
        """Models often send null for an optional argument; treat it as leaving it out."""
        return "." if value is None else value


def _prefilter(pattern: str) -> str | None:
    """The pattern's last segment when rg can match it as a file name (no '**', '[' or nested braces)."""
    last = pattern.rsplit("/", 1)[-1]
    if "**" in last or not set(last) <= _PREFILTER_SAFE or last.count("{") > 1:
        return None
    return last


def _decided_by_rg(pattern: str) -> bool:
    """Whether every file rg lists for ``pattern`` matches it: '[fixed/folders/]**/<last>', where rg
    starts at the fixed folders and filters on the last segment."""
    last = _prefilter(pattern)
    prefix = literal_prefix(pattern)
    return last is not None and pattern == "/".join(p for p in (prefix, "**", last) if p)


def _prefilter_args(pattern: str) -> list[str]:
    """A file type whose glob is the pattern's last segment: it matches a file's name at any depth, a
    superset of what the whole pattern accepts, so rg lists (and this process reads) only candidates.
    (A type, not --glob: rg lets --glob override .gitignore.)"""
    last = _prefilter(pattern)
    return [] if last is None else ["--type-add", f"a3sglob:{last}", "--type", "a3sglob"]


def first_sorted(items: list[T], k: int) -> list[T]:
    """The ``k`` smallest of ``items`` in order, without sorting them all.

    Only what is shown needs an order: a sorted sample's element near rank ``2k`` bounds the ``k``
    smallest, so one pass keeps about ``2k`` items and only those are sorted (a full sort of 50,000
    paths took longer than reading rg's listing). When the bound keeps fewer than ``k`` (a skewed
    sample) everything is sorted, so the result is always exact."""
    if len(items) <= 4 * k:
        return sorted(items)[:k]
    sample = sorted(items[:: len(items) // (4 * k)])
    bound = sample[min(len(sample) - 1, 2 * k * len(sample) // len(items))]
    kept = [item for item in items if item <= bound]
    if len(kept) < k:
        kept = items[:]
    kept.sort()
    return kept[:k]


def _matches(out: bytes, base_rel: str, pattern: str) -> tuple[int, list[str]]:
    """(how many listed files match ``pattern``, the first MAX_RESULTS of them in path order)."""
    if _decided_by_rg(pattern):
        # Paths stay bytes until shown: decoding 50,000 of them costs more than choosing 1,000.
        paths = out.split(b"\n")
        paths.pop()  # rg ends every path with a newline
        return len(paths), [os.fsdecode(path) for path in first_sorted(paths, MAX_RESULTS)]
    regex = glob_regex(pattern)
    cut = len(base_rel) + 1 if base_rel else 0
    found = [rel for rel in os.fsdecode(out).split("\n")[:-1] if regex.match(rel[cut:])]
    return len(found), first_sorted(found, MAX_RESULTS)


class GlobTool(Tool[GlobParams]):
    name = "glob"
    description = (
        "Find files by glob pattern (e.g. '**/*.py'). Returns workspace-relative paths, sorted; "
        "files ignored by .gitignore are skipped."
    )
    Params = GlobParams
    lane = "query"
    path_args = ("path",)
    pattern_args = {"pattern": "path"}

    async def run(self, params: GlobParams, ctx: ToolContext) -> ToolResult:
        base = ctx.resolve(params.path or ".")
        root = ctx.root_of(base)  # the workspace, or the further root the search is in
        if not base.is_dir():
            raise ToolError(f"{ctx.show(base)} is not a directory")
        pattern = params.pattern.strip()
        if Path(pattern).is_absolute():
            # An absolute pattern inside the base works as the relative one it names.
            try:
                pattern = Path(pattern).relative_to(base).as_posix()
            except ValueError:
                raise ToolError(f"Pattern {params.pattern!r} is outside {ctx.show(base)}") from None
        pattern = pattern.removeprefix("./")
        if not pattern:
            raise ToolError("pattern is empty")
        if ".." in pattern.split("/"):
            raise WorkspaceError(
                f"Pattern {params.pattern!r} reaches outside the workspace: '..' is not allowed in "
                "patterns (they are confined like paths)"
            )
        base_rel = "" if base == root else base.relative_to(root).as_posix()
        start = "/".join(p for p in (base_rel, literal_prefix(pattern)) if p)
        if start:
            start_dir = root / start
            if not start_dir.is_dir():
                return self._none(params.pattern, pattern)
            ctx.resolve(start_dir)  # a fixed folder that is a symlink out of the workspace is refused
        rg = find_rg()
        if rg is None:
            raise ToolError("ripgrep (rg) is not installed; install the 'ripgrep' Python package")
        listed = await list_files(rg, root, start, _prefilter_args(pattern))
        count, listing = await asyncio.to_thread(_matches, listed, base_rel, pattern)
        if not count:
            return self._none(params.pattern, pattern)
        if root != ctx.workspace.resolve():  # paths in another root are shown absolute
            listing = [ctx.show(root / rel) for rel in listing]
        output = "\n".join(listing) + f"\n\n{count} file(s) found"
        if count > MAX_RESULTS:
            output += f" (showing the first {MAX_RESULTS}; narrow the pattern or path)"
        return ToolResult(output=output, metadata={"count": count})

    @staticmethod
    def _none(raw: str, pattern: str) -> ToolResult:
        hint = "" if "/" in pattern else " ('*' does not enter folders: use '**/' to search them)"
        return ToolResult(output=f"No files found matching pattern: {raw}{hint}")
