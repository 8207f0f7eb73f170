"""Per-turn checkpoints of the files the agent changed: their bytes before and after, never a tree copy.

The tool pipeline hands every tool a ``RecordingFileSystem`` over the session's file system, so
each write and delete a tool makes (write, edit, patch, an amended approval, a ``batch``'s inner
calls) is recorded here once per file and turn: the bytes before the turn's first change to the file
and the bytes after its last one, as the file system reads them (``FileSystem.read_bytes``: the disk,
or an open editor buffer in the daemon). Nothing touches git (no stash, no index). ``bash`` writes
files behind the file system's back: ``shellwatch`` compares the workspace before and after each
shell call and records its changes here too (``note_lost`` when a before-state could not be had).

Contents are kept once per SHA-256 (a file saved unchanged across turns costs nothing), travel with
the session snapshot (``persistence``: base64 under ``checkpoints``) and are pruned oldest turn first
by age and total size (``CheckpointSettings``; HCL ``checkpoints { ... }``, ``SessionOptions``).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .fs import FileSystem, TemplateWriter, WrappingFileSystem

DAY_S = 86_400.0


@dataclass(frozen=True)
class CheckpointSettings:
    """``enabled``; ``max_age_s`` (seconds, turns older are dropped); ``max_bytes`` (distinct file
    contents kept, summed; oldest turns go first); ``max_file_bytes`` (a bigger file is noted as
    changed but not kept, so it cannot be rewound)."""

    enabled: bool = True
    max_age_s: float = 7 * DAY_S
    max_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 8 * 1024 * 1024


@dataclass
class FileChange:
    """One file a turn changed: SHA-256 keys of its content before and after (None: no file)."""

    path: str
    before: str | None
    after: str | None
    kept: bool = True
    """False when the file was over ``max_file_bytes``: known as changed, not restorable."""
    note: str = ""
    """Why the content before cannot be restored, when ``kept`` is False for another reason
    (``shellwatch``: a file a shell command changed whose earlier content was not kept)."""


@dataclass
class TurnCheckpoint:
    """What one turn changed. ``turn`` is the engine's turn number (``TurnStart.turn``); ``turn_id``
    a host's name for it (the daemon's ``turnId``); ``history_len`` and ``history_mark`` locate the
    conversation as it was before the turn's prompt (``rewind`` cuts it back there)."""

    turn: int
    started_at: float
    prompt: str = ""
    turn_id: str | None = None
    history_len: int = 0
    history_mark: str = ""
    files: dict[str, FileChange] = field(default_factory=dict)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CheckpointStore:
    """The session's checkpoints, oldest turn first, and the contents they name."""

    def __init__(self, settings: CheckpointSettings | None = None) -> None:
        self.settings = settings or CheckpointSettings()
        self.turns: list[TurnCheckpoint] = []
        self.blobs: dict[str, bytes] = {}
        self._current: TurnCheckpoint | None = None

    # -- recording ------------------------------------------------------------------------------

    def begin_turn(self, turn: int, prompt: str, history_len: int, history_mark: str) -> None:
        """A turn starts: later writes are recorded under ``turn`` until the next ``begin_turn``."""
        self._current = TurnCheckpoint(turn, time.time(), prompt[:200], None, history_len, history_mark)
        self.turns.append(self._current)

    def name_turn(self, turn: int, turn_id: str) -> None:
        """Give turn ``turn`` the host's id for it (so a client can name it in ``rewind``)."""
        for record in self.turns:
            if record.turn == turn:
                record.turn_id = turn_id

    def _record(self) -> TurnCheckpoint:
        if self._current is None:  # a direct tool call before any turn
            self._current = TurnCheckpoint(0, time.time())
            self.turns.append(self._current)
        return self._current

    def knows(self, path: Path) -> bool:
        return str(path) in self._record().files

    def note_before(self, path: Path, data: bytes | None) -> None:
        """The file's content before the current turn's first change to it (None: it did not exist)."""
        record = self._record()
        if str(path) in record.files:
            return
        key = self._keep(data)
        record.files[str(path)] = FileChange(str(path), key, key, kept=not _too_big(data, self.settings))

    def note_lost(self, path: Path, why: str) -> None:
        """The current turn changed ``path`` but its content before cannot be had (``why``)."""
        record = self._record()
        if str(path) not in record.files:
            record.files[str(path)] = FileChange(str(path), None, None, kept=False, note=why)

    def note_after(self, path: Path, data: bytes | None) -> None:
        change = self._record().files.get(str(path))
        if change is None:
            return
        change.after = self._keep(data)
        change.kept = change.kept and not _too_big(data, self.settings)

    def _keep(self, data: bytes | None) -> str | None:
        if data is None:
            return None
        key = digest(data)
        if not _too_big(data, self.settings):
            self.blobs.setdefault(key, data)
        return key

    def content(self, key: str | None) -> bytes | None:
        """The bytes a key names (None for "no file"); KeyError when they were not kept."""
        return None if key is None else self.blobs[key]

    # -- reading --------------------------------------------------------------------------------

    def find(self, turn: int | str) -> int:
        """The index in ``turns`` of a turn named by the host's id or the engine's number (an int or
        its digits). Raises KeyError naming the turns there are."""
        for index, record in enumerate(self.turns):
            if isinstance(turn, str) and record.turn_id == turn:
                return index
        number = turn if isinstance(turn, int) else int(turn) if turn.isdigit() else None
        for index, record in enumerate(self.turns):
            if record.turn == number:
                return index
        known = ", ".join(str(r.turn) + (f" ({r.turn_id})" if r.turn_id else "") for r in self.turns)
        raise KeyError(f"no checkpoint for turn {turn!r}; checkpoints cover turns: {known or 'none'}")

    def since(self, index: int) -> dict[str, tuple[FileChange, FileChange]]:
        """Per path changed in ``turns[index:]``: its first change (for ``before``) and last (``after``)."""
        out: dict[str, tuple[FileChange, FileChange]] = {}
        for record in self.turns[index:]:
            for path, change in record.files.items():
                first = out[path][0] if path in out else change
                out[path] = (first, change)
        return out

    # -- upkeep ---------------------------------------------------------------------------------

    def prune(self, now: float | None = None) -> int:
        """Drop turns older than ``max_age_s`` and the oldest turns while the kept contents exceed
        ``max_bytes`` (the current turn stays); returns how many turns went."""
        now = time.time() if now is None else now
        dropped = 0
        while len(self.turns) > 1 and now - self.turns[0].started_at > self.settings.max_age_s:
            self.turns.pop(0)
            dropped += 1
        self._collect()
        while len(self.turns) > 1 and sum(map(len, self.blobs.values())) > self.settings.max_bytes:
            self.turns.pop(0)
            dropped += 1
            self._collect()
        return dropped

    def _collect(self) -> None:
        used = {k for r in self.turns for c in r.files.values() for k in (c.before, c.after) if k}
        for key in [k for k in self.blobs if k not in used]:
            del self.blobs[key]

    def drop_from(self, index: int, keep: set[str] | None = None) -> None:
        """Forget ``turns[index:]``' file changes except paths in ``keep`` (their records stay)."""
        for record in self.turns[index:]:
            record.files = {p: c for p, c in record.files.items() if keep and p in keep}
        self._collect()

    def truncate(self, index: int) -> None:
        """Forget the turns from ``index`` on (a conversation cut back before them)."""
        del self.turns[index:]
        if self._current is not None and self._current not in self.turns:
            self._current = None
        self._collect()

    # -- persistence ----------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """Plain data for the session snapshot: ``{"turns": [...], "blobs": {sha256: base64}}``."""
        self.prune()
        turns = [
            {
                "turn": r.turn,
                "turn_id": r.turn_id,
                "started_at": r.started_at,
                "prompt": r.prompt,
                "history_len": r.history_len,
                "history_mark": r.history_mark,
                "files": [c.__dict__ for c in r.files.values()],
            }
            for r in self.turns
        ]
        blobs = {k: base64.b64encode(v).decode("ascii") for k, v in self.blobs.items()}
        return {"turns": turns, "blobs": blobs}

    def load(self, data: Mapping[str, Any]) -> None:
        """The inverse of ``dump``; a content whose hash does not match is dropped (its file then
        reports "not kept" on rewind)."""
        self.blobs = {}
        for key, text in dict(data.get("blobs", {})).items():
            blob = base64.b64decode(text)
            if digest(blob) == key:
                self.blobs[key] = blob
        self.turns = []
        for raw in data.get("turns", []):
            files = {
                c["path"]: FileChange(
                    c["path"],
                    c.get("before"),
                    c.get("after"),
                    bool(c.get("kept", True)),
                    str(c.get("note", "")),
                )
                for c in raw.get("files", [])
            }
            self.turns.append(
                TurnCheckpoint(
                    int(raw["turn"]),
                    float(raw.get("started_at", 0.0)),
                    str(raw.get("prompt", "")),
                    raw.get("turn_id"),
                    int(raw.get("history_len", 0)),
                    str(raw.get("history_mark", "")),
                    files,
                )
            )
        self._current = None

    def copy_until(self, index: int) -> CheckpointStore:
        """A new store holding ``turns[:index]`` (for a fork)."""
        other = CheckpointStore(self.settings)
        other.turns = copy.deepcopy(self.turns[:index])
        other.blobs = dict(self.blobs)
        other._collect()
        return other


