"""Rewind a session to before one of its turns, or fork a new session from there.

Like Claude Code's rewind and Codex's ``thread/rollback`` / ``thread/fork``. ``rewind`` puts back
the files the agent changed in that turn and every later one (``checkpoints``: the bytes each had
before the turn's first change) and/or cuts the conversation back to just before the turn's prompt.
A file whose current content is not what the agent's last change left (the user edited it since,
or a tool outside the file system did) is reported as a conflict and left alone; a file too big to
have been kept is reported as not restorable. Restoring goes through the session's file system: in
the daemon an open document is changed with a versioned ``workspace/applyEdit``, never over text
the user typed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from pydantic import TypeAdapter

from ._sync import run_sync
from .checkpoints import (
    DAY_S,
    CheckpointSettings,
    CheckpointStore,
    RecordingFileSystem,
    current_bytes,
    digest,
)
from .commands import CommandOutput
from .errors import A3SError
from .fs import FileSystem, LocalFileSystem, WrappingFileSystem
from .messages import Message
from .textcodec import NotTextError, decode

if TYPE_CHECKING:
    from .commands import CommandContext, CommandRegistry
    from .options import SessionOptions

_MESSAGE: TypeAdapter[Message] = TypeAdapter(Message)


class RewindError(A3SError):
    """The turn is unknown, the session is running, or the conversation cannot be cut back there."""

    code = "rewind_error"


@runtime_checkable
class RestoringFileSystem(Protocol):
    """Optional: a FileSystem that puts a file back to exact bytes (None: remove it).

    The daemon's implements it with a versioned ``workspace/applyEdit`` for an open document;
    without it, ``LocalFileSystem`` content goes to disk as bytes and others get ``write_text`` of
    the decoded text (or ``delete``)."""

    async def restore_bytes(self, path: Path, data: bytes | None) -> None: ...


@dataclass
class RewindReport:
    """What ``rewind`` did. Paths are relative to the workspace (absolute when outside it)."""

    turn: int
    turn_id: str | None
    restored: list[str] = field(default_factory=list)
    """Put back to their content before the turn (a file the agent created is removed)."""
    conflicts: list[str] = field(default_factory=list)
    """Changed by someone else since the agent's last write: left alone."""
    failed: dict[str, str] = field(default_factory=dict)
    """Path -> why it could not be restored (not kept: over the size limit; the write was refused)."""
    messages_removed: int = 0
    files: bool = True
    conversation: bool = True


def history_mark(history: list[Message], length: int) -> str:
    """A fingerprint of the conversation's first ``length`` messages (their last one, and the count),
    so a cut is refused once compaction or ``/clear`` rewrote that part."""
    if length == 0:
        return "0:"
    last = json.dumps(_MESSAGE.dump_python(history[length - 1], mode="json"), sort_keys=True)
    return f"{length}:{hashlib.sha256(last.encode('utf-8')).hexdigest()[:16]}"


def settings_for(options: SessionOptions, config: Any) -> CheckpointSettings:
    """The session's checkpoint limits: ``SessionOptions.checkpoints``, else the HCL block, else defaults."""
    if options.checkpoints is not None:
        return options.checkpoints
    block = getattr(config, "checkpoints", None)
    if block is None:
        return CheckpointSettings()
    return CheckpointSettings(
        enabled=block.enabled,
        max_age_s=block.max_age_days * DAY_S,
        max_bytes=int(block.max_mb * 1024 * 1024),
        max_file_bytes=int(block.max_file_mb * 1024 * 1024),
    )


