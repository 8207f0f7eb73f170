"""Wall time of a 10-task team run with 1, 2 and 4 workers, every model call taking a fixed latency.

The fake LLM delays each reply by ``LATENCY_S`` before its first byte, like a model that thinks
for that long. A run is one lead call, ten worker calls and ten review calls (nothing is
rejected). Three reviewer set-ups: one reviewer, as many reviewers as workers, and none. "ideal"
is the schedule's critical path in model calls (no overhead at all), for comparison.
Run: ``.venv/bin/python -m tests.bench.bench_team``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from a3s_code import Agent
from a3s_code.team import AgentTeam, TeamConfig, TeamRunner
from tests.fakellm import FakeLLM
from tests.fakellm.team import TeamScript

LATENCY_S = 0.5
TASKS = [f"Fix failing test number {n}" for n in range(1, 11)]
REPEATS = 3


async def one_run(fake: FakeLLM, root: Path, workers: int, reviewers: int) -> float:
    fake.script.clear()
    TeamScript(TASKS, delay_s=LATENCY_S).install(fake, replies=200)
    agent = Agent(fake.config())
    team = AgentTeam("bench", TeamConfig(max_rounds=3))
    members = [("lead", "lead")] + [(f"worker-{n}", "worker") for n in range(1, workers + 1)]
    members += [(f"reviewer-{n}", "reviewer") for n in range(1, reviewers + 1)]
    for member, role in members:
        team.add_member(member, role)
    runner = TeamRunner(team)
    for member, _role in members:
        runner.bind_session(member, agent.session(root))
    start = time.perf_counter()
    result = await runner.run_until_done_async("Fix the ten failing tests")
    elapsed = time.perf_counter() - start
    assert result.stop_reason == "done" and len(result.done_tasks) == len(TASKS), result
    return elapsed


def ideal_calls(workers: int, reviewers: int, tasks: int = len(TASKS)) -> int:
    """Model calls on the critical path: the lead, then workers and (pipelined) reviewers."""
    finished = sorted(1 + i // workers + 1 for i in range(tasks))
    if reviewers == 0:
        return max(finished)
    free = [0] * reviewers
    for done in finished:
        r = free.index(min(free))
        free[r] = max(free[r], done) + 1
    return max(free)


async def main() -> None:
    fake = FakeLLM()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        await one_run(fake, root, 1, 1)  # warm-up: imports, SDK clients
        print(f"latency per model call: {LATENCY_S * 1000:.0f} ms; {len(TASKS)} tasks; median of {REPEATS}")
        setups = (
            ("1 reviewer", lambda w: 1),
            ("reviewers = workers", lambda w: w),
            ("no reviewer", lambda w: 0),
        )
        for label, reviewers_of in setups:
            print(f"\n{label}")
            print("| workers | wall s (median) | ratio to 1 worker | ideal ratio (critical path) |")
            print("|---:|---:|---:|---:|")
            baseline, base_ideal = 0.0, 0
            for workers in (1, 2, 4):
                reviewers = reviewers_of(workers)
                times = [await one_run(fake, root, workers, reviewers) for _ in range(REPEATS)]
                wall, ideal = statistics.median(times), ideal_calls(workers, reviewers)
                baseline, base_ideal = baseline or wall, base_ideal or ideal
                print(
                    f"| {workers} | {wall:.2f} | {wall / baseline:.2f}x | {ideal / base_ideal:.2f}x ({ideal} calls) |"
                )
    await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
