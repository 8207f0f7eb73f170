"""The file-system interface the tools use, so the daemon can overlay unsaved buffers and route writes.

The engine's default, ``LocalFileSystem``, reads and writes the disk atomically. The daemon wraps it:
reads see unsaved editor text, writes to open documents become ``workspace/applyEdit``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol


class FileSystem(Protocol):
    """All paths given are absolute and already confined to the workspace."""

    async def read_text(self, path: Path) -> str:
        """The current text of ``path`` (unsaved editor content wins). Raises FileNotFoundError."""
        ...

    async def read_bytes(self, path: Path) -> bytes: ...

    async def write_text(self, path: Path, content: str) -> None:
        """Replace the whole text of ``path``, creating parents. Raises ToolError if refused."""
        ...

    async def delete(self, path: Path) -> None: ...

    def overlays(self) -> Mapping[Path, str]:
        """Documents whose current text differs from disk (unsaved editor buffers)."""
        ...


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename; the file's mode is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".a3s-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class LocalFileSystem:
    """Plain disk access with atomic writes."""

    async def read_text(self, path: Path) -> str:
        data = await asyncio.to_thread(path.read_bytes)
        return data.decode("utf-8", errors="replace")

    async def read_bytes(self, path: Path) -> bytes:
        return await asyncio.to_thread(path.read_bytes)

    async def write_text(self, path: Path, content: str) -> None:
        await asyncio.to_thread(atomic_write_bytes, path, content.encode("utf-8"))

    async def delete(self, path: Path) -> None:
        await asyncio.to_thread(path.unlink)

    def overlays(self) -> Mapping[Path, str]:
        return {}