class SessionRewind:
    """The session's rewind component (``session.rewinder``): its ``checkpoints``, ``rewind`` and
    the cut points ``Session.fork`` uses. ``history`` is the session's list (cut in place);
    ``is_running`` tells whether a turn runs; ``/rewind`` joins ``commands``."""

    def __init__(
        self,
        *,
        history: list[Message],
        workspace: Path,
        fs: FileSystem,
        settings: CheckpointSettings,
        session_id: str,
        is_running: Callable[[], bool],
        commands: CommandRegistry,
    ) -> None:
        self.history = history
        self.workspace = workspace
        self.fs = fs
        self.session_id = session_id
        self._is_running = is_running
        self.checkpoints = CheckpointStore(settings)
        """Every turn's file changes (``checkpoints.CheckpointStore``), saved with the session."""
        commands.register(_RewindCommand(self))

    def begin_turn(self, turn: int, prompt: str) -> None:
        """Called as turn ``turn`` starts, before its prompt joins the history; a slash command's
        turn changes no file and gets no checkpoint."""
        if prompt.lstrip().startswith("/"):
            return
        self.checkpoints.prune()
        length = len(self.history)
        self.checkpoints.begin_turn(turn, prompt, length, history_mark(self.history, length))

    async def rewind_async(
        self, turn: int | str, *, files: bool = True, conversation: bool = True
    ) -> RewindReport:
        """Undo turn ``turn`` and every later one: the files they changed (``files``) and/or the
        conversation from that turn's prompt on (``conversation``).

        ``turn`` is the engine's turn number (``TurnStart.turn``) or the host's turn id (the daemon's
        ``turnId``). Raises RewindError when the turn has no checkpoint (never ran, or pruned), a
        turn is running, or the conversation was compacted or cleared after the turn (then nothing
        is changed; ``conversation=False`` still rewinds the files)."""
        if self._is_running():
            raise RewindError(f"session {self.session_id} is running a turn; cancel it first")
        return await self._rewind(turn, files, conversation)

    async def _rewind(self, turn: int | str, files: bool, conversation: bool) -> RewindReport:
        store = self.checkpoints
        try:
            index = store.find(turn)
        except KeyError as exc:
            raise RewindError(str(exc.args[0])) from None
        record = store.turns[index]
        report = RewindReport(record.turn, record.turn_id, files=files, conversation=conversation)
        if conversation:
            self._check_cut(record.history_len, record.history_mark, record.turn)
        if files:
            unresolved = await self._restore_files(index, report)
            store.drop_from(index, keep=unresolved)
        if conversation:
            report.messages_removed = len(self.history) - record.history_len
            del self.history[record.history_len :]
            if files and not report.conflicts and not report.failed:
                store.truncate(index)
        return report

    def rewind(self, turn: int | str, *, files: bool = True, conversation: bool = True) -> RewindReport:
        return run_sync(self.rewind_async(turn, files=files, conversation=conversation), "rewind")

    def _check_cut(self, length: int, mark: str, turn: int) -> None:
        if len(self.history) < length or history_mark(self.history, length) != mark:
            raise RewindError(
                f"the conversation was compacted or cleared after turn {turn}, so it cannot be cut back "
                "there; nothing was changed (rewind with conversation=false to restore only the files)"
            )

    async def _restore_files(self, index: int, report: RewindReport) -> set[str]:
        """Restore what ``turns[index:]`` changed into ``report``; returns the paths left as they are."""
        store = self.checkpoints
        unresolved: set[str] = set()
        for path, (first, last) in store.since(index).items():
            shown = self.relative_path(path)
            target = Path(path)
            now = await current_bytes(self.fs, target)
            if not await self._same(now, last.after):
                report.conflicts.append(shown)
                unresolved.add(path)
                continue
            if not (first.kept and (first.before is None or first.before in store.blobs)):
                report.failed[shown] = (
                    first.note or "its content was too big to keep (checkpoints max_file_mb)"
                )
                unresolved.add(path)
                continue
            before = store.content(first.before)
            if now == before or (now is not None and before is not None and digest(now) == first.before):
                report.restored.append(shown)
                continue
            try:
                await restore(self.fs, target, before)
            except (A3SError, OSError, NotTextError) as exc:
                report.failed[shown] = str(exc)
                unresolved.add(path)
            else:
                report.restored.append(shown)
        return unresolved

    async def _same(self, now: bytes | None, after: str | None) -> bool:
        """Whether ``now`` is the content the agent's last change left (``after``, a SHA-256 key).

        The same text in another encoding counts (an open buffer reads as UTF-8, the disk file may
        be Latin-1)."""
        if now is None or after is None:
            return now is None and after is None
        if digest(now) == after:
            return True
        kept = self.checkpoints.blobs.get(after)
        if kept is None:
            return False
        try:
            return decode(now)[0] == decode(kept)[0]
        except NotTextError:
            return False

    def relative_path(self, path: str) -> str:
        """A checkpoint's path relative to the workspace, as reports show it (absolute when outside)."""
        try:
            return Path(path).relative_to(self.workspace).as_posix()
        except ValueError:
            return path

    def fork_point(self, turn: int | str | None) -> tuple[int, int, int | None]:
        """Where a fork from before ``turn`` (None: from now) starts: the number of checkpointed
        turns it keeps, of messages it keeps, and its turn counter (None: the session's). Raises RewindError like
        ``rewind`` (unknown turn, a running turn with ``turn`` None, a conversation cut since)."""
        store = self.checkpoints
        if turn is None and self._is_running():
            raise RewindError(f"session {self.session_id} is running a turn; name a turn to fork from")
        if turn is None:
            return len(store.turns), len(self.history), None
        try:
            index = store.find(turn)
        except KeyError as exc:
            raise RewindError(str(exc.args[0])) from None
        record = store.turns[index]
        self._check_cut(record.history_len, record.history_mark, record.turn)
        return index, record.history_len, record.turn - 1


