"""A session's roots: its workspace (the primary root) and further folders it may read and change.

An editor with several workspace folders (LSP ``workspaceFolders``, a VS Code multi-root
workspace) gives one conversation several project folders. The primary root is where relative
paths start and ``bash`` runs; every root is inside the workspace boundary (``paths``,
``pipeline.boundary``), so ``/abs/backend/b.py`` is as usable as ``b.py``. Roots can be added and
removed between and during turns; the next tool call sees the change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import A3SError


class RootError(A3SError):
    """A root that is not a folder, or an attempt to remove the primary root."""

    code = "invalid_root"


class WorkspaceRoots:
    """The primary root then the further ones, resolved, without duplicates, in the order given."""

    def __init__(self, primary: Path, extra: Iterable[str | os.PathLike[str]] = ()) -> None:
        self.primary = primary.resolve()
        self._extra: list[Path] = []
        for folder in extra:
            self.add(folder)

    def all(self) -> list[Path]:
        """Every root, the primary first."""
        return [self.primary, *self._extra]

    def extra(self) -> tuple[Path, ...]:
        """The further roots (what the boundary checks take besides the primary)."""
        return tuple(self._extra)

    def add(self, folder: str | os.PathLike[str]) -> Path:
        """Add ``folder`` (``~`` expanded, resolved); returns it. Adding a root twice changes nothing.

        Raises ``RootError`` when it is not an existing folder."""
        path = Path(os.path.expanduser(os.fspath(folder))).resolve()
        if not path.is_dir():
            raise RootError(f"root {os.fspath(folder)!r} is not a folder")
        if path != self.primary and path not in self._extra:
            self._extra.append(path)
        return path

    def remove(self, folder: str | os.PathLike[str]) -> bool:
        """Remove a further root; False when it was not one. Raises ``RootError`` for the primary."""
        path = Path(os.path.expanduser(os.fspath(folder))).resolve()
        if path == self.primary:
            raise RootError(f"{path} is the session's workspace (its primary root); it cannot be removed")
        if path not in self._extra:
            return False
        self._extra.remove(path)
        return True
