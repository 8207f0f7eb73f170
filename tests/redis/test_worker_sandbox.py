"""``a3s-code worker --sandbox bwrap``: the worker's bash runs in bubblewrap, or the worker does not start."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.engine.sandbox.helpers import needs_bwrap
from tests.fakellm import FakeLLM

from .server import RedisServer
from .test_worker import session_for
from .workers import WorkerProcess, queue_hcl


@needs_bwrap
async def test_a_sandboxed_worker_keeps_writes_in_its_workdir(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    laptop, workdir, beside = tmp_path / "laptop", tmp_path / "build-box", tmp_path / "beside"
    for folder in (laptop, workdir, beside):
        folder.mkdir()
    name = f"w-{uuid.uuid4().hex[:8]}"
    escape = beside / f"{name}.txt"
    session = session_for(fake_llm, laptop, queue_hcl(redis_server.url))
    worker = WorkerProcess.start(
        redis_server.url, workdir, name, "--sandbox", "bwrap", logs=tmp_path / "logs"
    )
    try:
        script = f"echo kept > kept.txt; echo x > {escape} || echo REFUSED; echo done"
        result = await session.submit_async("execute", {"tool": "bash", "args": {"command": script}})
    finally:
        worker.close()
    assert "done" in result.output and "REFUSED" in result.output, result.output
    assert (workdir / "kept.txt").read_text() == "kept\n"
    assert not escape.exists(), "a write outside the worker's directory landed on the host"


async def test_a_worker_asked_for_a_sandbox_it_cannot_have_refuses_to_start(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    config = tmp_path / "worker.hcl"
    config.write_text('sandbox {\n  bwrap = "/nonexistent/bwrap"\n}\n')
    worker = WorkerProcess.start(
        redis_server.url, tmp_path, "w-nobwrap", "--sandbox", "bwrap", "--config", str(config),
        logs=tmp_path / "logs", wait=False,
    )  # fmt: skip
    try:
        assert worker.proc.wait(60) != 0
    finally:
        worker.close()
    assert "ready" not in worker.log()
    assert "bwrap" in worker.log(), worker.log()