def _too_big(data: bytes | None, settings: CheckpointSettings) -> bool:
    return data is not None and len(data) > settings.max_file_bytes


@runtime_checkable
class SnapshotReader(Protocol):
    """Optional: a FileSystem whose ``read_bytes`` is the disk while its writes land elsewhere (an
    ACP editor's buffers); ``snapshot_bytes`` is the content as the user sees it, for checkpoints."""

    async def snapshot_bytes(self, path: Path) -> bytes: ...


async def current_bytes(fs: FileSystem, path: Path) -> bytes | None:
    """What ``fs`` holds at ``path`` now (``snapshot_bytes`` when it has it, else ``read_bytes``):
    None when there is no file (or a folder)."""
    try:
        if isinstance(fs, SnapshotReader):
            return await fs.snapshot_bytes(path)
        return await fs.read_bytes(path)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class RecordingFileSystem(WrappingFileSystem):
    """The session's ``FileSystem`` as the tools see it: each write and delete is checkpointed.

    Reads pass straight through; the optional ``read_window`` and ``write_text_like`` fall back as
    ``fs.read_window`` and ``_changes`` do when the inner file system lacks them.
    """

    def __init__(self, inner: FileSystem, store: CheckpointStore) -> None:
        super().__init__(inner)
        self.store = store

    async def write_text(self, path: Path, content: str) -> None:
        await self._before(path)
        try:
            await self.inner.write_text(path, content)
        finally:
            await self._after(path)

    async def write_text_like(self, path: Path, content: str, template: Path) -> None:
        await self._before(path)
        try:
            if isinstance(self.inner, TemplateWriter):
                await self.inner.write_text_like(path, content, template)
            else:
                await self.inner.write_text(path, content)
        finally:
            await self._after(path)

    async def delete(self, path: Path) -> None:
        await self._before(path)
        try:
            await self.inner.delete(path)
        finally:
            await self._after(path)

    async def _before(self, path: Path) -> None:
        if self.store.settings.enabled and not self.store.knows(path):
            self.store.note_before(path, await current_bytes(self.inner, path))

    async def _after(self, path: Path) -> None:
        if self.store.settings.enabled:
            self.store.note_after(path, await current_bytes(self.inner, path))
