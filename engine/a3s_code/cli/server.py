"""The resident ``a3s-code`` server: the engine and the provider SDKs imported once, a forked
worker per invocation.

Started by the thin client (``client.py``) as ``python -P -m a3s_code.cli.server --socket PATH``
in its own session. It imports and warms everything a first prompt needs (engine, CLI, the
``anthropic`` and ``openai`` SDKs and their stream validators, a throwaway client of each provider
path), and only then makes its socket appear, atomically, so a client never waits on a half-warm
server. For each connection from the same user (checked with ``SO_PEERCRED``) it forks a worker
that takes the client's argv, working folder, environment and stdin/stdout/stderr file
descriptors and runs the ordinary CLI (``a3s_code.cli.run_here``); the worker reports
``{"pid": N}`` first (the client forwards Ctrl+C and other signals to it) and ``{"exit": CODE}``
last, one JSON object per line. A worker whose client disappears gets SIGHUP, as a process whose
terminal closed does. The server exits after ``A3S_CLI_SERVER_IDLE`` seconds without a client
(default 900), on SIGTERM, or when its socket was replaced; running workers are not affected.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib
import io
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, TextIO

IDLE_S = 900.0
PRELOAD = ("a3s_code.cli.repl", "a3s_code.cli.render")
WARM_CONFIG = """
default_model = "openai/warm-up"
providers {
  name    = "openai"
  api_key = "warm-up"
  models { id = "warm-up" }
}
"""


def preload() -> list[str]:
    """Import and warm what a first prompt of any provider path needs (SDKs, their stream
    validators, the HCL parser's tables, a session's services and tools, built once in a
    throwaway folder); returns what was warmed. Leaves no thread or event loop behind."""
    import asyncio
    import tempfile

    from ..agent import Agent
    from ..llm.deferred import warm_up_all
    from ..options import SessionOptions

    for name in PRELOAD:
        importlib.import_module(name)
    warmed = [*PRELOAD, *warm_up_all()]
    with tempfile.TemporaryDirectory(prefix="a3s-warm-") as folder:
        session = Agent(WARM_CONFIG).session(folder, SessionOptions())
        asyncio.run(session.close_async())
    return [*warmed, "session"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="a3s-code-server")
    parser.add_argument("--socket", required=True, type=Path)
    args = parser.parse_args(argv)
    path: Path = args.socket
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
    idle = float(os.environ.get("A3S_CLI_SERVER_IDLE") or IDLE_S)
    listener = _listen(path)
    mine = os.stat(path).st_ino
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listener.settimeout(min(idle, 30.0))
    last = time.monotonic()
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                if time.monotonic() - last >= idle or not _still_mine(path, mine):
                    return 0
                continue
            last = time.monotonic()
            with conn:
                if not _same_user(conn):
                    continue
                if os.fork() == 0:
                    listener.close()
                    _worker(conn)  # never returns
    finally:
        if _still_mine(path, mine):
            with contextlib.suppress(OSError):
                path.unlink()
        with contextlib.suppress(OSError):
            path.with_suffix(".lock").unlink()  # still held: a server starting now makes a new one


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


def _worker(conn: socket.socket) -> None:
    code = 1
    try:
        request = _receive(conn)
        conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        _become(request)
        threading.Thread(target=_hang_up_when_gone, args=(conn,), daemon=True).start()
        code = _run(request["argv"])
    except BaseException:  # noqa: BLE001 - whatever happens, the client gets an exit status
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
        os._exit(code)


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
    """Take on the client's folder, environment, standard streams and default signal handling."""
    import tempfile

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the CLI waits for its own subprocesses
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setpgid(0, 0)
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
    sys.argv = ["a3s-code", *request["argv"]]


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


def _hang_up_when_gone(conn: socket.socket) -> None:
    """The client holds the connection until it has the exit status; if it closes first (killed,
    its terminal gone), stop as a process whose terminal hung up does."""
    with contextlib.suppress(OSError):
        while conn.recv(1024):
            pass
    os.kill(os.getpid(), signal.SIGHUP)


def _run(argv: list[str]) -> int:
    from . import run_here

    try:
        run_here(argv)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        sys.stderr.write(f"{exc.code}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
