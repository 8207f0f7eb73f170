"""File operations that never follow a symbolic link, for paths already resolved and checked.

The tools resolve every path (``paths.resolve_in_workspace``: symlinks followed, then confined to the
workspace), so the path they hand on contains no symlink. Between that check and the write, a folder on
the way can be swapped for a symlink to somewhere outside the workspace. Here each component is opened
relative to its parent's file descriptor with ``O_NOFOLLOW`` (``openat(2)``), walking from ``/``: a
component that has become a symlink makes the operation fail with ``SymlinkSwapError`` instead of
landing outside. Parent folders are created the same way, and the final rename and unlink act on the
directory descriptor, never on a path that is looked up again (issue 11, "symlink swapped at write time").

Platforms without ``dir_fd`` support (Windows) fall back to plain path operations.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import WorkspaceError

_SUPPORTED = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")


def _proc_umask() -> int | None:
    """The process umask as the kernel reports it (/proc, Linux 4.7+), or None where it cannot."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _portable_umask() -> int:
    mask = os.umask(0o022)  # the only portable read sets it: done once, at import (no other thread yet)
    os.umask(mask)
    return mask


_IMPORT_UMASK: int | None = None if _proc_umask() is not None else _portable_umask()


def _umask() -> int:
    """The umask now: read from the kernel on each call where it can be (a resident server's
    worker takes its client's umask after this module was imported), else as it was at import."""
    now = _proc_umask()
    if now is not None:
        return now
    return _IMPORT_UMASK if _IMPORT_UMASK is not None else 0o022


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC


class SymlinkSwapError(WorkspaceError):
    """A component of a checked path is now a symbolic link (or no folder): it changed after the check."""

    def __init__(self, path: Path, component: str) -> None:
        super().__init__(
            f"{path}: '{component}' changed after the path was checked (it is a symbolic link now, or "
            "no longer a folder); nothing was read or written through it"
        )


@contextlib.contextmanager
def parent_dir(path: Path, *, create: bool = False) -> Iterator[int]:
    """A descriptor of ``path``'s parent folder, reached without following any symlink.

    ``create`` makes missing folders on the way (mode 0777 less the umask), like ``mkdir -p``.
    Raises SymlinkSwapError, FileNotFoundError, NotADirectoryError.
    """
    if not path.is_absolute():
        raise ValueError(f"{path} is not absolute")
    fd = os.open("/", _DIR_FLAGS)
    try:
        for part in path.parts[1:-1]:
            child = _open_dir(fd, part, path, create)
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _open_dir(fd: int, part: str, path: Path, create: bool) -> int:
    """Open folder ``part`` inside ``fd``, refusing a symlink."""
    try:
        try:
            return os.open(part, _DIR_FLAGS, dir_fd=fd)
        except FileNotFoundError:
            if not create:
                raise
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o777, dir_fd=fd)
            return os.open(part, _DIR_FLAGS, dir_fd=fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # a folder when checked, not one now
            raise SymlinkSwapError(path, part) from None
        raise


def open_read(path: Path) -> BinaryIO:
    """The file opened for reading in binary mode; the caller closes it. Raises like ``open``."""
    if not _SUPPORTED:
        return open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    with parent_dir(path) as dfd:
        try:
            fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dfd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # the file was swapped for a symlink after the check
                raise SymlinkSwapError(path, path.name) from None
            if exc.errno == errno.EISDIR:
                raise IsADirectoryError(exc.errno, os.strerror(exc.errno), str(path)) from None
            raise
    return os.fdopen(fd, "rb")


def read_bytes(path: Path) -> bytes:
    with open_read(path) as fh:
        return fh.read()


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``data`` (bytes, or chunks written as they come): temp file in the same
    folder, fsync, rename; parents created. If producing a chunk raises, the temp file is removed and
    ``path`` is left as it was.

    An existing file keeps its permission bits; a new one gets 0666 less the umask. Raises
    SymlinkSwapError when a folder on the way, or the file itself, is now a symlink.
    """
    chunks = [data] if isinstance(data, bytes) else data
    if not _SUPPORTED:
        from .fs import atomic_write_bytes

        atomic_write_bytes(path, b"".join(chunks))
        return
    name = path.name
    with parent_dir(path, create=True) as dfd:
        try:
            st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        else:
            if stat.S_ISLNK(st.st_mode):
                raise SymlinkSwapError(path, name)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            mode = stat.S_IMODE(st.st_mode)
        tmp = f".{name}.{secrets.token_hex(4)}.a3s-tmp"
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dfd
        )
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                fh.flush()
                os.fchmod(fh.fileno(), mode)
                os.fsync(fh.fileno())
            os.rename(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp, dir_fd=dfd)
            raise


def unlink(path: Path) -> None:
    """Remove the file ``path`` (a symlink in its place is removed, never followed). Raises like unlink."""
    if not _SUPPORTED:
        path.unlink()
        return
    with parent_dir(path) as dfd:
        try:
            st = os.stat(path.name, dir_fd=dfd, follow_symlinks=False)
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path)) from None
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        os.unlink(path.name, dir_fd=dfd)


def file_size(path: Path) -> int | None:
    """Size in bytes of a regular file reached without symlinks; None when it is not one (or missing)."""
    if not _SUPPORTED:
        return path.stat().st_size if path.is_file() else None
    try:
        with parent_dir(path) as dfd:
            st = os.stat(path.name, dir_fd=dfd, follow_symlinks=False)
    except (OSError, SymlinkSwapError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None
