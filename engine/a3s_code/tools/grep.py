"""grep: ripgrep over the workspace, with unsaved editor buffers searched in place of their disk copy.

``rg --json`` is read as it streams and each file's block is kept raw (parsed only if shown). Files
are listed in path order, so the output does not depend on rg's thread timing. When the output passes a
byte budget (far more than can be shown), rg is stopped and a cheap ``rg --count`` run gives the totals,
so a pattern matching half the workspace costs about as much as plain rg.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pathspec import GitIgnoreSpec
from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from ..errors import ToolError
from ._proc import captured
from ._text import RG_WORKSPACE_RULES, IgnoreRules, cut, find_rg, is_binary, split_lines
from .base import Tool, ToolContext, ToolParams, ToolResult

MAX_MATCHES = 200
MAX_CHARS = 30_000
MAX_LINE = 1000
STORE_BYTES = 4 * 1024 * 1024
Line = tuple[int, bool, str]
"""(1-based line number, is a match (else context), text)."""


class GrepParams(ToolParams):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    pattern: str = Field(description="Regular expression to search for (ripgrep / Rust regex syntax)")
    path: str = Field(default=".", description="File or directory to search in (default: the workspace root)")
    glob: str = Field(default="", description="Only search files matching this glob, e.g. '*.py'")
    context: int = Field(
        default=0, ge=0, le=50, description="Lines of context to show before and after each match"
    )
    ignore_case: bool = Field(default=False, alias="-i", description="Case-insensitive search")

    @field_validator("path", "glob", "context", "ignore_case", mode="before")
    @classmethod
    def _null_is_default(cls, value: object, info: ValidationInfo) -> object:
        """Models often send null for an optional argument; treat it as leaving it out."""
        if value is None and info.field_name is not None:
            return cls.model_fields[info.field_name].default
        return value


class _Collected:
    """rg's output, grouped per file, plus the totals from its summary."""

    def __init__(self) -> None:
        self.files: dict[str, list[bytes]] = {}
        self.counts: dict[str, int] = {}
        self.stored = 0
        self.matched_lines = 0
        self.files_with_match = 0
        self.tail = b""

    @property
    def full(self) -> bool:
        return self.stored > STORE_BYTES

    def feed(self, chunk: bytes, current: list[str]) -> None:
        *lines, self.tail = (self.tail + chunk).split(b"\n")
        for raw in lines:
            if raw.startswith(b'{"type":"match"'):
                self.files[current[0]].append(raw)
                self.counts[current[0]] += 1
                self.stored += len(raw)
            elif raw.startswith(b'{"type":"context"'):
                self.files[current[0]].append(raw)
                self.stored += len(raw)
            elif raw.startswith(b'{"type":"begin"'):
                current[0] = _begin_path(raw)
                self.files.setdefault(current[0], [])
                self.counts.setdefault(current[0], 0)
            elif b'"type":"summary"' in raw:
                self._summary(raw)

    def finish(self) -> None:
        for raw in reversed(self.tail.split(b"\n")):
            if b'"type":"summary"' in raw:
                self._summary(raw)
                break

    def _summary(self, raw: bytes) -> None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            stats = json.loads(raw)["data"]["stats"]
            self.matched_lines = int(stats["matched_lines"])
            self.files_with_match = int(stats["searches_with_match"])


def _text_of(field: dict[str, Any]) -> str:
    if "text" in field:
        return str(field["text"])
    return base64.b64decode(field.get("bytes", "")).decode("utf-8", errors="replace")


_BEGIN = b'{"type":"begin","data":{"path":{"text":"'


def _begin_path(raw: bytes) -> str:
    """The path of a ``begin`` message; sliced out without a JSON parse when nothing is escaped."""
    if raw.startswith(_BEGIN) and raw.endswith(b'"}}}') and b"\\" not in raw:
        path = raw[len(_BEGIN) : -4].decode("utf-8", errors="replace")
    else:
        path = _text_of(json.loads(raw)["data"]["path"])
    return path[2:] if path.startswith("./") else path


