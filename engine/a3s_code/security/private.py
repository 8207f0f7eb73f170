"""Files only their owner can read: saved sessions, logs, checkpoints (mode 0600, folders 0700).

Created with the mode from the start (``os.open(..., 0o600)``), never chmod-ed after the data is
in, so there is no moment when another local user can open them; an existing file or folder of
ours with wider permissions is narrowed. Writes are atomic (temp file in the same folder, fsync,
rename), so a crash leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | os.PathLike[str]) -> Path:
    """``path`` as a folder only we can enter: created 0700 (missing parents too), or narrowed to 0700.

    An existing folder owned by someone else is left as it is (it is not ours to change).
    Raises ``OSError`` when it cannot be created.
    """
    folder = Path(path).expanduser()
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for item in reversed(missing):
        with contextlib.suppress(FileExistsError):
            item.mkdir(mode=DIR_MODE)
        os.chmod(item, DIR_MODE)  # mkdir's mode is masked by the umask; 0700 needs no other bits
    _narrow(folder, DIR_MODE)
    return folder


def write_private(path: str | os.PathLike[str], data: bytes) -> Path:
    """Atomically replace ``path`` with ``data``, mode 0600, in a 0700 folder. Returns the path."""
    target = Path(path).expanduser()
    private_dir(target.parent)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{id(data):x}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def open_private(path: str | os.PathLike[str], mode: str = "a", encoding: str = "utf-8") -> io.TextIOWrapper:
    """Open a text file for writing (``"a"`` or ``"w"``), created 0600; an existing one is narrowed to 0600."""
    if mode not in ("a", "w"):
        raise ValueError(f"open_private writes text files: mode 'a' or 'w', not {mode!r}")
    target = Path(path).expanduser()
    if not target.parent.exists():
        private_dir(target.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    fd = os.open(target, flags | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, FILE_MODE)
        return io.TextIOWrapper(io.FileIO(fd, mode), encoding=encoding, line_buffering=False)
    except BaseException:
        os.close(fd)
        raise


def _narrow(path: Path, mode: int) -> None:
    info = path.stat()
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~mode:
        os.chmod(path, stat.S_IMODE(info.st_mode) & mode)
