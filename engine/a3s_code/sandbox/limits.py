"""Resource limits for one sandboxed call, in place (hard and soft) before the command starts; the
command, without capabilities, cannot raise them.

A normal user's command runs as ``prlimit --data=.. --nproc=.. --core=0 -- bash -c COMMAND`` inside the
sandbox (util-linux's ``prlimit``, or bash's own ``ulimit`` then ``exec bash -c`` where an image has
no prlimit): RLIMIT_NPROC has to be set inside the new user namespace (below). A root daemon starts
bwrap from a shell that sets the memory and core limits and joins the call's pids cgroup (``as_root``).

- Memory: ``RLIMIT_DATA`` = ``memory_mb`` per process (heap and private mappings; an allocation past it
  fails, so the program dies with MemoryError / "Cannot allocate memory"). ``RLIMIT_AS`` is not used:
  runtimes such as V8 and Go reserve large address ranges they never touch.
- Processes: ``RLIMIT_NPROC``. Since Linux 5.14 it is counted per user namespace, so inside the
  sandbox's fresh namespace it counts only the call's own processes and threads. The kernel never
  applies it to the global root user (kernel/fork.c), so when the daemon runs as root the cap is a
  ``pids.max`` cgroup instead (cgroup v2, or the v1 ``pids`` hierarchy), one per call, which bwrap
  is started in (``as_root``).
- ``RLIMIT_CORE`` = 0: a crashing command leaves no core file in the workspace.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .base import SandboxError, SandboxUnavailableError

MIB = 1024 * 1024
_counter = itertools.count()


@dataclass(frozen=True)
class Limits:
    memory_mb: int | None
    max_processes: int
    """0: no cap."""
    cpus: int | None = None


def needs_cgroup(limits: Limits) -> bool:
    """RLIMIT_NPROC binds everyone but the global root user."""
    return limits.max_processes > 0 and os.geteuid() == 0


def find_pids_hierarchy(mountinfo: str | None = None) -> Path | None:
    """A cgroup folder where we may create children with a ``pids.max``; None when there is none.

    ``mountinfo`` is ``/proc/self/mountinfo`` (format: proc(5)); tests pass their own. A cgroup v1
    ``pids`` hierarchy is preferred; on cgroup v2 the root's ``cgroup.subtree_control`` gets ``+pids``
    when it lacks it (allowed at the root even with processes in it, cgroup-v2.rst "No Internal
    Process Constraint").
    """
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text()
        except OSError:
            return None
    v1: Path | None = None
    v2: Path | None = None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        mount_point, fstype, super_options = Path(fields[4]), tail[0], tail[2]
        if fstype == "cgroup" and "pids" in super_options.split(","):
            v1 = v1 or mount_point
        elif fstype == "cgroup2" and v2 is None:
            v2 = mount_point
    if v1 is not None and os.access(v1, os.W_OK):
        return v1
    if v2 is not None and _v2_has_pids(v2):
        return v2
    return None


def _v2_has_pids(root: Path) -> bool:
    try:
        if "pids" not in (root / "cgroup.controllers").read_text().split():
            return False
        if "pids" not in (root / "cgroup.subtree_control").read_text().split():
            (root / "cgroup.subtree_control").write_text("+pids")
        return os.access(root, os.W_OK)
    except OSError:
        return False


class PidsCgroup:
    """One call's ``pids`` cgroup: created, bwrap started in it (``as_root``), removed after the call."""

    def __init__(self, hierarchy: Path) -> None:
        self.path = hierarchy / f"a3s-sandbox-{os.getpid()}-{next(_counter)}"
        self._v1 = (hierarchy / "tasks").exists()

    def create(self, max_processes: int) -> None:
        try:
            self.path.mkdir()
            (self.path / "pids.max").write_text(str(max_processes))
        except OSError as exc:
            self.remove()
            raise SandboxError(f"cannot create the process-cap cgroup {self.path}: {exc}") from exc

    @property
    def procs(self) -> Path:
        """Writing a pid here moves that process (and its future children) into the cgroup."""
        return self.path / "cgroup.procs"

    @property
    def join_file(self) -> Path:
        """Where a single-threaded process writes ``0`` to move itself (and its future children) in:
        cgroup v1's ``tasks``, else ``cgroup.procs``.

        Writing a pid, or writing to ``cgroup.procs``, takes the kernel's global
        ``cgroup_threadgroup_rwsem`` for writing, which waits for an RCU grace period: 10 to 15 ms
        per call on this project's CI machine. A thread moving itself through ``tasks`` skips that
        lock (kernel/cgroup/cgroup.c, ``cgroup_procs_write_start``: "If we migrate a single thread,
        we don't care about threadgroup stability ... we can skip the global lock"); measured 0.5 ms.
        cgroup v2 moves single threads only within a threaded subtree, so there ``cgroup.procs``
        (with its lock) stays."""
        return self.path / ("tasks" if self._v1 else "cgroup.procs")

    def remove(self) -> None:
        """Remove it now if it is empty; otherwise kill what is left (the namespace's last processes
        may still be dying) and retry from a background thread for up to 2 s (an empty cgroup left
        behind is harmless)."""
        if self._try_remove():
            return
        threading.Thread(target=self._remove_patiently, name="a3s-cgroup-cleanup", daemon=True).start()

    def _try_remove(self) -> bool:
        try:
            self.path.rmdir()
        except FileNotFoundError:
            return True
        except OSError:
            for pid in self._members():
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            return False
        return True

    def _remove_patiently(self) -> None:
        for _ in range(100):
            time.sleep(0.02)
            if self._try_remove():
                return

    def _members(self) -> list[int]:
        try:
            return [int(p) for p in self.procs.read_text().split()]
        except (OSError, ValueError):
            return []


def check_process_cap(limits: Limits) -> Path | None:
    """The cgroup hierarchy the cap needs (None when rlimits suffice); raises when the cap can't hold."""
    if not needs_cgroup(limits):
        return None
    hierarchy = find_pids_hierarchy()
    if hierarchy is None:
        raise SandboxUnavailableError(
            "the sandbox's process cap cannot be enforced: the daemon runs as root, where the kernel "
            "ignores RLIMIT_NPROC, and no writable cgroup with the pids controller was found",
            "run as a normal user, or give the daemon a writable cgroup (cgroup v2 with the pids "
            "controller), or set max_processes = 0 in the sandbox block to run without a process cap",
        )
    sweep(hierarchy)
    return hierarchy


def sweep(hierarchy: Path) -> None:
    """Remove empty per-call cgroups that daemons which have since exited left behind."""
    for folder in hierarchy.glob("a3s-sandbox-*-*"):
        try:
            owner = int(folder.name.split("-")[2])
            os.kill(owner, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                folder.rmdir()
        except PermissionError:
            continue


def as_root(argv: list[str], limits: Limits, cgroup: PidsCgroup | None) -> list[str]:
    """For a daemon running as root: ``argv`` (bwrap) started by a shell that first sets the memory and
    core limits (root's rlimits other than RLIMIT_NPROC hold, and bwrap passes them on) and joins
    ``cgroup``, then execs it (same pid). The command then needs no limiter of its own.

    The shell (single-threaded) moves itself in by writing ``0`` to ``PidsCgroup.join_file``, before
    bwrap creates its namespaces: on cgroup v1 that avoids the kernel's global migration lock
    (``echo $$ > cgroup.procs`` cost 10 to 15 ms per call, and more while network namespaces of
    earlier calls were being torn down); moving bwrap's child later, once it is in new namespaces,
    took over 10 ms per call."""
    steps = ["ulimit -c 0"]
    if limits.memory_mb:
        steps.append(f"ulimit -d {limits.memory_mb * 1024}")
    if cgroup is not None:
        steps.append('echo 0 > "$0"')
    script = " && ".join(steps) + ' && exec "$@"'
    return ["/bin/sh", "-c", script, str(cgroup.join_file) if cgroup else "sh", *argv]


@dataclass(frozen=True)
class Limiter:
    """The programs that set limits inside the sandbox, as paths seen from inside it."""

    prlimit: str | None
    taskset: str | None

    @classmethod
    def find(cls, root: Path) -> Limiter:
        """Look in ``root`` (the host's ``/`` or an image folder) without following its symlinks out."""

        def look(name: str) -> str | None:
            for folder in ("usr/bin", "bin", "usr/sbin", "sbin", "usr/local/bin"):
                if os.path.lexists(root / folder / name):
                    return f"/{folder}/{name}"
            return None

        return cls(look("prlimit"), look("taskset"))

    def command(self, limits: Limits, command: str, *, inside: bool = True) -> list[str]:
        """The argv that runs ``bash -c command`` under ``limits``; with ``inside=False`` (a root
        daemon) only ``cpus`` is applied here, the rest having been set outside (``as_root``)."""
        argv: list[str] = []
        if limits.cpus:
            if self.taskset is None:
                raise SandboxError("cpus needs taskset (util-linux) in the sandbox's root")
            allowed = sorted(os.sched_getaffinity(0))[: limits.cpus]
            argv += [self.taskset, "--cpu-list", ",".join(map(str, allowed))]
        if not inside:
            return [*argv, "bash", "-c", command]
        data = (limits.memory_mb or 0) * MIB
        if self.prlimit is not None:
            argv += [self.prlimit, "--core=0:0"]
            argv += [f"--data={data}:{data}"] if data else []
            argv += [f"--nproc={limits.max_processes}:{limits.max_processes}"] if limits.max_processes else []
            return [*argv, "--", "bash", "-c", command]
        flags = ["-c", "0"]
        flags += ["-d", str(data // 1024)] if data else []
        flags += ["-u", str(limits.max_processes)] if limits.max_processes else []
        shell = f'ulimit -H -S {" ".join(flags)} || exit 126; exec bash -c "$0"'
        return [*argv, "bash", "-c", shell, command]
