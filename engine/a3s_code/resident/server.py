"""A resident server: a program's modules imported once, a forked worker per invocation.

Started by the thin client (``client.py``) as ``python -P -m <program's server module> --socket
PATH`` in its own session; that module calls ``serve_forever`` with the program's ``preload``
(import and warm everything a first request needs) and ``run`` (the ordinary program, run in this
process). Only once warm does the socket appear, atomically, so a client never waits on a half-warm
server. For each connection from the same user (checked with ``SO_PEERCRED``) it forks a worker
that takes the client's argv, working folder, environment and stdin/stdout/stderr file
descriptors and calls ``run``. Wire format, one JSON object per line to the client: ``{"pid": N}``
from the worker first (the client forwards Ctrl+C and other signals to it), ``{"exit": CODE}``
from the server last, once it has reaped the worker (a worker killed by signal N reports 128+N,
as a shell does). A worker whose client disappears gets SIGHUP, as a process whose terminal closed
does (and SIGCONT, should it be stopped with its client). The server exits after ``A3S_SERVER_IDLE`` seconds without a client or a worker (default
900), or when its socket was replaced; on SIGTERM it stops taking clients at once and exits when its
last worker has.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import gc
import io
import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

IDLE_S = 900.0
TICK_S = 30.0


def main(
    preload: Callable[[], object], run: Callable[[list[str]], None], argv: list[str] | None = None
) -> int:
    """A server module's entry point: ``--socket PATH``, then ``serve_forever``."""
    parser = argparse.ArgumentParser(prog="a3s-resident-server")
    parser.add_argument("--socket", required=True, type=Path)
    return serve_forever(parser.parse_args(argv).socket, preload, run)


def serve_forever(path: Path, preload: Callable[[], object], run: Callable[[list[str]], None]) -> int:
    """Serve ``path`` until idle; 0 when another server holds it or this one ended normally, 1
    when warming up failed (the reason is left in ``<path>.failed`` for clients)."""
    lock = open(path.with_suffix(".lock"), "a+")  # noqa: SIM115 - held for the server's lifetime
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another server for this socket is starting or running
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    failed = path.with_suffix(".failed")
    try:
        preload()
    except Exception as exc:  # recorded for clients, so they stop starting servers that cannot run
        failed.write_text(f"warming up failed: {type(exc).__name__}: {exc}\n")
        return 1
    if threading.active_count() != 1:  # forking with other threads alive could copy a held lock
        names = ", ".join(t.name for t in threading.enumerate())
        failed.write_text(f"warming up left threads running ({names}); forking would be unsafe\n")
        return 1
    with contextlib.suppress(FileNotFoundError):
        failed.unlink()
    # What is loaded now stays out of the workers' garbage collections: they do not walk (and so
    # do not copy) the server's hundreds of thousands of objects, whose pages stay shared.
    gc.freeze()
    idle = float(os.environ.get("A3S_SERVER_IDLE") or IDLE_S)
    server = _Server(path, lock, run, idle)
    _stop_stale(path)
    server.loop()
    return 0


def _stop_stale(path: Path) -> None:
    """Stop the servers of this program and installation in an older state (sources edited,
    packages upgraded): no client reaches them any more, and each would hold its memory until idle.
    They finish their running workers first (SIGTERM)."""
    from .control import holder

    program_and_installation = path.stem.rsplit("-", 1)[0]
    for lock in path.parent.glob(f"{program_and_installation}-*.lock"):
        if lock.stem == path.stem:
            continue
        pid = holder(lock.with_suffix(".sock"))
        if pid is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)


