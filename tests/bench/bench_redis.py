"""External lanes and teams on Redis: what a task costs, how workers scale, how member processes scale.

1. Overhead per external task: one ``read`` of a small file on an external lane, one task at a
   time. Baseline: the in-process external lane (a worker in this process answers the pending
   task at once through ``complete_external_task``). Redis: the same through a real server and a
   worker process (``a3s-code worker``). Medians and p99 of each.
2. 40 ``bash`` tasks of ``sleep 0.2`` put on the execute lane at once (``submit_batch``), with 1, 2, 4
   and 8 worker processes: wall time as a ratio of 1 worker.
3. A 10-task team run, every model call taking 500 ms: the lead in this process, 1 or 4 worker
   processes and reviewer processes (``a3s-code team-member``). Wall time from the goal to
   ``team_end``, as a ratio of 1 worker, beside the schedule's ideal (``bench_team.ideal_calls``).

Needs ``redis-server`` on PATH. Run: ``.venv/bin/python -m tests.bench.bench_redis``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from a3s_code import Agent
from a3s_code.events import AgentEvent, ExternalTaskPending
from a3s_code.llm.deferred import preload
from a3s_code.team import TeamConfig, TeamRunner
from a3s_code.team.member import MemberLoop
from a3s_code.team.redis_board import redis_team
from tests.bench.bench_team import TASKS, ideal_calls
from tests.fakellm import FakeLLM
from tests.fakellm.team import TeamScript
from tests.redis.server import RedisServer
from tests.redis.workers import ROOT, WorkerProcess, queue_hcl

CALLS = 300
SLEEP_TASKS = 40
LATENCY_S = 0.5


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def in_process_overhead(fake: FakeLLM, root: Path) -> list[float]:
    session = Agent(fake.config()).session(root)
    session.set_lane_handler("query", "external", 10_000)
    ctx = session.tool_context()

    def worker(event: AgentEvent) -> None:
        if isinstance(event, ExternalTaskPending) and event.mode == "external":

            async def answer() -> None:
                result = await session.tools.execute(event.command_type, event.payload, ctx)
                session.complete_external_task(event.task_id, True, {"output": result.output})

            asyncio.get_running_loop().create_task(answer())

    session.queue.observers.append(worker)
    return await timed(session)


async def redis_overhead(fake: FakeLLM, root: Path, server: RedisServer) -> list[float]:
    session = Agent(fake.config(extra=queue_hcl(server.url, lane="query"))).session(root)
    [worker] = start(server, root, 1, "overhead")
    try:
        return await timed(session)
    finally:
        worker.close()


async def timed(session: object) -> list[float]:
    samples = []
    for n in range(CALLS + 20):
        start = time.perf_counter()
        result = await session.submit_async("query", {"file_path": "a.txt"})  # type: ignore[attr-defined]
        if n >= 20:  # warm-up: connections, first imports
            samples.append((time.perf_counter() - start) * 1000)
        assert "alpha" in result.output, result
    return samples


def start(server: RedisServer, root: Path, count: int, label: str) -> list[WorkerProcess]:
    workers = [
        WorkerProcess.start(server.url, root, f"{label}-{n}", logs=root / "logs", wait=False)
        for n in range(count)
    ]
    for worker in workers:
        worker.wait_for("ready", timeout=60)
    return workers


async def scaling(fake: FakeLLM, root: Path, server: RedisServer, workers: int) -> float:
    session = Agent(fake.config(extra=queue_hcl(server.url, timeout_ms=120_000))).session(root)
    procs = start(server, root, workers, f"scale{workers}")
    try:
        begin = time.perf_counter()
        results = await session.submit_batch_async("execute", [{"command": "sleep 0.2"}] * SLEEP_TASKS)
        elapsed = time.perf_counter() - begin
    finally:
        for proc in procs:
            proc.close()
    assert not any(r.is_error for r in results)
    return elapsed


async def team_run(fake: FakeLLM, root: Path, server: RedisServer, workers: int, reviewers: int) -> float:
    fake.script.clear()
    TeamScript(TASKS, delay_s=LATENCY_S).install(fake, replies=200)
    config = root / "agent.hcl"
    config.write_text(fake.config())
    name = f"bench-{workers}-{reviewers}-{time.monotonic_ns()}"
    env = {**os.environ, "A3S_REDIS_URL": server.url}
    members = [(f"worker-{n}", "worker") for n in range(workers)] + [
        (f"rev-{n}", "reviewer") for n in range(reviewers)
    ]
    procs = []
    for member, role in members:
        args = [sys.executable, "-m", "a3s_code.cli", "team-member", "--team", name, "--member", member]
        args += ["--role", role, "-c", str(config), "-w", str(root), "--poll-ms", "50"]
        err = (root / f"{name}-{member}.err").open("wb")
        procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT))  # noqa: ASYNC220
    try:
        deadline = time.monotonic() + 300  # many processes loading an SDK at once on 2 cores
        while not all("joined team" in (root / f"{name}-{m}.err").read_text() for m, _ in members):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        team = redis_team(name, server.url, TeamConfig(max_rounds=3, poll_interval_ms=50))
        team.add_member("lead", "lead")
        runner = TeamRunner(team)
        lead = Agent(config).session(root)
        preload(lead.llm())  # the member processes loaded their SDK before joining; so does the lead
        runner.bind_session("lead", lead)
        begin = time.perf_counter()
        result = await MemberLoop(runner, "lead", lambda _e: None).serve("Fix the ten failing tests")
        elapsed = time.perf_counter() - begin
        assert result is not None and result.stop_reason == "done", result
        for proc in procs:
            proc.wait(30)
        return elapsed
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


async def main() -> None:
    fake = FakeLLM()
    fake.start_in_thread()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a.txt").write_text("alpha\n" * 50)
        data = root / "redis-data"
        data.mkdir()
        server = RedisServer(data).start()
        try:
            local = await in_process_overhead(fake, root)
            remote = await redis_overhead(fake, root, server)
            print(f"1. overhead per external task (read of a 300-byte file), {CALLS} sequential calls")
            print("| path | median ms | p99 ms |\n|---|---:|---:|")
            for label, samples in (("in process (baseline)", local), ("Redis + worker process", remote)):
                print(f"| {label} | {statistics.median(samples):.2f} | {pct(samples, 0.99):.2f} |")
            ratio = statistics.median(remote) / statistics.median(local)
            print(
                f"Redis / in process: median {ratio:.1f}x, p99 {pct(remote, 0.99) / pct(local, 0.99):.1f}x\n"
            )

            print(f"2. {SLEEP_TASKS} bash tasks of 200 ms")
            print("| worker processes | wall s | speed-up vs 1 |\n|---:|---:|---:|")
            base = 0.0
            for count in (1, 2, 4, 8):
                wall = await scaling(fake, root, server, count)
                base = base or wall
                print(f"| {count} | {wall:.2f} | {base / wall:.2f}x |")

            print(f"\n3. team run, {len(TASKS)} tasks, {LATENCY_S * 1000:.0f} ms per model call")
            print(
                "| setup | worker processes | wall s | ratio to 1 worker | ideal ratio |\n|---|---:|---:|---:|---:|"
            )
            setups = (
                ("1 reviewer", lambda w: 1),
                ("reviewers = workers", lambda w: w),
                ("no reviewer", lambda w: 0),
            )
            for label, reviewers_of in setups:
                base, base_ideal = 0.0, 0
                for workers in (1, 4):
                    reviewers = reviewers_of(workers)
                    wall = await team_run(fake, root, server, workers, reviewers)
                    ideal = ideal_calls(workers, reviewers)
                    base, base_ideal = base or wall, base_ideal or ideal
                    print(
                        f"| {label} | {workers} | {wall:.2f} | {wall / base:.2f}x | {ideal / base_ideal:.2f}x |"
                    )
        finally:
            server.stop()
    fake.stop_thread()


if __name__ == "__main__":
    asyncio.run(main())
