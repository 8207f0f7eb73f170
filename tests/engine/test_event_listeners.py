"""Listeners see a session's events whoever runs the turn; a failing listener does not stop the turn."""

from __future__ import annotations

from pathlib import Path

from a3s_code import Agent
from a3s_code.events import AgentEvent
from tests.fakellm import FakeLLM


async def test_listeners_see_every_event_and_a_broken_one_is_skipped(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = Agent(fake_llm.config()).session(tmp_path)
    seen: list[str] = []

    def broken(_event: AgentEvent) -> None:
        raise RuntimeError("listener bug")

    session.add_event_listener(broken)
    session.add_event_listener(lambda e: seen.append(e.type))
    fake_llm.tool_call("ls", {"path": "."})
    fake_llm.text("Empty folder.")
    result = await session.send_async("what is here?")
    assert result.text == "Empty folder."
    assert seen[0] == "turn_start" and seen[-1] == "turn_end"
    assert {"tool_start", "tool_end", "text_delta"} <= set(seen)
