"""glob: files whose workspace path matches a pattern, skipping what .gitignore (and .git) hide."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import Field, field_validator

from ..errors import ToolError
from ._text import IgnoreRules, glob_regex, literal_prefix
from .base import Tool, ToolContext, ToolParams, ToolResult

MAX_RESULTS = 1000


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


def _collect(root: Path, base_rel: str, pattern: str) -> list[str]:
    """Workspace-relative matches; the walk starts at the pattern's fixed folders and prunes ignored ones."""
    regex = glob_regex(pattern)
    rules = IgnoreRules(root)
    prefix = literal_prefix(pattern)
    start = "/".join(p for p in (base_rel, prefix) if p)
    if start and not (root / start).is_dir():
        return []
    cut = len(base_rel) + 1 if base_rel else 0
    return sorted(rel for rel in rules.walk(start) if regex.match(rel[cut:]))


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
        root = ctx.workspace.resolve()
        base = ctx.resolve(params.path or ".")
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
        base_rel = "" if base == root else base.relative_to(root).as_posix()
        found = await asyncio.to_thread(_collect, root, base_rel, pattern)
        if not found:
            hint = "" if "/" in pattern else " ('*' does not enter folders: use '**/' to search them)"
            return ToolResult(output=f"No files found matching pattern: {params.pattern}{hint}")
        listed = found[:MAX_RESULTS]
        output = "\n".join(listed) + f"\n\n{len(found)} file(s) found"
        if len(found) > MAX_RESULTS:
            output += f" (showing the first {MAX_RESULTS}; narrow the pattern or path)"
        return ToolResult(output=output, metadata={"count": len(found)})
