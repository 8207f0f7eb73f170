"""A ``bash`` call a Redis worker process ran is checkpointed and rewound like a local one."""

from __future__ import annotations

from pathlib import Path

from a3s_code import Agent
from tests.engine.test_rewind import tree
from tests.engine.test_rewind_bash import DELETED, EDITED, SCRIPT
from tests.fakellm import FakeLLM, Turn

from .server import RedisServer
from .test_external_lanes import results_of
from .workers import WorkerProcess, queue_hcl


async def test_rewind_restores_what_a_redis_worker_changed(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "edited.py").write_bytes(EDITED)
    (ws / "gone.bin").write_bytes(DELETED)
    start = tree(ws)
    worker = WorkerProcess.start(redis_server.url, ws, "box-1", logs=tmp_path / "logs")
    try:
        fake_llm.add(Turn.tool_call("bash", {"command": SCRIPT}), Turn.text("done"))
        session = Agent(fake_llm.config(extra=queue_hcl(redis_server.url))).session(ws)
        await session.send_async("shell, on a worker")
        assert (ws / "created.txt").exists() and not (ws / "gone.bin").exists()
        assert len(results_of(redis_server, session)) == 1  # the worker ran it, not this process
        report = await session.rewind_async(1)
    finally:
        worker.close()
    assert sorted(report.restored) == ["created.txt", "edited.py", "gone.bin"]
    assert tree(ws) == start
