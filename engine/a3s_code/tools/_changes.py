"""A set of file changes planned in memory, then written all together or not at all.

``Plan`` is a view of the workspace that operations change in turn (a patch may create a file and
update it, or update one twice); nothing touches a file until ``commit``. ``commit`` writes new and
changed files first and deletes last; if any step fails, the steps already done are undone, so the
workspace is as it was and the model is told what failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ToolError
from ..fs import TemplateWriter
from ._text import read_current, unified_diff
from .base import ToolContext


@dataclass
class Change:
    path: Path
    shown: str
    before: str | None
    after: str | None
    template: Path | None = None


@dataclass
class Plan:
    """Current texts of the files a patch touches, as it would leave them (None: absent)."""

    ctx: ToolContext
    original: dict[Path, str | None] = field(default_factory=dict)
    current: dict[Path, str | None] = field(default_factory=dict)
    known: dict[Path, bool] = field(default_factory=dict)
    """Whether the agent knows the path's whole current text (read it, or wrote all of it)."""
    templates: dict[Path, Path] = field(default_factory=dict)
    order: list[Path] = field(default_factory=list)

    async def text(self, path: Path) -> str | None:
        if path not in self.current:
            text = await read_current(self.ctx, path, "patched")
            seen = self.ctx.seen
            self.original[path] = self.current[path] = text
            self.known[path] = text is None or (seen is not None and seen.has_seen(path, text))
            self.order.append(path)
        return self.current[path]

    def touched(self, path: Path) -> bool:
        """Whether an earlier operation of this patch already changed ``path``."""
        return self.current.get(path) != self.original.get(path)

    def require_seen(self, path: Path, action: str) -> None:
        """Replacing all of ``path``: its current text must be one the agent has seen (tools.seen)."""
        text = self.current.get(path)
        seen = self.ctx.seen
        if text is None or seen is None or self.touched(path):
            return
        seen.check(path, text, self.ctx.show(path), action)

    def set(self, path: Path, text: str | None, *, known: bool, template: Path | None = None) -> None:
        self.current[path] = text
        self.known[path] = known
        if template is not None:
            self.templates[path] = template
        if path not in self.order:
            self.order.append(path)

    def changes(self) -> list[Change]:
        """What differs from the start, writes before deletes (a delete is the hardest to undo)."""
        out = [
            Change(p, self.ctx.show(p), self.original.get(p), self.current[p], self.templates.get(p))
            for p in self.order
            if self.current[p] != self.original.get(p)
        ]
        return [c for c in out if c.after is not None] + [c for c in out if c.after is None]

    def diff(self) -> str:
        return "".join(unified_diff(c.shown, c.before, c.after or "") for c in self.changes())

    async def commit(self) -> list[Change]:
        """Write every change; on a failure undo the ones made and raise ToolError. Records what the
        agent now knows in the session's SeenFiles."""
        done: list[Change] = []
        for change in self.changes():
            try:
                await _perform(self.ctx, change.path, change.after, change.template)
            except Exception as exc:
                what = "delete" if change.after is None else "write"
                undo = await _undo(self.ctx, done)
                raise ToolError(f"Could not {what} {change.shown}: {exc}. {undo}") from exc
            done.append(change)
        seen = self.ctx.seen
        if seen is not None:
            for change in done:
                if change.after is None:
                    seen.forget(change.path)
                elif self.known.get(change.path):
                    seen.saw_text(change.path, change.after)
        return done


async def _perform(ctx: ToolContext, path: Path, text: str | None, template: Path | None) -> None:
    if text is None:
        await ctx.fs.delete(path)
    elif template is not None and isinstance(ctx.fs, TemplateWriter):
        await ctx.fs.write_text_like(path, text, template)
    else:
        await ctx.fs.write_text(path, text)


async def _undo(ctx: ToolContext, done: list[Change]) -> str:
    """Put back what ``done`` changed, newest first; a sentence for the error message."""
    failed: list[str] = []
    for change in reversed(done):
        try:
            await _perform(ctx, change.path, change.before, None)
        except Exception as exc:
            failed.append(f"{change.shown} ({exc})")
    if failed:
        return f"Could not undo the changes already made to {', '.join(failed)}; check those files."
    return "No file was changed (the changes already made were undone)." if done else "No file was changed."
