"""Run the real ``a3s-code`` executable: piped, or on a pseudo-terminal for the REPL."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

A3S_CODE = str(Path(sys.executable).parent / "a3s-code")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def cli_env(home: Path, config: Path | None = None, **extra: str) -> dict[str, str]:
    """A clean environment: HOME isolated (no ~/.a3s), no colour variables, no inherited config."""
    env = {k: v for k, v in os.environ.items() if k not in {"A3S_CONFIG", "NO_COLOR", "FORCE_COLOR"}}
    env["HOME"] = str(home)
    env.pop("ANTHROPIC_API_KEY", None)
    env.pop("OPENAI_API_KEY", None)
    if config is not None:
        env["A3S_CONFIG"] = str(config)
    env.update(extra)
    return env


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [A3S_CODE, *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout
    )


class PtyProcess:
    """A child whose controlling terminal is a pty we hold, so typing ^C really sends SIGINT."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.master, slave = os.openpty()

        def become_terminal_owner() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, preexec_fn=become_terminal_owner
        )
        os.close(slave)
        self.buffer = ""
        self._seen = 0

    def _pump(self, wait: float) -> None:
        ready, _, _ = select.select([self.master], [], [], wait)
        if ready:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            self.buffer += data.decode("utf-8", "replace")

    def expect(self, pattern: str, timeout: float = 30) -> str:
        """Wait for ``pattern`` (regex) in output after the last match; returns the text up to it."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            plain = ANSI.sub("", self.buffer)
            match = regex.search(plain, self._seen)
            if match:
                text = plain[self._seen : match.end()]
                self._seen = match.end()
                return text
            if (
                time.monotonic() > deadline
                or self.proc.poll() is not None
                and not select.select([self.master], [], [], 0)[0]
            ):
                raise AssertionError(f"{pattern!r} not seen; output so far:\n{plain}")
            self._pump(0.1)

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"condition not met; output so far:\n{self.buffer}"
            self._pump(0.05)

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._pump(0.1)
        return self.proc.wait(timeout=1)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)