def _parse(raws: list[bytes]) -> list[Line]:
    out: list[Line] = []
    for raw in raws:
        msg = json.loads(raw)
        data = msg["data"]
        out.append((int(data["line_number"]), msg["type"] == "match", _text_of(data["lines"]).rstrip("\r\n")))
    return out


def _search_text(text: str, regex: re.Pattern[str], context: int) -> list[Line]:
    """Python's re over an unsaved buffer, shaped like rg's match/context lines."""
    lines = split_lines(text)
    hits = [i for i, line in enumerate(lines) if regex.search(line)]
    keep: set[int] = set()
    for i in hits:
        keep.update(range(max(0, i - context), min(len(lines), i + context + 1)))
    matched = set(hits)
    return [(i + 1, i in matched, lines[i]) for i in sorted(keep)]


def _glob_accepts(glob: str | None, rel: str) -> bool:
    if not glob:
        return True
    negated = glob.startswith("!")
    spec = GitIgnoreSpec.from_lines([glob[1:] if negated else glob])
    return spec.match_file(rel) != negated


def _format(
    paths: list[str], lines_of: Callable[[str], list[Line]], context: int, total: int, files: int
) -> str:
    """rg-style lines in path order, stopping at the match or size cap (only shown files are parsed)."""
    out: list[str] = []
    size = shown = 0
    for path in paths:
        prev = None
        for number, is_match, text in lines_of(path):
            if context and out and (prev is None or number != prev + 1):
                out.append("--")
            prev = number
            line = f"{path}{':' if is_match else '-'}{number}{':' if is_match else '-'}{cut(text, MAX_LINE)}"
            if shown >= MAX_MATCHES or size + len(line) > MAX_CHARS:
                return "\n".join(out) + (
                    f"\n\n[Showing {shown} of {total} matching lines. Use a narrower pattern, path or glob "
                    "to see the rest.]"
                )
            out.append(line)
            size += len(line) + 1
            shown += is_match
    if context and out and out[-1] == "--":
        out.pop()
    return "\n".join(out) + f"\n\n{total} matching line(s) in {files} file(s)"


class GrepTool(Tool[GrepParams]):
    name = "grep"
    description = (
        "Search for a pattern in files using ripgrep. Returns matching lines with file paths and line "
        "numbers (path:line:text; context lines as path-line-text). Respects .gitignore."
    )
    Params = GrepParams
    lane = "query"
    path_args = ("path",)
    pattern_args = {"glob": "path"}

    async def run(self, params: GrepParams, ctx: ToolContext) -> ToolResult:
        target = ctx.resolve(params.path)
        root = ctx.workspace.resolve()
        if not target.exists():
            raise ToolError(f"Path not found: {ctx.show(target)}")
        rg = find_rg()
        if rg is None:
            raise ToolError("ripgrep (rg) is not installed; install the 'ripgrep' Python package")
        shown_target = ctx.show(target)
        collected = _Collected()
        stderr, code, stopped = await _run_rg(
            _rg_args(rg, params, shown_target, count=False), root, collected
        )
        if code == 2 and not collected.files:
            raise ToolError(f"grep failed: {stderr.strip() or 'ripgrep exited with an error'}")
        raw, counts = collected.files, collected.counts
        total = max(collected.matched_lines, sum(counts.values()))
        files = max(collected.files_with_match, sum(1 for n in counts.values() if n))
        notes: list[str] = []
        if stopped:
            total, files = await _count(_rg_args(rg, params, shown_target, count=True), root)
            notes.append("(too many results to list in path order; showing the first files ripgrep reported)")
        parsed: dict[str, list[Line]] = {}
        overlay = _overlay_files(ctx.fs.overlays(), root, target, params, ctx.root_of(target))
        if overlay:
            try:
                regex = re.compile(params.pattern, re.IGNORECASE if params.ignore_case else 0)
            except re.error:
                notes.append(
                    "(unsaved editor buffers were not searched: the pattern is not valid Python regex)"
                )
            else:
                for rel, text in overlay.items():
                    stale = counts.pop(rel, 0)
                    raw.pop(rel, None)
                    total, files = total - stale, files - (1 if stale else 0)
                    lines = _search_text(text, regex, params.context)
                    if hits := sum(1 for _, is_match, _ in lines if is_match):
                        parsed[rel] = lines
                        total, files = total + hits, files + 1
        if total <= 0:
            return ToolResult(
                output=f"No matches found for pattern: {params.pattern}", metadata={"matches": 0}
            )
        paths = sorted(set(raw) | set(parsed))
        output = _format(
            paths, lambda p: parsed[p] if p in parsed else _parse(raw[p]), params.context, total, files
        )
        if code == 2 and stderr.strip():
            notes.append("(some files could not be searched: " + stderr.strip().splitlines()[0] + ")")
        return ToolResult(output="\n".join([output, *notes]), metadata={"matches": total, "files": files})


