"""Subprocess helpers: own process group, streamed and capped output, group kill on timeout/cancel."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

KILL_GRACE_S = 0.5
EOF_GRACE_S = 0.3


class CappedOutput:
    """Keeps the first and last ``limit/2`` characters of a stream of any size."""

    def __init__(self, limit: int = 30_000) -> None:
        self.half = limit // 2
        self.head: list[str] = []
        self.head_len = 0
        self.tail = ""
        self.total = 0

    def add(self, text: str) -> None:
        self.total += len(text)
        room = self.half - self.head_len
        if room > 0:
            self.head.append(text[:room])
            self.head_len += min(room, len(text))
            text = text[room:]
        if text:
            self.tail = (self.tail + text)[-self.half :]

    def render(self) -> str:
        head = "".join(self.head)
        omitted = self.total - len(head) - len(self.tail)
        if omitted <= 0:
            return head + self.tail
        return f"{head}\n\n... [{omitted} characters omitted] ...\n\n{self.tail}"


async def _until_exit(proc: asyncio.subprocess.Process) -> None:
    """``proc.wait()`` also waits for the pipes to close; this waits for the process alone."""
    while proc.returncode is None:  # noqa: ASYNC110 - asyncio offers no event for "process exited"
        await asyncio.sleep(0.05)


@dataclass
class ProcessResult:
    """What a finished command left: merged stdout+stderr (capped), its exit status, and whether the
    timeout stopped it (then ``exit_code`` is 124, as GNU ``timeout`` reports)."""

    output: str
    exit_code: int
    timed_out: bool


def kill_group(pid: int) -> None:
    """SIGTERM the whole group, then SIGKILL what is left after a short grace."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    deadline = KILL_GRACE_S
    while deadline > 0:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)
        deadline -= 0.05
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


async def run_shell(
    argv: list[str],
    *,
    cwd: str,
    env: dict[str, str],
    timeout_s: float,
    on_output: Callable[[str], None],
    limit: int = 30_000,
) -> ProcessResult:
    """Run ``argv`` in a new session; stdout+stderr merged, streamed to ``on_output``, capped.

    ``timeout_s`` is in seconds; on timeout, and when the caller is cancelled, the process group is
    killed (SIGTERM, then SIGKILL after a short grace).
    """
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    out = CappedOutput(limit)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    assert proc.stdout is not None
    stdout = proc.stdout

    async def pump() -> None:
        while chunk := await stdout.read(65536):
            text = decoder.decode(chunk)
            if text:
                out.add(text)
                on_output(text)
        tail = decoder.decode(b"", final=True)
        if tail:
            out.add(tail)
            on_output(tail)

    reader = asyncio.create_task(pump())
    exited = asyncio.create_task(_until_exit(proc))
    timed_out = False
    try:
        try:
            async with asyncio.timeout(timeout_s):
                done, _ = await asyncio.wait({reader, exited}, return_when=asyncio.FIRST_COMPLETED)
                if reader in done:
                    await proc.wait()
                else:
                    # The shell is gone but a background job holds stdout open: a moment, then stop.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(reader), EOF_GRACE_S)
        except TimeoutError:
            timed_out = True
    finally:
        exited.cancel()
        await asyncio.to_thread(kill_group, proc.pid)
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
        with contextlib.suppress(Exception):
            await asyncio.wait_for(proc.wait(), 2)
    code = 124 if timed_out else (proc.returncode if proc.returncode is not None else -1)
    return ProcessResult(out.render(), code, timed_out)


async def captured(args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    """(exit code, stdout) of ``args`` run in ``cwd`` with stdin and stderr closed, for short
    commands whose whole output is wanted (rg listings, git plumbing). The process is killed when
    the caller is cancelled."""
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await proc.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise
    return proc.returncode or 0, out
