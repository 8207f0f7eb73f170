"""What a turn changed: a FileSystem wrapper that records, per turn, each file's text before the
turn's first write to it and after its last (``a3s/turn/diff``).

Only changes made through the session's file system are seen (write, edit, patch, an amended or
partly accepted proposal, sub-agents sharing the file system); what a ``bash`` command changes on
disk is not. Nothing is copied but the files written; a file written and then put back as it was
is not a change. The last ``keep`` turns are kept, in memory.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ToolError
from ..fs import FileSystem, TemplateWriter, WrappingFileSystem
from ..paths import display_path
from ..tools._text import unified_diff


@dataclass(frozen=True)
class FileDiff:
    """One file a turn changed. ``before`` None: the turn created it; ``after`` None: it deleted it."""

    path: Path
    shown: str
    before: str | None
    after: str | None
    diff: str
    """Unified diff (``git diff`` shape, 3 lines of context; ``+++ /dev/null`` for a deletion)."""

    @property
    def created(self) -> bool:
        return self.before is None and self.after is not None

    @property
    def deleted(self) -> bool:
        return self.after is None and self.before is not None


@dataclass
class _Turn:
    before: dict[Path, str | None] = field(default_factory=dict)
    after: dict[Path, str | None] = field(default_factory=dict)


class UnknownTurnError(ToolError):
    """``changes`` was asked about a turn the recorder has not seen or no longer keeps."""


class TurnChangeRecorder(WrappingFileSystem):
    """A FileSystem passing everything to ``inner``; between ``begin(turn_id)`` and ``end()`` it
    records the files written and deleted. Reads never record anything."""

    def __init__(self, inner: FileSystem, keep: int = 20) -> None:
        super().__init__(inner)
        self.keep = keep
        self._turns: OrderedDict[str, _Turn] = OrderedDict()
        self._current: str | None = None

    # -- turns ----------------------------------------------------------------------------------

    def begin(self, turn_id: str) -> None:
        """Start recording a turn (a turn id seen before starts afresh)."""
        self._turns.pop(turn_id, None)
        self._turns[turn_id] = _Turn()
        self._current = turn_id
        while len(self._turns) > self.keep:
            self._turns.popitem(last=False)

    def end(self) -> None:
        self._current = None

    @property
    def last_turn(self) -> str | None:
        return next(reversed(self._turns), None)

    def changes(self, workspace: Path, turn_id: str | None = None) -> list[FileDiff]:
        """The files ``turn_id`` (default: the latest turn) changed, in the order first written;
        raises UnknownTurnError for a turn not recorded (or pruned: only the last ``keep`` are kept)."""
        key = turn_id if turn_id is not None else self.last_turn
        turn = self._turns.get(key) if key is not None else None
        if turn is None:
            raise UnknownTurnError(
                f"no changes are recorded for turn {turn_id!r}"
                if turn_id is not None
                else "no turn has run in this session yet"
            )
        out = []
        for path, before in turn.before.items():
            after = turn.after[path]
            if before == after:
                continue
            shown = display_path(workspace, path)
            diff = unified_diff(shown, before, after or "")
            if after is None:
                diff = diff.replace(f"+++ b/{shown}\n", "+++ /dev/null\n", 1)
            out.append(FileDiff(path, shown, before, after, diff))
        return out

    # -- FileSystem -----------------------------------------------------------------------------

    async def write_text(self, path: Path, content: str) -> None:
        await self._remember_before(path)
        await self.inner.write_text(path, content)
        self._remember_after(path, content)

    async def write_text_like(self, path: Path, content: str, template: Path) -> None:
        await self._remember_before(path)
        if isinstance(self.inner, TemplateWriter):
            await self.inner.write_text_like(path, content, template)
        else:
            await self.inner.write_text(path, content)
        self._remember_after(path, content)

    async def delete(self, path: Path) -> None:
        await self._remember_before(path)
        await self.inner.delete(path)
        self._remember_after(path, None)

    async def _remember_before(self, path: Path) -> None:
        turn = self._turns.get(self._current) if self._current is not None else None
        if turn is None or path in turn.before:
            return
        try:
            before: str | None = await self.inner.read_text(path)
        except FileNotFoundError:
            before = None
        except (OSError, ToolError):  # not text: the tools refuse to change such a file anyway
            return
        turn.before[path] = before
        turn.after[path] = before

    def _remember_after(self, path: Path, content: str | None) -> None:
        turn = self._turns.get(self._current) if self._current is not None else None
        if turn is not None and path in turn.before:
            turn.after[path] = content
