"""``a3s-code server status|start|stop`` (and ``a3s-lsp server ...``): look after a program's
resident server (see ``client.py``)."""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import signal
import sys
import time
from pathlib import Path

from . import client


def main(argv: list[str], program: client.Program) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{program.name} server",
        description=f"The resident server keeps {program.name}'s modules and the provider SDKs loaded, "
        "so an invocation starts without a second of imports. It starts on first use and exits after "
        f"A3S_SERVER_IDLE seconds (default 900) without a client; {program.mode_env}=0 turns it off.",
    )
    parser.add_argument("action", choices=["status", "start", "stop"])
    action = parser.parse_args(argv).action
    folder = client.runtime_dir()
    if folder is None:
        sys.stderr.write(f"{program.name} server: no private folder for the socket (see docs/cli.md)\n")
        return 2
    path = client.socket_path(folder, program)
    if action == "start":
        sock = client.connect(path)
        if sock is None:
            client.spawn_server(path, program)
            sock = client.wait_for(path)
        if sock is None:
            why = client.recent_failure(path) or f"it did not start within {client.START_WAIT_S:g}s"
            sys.stderr.write(f"{program.name} server: {why}\n")
            return 1
        sock.close()
        sys.stdout.write(f"running: {path} (pid {holder(path) or '?'})\n")
        return 0
    if action == "stop":
        stopped = [pid for lock in sorted(folder.glob(f"{program.name}-*.lock")) if (pid := _stop(lock))]
        listed = f": pid {', '.join(map(str, stopped))}" if stopped else ""
        sys.stdout.write(f"stopped {len(stopped)} server(s){listed}\n")
        return 0
    pid = holder(path)
    sys.stdout.write(
        f"running: {path} (pid {pid})\n" if pid else f"not running (its socket would be {path})\n"
    )
    return 0


def holder(path: Path) -> int | None:
    """The pid of the server holding ``path``'s lock, or None when no server holds it."""
    try:
        with open(path.with_suffix(".lock")) as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return int(lock.read().strip() or 0) or None
            return None  # nobody holds it
    except (OSError, ValueError):
        return None


def _stop(lock: Path) -> int | None:
    pid = holder(lock.with_suffix(".sock"))
    if pid is None:
        return None
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if holder(lock.with_suffix(".sock")) is None:
            break
        time.sleep(0.05)
    return pid
