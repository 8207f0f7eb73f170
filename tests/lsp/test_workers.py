"""External workers over loopback TCP: the real ``a3s-lsp --tcp`` and two docs/examples/worker.py processes."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from a3s_lsp.client import A3SClient, RpcError
from tests.fakellm import FakeLLM, Turn

TOKEN = "worker-test-token"
WORKER = Path(__file__).resolve().parents[2] / "docs" / "examples" / "worker.py"


async def _listening(proc: asyncio.subprocess.Process) -> tuple[str, int]:
    assert proc.stderr is not None
    while True:
        line = await asyncio.wait_for(proc.stderr.readline(), 30)
        assert line, "the daemon exited before listening"
        if b"listening on" in line:
            host, port = line.decode().rsplit(" ", 1)[1].strip().rsplit(":", 1)
            return host, int(port)


class Daemon:
    def __init__(self, proc: asyncio.subprocess.Process, host: str, port: int) -> None:
        self.proc, self.host, self.port = proc, host, port
        self.workers: list[asyncio.subprocess.Process] = []

    async def worker(self, name: str, workdir: Path, delay_ms: int = 0) -> asyncio.subprocess.Process:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(WORKER),
            f"{self.host}:{self.port}",
            "--token",
            TOKEN,
            "--name",
            name,
            "--workdir",
            str(workdir),
            "--delay-ms",
            str(delay_ms),
            stdout=asyncio.subprocess.PIPE,
        )
        self.workers.append(proc)
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 30)).strip() == f"{name} ready".encode()
        return proc


@pytest.fixture
async def daemon(tmp_path: Path, fake_llm: FakeLLM) -> AsyncIterator[Daemon]:
    agent_config = tmp_path / "agent.hcl"
    agent_config.write_text(fake_llm.config(extra="queue {\n  enable_dlq = true\n}\n"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "a3s_lsp",
        "--tcp",
        "127.0.0.1:0",
        "--token",
        TOKEN,
        "--config",
        str(agent_config),
        "--coalesce-ms",
        "0",
        stderr=asyncio.subprocess.PIPE,
    )
    host, port = await _listening(proc)
    running = Daemon(proc, host, port)
    yield running
    for worker in running.workers:
        if worker.returncode is None:
            worker.kill()
        await worker.wait()
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


async def test_two_workers_share_the_external_lane_and_a_dead_worker_times_out(
    daemon: Daemon, fake_llm: FakeLLM, project: Path
) -> None:
    editor = await editor_for(daemon, project)
    session = (await editor.request("a3s/session/create", {"workspace": str(project)}))["sessionId"]
    handler = {"sessionId": session, "lane": "execute", "mode": "external", "timeoutMs": 20_000}
    assert (await editor.request("a3s/queue/setLaneHandler", handler))["mode"] == "external"
    w1 = await daemon.worker("w1", project, delay_ms=400)
    w2 = await daemon.worker("w2", project, delay_ms=400)
    stats = await editor.request("a3s/queue/stats", {"sessionId": session})
    assert stats["workers"] == ["w1", "w2"] and stats["stats"]["lanes"]["execute"]["handler"] == "external"

    jobs = [
        {"tool": "bash", "args": {"command": f"echo job-{i} > job-{i}.txt; echo job-{i}"}} for i in range(4)
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
    assert "Waiting for an external worker: bash" in reports  # the editor's progress says why it waits

    # Workers gone, a third one claims the next task and dies holding it: the task times out.
    for worker in (w1, w2):
        worker.kill()
        await worker.wait()
    handler["timeoutMs"] = 2000
    await editor.request("a3s/queue/setLaneHandler", handler)
    w3 = await daemon.worker("w3", project, delay_ms=60_000)
    fake_llm.add(Turn.tool_call("bash", {"command": "echo never > never.txt"}), Turn.text("the worker died"))
    sending = asyncio.ensure_future(turn(editor, session, "one more"))
    for _ in range(200):
        claimed = (await editor.request("a3s/queue/pending", {"sessionId": session, "includeClaimed": True}))[
            "tasks"
        ]
        if claimed and claimed[0]["claimedBy"] == "w3":
            break
        await asyncio.sleep(0.05)
    task_id = claimed[0]["taskId"]
    w3.send_signal(signal.SIGKILL)
    events = await sending
    result = next(e for e in events if e["type"] == "tool_end" and e["tool_name"] == "bash")
    assert result["exit_code"] != 0 and "no external worker completed it within 2000 ms" in result["output"]
    assert any(e["type"] == "command_dead_lettered" for e in events)
    stats = await editor.request("a3s/queue/stats", {"sessionId": session})
    assert [(d["command_id"], d["command_type"]) for d in stats["deadLetters"]] == [(task_id, "bash")]
    assert not (project / "never.txt").exists()

    with pytest.raises(RpcError) as refused:  # the late answer of a worker that came back
        await editor.request("a3s/queue/complete", {"taskId": task_id, "result": {"output": "never"}})
    assert refused.value.code == -32016 and "timed out" in refused.value.message
    await editor.close()


async def test_workers_need_the_token_and_may_only_call_queue_methods(daemon: Daemon, project: Path) -> None:
    intruder = await A3SClient.connect(daemon.host, daemon.port)
    with pytest.raises(RpcError) as refused:
        await intruder.initialize(options={"token": "guess", "worker": "evil"})
    assert refused.value.code == -32020
    await intruder.close()

    worker = await A3SClient.connect(daemon.host, daemon.port)
    joined = await worker.initialize(options={"token": TOKEN, "worker": "probe"})
    assert joined["worker"] == "probe"
    with pytest.raises(RpcError) as not_allowed:
        await worker.request("a3s/session/create", {})
    assert not_allowed.value.code == -32601
    with pytest.raises(RpcError) as unknown:
        await worker.request("a3s/queue/complete", {"taskId": "nope-1"})
    assert unknown.value.code == -32016
    assert (await worker.request("a3s/queue/pending", {}))["tasks"] == []
    editor = await editor_for(daemon, project)  # a worker does not take the editor's place
    assert (await editor.request("a3s/session/list", {}))["sessions"] == []
    await worker.close()
    await editor.close()