class _Server:
    def __init__(self, path: Path, lock: Any, run: Callable[[list[str]], None], idle: float) -> None:
        self.path = path
        self.lock = lock
        self.run = run
        self.idle = idle
        self.listener: socket.socket | None = _listen(path)
        self.inode = os.stat(path).st_ino
        self.workers: dict[int, socket.socket] = {}  # worker pid -> its client's connection
        self.stopping = False
        wake_read, wake_write = socket.socketpair()
        wake_read.setblocking(False)
        wake_write.setblocking(False)
        self.wake = wake_read
        signal.set_wakeup_fd(wake_write.fileno())
        self._wake_write = wake_write  # kept alive: the wakeup fd must stay open
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so SIGCHLD writes to the wakeup fd
        signal.signal(signal.SIGTERM, self._stop)
        # Workers' connections are watched for their client hanging up only (POLLRDHUP: never
        # readable, so the server cannot take bytes meant for the worker).
        self.poll = select.poll()
        self.poll.register(self.listener, select.POLLIN)
        self.poll.register(self.wake, select.POLLIN)
        self.watched: dict[int, int] = {}  # a watched connection's fd -> its worker's pid

    def loop(self) -> None:
        last = time.monotonic()
        try:
            while not (self.stopping and not self.workers):
                for fd, _events in self.poll.poll(min(self.idle, TICK_S) * 1000):
                    if fd == self.wake.fileno():
                        with contextlib.suppress(OSError):
                            self.wake.recv(4096)
                    elif self.listener is not None and fd == self.listener.fileno():
                        self._accept(self.listener)
                        last = time.monotonic()
                    elif fd in self.watched:
                        self._hang_up(fd)
                if self.stopping:
                    self._close_listener()
                self._reap()
                if self.workers:
                    last = time.monotonic()
                elif time.monotonic() - last >= self.idle or not _still_mine(self.path, self.inode):
                    return
        finally:
            self._close_listener()

    def _accept(self, listener: socket.socket) -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        if not _same_user(conn):
            conn.close()
            return
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            for held in (listener, self.wake, self._wake_write, *self.workers.values()):
                held.close()  # the worker keeps its own client's connection only
            self.lock.close()
            _worker(conn, self.run)  # never returns
        self.workers[pid] = conn
        self.poll.register(conn, select.POLLRDHUP)
        self.watched[conn.fileno()] = pid

    def _hang_up(self, fd: int) -> None:
        """The client of the worker on ``fd`` is gone (killed, its terminal closed): SIGHUP, as a
        process whose terminal hung up gets, and SIGCONT, so a worker stopped with its client
        (Ctrl+Z) wakes to take it."""
        self.poll.unregister(fd)
        pid = self.watched.pop(fd)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGHUP)
            os.kill(pid, signal.SIGCONT)

    def _reap(self) -> None:
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.workers.pop(pid, None)
            if conn is None:
                continue
            if self.watched.pop(conn.fileno(), None) is not None:
                self.poll.unregister(conn)
            code = os.waitstatus_to_exitcode(status)
            with contextlib.suppress(OSError), conn:
                conn.sendall(json.dumps({"exit": 128 - code if code < 0 else code}).encode() + b"\n")

    def _stop(self, *_: object) -> None:
        """SIGTERM: no new clients (the loop closes the socket and the lock, so a new server may
        start); running workers finish and get their exit status reported. Only a flag here: the
        handler can run inside ``poll()``, whose set must not change under it."""
        self.stopping = True

    def _close_listener(self) -> None:
        if self.listener is None:
            return
        with contextlib.suppress(KeyError, ValueError):
            self.poll.unregister(self.listener)
        self.listener.close()
        self.listener = None
        if _still_mine(self.path, self.inode):
            with contextlib.suppress(OSError):
                self.path.unlink()
        with contextlib.suppress(OSError):
            self.path.with_suffix(".lock").unlink()  # still held: a server starting now makes a new one
        self.lock.close()


def _listen(path: Path) -> socket.socket:
    """Bind under a temporary name and rename it into place: clients see a ready socket or none."""
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.fspath(staging))
    os.chmod(staging, 0o600)
    listener.listen(64)
    os.rename(staging, path)
    return listener


def _still_mine(path: Path, inode: int) -> bool:
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


def _same_user(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


# --- the forked worker --------------------------------------------------------------------------


def _worker(conn: socket.socket, run: Callable[[list[str]], None]) -> None:
    code = 1
    try:
        request = _receive(conn)
        conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        _become(request)
        code = _run(run, request["argv"])
    except BaseException:  # noqa: BLE001 - whatever happens, the exit status reaches the client
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)  # the server reaps this process and reports the status


def _receive(conn: socket.socket) -> dict[str, Any]:
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    if len(fds) != 3:
        raise RuntimeError("the client did not pass stdin, stdout and stderr")
    while len(data) < 4:
        data += _more(conn)
    (size,) = struct.unpack("!I", data[:4])
    while len(data) < 4 + size:
        data += _more(conn)
    request: dict[str, Any] = json.loads(data[4 : 4 + size])
    request["fds"] = fds
    return request


def _more(conn: socket.socket) -> bytes:
    chunk = conn.recv(1 << 16)
    if not chunk:
        raise RuntimeError("the client went away mid-request")
    return chunk


def _become(request: dict[str, Any]) -> None:
    """Take on the client's folder, environment, standard streams, umask, resource limits and
    priority, and default signal handling."""
    import tempfile

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the CLI waits for its own subprocesses
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Not what the server inherited from whoever started it (nohup, a background job): a worker
    # ends on the hang-up the server sends when its client dies, and on a forwarded SIGQUIT.
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    os.setpgid(0, 0)
    os.umask(int(request.get("umask", 0o022)))
    for name, (soft, hard) in (request.get("limits") or {}).items():
        with contextlib.suppress(AttributeError, ValueError, OSError):  # above our own hard limit
            resource.setrlimit(getattr(resource, name), (soft, hard))
    with contextlib.suppress(OSError):  # a lower priority, never a higher one than the server's
        os.setpriority(
            os.PRIO_PROCESS, 0, max(int(request.get("nice", 0)), os.getpriority(os.PRIO_PROCESS, 0))
        )
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None  # recomputed from the client's TMPDIR
    for target, fd in enumerate(request["fds"]):
        os.dup2(fd, target)
        os.close(fd)
    settings = request.get("streams") or [None, None, None]
    sys.stdin = _text(0, "r", settings[0])
    sys.stdout = _text(1, "w", settings[1])
    sys.stderr = _text(2, "w", settings[2], errors="backslashreplace")
    sys.argv = [str(request.get("argv0") or sys.argv[0]), *request["argv"]]


def _text(fd: int, mode: str, settings: dict[str, str] | None, errors: str | None = None) -> TextIO:
    chosen = settings or {}
    raw = io.FileIO(fd, mode, closefd=False)
    buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(
        buffered,
        encoding=chosen.get("encoding", "utf-8"),
        errors=errors or chosen.get("errors", "strict"),
        line_buffering=os.isatty(fd) or fd == 2,
    )


def _run(run: Callable[[list[str]], None], argv: list[str]) -> int:
    try:
        run(argv)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        sys.stderr.write(f"{exc.code}\n")
        return 1
    return 0