class _RewindCommand:
    """``/rewind`` lists the turns with checkpoints; ``/rewind N [files|chat]`` undoes turn N and later
    ones (files and conversation, or one of them). It runs as its own (command) turn, which adds
    nothing to the conversation, so it may cut the conversation it is part of."""

    name = "rewind"
    description = "List turns, or undo turn N and later ones: /rewind [N] [files|chat]"
    _SCOPES: ClassVar[dict[str, tuple[bool, bool]]] = {
        "": (True, True),
        "files": (True, False),
        "chat": (False, True),
        "conversation": (False, True),
    }

    def __init__(self, session: SessionRewind) -> None:
        self._session = session

    async def execute(self, args: str, _ctx: CommandContext) -> CommandOutput:
        words = args.split()
        if not words:
            return CommandOutput.of(turn_list(self._session))
        scope = words[1] if len(words) > 1 else ""
        if scope not in self._SCOPES or len(words) > 2:
            return CommandOutput.of("usage: /rewind [N] [files|chat]")
        files, conversation = self._SCOPES[scope]
        try:
            report = await self._session._rewind(words[0], files, conversation)
        except RewindError as exc:
            return CommandOutput.of(str(exc))
        return CommandOutput.of(describe(report))


def turn_list(session: SessionRewind) -> str:
    """The turns ``rewind`` can name, one a line: number, time, prompt, files changed."""
    from datetime import datetime

    turns = session.checkpoints.turns
    if not turns:
        return "No checkpoints yet."
    lines = []
    for record in turns:
        when = datetime.fromtimestamp(record.started_at).strftime("%H:%M:%S")
        prompt = " ".join(record.prompt.split())[:60]
        files = ", ".join(session.relative_path(p) for p in record.files) or "no files"
        lines.append(f"  {record.turn:>3}  {when}  {prompt}  ({files})")
    return "\n".join([*lines, "/rewind N undoes turn N and later ones"])


def describe(report: RewindReport) -> str:
    """What a rewind did, for people: one line per file."""
    lines = [f"Rewound to before turn {report.turn}."]
    lines += [f"  restored  {path}" for path in report.restored]
    lines += [f"  kept      {path} (changed after the agent's edit)" for path in report.conflicts]
    lines += [f"  failed    {path}: {why}" for path, why in report.failed.items()]
    if report.conversation:
        lines.append(f"  {report.messages_removed} message(s) removed from the conversation")
    return "\n".join(lines)


async def restore(fs: FileSystem, path: Path, data: bytes | None) -> None:
    """Put ``path`` back to exactly ``data`` through ``fs`` (None: remove the file). Wrappers that
    pass everything to an ``inner`` file system (``RecordingFileSystem``, the daemon's turn-diff
    recorder) are looked through to one that restores bytes, so a binary file comes back too."""
    if isinstance(fs, RecordingFileSystem):
        fs = fs.inner
    found: FileSystem = fs
    while not isinstance(found, RestoringFileSystem) and isinstance(found, WrappingFileSystem):
        found = found.inner
    if isinstance(found, RestoringFileSystem):
        await found.restore_bytes(path, data)
        return
    if data is None:
        with contextlib.suppress(FileNotFoundError):
            await fs.delete(path)
        return
    if isinstance(fs, LocalFileSystem):
        from . import nofollow

        await asyncio.to_thread(nofollow.write_atomic, path, data)
        return
    await fs.write_text(path, decode(data, path.name)[0])
