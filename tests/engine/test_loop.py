"""The agent loop end to end: real SDKs against the fake LLM server, real tools in a temp workspace."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.events import (
    ErrorEvent,
    TextDelta,
    ThinkingDelta,
    ToolEnd,
    ToolStart,
    TurnEnd,
    TurnStart,
    UsageEvent,
)
from a3s_code.messages import ImageBlock
from tests.fakellm import FakeLLM, Text, Thinking, ToolCall, Turn

PROVIDERS = ["anthropic", "openai"]
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def make_session(fake: FakeLLM, workspace: Path, provider: str = "anthropic", **opts: Any):  # type: ignore[no-untyped-def]
    model = "claude-sonnet-4-20250514" if provider == "anthropic" else "gpt-4o"
    agent = Agent(fake.config(provider, model))
    options = SessionOptions(**{"llm_max_retries": 2, "llm_retry_delay_ms": 1, **opts})
    return agent.session(workspace, options)


def tool_results(request: dict[str, Any], provider: str) -> list[str]:
    """The tool-result texts the model was sent, in either wire format."""
    out: list[str] = []
    for msg in request["messages"]:
        if provider == "openai" and msg["role"] == "tool":
            out.append(msg["content"])
        elif provider == "anthropic" and isinstance(msg["content"], list):
            out += [b["content"][0]["text"] for b in msg["content"] if b.get("type") == "tool_result"]
    return out


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_send_returns_text_usage_and_cost_and_keeps_history(
    fake_llm: FakeLLM, tmp_path: Path, provider: str
) -> None:
    fake_llm.add(Turn.text("The answer is 42.", input_tokens=1000, output_tokens=100), Turn.text("Still 42."))
    session = make_session(fake_llm, tmp_path, provider)
    result = await session.send_async("What is the answer?")
    assert result.text == "The answer is 42."
    assert result.stop_reason == "end_turn"
    assert (result.prompt_tokens, result.completion_tokens) == (1000, 100)
    expected_cost = (1000 * 3 + 100 * 15) / 1e6 if provider == "anthropic" else (1000 * 2.5 + 100 * 10) / 1e6
    assert result.cost_usd == pytest.approx(expected_cost)
    await session.send_async("Are you sure?")
    second = fake_llm.requests[1]["messages"]
    flat = str(second)
    assert "What is the answer?" in flat and "The answer is 42." in flat and "Are you sure?" in flat
    assert session.usage.total_tokens == 1100 + 120
    assert session.cost_usd > expected_cost


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_stream_yields_typed_events_and_runs_tools(
    fake_llm: FakeLLM, tmp_path: Path, provider: str
) -> None:
    (tmp_path / "notes.txt").write_text("alpha\nbeta\n")
    fake_llm.add(
        Turn(items=[Text("Let me look."), ToolCall("read", {"file_path": "notes.txt"})]),
        Turn.text("The file has two lines."),
    )
    session = make_session(fake_llm, tmp_path, provider)
    events = [e async for e in session.stream_async("What is in notes.txt?")]
    kinds = [e.type for e in events]
    assert kinds[0] == "turn_start" and kinds[-1] == "turn_end"
    assert kinds.index("tool_start") < kinds.index("tool_end") < len(kinds) - 1
    assert isinstance(events[0], TurnStart)
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text == "Let me look.The file has two lines."
    end = next(e for e in events if isinstance(e, ToolEnd))
    assert end.exit_code == 0 and "alpha" in end.output
    assert any("     1\talpha" in r for r in tool_results(fake_llm.requests[1], provider))
    final = events[-1]
    assert isinstance(final, TurnEnd) and final.tool_calls == 1 and final.text == "The file has two lines."
    assert sum(isinstance(e, UsageEvent) for e in events) == 2


async def test_model_edits_a_file_through_the_loop(fake_llm: FakeLLM, tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text("def greet():\n    return 'hi'\n")
    fake_llm.add(
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "'hi'", "new_string": "'hello'"}),
        Turn.text("Done."),
    )
    session = make_session(fake_llm, tmp_path)
    result = await session.send_async("Make greet say hello")
    assert target.read_text() == "def greet():\n    return 'hello'\n"
    assert result.tool_calls[0].name == "edit" and result.tool_calls[0].exit_code == 0


async def test_max_tool_rounds_stops_and_keeps_history_valid(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    fake_llm.add(*[Turn.tool_call("read", {"file_path": "a.txt"}) for _ in range(3)], Turn.text("recovered"))
    session = make_session(fake_llm, tmp_path, max_tool_rounds=2)
    events = [e async for e in session.stream_async("loop forever")]
    assert isinstance(events[-1], TurnEnd) and events[-1].stop_reason == "max_tool_rounds"
    assert any(isinstance(e, ErrorEvent) and "Max tool rounds (2)" in e.message for e in events)
    assert len(fake_llm.requests) == 3
    result = await session.send_async("try again")  # the next turn is accepted by the API shape
    assert result.text == "recovered"
    last_messages = fake_llm.requests[-1]["messages"]
    assert last_messages[-2]["content"][0]["type"] == "tool_result"


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_parse_retry_recovers_from_malformed_tool_arguments(
    fake_llm: FakeLLM, tmp_path: Path, provider: str
) -> None:
    (tmp_path / "a.txt").write_text("content-a")
    fake_llm.add(
        Turn(items=[ToolCall("read", raw_arguments='{"file_path": "a.txt"')]),
        Turn.tool_call("read", {"file_path": "a.txt"}),
        Turn.text("ok"),
    )
    session = make_session(fake_llm, tmp_path, provider)
    result = await session.send_async("read a")
    assert result.text == "ok"
    assert "not valid JSON" in tool_results(fake_llm.requests[1], provider)[0]
    assert [c.exit_code for c in result.tool_calls] == [1, 0]


async def test_parse_retries_exhausted_ends_the_turn_with_an_error(fake_llm: FakeLLM, tmp_path: Path) -> None:
    bad = Turn(items=[ToolCall("read", raw_arguments="{not json")])
    fake_llm.add(bad, bad, bad, Turn.text("never"))
    session = make_session(fake_llm, tmp_path, max_parse_retries=1)
    result = await session.send_async("read")
    assert result.stop_reason == "error"
    assert result.error is not None and "malformed tool arguments" in result.error
    assert len(fake_llm.requests) == 2


async def test_tool_timeout_returns_an_error_to_the_model_and_the_turn_goes_on(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn.tool_call("bash", {"command": "sleep 30"}), Turn.text("it was slow"))
    session = make_session(fake_llm, tmp_path, tool_timeout_ms=300)
    result = await session.send_async("run it")
    assert result.text == "it was slow"
    assert "timed out after 300ms" in tool_results(fake_llm.requests[1], "anthropic")[0]


@pytest.mark.parametrize("status", [429, 500, 529])
async def test_transient_llm_errors_are_retried(fake_llm: FakeLLM, tmp_path: Path, status: int) -> None:
    fake_llm.add(Turn.error(status, retry_after=0), Turn.text("fine now"))
    session = make_session(fake_llm, tmp_path)
    result = await session.send_async("hello")
    assert result.text == "fine now"
    assert len(fake_llm.requests) == 2


async def test_circuit_breaker_opens_after_repeated_failures_and_fails_fast(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    """Each model call that failed for good (after the client's own retries) counts once; the
    turn ends with the error instead of retrying on top of the client."""
    fake_llm.add(*[Turn.error(500) for _ in range(20)])
    session = make_session(fake_llm, tmp_path, circuit_breaker_threshold=2, llm_max_retries=0)
    first = await session.send_async("hello")
    assert first.stop_reason == "error" and first.error is not None and "HTTP 500" in first.error
    assert len(fake_llm.requests) == 1
    second = await session.send_async("hello")
    assert second.error is not None and "circuit breaker triggered after 2 failed call(s)" in second.error
    sent = len(fake_llm.requests)
    third = await session.send_async("hello again")
    assert (
        third.stop_reason == "error" and third.error is not None and "circuit breaker is open" in third.error
    )
    assert len(fake_llm.requests) == sent  # failed fast, nothing sent


async def test_stream_cut_midway_is_an_error_not_a_hang(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn(items=[Text("partial answer that is long enough")], cut_after=4))
    session = make_session(fake_llm, tmp_path, circuit_breaker_threshold=5)
    result = await session.send_async("hello")
    assert result.stop_reason == "error"


async def test_cancel_ends_the_turn_as_cancelled_and_the_session_stays_usable(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn.text("too late", delay_s=30), Turn.text("next turn works"))
    session = make_session(fake_llm, tmp_path)
    assert session.cancel() is False  # idle: harmless
    task = asyncio.create_task(session.send_async("slow question"))
    while not fake_llm.requests:  # noqa: ASYNC110 - polling the fake server is the point
        await asyncio.sleep(0.01)
    assert session.cancel() is True
    result = await asyncio.wait_for(task, 10)
    assert result.stop_reason == "cancelled"
    assert (await session.send_async("again")).text == "next turn works"


async def test_cancel_kills_a_running_command(fake_llm: FakeLLM, tmp_path: Path) -> None:
    marker = tmp_path / "survived"
    fake_llm.add(Turn.tool_call("bash", {"command": f"sleep 3 && touch {marker}"}))
    session = make_session(fake_llm, tmp_path)
    started = asyncio.Event()
    seen: list[str] = []

    async def consume() -> None:
        async for event in session.stream_async("run"):
            seen.append(event.type)
            if isinstance(event, ToolStart):
                started.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.sleep(0.2)
    session.cancel()
    await asyncio.wait_for(task, 10)
    assert seen[-1] == "turn_end"
    await asyncio.sleep(3.5)
    assert not marker.exists()


async def test_thinking_is_streamed_and_the_budget_is_sent(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn(items=[Thinking("consider the options"), Text("B")]), Turn.text("again"))
    session = make_session(fake_llm, tmp_path, thinking_budget=2048)
    events = [e async for e in session.stream_async("A or B?")]
    assert "".join(e.text for e in events if isinstance(e, ThinkingDelta)) == "consider the options"
    request = fake_llm.requests[0]
    assert request["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert request["max_tokens"] > 2048
    await session.send_async("and now?")
    echoed = fake_llm.requests[1]["messages"][1]["content"][0]
    assert echoed == {"type": "thinking", "thinking": "consider the options", "signature": "sig-fake"}


async def test_prompt_caching_markers_and_prompt_slots(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("ok"))
    session = make_session(
        fake_llm,
        tmp_path,
        role="You are a senior Rust developer",
        guidelines="Use clippy.",
        extra="Project uses tokio.",
    )
    await session.send_async("hi")
    request = fake_llm.requests[0]
    system = request["system"][0]
    assert system["cache_control"] == {"type": "ephemeral"}
    assert system["text"].startswith("You are a senior Rust developer. You work in an agentic loop")
    assert "## Guidelines\n\nUse clippy." in system["text"] and "Project uses tokio." in system["text"]
    assert "## Core Behaviour" in system["text"]
    assert request["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in request["tools"][0]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_images_reach_the_provider(fake_llm: FakeLLM, tmp_path: Path, provider: str) -> None:
    fake_llm.add(Turn.text("a red pixel"))
    session = make_session(fake_llm, tmp_path, provider)
    await session.send_async("what is this?", [ImageBlock(media_type="image/png", data=PNG_1PX)])
    content = fake_llm.requests[0]["messages"][-1]["content"]
    if provider == "anthropic":
        assert {"type": "base64", "media_type": "image/png", "data": PNG_1PX} in [
            b.get("source") for b in content
        ]
    else:
        assert any(p.get("image_url", {}).get("url") == f"data:image/png;base64,{PNG_1PX}" for p in content)


async def test_model_cost_block_overrides_the_pricing_table(fake_llm: FakeLLM, tmp_path: Path) -> None:
    config = (
        'default_model = "anthropic/claude-sonnet-4-20250514"\n'
        f'providers {{\n  name = "anthropic"\n  api_key = "k"\n  base_url = "{fake_llm.url}"\n'
        '  models {\n    id = "claude-sonnet-4-20250514"\n    cost {\n      input = 100\n      output = 1000\n    }\n  }\n}\n'
    )
    fake_llm.add(Turn.text("x", input_tokens=10_000, output_tokens=1000))
    session = Agent(config).session(tmp_path)
    result = await session.send_async("hi")
    assert result.cost_usd == pytest.approx(10_000 * 100 / 1e6 + 1000 * 1000 / 1e6)