def _rg_args(rg: str, params: GrepParams, target: str, *, count: bool) -> list[str]:
    args = [rg, "--count" if count else "--json", *RG_WORKSPACE_RULES]
    if count:
        args.append("--no-filename")
    if params.ignore_case:
        args.append("--ignore-case")
    if params.context and not count:
        args += ["--context", str(params.context)]
    if params.glob:
        args += ["--glob", params.glob]
    return [*args, "--regexp", params.pattern, "--", target if target != "." else "./"]


def _overlay_files(
    overlays: Mapping[Path, str], root: Path, target: Path, params: GrepParams, ignore_root: Path
) -> dict[str, str]:
    """Unsaved buffers rg would have searched: inside the target, not ignored, accepted by the glob.

    Keyed as rg prints them: relative to the workspace ``root``, absolute under another root
    (``ignore_root``: the root holding ``target``, whose .gitignore files apply)."""
    chosen: dict[str, str] = {}
    rules: IgnoreRules | None = None
    for path, text in overlays.items():
        if path != target and target not in path.parents:
            continue
        holding = ignore_root if ignore_root in path.parents else None
        if (root not in path.parents and holding is None) or is_binary(text):
            continue
        rel = path.relative_to(root).as_posix() if root in path.parents else path.as_posix()
        if path != target:
            rules = rules or IgnoreRules(ignore_root)
            if rules.ignored(path.relative_to(ignore_root).as_posix()) or not _glob_accepts(
                params.glob, path.relative_to(target).as_posix()
            ):
                continue
        chosen[rel] = text
    return chosen


async def _run_rg(args: list[str], cwd: Path, collected: _Collected) -> tuple[str, int, bool]:
    """Stream rg's JSON into ``collected``; (stderr, exit code, stopped early because output was too big).

    rg is killed when this returns early or is cancelled, so a cancelled turn leaves no search running.
    """
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    stderr_task = asyncio.ensure_future(proc.stderr.read())
    try:
        current = [""]
        while chunk := await proc.stdout.read(1 << 18):
            collected.feed(chunk, current)
            if collected.full:
                return "", 0, True
        collected.finish()
        stderr = (await stderr_task).decode("utf-8", errors="replace")
        return stderr, await proc.wait(), False
    finally:
        if proc.returncode is None:
            proc.kill()
            # Read to EOF: since Python 3.11 wait() also waits for the pipes to close, and a stdout
            # reader that stopped with a full buffer pauses the pipe, so wait() alone can hang.
            with contextlib.suppress(Exception):
                await proc.stdout.read()
            await proc.wait()
        stderr_task.cancel()


async def _count(args: list[str], cwd: Path) -> tuple[int, int]:
    """(matching lines, files) from ``rg --count --no-filename``: one number per file."""
    _code, out = await captured(args, cwd)
    numbers = [int(line) for line in out.split() if line.isdigit()]
    return sum(numbers), len(numbers)
