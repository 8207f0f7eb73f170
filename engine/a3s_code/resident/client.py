"""The thin side of a resident server: hand this invocation to a warm server.

A cold ``a3s-code`` or ``a3s-lsp`` spends one to two seconds importing the engine, a provider SDK
(and the daemon's LSP stack) before it can do anything. A resident server (``server.py``) has
imported them once; for each invocation it forks a worker that runs the ordinary program with this
process's argv, working folder, environment and its very stdin/stdout/stderr (passed as file
descriptors, ``SCM_RIGHTS``, as Mercurial's ``chg`` does), so what the user or the editor sees is
the same as an in-process run, terminal, pipes and Ctrl+C included. This module imports nothing
beyond the standard library's basics, so the client costs a few milliseconds.

Settings (environment), for each ``Program``:

- its mode variable (``A3S_CLI_SERVER`` for ``a3s-code``, ``A3S_LSP_SERVER`` for ``a3s-lsp``):
  ``auto`` (default: use a running server, else run here and start one in the background for the
  next invocation), ``require`` (start one and wait for it; fail if none can serve) or
  ``0``/``off`` (never);
- ``A3S_SERVER_DIR``: the folder of the servers' sockets (default ``$XDG_RUNTIME_DIR/a3s``, else
  ``$TMPDIR/a3s-<uid>``). It must be the user's own, mode 0700; otherwise nothing is served;
- ``A3S_SERVER_IDLE``: seconds a server stays without a client before it exits (default 900).

A server serves one installation: its socket's name carries a fingerprint of the interpreter, the
program's source files and the installed packages, so after an upgrade a new server starts and the
old one idles out.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import resource
import signal
import site
import socket
import stat
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

SERVED_FDS = (0, 1, 2)
IMPORT_ENV = ("PYTHONPATH", "PYTHONHOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "DEFER_PYDANTIC_BUILD")
"""Variables read while the server imports (kept fixed for its lifetime): part of its fingerprint."""
START_WAIT_S = 60.0
FAILURE_MEMORY_S = 3600.0
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGWINCH)
LIMITS = (
    "RLIMIT_NOFILE",
    "RLIMIT_NPROC",
    "RLIMIT_CORE",
    "RLIMIT_FSIZE",
    "RLIMIT_AS",
    "RLIMIT_CPU",
    "RLIMIT_STACK",
)
"""Resource limits the worker takes from the client (as far as the server's own hard limits allow)."""


class Program(NamedTuple):
    """A program a resident server can run: ``name`` prefixes its socket, ``mode_env`` names its
    mode variable, ``server_module`` is run with ``python -P -m`` to start a server, and the
    ``packages`` (import names) are the sources its fingerprint covers."""

    name: str
    mode_env: str
    server_module: str
    packages: tuple[str, ...]


class ServerUnavailable(Exception):
    """Require mode, and no server can serve this invocation; the message says why."""


def mode(program: Program) -> str:
    """``auto``, ``require`` or ``off`` from the program's variable (unknown values: ``auto``)."""
    value = os.environ.get(program.mode_env, "auto").strip().lower()
    if value in ("0", "off", "no", "false", "never"):
        return "off"
    return "require" if value in ("require", "always") else "auto"


def runtime_dir() -> Path | None:
    """The socket folder, created 0700 if missing; None unless it is a real folder of this user's
    that nobody else can enter (a socket there is then reachable by this user alone)."""
    chosen = os.environ.get("A3S_SERVER_DIR")
    if chosen:
        folder = Path(chosen)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "a3s"
    else:
        folder = Path(os.environ.get("TMPDIR") or "/tmp") / f"a3s-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, parents=bool(chosen), exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def fingerprint(program: Program) -> str:
    """``<installation>-<state>`` (8 and 12 hex digits) naming a server: the installation is the
    interpreter and where the program's packages live; its state the newest mtime of their sources,
    the installed packages and the variables read at import (``IMPORT_ENV``). A server that finds
    another of its installation in an older state stops it (``server.py``)."""
    installation = hashlib.sha256(f"{sys.executable}\0{sys.version}\0".encode())
    state = hashlib.sha256()
    for package in program.packages:
        spec = importlib.util.find_spec(package)
        folder = os.path.dirname(spec.origin) if spec is not None and spec.origin else None
        installation.update(f"{folder}\0".encode())
        newest = 0
        for parent, subfolders, files in os.walk(folder) if folder else ():
            subfolders[:] = [d for d in subfolders if d != "__pycache__"]
            for name in files:
                if name.endswith(".py"):
                    newest = max(newest, os.stat(os.path.join(parent, name)).st_mtime_ns)
        state.update(f"{newest}\0".encode())
    for folder_name in site.getsitepackages():
        try:
            state.update(f"{folder_name}\0{os.stat(folder_name).st_mtime_ns}\0".encode())
        except OSError:
            continue
    for name in IMPORT_ENV:
        state.update(f"{name}={os.environ.get(name)}\0".encode())
    return f"{installation.hexdigest()[:8]}-{state.hexdigest()[:12]}"


def socket_path(folder: Path, program: Program) -> Path:
    return folder / f"{program.name}-{fingerprint(program)}.sock"


def connect(path: Path) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(os.fspath(path))
    except OSError:
        sock.close()
        return None
    return sock


def spawn_server(path: Path, program: Program) -> None:
    """Start a server for ``path`` in its own session, detached from this terminal. A second one
    started meanwhile exits at once (the first holds the lock)."""
    import subprocess

    subprocess.Popen(
        [sys.executable, "-P", "-m", program.server_module, "--socket", os.fspath(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd="/",
        start_new_session=True,
        close_fds=True,
    )


def recent_failure(path: Path) -> str | None:
    """Why the last server of this installation failed to start, within the last hour."""
    marker = path.with_suffix(".failed")
    try:
        if time.time() - marker.stat().st_mtime < FAILURE_MEMORY_S:
            return marker.read_text().strip()
    except OSError:
        pass
    return None


def wait_for(path: Path, timeout: float = START_WAIT_S) -> socket.socket | None:
    """A connection to the server at ``path`` once it is up; None after ``timeout`` seconds or as
    soon as a server started since this call records that it failed."""
    since = time.time()
    deadline = time.monotonic() + timeout
    marker = path.with_suffix(".failed")
    while time.monotonic() < deadline:
        sock = connect(path)
        if sock is not None:
            return sock
        with contextlib.suppress(OSError):
            if marker.stat().st_mtime >= since:
                return None
        time.sleep(0.05)
    return None


def serve(argv: list[str], program: Program) -> int | None:
    """Run ``program argv`` through its resident server: the exit status, or None when this
    process should run it itself (serving is off, unavailable, or the server is still starting).

    Raises ``ServerUnavailable`` in ``require`` mode when no server can serve it.
    """
    chosen = mode(program)
    if chosen == "off":
        return None
    try:
        sock = _server_socket(program, chosen == "require")
    except ServerUnavailable:
        if chosen == "require":
            raise
        return None
    if sock is None:
        return None
    with sock:
        code = _run_through(sock, argv, program)
    if code is None and chosen == "require":
        raise ServerUnavailable("the server did not take the invocation (a closed standard stream?)")
    return code


def main(
    args_in: list[str], program: Program, run_here: Callable[[list[str]], None], served: bool
) -> NoReturn:
    """A program's entry point: ``PROGRAM server status|start|stop`` looks after its resident
    server; otherwise, when the invocation may be ``served``, the server runs it if one can, else
    ``run_here`` does. Exits with the status; 2 when require mode finds no server."""
    if args_in[:1] == ["server"]:
        from .control import main as server_control

        raise SystemExit(server_control(args_in[1:], program))
    if served:
        try:
            code = serve(args_in, program)
        except ServerUnavailable as exc:
            sys.stderr.write(f"{program.name}: {program.mode_env}=require, but {exc}\n")
            raise SystemExit(2) from None
        if code is not None:
            raise SystemExit(code)
    run_here(args_in)
    raise SystemExit(0)


def _server_socket(program: Program, wait: bool) -> socket.socket | None:
    if os.name != "posix" or not hasattr(socket, "send_fds"):
        raise ServerUnavailable("the resident server needs a POSIX system with Unix sockets")
    folder = runtime_dir()
    if folder is None:
        raise ServerUnavailable(
            "no private folder for the server's socket (A3S_SERVER_DIR, $XDG_RUNTIME_DIR/a3s or "
            "$TMPDIR/a3s-<uid> must be this user's own, mode 0700)"
        )
    path = socket_path(folder, program)
    if len(os.fsencode(path)) > 100:  # sun_path holds 108 bytes
        raise ServerUnavailable(f"the socket path is too long for a Unix socket: {path}")
    sock = connect(path)
    if sock is not None:
        return sock
    failure = recent_failure(path)
    if failure:
        raise ServerUnavailable(
            f"the last server could not start: {failure} (see {path.with_suffix('.failed')})"
        )
    spawn_server(path, program)
    if not wait:
        return None
    sock = wait_for(path)
    if sock is None:
        why = recent_failure(path) or f"it did not start within {START_WAIT_S:g}s"
        raise ServerUnavailable(f"the server could not start: {why} ({path})")
    return sock


def _run_through(sock: socket.socket, argv: list[str], program: Program) -> int | None:
    request = json.dumps(
        {
            "argv": argv,
            "argv0": sys.argv[0],
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "streams": [_stream_settings(s) for s in (sys.stdin, sys.stdout, sys.stderr)],
            "umask": _umask(),
            "limits": {name: list(resource.getrlimit(getattr(resource, name))) for name in LIMITS},
            "nice": os.getpriority(os.PRIO_PROCESS, 0),
        }
    ).encode()
    data = struct.pack("!I", len(request)) + request
    try:
        sent = socket.send_fds(sock, [data], list(SERVED_FDS))
        sock.sendall(data[sent:])
    except OSError:  # a closed stdin/stdout, or the server went away: run here instead
        return None
    replies = sock.makefile("rb")
    first = _reply(replies)
    if first is None or "pid" not in first:
        return None  # the server refused before starting anything: nothing ran
    worker = int(first["pid"])
    previous = {
        sig: signal.signal(sig, lambda signum, _frame: _forward(worker, signum))
        for sig in FORWARDED_SIGNALS
        # nohup: a hang-up this process ignores, the program run here would have ignored too. (Not
        # so SIGINT: a background job starts with it ignored, and the REPL handles it regardless.)
        if not (sig == signal.SIGHUP and signal.getsignal(sig) is signal.SIG_IGN)
    }
    # Job control: Ctrl+Z stops the worker with this process; `fg` (SIGCONT) resumes both.
    previous[signal.SIGTSTP] = signal.signal(signal.SIGTSTP, lambda *_: _suspend(worker))
    previous[signal.SIGCONT] = signal.signal(signal.SIGCONT, lambda *_: _forward(worker, signal.SIGCONT))
    try:
        while True:
            reply = _reply(replies)
            if reply is None:
                sys.stderr.write(f"{program.name}: the resident server ended without an exit status\n")
                return 1
            if "exit" in reply:
                return int(reply["exit"])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _suspend(worker: int) -> None:
    _forward(worker, signal.SIGSTOP)
    os.kill(os.getpid(), signal.SIGSTOP)


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _forward(pid: int, signum: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signum)


def _reply(replies: Any) -> dict[str, Any] | None:
    while True:
        try:
            line = replies.readline()
        except InterruptedError:
            continue
        except OSError:
            return None
        if not line:
            return None
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


def _stream_settings(stream: Any) -> dict[str, str] | None:
    if stream is None:
        return None
    return {
        "encoding": getattr(stream, "encoding", None) or "utf-8",
        "errors": getattr(stream, "errors", None) or "strict",
    }
