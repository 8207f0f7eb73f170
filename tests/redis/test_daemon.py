"""The daemon with external lanes on Redis: the editor's a3s/queue/* methods and real worker processes.

Workers no longer connect to ``a3s-lsp --tcp``: a client that introduces itself as a worker is just
another client, refused while the editor is connected.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from a3s_lsp.client import A3SClient, RpcError
from tests import resident
from tests.fakellm import FakeLLM, Turn

from .server import RedisServer
from .workers import WorkerProcess, queue_hcl

TOKEN = "daemon-test-token"


class Daemon:
    def __init__(self, proc: asyncio.subprocess.Process, host: str, port: int) -> None:
        self.proc, self.host, self.port = proc, host, port


@pytest.fixture
async def daemon(tmp_path: Path, fake_llm: FakeLLM, redis_server: RedisServer) -> AsyncIterator[Daemon]:
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config(extra=queue_hcl(redis_server.url, lane="execute")))
    proc = await asyncio.create_subprocess_exec(
        *resident.command(["-m", "a3s_lsp", "--tcp", "127.0.0.1:0", "--token", TOKEN, "--config", str(config),
        "--coalesce-ms", "0"]), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    while b"listening on" not in (line := await asyncio.wait_for(proc.stderr.readline(), 60)):
        assert line, "the daemon exited before listening"
    host, port = line.decode().rsplit(" ", 1)[1].strip().rsplit(":", 1)
    yield Daemon(proc, host, int(port))
    if proc.returncode is None:
        proc.kill()
    await proc.wait()


async def editor_for(daemon: Daemon, project: Path) -> A3SClient:
    editor = await A3SClient.connect(daemon.host, daemon.port)
    editor.on_request("a3s/confirm", lambda _p: {"decision": "allow"})
    await editor.initialize(project, options={"token": TOKEN})
    return editor


async def turn(editor: A3SClient, session_id: str, prompt: str) -> list[dict[str, Any]]:
    return [e["event"] async for e in editor.turn(session_id, prompt) if "event" in e]


async def test_worker_processes_serve_the_daemons_external_lane(
    daemon: Daemon, fake_llm: FakeLLM, redis_server: RedisServer, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    workers = [
        WorkerProcess.start(redis_server.url, project, f"w{n}", logs=tmp_path / "logs", wait=False)
        for n in (1, 2)
    ]
    try:
        for worker in workers:
            worker.wait_for("ready", timeout=60)
        editor = await editor_for(daemon, project)
        session = (await editor.request("a3s/session/create", {"workspace": str(project)}))["sessionId"]
        stats = await editor.request("a3s/queue/stats", {"sessionId": session})
        assert (
            stats["workers"] == ["w1", "w2"] and stats["stats"]["lanes"]["execute"]["handler"] == "external"
        )
        jobs = [
            {"tool": "bash", "args": {"command": f"sleep 0.2; echo job-{i} > job-{i}.txt; echo job-{i}"}}
            for i in range(4)
        ]
        fake_llm.add(Turn.tool_call("batch", {"invocations": jobs}), Turn.text("all four done"))
        events = await turn(editor, session, "run the four jobs")
        done = [e for e in events if e["type"] == "external_task_completed"]
        assert len(done) == 4 and all(e["success"] for e in done)
        assert {e["worker"] for e in done} == {"w1", "w2"}
        sent = str(fake_llm.requests[1]["messages"][-1])
        assert all(f"job-{i}" in sent for i in range(4)) and "4 of 4 calls succeeded" in sent
        assert sorted(p.name for p in project.glob("job-*.txt")) == [f"job-{i}.txt" for i in range(4)]
        reports = [p["value"].get("message") for method, p in editor.notifications if method == "$/progress"]
        assert "Waiting for an external worker: bash" in reports
        stats = await editor.request("a3s/queue/stats", {"sessionId": session})
        redis_side = stats["stats"]["redis"]
        assert redis_side["lanes"]["execute"]["depth"] == 0 and redis_side["answers_dropped"] == 0
        assert redis_server.password not in str(stats) and ":***@127.0.0.1" in redis_side["url"]
        with pytest.raises(RpcError) as refused:  # Redis tasks are answered through Redis only
            await editor.request("a3s/queue/complete", {"taskId": f"{session}-1", "sessionId": session})
        assert refused.value.code == -32016
        await editor.close()
    finally:
        for worker in workers:
            worker.close()


async def test_a_worker_connection_is_just_another_client(daemon: Daemon, tmp_path: Path) -> None:
    intruder = await A3SClient.connect(daemon.host, daemon.port)
    with pytest.raises(RpcError) as refused:
        await intruder.initialize(options={"token": "guess", "worker": "evil"})
    assert refused.value.code == -32020
    await intruder.close()
    editor = await editor_for(daemon, tmp_path)
    worker = await A3SClient.connect(daemon.host, daemon.port)
    with pytest.raises(RpcError) as busy:
        await worker.initialize(options={"token": TOKEN, "worker": "probe"})
    assert busy.value.code == -32020 and "another client is already connected" in busy.value.message
    assert (await editor.request("a3s/session/list", {}))["sessions"] == []
    await worker.close()
    await editor.close()
