"""The top level of the sandbox's root, scanned once and rescanned only when it changes.

Every call's plan needs the entries of ``/`` (or of ``image``): which are symlinks, files, folders,
which folders are empty (made with ``--dir``, no bind) and which hold host submounts (bound last,
see ``view``). Scanning costs a listing of the root, one of every empty folder, and a read of
``/proc/self/mountinfo``: a millisecond or more per call on a loaded machine. The scan is kept and
reused while nothing it read has changed:

- the inode, modification and change times of the root and of each top-level folder (an entry
  added, removed or replaced changes its folder's mtime; a chmod its ctime). A folder that becomes
  empty or stops being empty is so seen. A scan is only reused if those times were at least
  ``SETTLED_S`` old when it was made, so two changes within one timestamp tick cannot hide the
  second ("racy" timestamps, as git calls them);
- the mount table: ``/proc/self/mountinfo`` stays open, and poll(2) reports ``POLLPRI`` on it after
  any mount or unmount in this mount namespace (proc(5), "/proc/pid/mounts ... this file is now
  pollable"), which triggers a re-read.

Credential paths, the workspace's read-only paths and the other per-call checks are not cached
here: a path that appears during a session is hidden from the next call on.
"""

from __future__ import annotations

import os
import re
import select
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SETTLED_S = 2.0
"""How old a folder's mtime must be for a scan that read it to be reused (covers file systems with
one-second timestamps)."""

WORKSPACE_MOUNT = "/workspace"
FRESH = frozenset({"proc", "dev", "tmp", "run", WORKSPACE_MOUNT.strip("/")})
"""Top-level names never bound from the root: mounted fresh, or taken by the workspace."""

_ESCAPE = re.compile(r"\\([0-7]{3})")

Op = tuple[str, ...]


def parse_mount_points(mountinfo: str) -> list[str]:
    """The mount points in ``mountinfo`` text (proc(5): the fifth field, octal escapes decoded)."""
    points: list[str] = []
    for line in mountinfo.splitlines():
        fields = line.split(" ", 5)
        if len(fields) > 4:
            points.append(_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[4]))
    return points


class MountTable:
    """This process's mount points, re-read only after poll(2) says the table changed."""

    def __init__(self, path: str = "/proc/self/mountinfo") -> None:
        self._path = path
        self._fd: int | None = None
        self._pid = 0
        """The process that opened ``_fd`` (a forked child opens its own: the offset is shared)."""
        self._poll = select.poll()
        self._points: list[str] = []
        self.generation = 0
        """Bumped on every re-read (a cache built on the table compares it)."""

    def points(self) -> list[str]:
        """The mount points (empty when the table cannot be read)."""
        if self._fd is None or self._pid != os.getpid():
            try:
                self._fd = os.open(self._path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return []
            self._pid = os.getpid()
            self._poll = select.poll()
            self._poll.register(self._fd, select.POLLPRI | select.POLLERR)
            self._reread()
        elif self._poll.poll(0):
            self._reread()
        return self._points

    def _reread(self) -> None:
        assert self._fd is not None
        chunks: list[bytes] = []
        os.lseek(self._fd, 0, os.SEEK_SET)
        while chunk := os.read(self._fd, 65536):
            chunks.append(chunk)
        self._points = parse_mount_points(b"".join(chunks).decode("utf-8", "surrogateescape"))
        self.generation += 1


@dataclass(frozen=True)
class RootOps:
    """The top-level ops for bwrap: ``early`` (symlinks, files, folders without host submounts,
    empty folders as ``--dir``) and ``late`` (folders with host submounts), and ``binds``: the
    (source, destination) of every bind among them."""

    early: tuple[Op, ...]
    late: tuple[Op, ...]

    @property
    def binds(self) -> list[tuple[str, str]]:
        return [(op[1], op[2]) for op in (*self.early, *self.late) if op[0] == "--ro-bind"]


@dataclass(frozen=True)
class _Scan:
    ops: RootOps
    watched: tuple[tuple[str, int, int, int], ...]
    """``_stamp`` of the root and of every top-level folder without submounts."""
    mounts: int
    reusable: bool


def _stamp(path: str) -> tuple[str, int, int, int]:
    """What changes when a folder's entries or mode change: inode, mtime and ctime (in ns)."""
    st = os.stat(path, follow_symlinks=False)
    return path, st.st_ino, st.st_mtime_ns, st.st_ctime_ns


def _empty_dir(path: str) -> bool:
    """A folder this process can list and that holds nothing."""
    try:
        with os.scandir(path) as it:
            return next(it, None) is None
    except OSError:
        return False


class RootScanner:
    """``ops(root)``: the root's top-level ops, from the last scan while it still holds."""

    def __init__(self, mounts: MountTable | None = None, *, settled_s: float = SETTLED_S) -> None:
        self._mounts = mounts or MountTable()
        self._settled_ns = int(settled_s * 1e9)
        self._scans: dict[str, _Scan] = {}
        self._lock = threading.Lock()

    def ops(self, root: Path) -> RootOps:
        key = str(root)
        with self._lock:
            points = self._mounts.points()
            scan = self._scans.get(key)
            if scan is None or not self._holds(scan):
                scan = self._scan(key, points)
                self._scans[key] = scan
            return scan.ops

    def _holds(self, scan: _Scan) -> bool:
        if not scan.reusable or scan.mounts != self._mounts.generation:
            return False
        try:
            return all(_stamp(stamp[0]) == stamp for stamp in scan.watched)
        except OSError:
            return False

    def _scan(self, root: str, points: Sequence[str]) -> _Scan:
        started = time.time_ns()
        watched = [_stamp(root)]
        prefix = root.rstrip("/") + "/"
        submounted: set[str] = set()
        """Top-level names that are mount points or hold one."""
        nested: set[str] = set()
        """Top-level names with a mount point below them (a bind of them brings submounts)."""
        for point in points:
            if point.startswith(prefix):
                first, _, below = point[len(prefix) :].partition("/")
                submounted.add(first)
                if below:
                    nested.add(first)
        early: list[Op] = []
        late: list[Op] = []
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            if entry.name in FRESH:
                continue
            inside = f"/{entry.name}"
            if entry.is_symlink():
                early.append(("--symlink", os.readlink(entry.path), inside))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name in nested:
                    late.append(("--ro-bind", entry.path, inside))
                    continue
                watched.append(_stamp(entry.path))  # before the listing: a later change shows in it
                if entry.name not in submounted and _empty_dir(entry.path):
                    mode = os.stat(entry.path, follow_symlinks=False).st_mode
                    early.append(("--perms", f"{mode & 0o7777:04o}", "--dir", inside))
                else:
                    early.append(("--ro-bind", entry.path, inside))
            elif entry.is_file(follow_symlinks=False):
                early.append(("--ro-bind", entry.path, inside))
        settled = all(mtime < started - self._settled_ns for _, _, mtime, _ in watched)
        return _Scan(RootOps(tuple(early), tuple(late)), tuple(watched), self._mounts.generation, settled)


SCANNER = RootScanner()
"""Shared by every sandbox of this process."""
