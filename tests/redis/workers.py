"""Worker processes for the tests: ``a3s-code worker`` started for real, its log kept in a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WorkerProcess:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    @classmethod
    def start(
        cls, url: str, workdir: Path, name: str, *extra: str, logs: Path, wait: bool = True
    ) -> WorkerProcess:
        logs.mkdir(parents=True, exist_ok=True)
        log_path = logs / f"{name}.log"
        args = [sys.executable, "-m", "a3s_code.cli", "worker", "--workdir", str(workdir), "--name", name]
        args += ["--heartbeat-ms", "100", "--reclaim-after-ms", "600", *extra]
        env = {**os.environ, "A3S_REDIS_URL": url, "PYTHONUNBUFFERED": "1"}
        with log_path.open("wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        worker = cls(name, proc, log_path)
        if wait:
            worker.wait_for("ready")
        return worker

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.proc.poll() is not None and text not in self.log():
                raise AssertionError(f"worker {self.name} exited ({self.proc.returncode}):\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"worker {self.name} never logged {text!r}:\n{self.log()}")
            time.sleep(0.02)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout: float = 20.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()


def queue_hcl(url: str, timeout_ms: int = 20_000, lane: str = "execute", body: str = "", **extra: Any) -> str:
    """The ``queue`` block of a session whose ``lane`` waits on Redis workers."""
    lines = [
        "queue {",
        '  backend = "redis"',
        f'  url = "{url}"',
        "  execute_max_concurrency = 40",
        "  query_max_concurrency = 40",
        "  enable_dlq = true",
        "  enable_metrics = true",
    ]
    for key, value in extra.items():
        lines.append(f"  {key} = {value}")
    lines += [f"  {line}" for line in body.splitlines()]
    lines += [
        "  lane_handlers {",
        f"    {lane} {{",
        '      mode = "external"',
        f"      timeout_ms = {timeout_ms}",
    ]
    lines += ["    }", "  }", "}", ""]
    return "\n".join(lines)
