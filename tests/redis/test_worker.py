"""The worker's rules, run in this process against a real server: timeouts, metrics, credentials,
graceful shutdown, and the path mapping from the session's workspace to the worker's directory."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st

from a3s_code import Agent
from a3s_code.queue.redis_link import WireTask, mask_url
from a3s_code.queue.redis_worker import RedisWorker, WorkerError, WorkerSettings
from a3s_code.queue.worker_tools import PathRefused, ToolRunner, map_path
from a3s_code.session import Session
from a3s_code.tools.base import ToolResult
from tests.fakellm import FakeLLM

from .server import RedisServer, make_certificates
from .workers import WorkerProcess, queue_hcl


async def wait_until(check: Callable[[], bool], within_s: float = 15.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def worker_task(
    settings: WorkerSettings, run: Callable[[WireTask], object]
) -> AsyncIterator[RedisWorker]:
    worker = RedisWorker(settings, run)  # type: ignore[arg-type]
    ready = asyncio.Event()
    running = asyncio.create_task(worker.run(ready.set))
    waiting = asyncio.create_task(ready.wait())
    await asyncio.wait((running, waiting), timeout=10, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if running.done():
        running.result()  # raises what stopped it
    assert ready.is_set(), "the worker did not get ready"
    try:
        yield worker
    finally:
        worker.stop()
        await asyncio.wait_for(running, 10)


def fast(url: str, **overrides: object) -> WorkerSettings:
    base: dict[str, object] = {"url": url, "heartbeat_ms": 100, "reclaim_after_ms": 600, "grace_ms": 2000}
    return WorkerSettings(**{**base, **overrides})  # type: ignore[arg-type]


def session_for(fake: FakeLLM, workspace: Path, hcl: str) -> Session:
    return Agent(fake.config(extra=hcl)).session(workspace)


async def test_an_answer_after_the_timeout_is_refused_and_the_task_dead_lettered(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = session_for(fake_llm, tmp_path, queue_hcl(redis_server.url, timeout_ms=300))
    finished = asyncio.Event()

    async def slow(task: WireTask) -> ToolResult:
        try:
            await asyncio.sleep(0.8)  # finishes after the session's 300 ms: its answer comes late
        finally:
            finished.set()
        return ToolResult("too late")

    async with worker_task(fast(redis_server.url), slow):
        result = await session.submit_async("execute", {"command": "make deploy"})
        await asyncio.wait_for(finished.wait(), 5)
        await asyncio.sleep(0.2)  # the worker posts its (refused) answer
    assert result.is_error and "no external worker completed it within 300 ms" in result.output
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    task_id = f"{session.session_id}-1"
    assert client.hget(f"a3s:task:{task_id}", "state") == "timed_out"
    assert client.xlen(f"a3s:results:{session.session_id}") == 0  # the late answer never reached us
    [letter] = session.dead_letters()  # ours and the stream's copy of the same task: one letter
    assert letter["command_id"] == task_id and "300 ms" in letter["error"]


async def test_queue_stats_show_depth_pending_per_consumer_and_dead_letters(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = session_for(fake_llm, tmp_path, queue_hcl(redis_server.url))
    calls = [asyncio.create_task(session.submit_async("execute", {"command": f"echo {n}"})) for n in range(3)]
    await wait_until(lambda: session.queue_stats()["redis"]["lanes"]["execute"]["depth"] == 3)
    release = asyncio.Event()

    async def gated(task: WireTask) -> ToolResult:
        await release.wait()
        return ToolResult(f"ran {task.payload['command']}")

    async with worker_task(fast(redis_server.url, name="gate", concurrency=2), gated):
        await wait_until(lambda: session.queue_stats()["redis"]["lanes"]["execute"]["pending"] == 2)
        lane = session.queue_stats()["redis"]["lanes"]["execute"]
        assert (lane["depth"], lane["consumers"]) == (1, {"gate": 2})
        metrics = session.queue_metrics()
        assert metrics is not None and metrics["redis"]["lanes"]["execute"]["depth"] == 1
        release.set()
        results = await asyncio.gather(*calls)
    assert sorted(r.output for r in results) == ["ran echo 0", "ran echo 1", "ran echo 2"]
    stats = session.queue_stats()["redis"]
    assert stats["lanes"]["execute"] == {"depth": 0, "pending": 0, "consumers": {}}  # it left the group
    assert stats["dead_letters"] == 0 and "***" in stats["url"] and redis_server.password not in stats["url"]


async def test_sigterm_lets_a_running_task_finish(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = session_for(fake_llm, tmp_path, queue_hcl(redis_server.url))
    worker = WorkerProcess.start(redis_server.url, tmp_path, "leaving", logs=tmp_path / "logs")
    try:
        call = asyncio.create_task(
            session.submit_async("execute", {"command": "touch began; sleep 0.5; echo ok"})
        )
        await wait_until(lambda: (tmp_path / "began").exists())
        code = await asyncio.to_thread(worker.terminate)
        result = await asyncio.wait_for(call, 10)
    finally:
        worker.close()
    assert code == 0 and (result.output.strip(), result.metadata["worker"]) == ("ok", "leaving")
    assert "stopped after 1 task(s)" in worker.log()


async def test_sigterm_past_the_grace_hands_the_task_back(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    body = "retry_policy {\n  max_retries = 1\n}"
    hcl = queue_hcl(redis_server.url, idempotent_tools='["bash"]', body=body)
    session = session_for(fake_llm, tmp_path, hcl)
    hangs = "echo x >> starts.log; [ $(wc -l < starts.log) -gt 1 ] || sleep 30; echo second run"
    worker = WorkerProcess.start(
        redis_server.url, tmp_path, "leaving", "--grace-ms", "100", logs=tmp_path / "l"
    )
    try:
        call = asyncio.create_task(session.submit_async("execute", {"command": hangs}))
        await wait_until(lambda: (tmp_path / "starts.log").exists())
        assert await asyncio.to_thread(worker.terminate) == 0
    finally:
        worker.close()
    assert "handed back 1 task(s)" in worker.log()

    async def run(task: WireTask) -> ToolResult:
        return await ToolRunner(tmp_path).run(task)

    # the taker reclaims only after its own idle limit: proof the hand-back marked it idle at once
    async with worker_task(fast(redis_server.url, reclaim_after_ms=60_000), run):
        result = await asyncio.wait_for(call, 10)
    assert result.output.strip() == "second run"


async def test_workers_authenticate_and_never_show_the_password(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    wrong = redis_server.url.replace(redis_server.password, "not-the-password")
    with pytest.raises(WorkerError, match="refused this worker") as refused:
        async with worker_task(fast(wrong), ToolRunner(tmp_path).run):
            pass
    assert "not-the-password" not in str(refused.value)
    proc = WorkerProcess.start(wrong, tmp_path, "intruder", logs=tmp_path / "logs", wait=False)
    assert await asyncio.to_thread(proc.proc.wait, 20) == 1
    assert "refused this worker" in proc.log() and "not-the-password" not in proc.log()

    # an ACL user limited to the a3s keys is enough for a worker
    admin = redis.Redis.from_url(redis_server.url)
    admin.acl_setuser(
        "a3s-worker",
        enabled=True,
        passwords=["+w0rker-secret"],
        keys=["a3s:*"],
        commands=["+@stream", "+@hash", "+@scripting", "+ping", "+@connection"],
    )
    acl_url = f"redis://a3s-worker:w0rker-secret@127.0.0.1:{redis_server.port}/0"
    session = session_for(fake_llm, tmp_path, queue_hcl(redis_server.url))
    (tmp_path / "notes.txt").write_text("from the worker's copy\n")
    async with worker_task(fast(acl_url), ToolRunner(tmp_path).run):
        result = await session.submit_async("execute", {"tool": "read", "args": {"file_path": "notes.txt"}})
    assert "from the worker's copy" in result.output


async def test_a_worker_maps_the_session_workspace_and_refuses_paths_outside(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session_root, workdir = tmp_path / "laptop", tmp_path / "build-box"
    session_root.mkdir()
    workdir.mkdir()
    (workdir / "a.txt").write_text("the build box's a.txt\n")
    (tmp_path / "secret.txt").write_text("do not read\n")
    session = session_for(fake_llm, session_root, queue_hcl(redis_server.url, lane="query"))
    reads = [
        str(session_root / "a.txt"),
        "a.txt",
        str(tmp_path / "secret.txt"),
        "../secret.txt",
        "/etc/hostname",
    ]
    async with worker_task(fast(redis_server.url), ToolRunner(workdir).run):
        results = await session.submit_batch_async("query", [{"file_path": p} for p in reads])
    mapped, relative, *outside = results
    assert "the build box's a.txt" in mapped.output and "the build box's a.txt" in relative.output
    for refused in outside:
        assert refused.is_error and "do not read" not in refused.output
    # The session's own boundary refuses these before any worker sees them (the worker's mapping is
    # tested on its own in test_a_worker_refuses_paths_outside_its_workdir_mapping and the property test).
    assert all("inside the workspace" in refused.output for refused in outside), outside


async def test_a_worker_refuses_paths_outside_its_workdir_mapping(tmp_path: Path) -> None:
    """A task that did not come through a session's boundary (any client may write to the stream)."""
    workdir, session_root = tmp_path / "workdir", tmp_path / "laptop"
    workdir.mkdir()
    (tmp_path / "secret.txt").write_text("do not read\n")
    runner = ToolRunner(workdir)
    try:
        for path in (str(tmp_path / "secret.txt"), "../secret.txt", str(session_root / ".." / "secret.txt")):
            task = WireTask("t", "s", "query", "read", {"file_path": path}, 5000, str(session_root))
            result = await runner.run(task)
            assert result.is_error and "do not read" not in result.output, (path, result.output)
    finally:
        await runner.close()


names = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=8)


@given(parts=st.lists(st.one_of(names, st.sampled_from([".", ".."])), min_size=1, max_size=6))
def test_mapped_paths_stay_inside_the_workdir(parts: list[str]) -> None:
    workdir, root = Path("/srv/worker"), "/home/me/project"
    for value in ("/".join(parts), root + "/" + "/".join(parts), "/" + "/".join(parts)):
        try:
            mapped = map_path(value, root, workdir)
        except PathRefused:
            continue
        final = os.path.normpath(os.path.join(workdir, mapped))
        assert final == str(workdir) or final.startswith(str(workdir) + "/"), (value, mapped)


@given(
    user=st.text(st.characters(codec="ascii", exclude_characters=":@/"), max_size=8),
    password=st.text(st.characters(codec="utf-8"), min_size=4, max_size=20),
    scheme=st.sampled_from(["redis", "rediss"]),
)
def test_a_masked_url_never_holds_the_password(user: str, password: str, scheme: str) -> None:
    masked = mask_url(f"{scheme}://{user}:{password}@10.1.2.3:6380/0")
    assert masked == f"{scheme}://{user}:***@10.1.2.3:6380/0"


async def test_rediss_tls_is_honoured(fake_llm: FakeLLM, tmp_path: Path) -> None:
    data = tmp_path / "tls-data"
    data.mkdir()
    server = RedisServer(data, tls=make_certificates(tmp_path / "certs")).start()
    try:
        (tmp_path / "notes.txt").write_text("over TLS\n")
        session = session_for(fake_llm, tmp_path, queue_hcl(server.url, lane="query"))
        async with worker_task(fast(server.url), ToolRunner(tmp_path).run):
            result = await session.submit_async("query", {"file_path": "notes.txt"})
        assert "over TLS" in result.output
        assert session.queue_stats()["redis"]["url"].startswith("rediss://:***@127.0.0.1:")
    finally:
        server.stop()
