"""Steering a running turn: ``session.steer(text)`` reaches the model at its next call; the turn goes on."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from a3s_code.messages import Message, TextBlock, ToolResultBlock
from a3s_code.steering import add_steers
from tests.engine.test_loop import PROVIDERS, make_session
from tests.fakellm import FakeLLM, Turn


def said(request: dict[str, Any]) -> str:
    """Everything the request carries as conversation, as one string."""
    return json.dumps(request["messages"], ensure_ascii=False)


async def _while_held(fake: FakeLLM, requests: int) -> None:
    """Until the fake model has received ``requests`` requests (a gated reply is then held)."""
    while len(fake.requests) < requests:
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_steer_sent_during_a_model_call_reaches_the_next_call_after_the_tools(
    fake_llm: FakeLLM, tmp_path: Path, provider: str
) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    gate = threading.Event()
    fake_llm.add(
        Turn.tool_call("read", {"file_path": "a.txt"}, gate=gate),
        Turn.text("Done, and in Python as you asked."),
    )
    session = make_session(fake_llm, tmp_path, provider)
    turn = asyncio.create_task(session.send_async("Summarise a.txt"))
    await _while_held(fake_llm, 1)
    assert session.steer("use Python, not shell — ünïcode") is True
    gate.set()
    result = await asyncio.wait_for(turn, 30)
    assert result.stop_reason == "end_turn" and result.text == "Done, and in Python as you asked."
    assert len(fake_llm.requests) == 2
    first, second = fake_llm.requests
    assert "use Python" not in said(first)
    assert "use Python, not shell — ünïcode" in said(second)
    assert "alpha" in said(second)  # the tool ran and its result went along with the steer
    assert result.tool_calls and result.tool_calls[0].name == "read"


async def test_a_steer_that_arrives_with_the_final_answer_gets_one_more_model_call(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    gate = threading.Event()
    fake_llm.add(Turn.text("Here is the plan in English.", gate=gate), Turn.text("Voici le plan."))
    session = make_session(fake_llm, tmp_path)
    turn = asyncio.create_task(session.send_async("Write the plan"))
    await _while_held(fake_llm, 1)
    assert session.steer("answer in French")
    gate.set()
    result = await asyncio.wait_for(turn, 30)
    assert result.text == "Voici le plan." and result.stop_reason == "end_turn"
    second = fake_llm.requests[1]["messages"]
    assert "Here is the plan in English." in json.dumps(second)
    assert "answer in French" in json.dumps(second[-1])
    roles = [m["role"] for m in second]
    assert all(a != b for a, b in zip(roles, roles[1:], strict=False))


async def test_steer_when_idle_is_refused_and_reaches_no_later_turn(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn.text("one"), Turn.text("two"))
    session = make_session(fake_llm, tmp_path)
    assert session.steer("too early") is False
    await session.send_async("first")
    assert session.steer("too late") is False
    assert session.steer("   ") is False
    await session.send_async("second")
    assert all("too" not in said(r) for r in fake_llm.requests)
    assert session.take_unsent_steers() == []


async def test_a_steer_after_a_cancelled_turn_does_not_leak_into_the_next(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    fake_llm.add(Turn(hang=True), Turn.text("fresh"))
    session = make_session(fake_llm, tmp_path)
    turn = asyncio.create_task(session.send_async("slow"))
    await _while_held(fake_llm, 1)
    assert session.steer("never read")
    session.cancel()
    assert (await asyncio.wait_for(turn, 30)).stop_reason == "cancelled"
    assert session.take_unsent_steers() == []  # the user cancelled: the steer goes with the turn
    await session.send_async("next")
    assert "never read" not in said(fake_llm.requests[-1])


texts = st.lists(st.text(min_size=1).filter(str.strip), min_size=1, max_size=5)


@given(texts=texts, ends_with_user=st.booleans(), results=st.booleans())
def test_steers_keep_roles_alternating_and_their_order(
    texts: list[str], ends_with_user: bool, results: bool
) -> None:
    history = [Message.user("task"), Message(role="assistant", content=[TextBlock(text="working")])]
    if ends_with_user:
        content: list[Any] = [ToolResultBlock(tool_use_id="t1", content="ok")] if results else []
        history.append(Message(role="user", content=[*content, TextBlock(text="x")]))
    before = [m.model_copy(deep=True) for m in history]
    add_steers(history, texts)
    roles = [m.role for m in history]
    assert all(a != b for a, b in zip(roles, roles[1:], strict=False))
    assert history[-1].role == "user"
    blocks = history[-1].content
    if ends_with_user:  # what was there stays first (tool results must lead a user message)
        assert blocks[: len(before[-1].content)] == before[-1].content
    steer_texts = [b.text for b in blocks if isinstance(b, TextBlock) and b.text.startswith("[The user")]
    assert [t.split("\n", 1)[1] for t in steer_texts] == texts
