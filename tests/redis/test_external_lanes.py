"""External lanes on Redis against real ``a3s-code worker`` processes and a real ``redis-server``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import redis

from a3s_code import Agent
from a3s_code.session import Session
from tests.fakellm import FakeLLM

from .server import RedisServer
from .workers import WorkerProcess, queue_hcl


def session_for(fake: FakeLLM, workspace: Path, hcl: str) -> Session:
    return Agent(fake.config(extra=hcl)).session(workspace)


def results_of(server: RedisServer, session: Session) -> list[dict[str, str]]:
    client = redis.Redis.from_url(server.url, decode_responses=True)
    return [fields for _id, fields in client.xrange(f"a3s:results:{session.session_id}")]


async def wait_until(check: Callable[[], bool], within_s: float = 15.0) -> None:
    async with asyncio.timeout(within_s):
        while not check():
            await asyncio.sleep(0.02)


FIRST_RUN_HANGS = "echo start >> starts.log; [ $(wc -l < starts.log) -gt 1 ] || sleep 30; echo finished"


async def test_two_workers_share_a_lane_and_each_task_runs_once(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    workers = start_workers(redis_server, tmp_path, "box-1", "box-2")
    try:
        session = session_for(fake_llm, tmp_path, queue_hcl(redis_server.url))
        commands = [{"command": f"echo task-{n} >> runs.log; sleep 0.1; echo out-{n}"} for n in range(12)]
        results = await session.submit_batch_async("execute", commands)
    finally:
        for worker in workers:
            worker.close()
    assert [r.output.strip() for r in results] == [f"out-{n}" for n in range(12)]
    assert not any(r.is_error for r in results)
    ran = (tmp_path / "runs.log").read_text().split()
    assert sorted(ran) == sorted(f"task-{n}" for n in range(12))  # each exactly once
    assert {r.metadata["worker"] for r in results} == {"box-1", "box-2"}
    assert len(results_of(redis_server, session)) == 12  # one answer per task reached the session


async def test_killed_worker_mid_task_is_taken_over_and_the_session_gets_one_result(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    body = "retry_policy {\n  max_retries = 2\n}"
    hcl = queue_hcl(redis_server.url, idempotent_tools='["bash"]', body=body)
    session = session_for(fake_llm, tmp_path, hcl)
    [first] = start_workers(redis_server, tmp_path, "first")
    second: WorkerProcess | None = None
    try:
        call = asyncio.create_task(session.submit_async("execute", {"command": FIRST_RUN_HANGS}))
        await wait_until(lambda: (tmp_path / "starts.log").exists())
        [second] = start_workers(redis_server, tmp_path, "second")
        first.kill()
        result = await asyncio.wait_for(call, 20)
    finally:
        first.close()
        if second is not None:
            second.close()
    assert (result.output.strip(), result.is_error, result.metadata.get("worker")) == (
        "finished",
        False,
        "second",
    ), result
    assert (tmp_path / "starts.log").read_text().split() == ["start", "start"]  # ran again, once
    assert [json.loads(r["answer"])["worker"] for r in results_of(redis_server, session)] == ["second"]
    assert session.queue_stats()["redis"]["answers_dropped"] == 0


async def test_a_task_past_its_retries_lands_in_the_dead_letter_stream(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    body = "retry_policy {\n  max_retries = 1\n}"
    session = session_for(
        fake_llm, tmp_path, queue_hcl(redis_server.url, idempotent_tools='["bash"]', body=body)
    )
    call = asyncio.create_task(session.submit_async("execute", {"command": "echo x >> starts.log; sleep 30"}))
    started = tmp_path / "starts.log"
    [first] = start_workers(redis_server, tmp_path, "doomed-1")
    await wait_until(lambda: started.exists())
    others = {w.name: w for w in start_workers(redis_server, tmp_path, "doomed-2", "last")}
    try:
        first.kill()  # its one retry starts on one of the others; that one dies too
        await wait_until(lambda: len(started.read_text().split()) == 2)
        owner = str(redis.Redis.from_url(redis_server.url).hget(task_key(session), "worker"), "utf-8")
        others.pop(owner).kill()
        [last] = others.values()
        result = await asyncio.wait_for(call, 20)
    finally:
        for worker in (first, *others.values()):
            worker.close()
    assert result.is_error and "dead-lettered" in result.output and "max_retries (1) used up" in result.output
    assert len(started.read_text().split()) == 2  # the third worker did not run it
    [letter] = session.dead_letters()
    assert (letter["command_type"], letter["lane"], letter["attempts"], letter["worker"]) == (
        "bash",
        "execute",
        2,
        last.name,
    )
    assert session.queue_stats()["redis"]["dead_letters"] == 1


async def test_a_non_idempotent_task_whose_worker_died_is_not_run_again(
    redis_server: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = session_for(fake_llm, tmp_path, queue_hcl(redis_server.url))
    call = asyncio.create_task(session.submit_async("execute", {"command": "echo x >> starts.log; sleep 30"}))
    [doomed] = start_workers(redis_server, tmp_path, "doomed")
    await wait_until(lambda: (tmp_path / "starts.log").exists())
    [other] = start_workers(redis_server, tmp_path, "other")
    try:
        doomed.kill()
        result = await asyncio.wait_for(call, 20)
    finally:
        doomed.close()
        other.close()
    assert result.is_error and "'bash' may have had effects" in result.output
    assert (tmp_path / "starts.log").read_text().split() == ["x"]
    assert [d["command_type"] for d in session.dead_letters()] == ["bash"]


async def test_redis_restarted_mid_run_loses_no_task(
    redis_aof: RedisServer, fake_llm: FakeLLM, tmp_path: Path
) -> None:
    workers = start_workers(redis_aof, tmp_path, "w1", "w2")
    try:
        session = session_for(fake_llm, tmp_path, queue_hcl(redis_aof.url, timeout_ms=40_000))
        commands = [{"command": f"sleep 0.1; echo done-{n}"} for n in range(12)]
        batch = asyncio.create_task(session.submit_batch_async("execute", commands))
        await wait_until(
            lambda: "done-" in "".join(w.log() for w in workers) or _answered(redis_aof, session)
        )
        await asyncio.to_thread(redis_aof.restart)
        results = await asyncio.wait_for(batch, 40)
    finally:
        for worker in workers:
            worker.close()
    assert [r.output.strip() for r in results] == [f"done-{n}" for n in range(12)]


def start_workers(server: RedisServer, workdir: Path, *names: str) -> list[WorkerProcess]:
    """Started together (a process takes a while to import), returned once each is ready."""
    workers = [WorkerProcess.start(server.url, workdir, n, logs=workdir / "logs", wait=False) for n in names]
    for worker in workers:
        worker.wait_for("ready")
    return workers


def task_key(session: Session, n: int = 1) -> str:
    return f"a3s:task:{session.session_id}-{n}"


def _answered(server: RedisServer, session: Session) -> bool:
    try:
        return len(results_of(server, session)) >= 2
    except redis.RedisError:
        return False
