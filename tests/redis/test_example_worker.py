"""docs/examples/worker.py, the worker written in Python, runs against a real server as documented."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from a3s_code import Agent
from tests.fakellm import FakeLLM

from .server import RedisServer
from .workers import ROOT, queue_hcl

EXAMPLE = ROOT / "docs" / "examples" / "worker.py"


async def test_the_python_worker_example_runs_what_it_allows(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("hello from notes\n")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(EXAMPLE), "--name", "build-box", "--workdir", str(tmp_path),
        env={**os.environ, "A3S_REDIS_URL": redis_server.url}, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        assert (await asyncio.wait_for(proc.stdout.readline(), 60)).strip() == b"build-box ready"
        hcl = queue_hcl(redis_server.url, lane="execute")
        session = Agent(fake_llm.config(extra=hcl)).session(tmp_path)
        ran, read, refused = await session.submit_batch_async(
            "execute",
            [
                {"command": "echo built > out.txt && cat out.txt"},
                {"tool": "read", "args": {"file_path": str(tmp_path / "notes.txt")}},
                {"tool": "write", "args": {"file_path": "x.txt", "content": "no"}},
            ],
        )
        proc.send_signal(signal.SIGTERM)
        out = (await asyncio.wait_for(proc.communicate(), 30))[0].decode()
    finally:
        if proc.returncode is None:
            proc.kill()
    assert (ran.output.strip(), ran.metadata["worker"]) == ("built", "build-box")
    assert "hello from notes" in read.output
    assert refused.is_error and "runs bash and read only, not 'write'" in refused.output
    assert not (tmp_path / "x.txt").exists()
    assert proc.returncode == 0 and "build-box stopped after 3 task(s)" in out
