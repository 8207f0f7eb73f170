"""The lane queue: concurrency per lane, priority, retries, dead letters, pressure, handler modes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import Field

from a3s_code import Agent, SessionOptions
from a3s_code.events import (
    AgentEvent,
    CommandDeadLettered,
    CommandRetry,
    ExternalTaskCompleted,
    ExternalTaskPending,
    QueueAlert,
)
from a3s_code.queue import ExternalTaskError, QueueError, SessionQueueConfig
from a3s_code.tools.base import Lane, Tool, ToolContext, ToolParams, ToolResult
from tests.engine.test_loop import tool_results
from tests.fakellm import FakeLLM, Turn


class SlowParams(ToolParams):
    tag: str
    delay_ms: int = Field(default=100)


class Tracker:
    """Counts how many tool runs overlap, and in which order they finish."""

    def __init__(self) -> None:
        self.running = 0
        self.peak = 0
        self.finished: list[str] = []


class SlowTool(Tool[SlowParams]):
    """A query-lane tool that takes a while, so overlapping runs are visible."""

    name = "slow_lookup"
    description = "Look something up slowly."
    Params = SlowParams
    lane: ClassVar[Lane] = "query"

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    async def run(self, params: SlowParams, ctx: ToolContext) -> ToolResult:
        t = self.tracker
        t.running += 1
        t.peak = max(t.peak, t.running)
        try:
            await asyncio.sleep(params.delay_ms / 1000)
        finally:
            t.running -= 1
        t.finished.append(params.tag)
        return ToolResult(f"found {params.tag}")


class FlakyParams(ToolParams):
    fail_times: int


class FlakyTool(Tool[FlakyParams]):
    """Raises (a bug, not an error result) the first ``fail_times`` calls."""

    name = "flaky"
    description = "Sometimes breaks."
    Params = FlakyParams

    def __init__(self) -> None:
        self.calls = 0

    async def run(self, params: FlakyParams, ctx: ToolContext) -> ToolResult:
        self.calls += 1
        if self.calls <= params.fail_times:
            raise RuntimeError(f"backend unavailable (call {self.calls})")
        return ToolResult(f"worked on call {self.calls}")


def make(fake: FakeLLM, workspace: Path, queue_hcl: str = "", **opts: Any):  # type: ignore[no-untyped-def]
    agent = Agent(fake.config(extra=queue_hcl))
    return agent.session(workspace, SessionOptions(llm_max_retries=0, **opts))


async def collect(session: Any, prompt: str) -> list[AgentEvent]:
    return [e async for e in session.stream_async(prompt)]


async def test_query_calls_in_one_response_run_together_and_results_keep_their_order(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    calls = [("slow_lookup", {"tag": t, "delay_ms": d}) for t, d in (("a", 300), ("b", 200), ("c", 100))]
    fake_llm.add(Turn.tool_calls(*calls), Turn.text("done"))
    session = make(fake_llm, tmp_path)
    tracker = Tracker()
    session.tools.add(SlowTool(tracker))
    result = await session.send_async("look up a, b, c")
    assert result.text == "done"
    assert tracker.peak == 3 and tracker.finished == ["c", "b", "a"]
    assert tool_results(fake_llm.requests[1], "anthropic") == ["found a", "found b", "found c"]


async def test_query_concurrency_is_bounded_by_the_config(fake_llm: FakeLLM, tmp_path: Path) -> None:
    calls = [("slow_lookup", {"tag": str(i), "delay_ms": 50}) for i in range(5)]
    fake_llm.add(Turn.tool_calls(*calls), Turn.text("done"))
    session = make(fake_llm, tmp_path, "queue {\n  query_max_concurrency = 2\n}\n")
    tracker = Tracker()
    session.tools.add(SlowTool(tracker))
    await session.send_async("look up five things")
    assert tracker.peak == 2 and len(tracker.finished) == 5


async def test_execute_calls_keep_their_order(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(
        Turn.tool_calls(
            ("bash", {"command": "sleep 0.2; echo first >> log.txt"}),
            ("bash", {"command": "echo second >> log.txt"}),
        ),
        Turn.text("ok"),
    )
    session = make(fake_llm, tmp_path)
    await session.send_async("write the log")
    assert (tmp_path / "log.txt").read_text() == "first\nsecond\n"


async def test_higher_priority_lanes_start_first(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    fake_llm.text("a poem")
    session = make(fake_llm, tmp_path)
    await session.submit_async("control", {"action": "pause"})
    jobs = [
        asyncio.create_task(session.submit_async("generate", {"prompt": "write a poem"})),
        asyncio.create_task(session.submit_async("execute", {"command": "echo hi"})),
        asyncio.create_task(session.submit_async("query", {"path": "a.txt"})),
    ]
    await asyncio.sleep(0.05)
    assert session.queue_stats()["total_pending"] == 3 and session.queue_stats()["paused"]
    await session.submit_async("control", {"action": "resume"})
    generated, executed, read = await asyncio.gather(*jobs)
    started = [lane for lane, _kind in session.queue.slots.started]
    assert started == ["control", "control", "query", "execute", "generate"]
    assert (generated.output, executed.output.strip()) == ("a poem", "hi") and "alpha" in read.output


async def test_a_failing_command_is_retried_then_succeeds(fake_llm: FakeLLM, tmp_path: Path) -> None:
    hcl = 'queue {\n  retry_policy {\n    strategy = "fixed"\n    max_retries = 2\n    fixed_delay_ms = 10\n  }\n}\n'
    fake_llm.add(Turn.tool_call("flaky", {"fail_times": 1}), Turn.text("ok"))
    session = make(fake_llm, tmp_path, hcl)
    session.tools.add(FlakyTool())
    events = await collect(session, "try it")
    retries = [e for e in events if isinstance(e, CommandRetry)]
    assert len(retries) == 1 and "backend unavailable" in retries[0].error
    assert tool_results(fake_llm.requests[1], "anthropic") == ["worked on call 2"]
    assert session.dead_letters() == []


async def test_retries_used_up_go_to_the_dead_letter_queue(fake_llm: FakeLLM, tmp_path: Path) -> None:
    hcl = (
        "queue {\n  enable_dlq = true\n  enable_metrics = true\n"
        '  retry_policy {\n    strategy = "exponential"\n    max_retries = 2\n    initial_delay_ms = 5\n  }\n}\n'
    )
    fake_llm.add(Turn.tool_call("flaky", {"fail_times": 9}), Turn.text("it is broken"))
    session = make(fake_llm, tmp_path, hcl)
    session.tools.add(FlakyTool())
    events = await collect(session, "try it")
    assert [e.delay_ms for e in events if isinstance(e, CommandRetry)] == [5, 10]
    dead = session.dead_letters()
    assert len(dead) == 1 and dead[0]["command_type"] == "flaky" and dead[0]["attempts"] == 3
    assert "backend unavailable (call 3)" in dead[0]["error"]
    assert any(isinstance(e, CommandDeadLettered) for e in events)
    sent = tool_results(fake_llm.requests[1], "anthropic")[0]
    assert "failed after 3 attempt(s)" in sent and "backend unavailable" in sent
    metrics = session.queue_metrics()
    assert metrics is not None
    assert metrics["execute"]["failed"] == 3 and metrics["execute"]["dead_lettered"] == 1
    assert metrics["generate"]["completed"] == 2


async def test_a_command_over_the_default_timeout_is_dead_lettered(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.tool_call("slow_lookup", {"tag": "x", "delay_ms": 2000}), Turn.text("gave up"))
    session = make(fake_llm, tmp_path, "queue {\n  enable_dlq = true\n  default_timeout_ms = 100\n}\n")
    session.tools.add(SlowTool(Tracker()))
    await session.send_async("look it up")
    assert "timed out after 100 ms" in tool_results(fake_llm.requests[1], "anthropic")[0]
    assert session.dead_letters()[0]["command_type"] == "slow_lookup"


async def test_pressure_threshold_raises_an_alert_and_draining_clears_it(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = make(fake_llm, tmp_path, "queue {\n  pressure_threshold = 3\n}\n")
    alerts: list[QueueAlert] = []
    session.queue.observers.append(lambda e: alerts.append(e) if isinstance(e, QueueAlert) else None)
    await session.submit_async("control", {"action": "pause"})
    jobs = [session.submit_async("query", {"tool": "ls", "args": {}}) for _ in range(4)]
    batch = asyncio.gather(*jobs)
    await asyncio.sleep(0.05)
    assert [(a.alert_type, a.lane, a.pending) for a in alerts] == [("pressure", "query", 3)]
    await session.submit_async("control", {"action": "resume"})
    await batch
    assert [a.alert_type for a in alerts] == ["pressure", "idle"]


async def test_the_rate_limit_holds_back_starts_beyond_the_window(fake_llm: FakeLLM, tmp_path: Path) -> None:
    hcl = 'queue {\n  enable_metrics = true\n  rate_limit {\n    limit_type = "per_second"\n    max_operations = 2\n  }\n}\n'
    session = make(fake_llm, tmp_path, hcl)
    results = await session.submit_batch_async("query", [{"tool": "ls", "args": {}}] * 3)
    assert all(not r.is_error for r in results)
    metrics = session.queue_metrics()
    assert (
        metrics is not None and metrics["query"]["wait_ms"]["p99"] >= 900
    )  # the third waited for the window


async def test_hybrid_lane_runs_here_and_tells_observers(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    fake_llm.add(Turn.tool_call("read", {"file_path": "a.txt"}), Turn.text("read it"))
    session = make(fake_llm, tmp_path)
    session.set_lane_handler("query", "hybrid", timeout_ms=5000)
    seen: list[AgentEvent] = []
    session.queue.observers.append(seen.append)
    events = await collect(session, "read a.txt")
    pending = [e for e in events if isinstance(e, ExternalTaskPending)]
    assert len(pending) == 1 and pending[0].mode == "hybrid" and pending[0].payload == {"file_path": "a.txt"}
    assert any(isinstance(e, ExternalTaskCompleted) and e.success for e in events)
    assert [type(e) for e in seen] == [ExternalTaskPending, ExternalTaskCompleted]
    assert "alpha" in tool_results(fake_llm.requests[1], "anthropic")[0]
    assert session.pending_external_tasks() == []


async def test_external_lane_waits_for_a_worker_and_refuses_a_second_answer(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn.tool_call("bash", {"command": "make deploy"}), Turn.text("deployed"))
    session = make(fake_llm, tmp_path)
    session.set_lane_handler("execute", "external", timeout_ms=10_000)
    answered: list[str] = []

    def worker(event: AgentEvent) -> None:
        if isinstance(event, ExternalTaskPending):
            tasks = session.pending_external_tasks()
            assert [t["command_type"] for t in tasks] == ["bash"] and tasks[0]["payload"][
                "command"
            ] == "make deploy"
            result = {"output": "deployed by worker-1", "exit_code": 0}
            assert session.complete_external_task(event.task_id, True, result)
            answered.append(event.task_id)

    session.queue.observers.append(worker)
    result = await session.send_async("deploy")
    assert result.text == "deployed" and not (tmp_path / "Makefile").exists()
    assert tool_results(fake_llm.requests[1], "anthropic") == ["deployed by worker-1"]
    assert session.complete_external_task(answered[0], True, {"output": "again"}) is False


async def test_an_unanswered_external_task_times_out_into_dead_letters(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn.tool_call("bash", {"command": "echo hi"}), Turn.text("no worker"))
    session = make(fake_llm, tmp_path, "queue {\n  enable_dlq = true\n}\n")
    session.set_lane_handler("execute", "external", timeout_ms=200)
    events = await collect(session, "say hi")
    sent = tool_results(fake_llm.requests[1], "anthropic")[0]
    assert "was not run: no external worker completed it within 200 ms" in sent
    dead = session.dead_letters()
    assert len(dead) == 1 and dead[0]["command_type"] == "bash" and dead[0]["lane"] == "execute"
    task_id = next(e.task_id for e in events if isinstance(e, ExternalTaskPending))
    assert session.complete_external_task(task_id, True, {"output": "hi"}) is False
    assert session.queue.external.state(task_id).startswith("it timed out")


def test_bad_lane_requests_are_refused(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    session = make(fake_llm_thread, tmp_path)
    with pytest.raises(QueueError, match="unknown lane"):
        session.submit("fast", {})
    with pytest.raises(QueueError, match="only query and execute"):
        session.set_lane_handler("generate", "external")
    with pytest.raises(QueueError, match="control commands"):
        session.submit("control", {"action": "explode"})


def test_queue_config_builders_and_options(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    config = SessionQueueConfig.of(None).set_query_concurrency(10).with_lane_features()
    assert (config.query_max_concurrency, config.enable_dlq, config.dlq_max_size) == (10, True, 1000)
    agent = Agent(fake_llm_thread.config())
    session = agent.session(tmp_path, SessionOptions().with_queue_config(config))
    stats = session.queue_stats()
    assert stats["lanes"]["query"]["max_concurrency"] == 10 and session.has_queue()
    assert session.queue_metrics() is not None


async def test_cancelling_a_turn_that_waits_for_a_worker_withdraws_the_task(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn.tool_call("bash", {"command": "echo hi"}), Turn.text("unused"))
    session = make(fake_llm, tmp_path)
    session.set_lane_handler("execute", "external", timeout_ms=30_000)
    waiting = asyncio.Event()
    session.queue.observers.append(lambda e: waiting.set() if isinstance(e, ExternalTaskPending) else None)
    turn = asyncio.create_task(session.send_async("say hi"))
    await asyncio.wait_for(waiting.wait(), 10)
    task_id = session.pending_external_tasks()[0]["task_id"]
    assert session.cancel()
    result = await turn
    assert result.stop_reason == "cancelled" and session.pending_external_tasks() == []
    assert session.complete_external_task(task_id, True, {"output": "hi"}) is False
    assert "cancelled" in session.queue.external.state(task_id)
    assert session.queue_stats()["lanes"]["execute"]["active"] == 0


def test_lane_handlers_can_come_from_the_config(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    hcl = 'queue {\n  lane_handlers {\n    execute {\n      mode = "external"\n      timeout_ms = 1500\n    }\n  }\n}\n'
    session = make(fake_llm_thread, tmp_path, hcl)
    handler = session.queue.lane_handler("execute")
    assert (handler.mode, handler.timeout_ms) == ("external", 1500)
    assert session.queue_stats()["lanes"]["query"]["handler"] == "internal"
    with pytest.raises(Exception, match="lane_handlers"):
        make(
            fake_llm_thread,
            tmp_path,
            'queue {\n  lane_handlers {\n    generate {\n      mode = "external"\n    }\n  }\n}\n',
        )


async def test_a_command_near_its_deadline_overtakes_a_better_lane(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = make(fake_llm, tmp_path, 'queue {\n  priority_boost {\n    strategy = "standard"\n  }\n}\n')
    await session.submit_async("control", {"action": "pause"})
    urgent = asyncio.create_task(session.submit_async("execute", {"command": "echo urgent"}, deadline_ms=200))
    await asyncio.sleep(0.3)  # past its deadline: boosted 4 levels, ahead of any fresh query
    fresh = asyncio.create_task(session.submit_async("query", {"tool": "ls", "args": {}}))
    await asyncio.sleep(0.05)
    await session.submit_async("control", {"action": "resume"})
    await asyncio.gather(urgent, fresh)
    assert [lane for lane, _ in session.queue.slots.started][-2:] == ["execute", "query"]


async def test_without_a_boost_the_better_lane_goes_first(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = make(fake_llm, tmp_path, 'queue {\n  priority_boost {\n    strategy = "disabled"\n  }\n}\n')
    await session.submit_async("control", {"action": "pause"})
    older = asyncio.create_task(session.submit_async("execute", {"command": "echo older"}, deadline_ms=200))
    await asyncio.sleep(0.3)
    fresh = asyncio.create_task(session.submit_async("query", {"tool": "ls", "args": {}}))
    await asyncio.sleep(0.05)
    await session.submit_async("control", {"action": "resume"})
    await asyncio.gather(older, fresh)
    assert [lane for lane, _ in session.queue.slots.started][-2:] == ["query", "execute"]


async def test_a_claimed_task_belongs_to_its_worker(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.tool_call("bash", {"command": "make"}), Turn.text("built"))
    session = make(fake_llm, tmp_path)
    session.set_lane_handler("execute", "external", timeout_ms=10_000)
    waiting = asyncio.Event()
    session.queue.observers.append(lambda e: waiting.set() if isinstance(e, ExternalTaskPending) else None)
    turn = asyncio.create_task(session.send_async("build"))
    await asyncio.wait_for(waiting.wait(), 10)
    task_id = session.pending_external_tasks()[0]["task_id"]
    session.queue.claim_external_task(task_id, "w1")
    assert session.pending_external_tasks() == []  # no longer offered to others
    with pytest.raises(ExternalTaskError, match="already claimed by w1"):
        session.queue.claim_external_task(task_id, "w2")
    with pytest.raises(ExternalTaskError, match="claimed by w1, not w2"):
        session.queue.complete_external_task(task_id, True, "stolen", worker="w2")
    session.queue.complete_external_task(task_id, True, {"output": "built by w1"}, worker="w1")
    assert (await turn).text == "built"
    assert tool_results(fake_llm.requests[1], "anthropic") == ["built by w1"]


async def test_a_broken_observer_does_not_strand_the_task(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.tool_call("bash", {"command": "make"}), Turn.text("built"))
    session = make(fake_llm, tmp_path)
    session.set_lane_handler("execute", "external", timeout_ms=10_000)

    def broken(_event: AgentEvent) -> None:
        raise RuntimeError("observer bug")

    def worker(event: AgentEvent) -> None:
        if isinstance(event, ExternalTaskPending):
            session.complete_external_task(event.task_id, True, "made")

    session.queue.observers.extend([broken, worker])
    assert (await session.send_async("build")).text == "built"
    assert tool_results(fake_llm.requests[1], "anthropic") == ["made"]
