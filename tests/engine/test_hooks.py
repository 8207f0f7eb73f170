"""Hooks in real turns: continue, modify, block, skip, retry, priorities and timeouts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from a3s_code import Agent
from a3s_code.hooks import HookResult
from tests.fakellm import FakeLLM, Turn


def session_for(fake: FakeLLM, workspace: Path):  # type: ignore[no-untyped-def]
    return Agent(fake.config()).session(workspace)


def tool_result_text(fake: FakeLLM, request: int) -> str:
    return str(fake.requests[request]["messages"][-1]["content"][0]["content"][0]["text"])


async def test_every_lifecycle_event_fires_in_order(fake_llm: FakeLLM, tmp_path: Path) -> None:
    seen: list[str] = []
    session = session_for(fake_llm, tmp_path)
    for event in (
        "session_start",
        "pre_prompt",
        "generate_start",
        "generate_end",
        "pre_tool_use",
        "post_tool_use",
        "post_response",
        "session_end",
    ):
        session.register_hook(f"log-{event}", event, lambda e, _p: seen.append(e))
    fake_llm.add(Turn.tool_call("ls", {}), Turn.text("done"))
    await session.send_async("list")
    await session.close_async()
    assert seen == [
        "session_start",
        "pre_prompt",
        "generate_start",
        "generate_end",
        "pre_tool_use",
        "post_tool_use",
        "generate_start",
        "generate_end",
        "post_response",
        "session_end",
    ]
    assert (
        session.hook_count() == 8 and session.unregister_hook("log-pre_prompt") and session.hook_count() == 7
    )


async def test_modify_tool_arguments_and_output(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path)
    session.register_hook(
        "safe-echo",
        "pre_tool_use",
        lambda _e, p: HookResult.modify(args={"command": "echo rewritten"}),
        matcher="bash",
    )
    session.register_hook(
        "tag", "post_tool_use", lambda _e, p: HookResult.modify(output=p["output"] + " [audited]")
    )
    fake_llm.add(Turn.tool_call("bash", {"command": "echo original"}), Turn.text("ok"))
    result = await session.send_async("run")
    assert result.tool_calls[0].output == "rewritten [audited]"
    assert result.tool_calls[0].args == {"command": "echo rewritten"}


async def test_block_and_skip_stop_the_tool(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path)
    session.register_hook(
        "no-writes", "pre_tool_use", lambda _e, _p: HookResult.block("writes are frozen"), matcher="write"
    )
    session.register_hook("no-ls", "pre_tool_use", lambda _e, _p: HookResult.skip("not needed"), matcher="ls")
    fake_llm.add(
        Turn.tool_call("write", {"file_path": "x.txt", "content": "x"}),
        Turn.tool_call("ls", {}),
        Turn.text("ok"),
    )
    result = await session.send_async("go")
    assert not (tmp_path / "x.txt").exists()
    assert "Blocked by a hook: writes are frozen" in tool_result_text(fake_llm, 1)
    assert (
        result.tool_calls[1].output == "Skipped by a hook: not needed" and result.tool_calls[1].exit_code == 0
    )


async def test_retry_runs_the_tool_again(fake_llm: FakeLLM, tmp_path: Path) -> None:
    counter = tmp_path / "count"
    session = session_for(fake_llm, tmp_path)
    calls: list[int] = []

    def retry_once(_e: str, payload: dict[str, Any]) -> HookResult | None:
        calls.append(1)
        return HookResult.retry("flaky") if len(calls) == 1 else None

    session.register_hook("retry", "post_tool_use", retry_once)
    fake_llm.add(Turn.tool_call("bash", {"command": f"echo x >> {counter}"}), Turn.text("ok"))
    await session.send_async("go")
    assert counter.read_text() == "x\nx\n"


async def test_priorities_order_and_a_slow_hook_is_skipped(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path)
    order: list[str] = []

    async def slow(_e: str, _p: dict[str, Any]) -> HookResult:
        await asyncio.sleep(5)
        return HookResult.block("too late")

    session.register_hook(
        "second",
        "pre_prompt",
        lambda _e, p: (order.append("second"), HookResult.modify(prompt=p["prompt"] + "!"))[1],
        priority=20,
    )
    session.register_hook(
        "first",
        "pre_prompt",
        lambda _e, p: (order.append("first"), HookResult.modify(prompt=p["prompt"].upper()))[1],
        priority=10,
    )
    session.register_hook("slow", "pre_prompt", slow, priority=30, timeout_ms=100)
    fake_llm.add(Turn.text("ok"))
    result = await session.send_async("hello")
    assert order == ["first", "second"] and result.text == "ok"
    assert fake_llm.requests[0]["messages"][0]["content"][-1]["text"] == "HELLO!"


async def test_a_blocked_prompt_never_reaches_the_model(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path)
    session.register_hook(
        "guard",
        "pre_prompt",
        lambda _e, p: HookResult.block("no secrets talk") if "secret" in p["prompt"] else None,
    )
    result = await session.send_async("tell me the secret")
    assert result.stop_reason == "error" and "no secrets talk" in result.text
    assert fake_llm.requests == []
