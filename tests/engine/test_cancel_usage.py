"""A turn cancelled while the model streams still counts the tokens already spent.

The provider bills a request that was stopped: its input, and what it generated before the
connection closed. Real SDKs (Anthropic Messages, OpenAI Chat Completions and Responses) against
the fake LLM server; the turn is cancelled once the first words have arrived.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.events import TextDelta, TurnEnd, UsageEvent
from a3s_code.session import Session
from tests.fakellm import FakeLLM, Turn

ANSWER = "a long answer that the user stops before it ends, word after word"

PROVIDERS = {
    "anthropic": ("anthropic", "claude-sonnet-4-20250514", None),
    "openai-chat": ("openai", "gpt-4o", "chat"),
    "openai-responses": ("openai", "gpt-4o", "responses"),
}


def session_for(fake: FakeLLM, tmp_path: Path, which: str) -> Session:
    provider, model, api = PROVIDERS[which]
    agent = Agent(fake.config(provider, model, api=api))
    return agent.session(tmp_path, SessionOptions(llm_max_retries=0))


async def cancel_after_first_words(session: Session, prompt: str) -> tuple[TurnEnd, list[UsageEvent], str]:
    seen: list[str] = []
    usage: list[UsageEvent] = []
    end: TurnEnd | None = None
    async for event in session.stream_async(prompt):
        if isinstance(event, TextDelta):
            if not seen:
                session.cancel()
            seen.append(event.text)
        elif isinstance(event, UsageEvent):
            usage.append(event)
        elif isinstance(event, TurnEnd):
            end = event
    assert end is not None
    return end, usage, "".join(seen)


@pytest.mark.parametrize("which", list(PROVIDERS))
async def test_a_cancelled_turn_counts_what_was_spent(fake_llm: FakeLLM, tmp_path: Path, which: str) -> None:
    fake_llm.add(
        Turn.text("first", input_tokens=1000, output_tokens=10),
        Turn.text(ANSWER, text_chunk=6, chunk_delay_s=0.3, input_tokens=2000, output_tokens=400),
    )
    session = session_for(fake_llm, tmp_path, which)
    first = await session.send_async("hello")
    assert first.usage.total_tokens == 1010
    end, usage, streamed = await cancel_after_first_words(session, "write a long answer")
    assert end.stop_reason == "cancelled"
    assert streamed and ANSWER.startswith(streamed) and streamed != ANSWER
    spent = end.usage
    if which == "anthropic":  # message_start reported the input before any text
        assert spent.input_tokens == 2000
    else:  # reported only in the last chunk: estimated from the request, about 4 characters a token
        request = fake_llm.requests[-1]
        assert 0 < spent.input_tokens <= len(str(request)) // 2
    assert len(streamed) // 4 <= spent.output_tokens <= len(ANSWER)
    assert [u.usage for u in usage] == [spent]  # announced like any model call's usage
    assert session.usage.total_tokens == 1010 + spent.total_tokens  # what /cost shows
    cost = await session.command_async("/cost")
    assert f"Tokens:  {1010 + spent.total_tokens}" in cost.text


async def test_a_request_the_provider_never_answered_costs_nothing(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("too late", delay_s=30))
    session = session_for(fake_llm, tmp_path, "anthropic")
    task = asyncio.create_task(session.send_async("slow question"))
    while not fake_llm.requests:  # noqa: ASYNC110 - polling the fake server is the point
        await asyncio.sleep(0.01)
    session.cancel()
    result = await asyncio.wait_for(task, 10)
    assert result.stop_reason == "cancelled" and result.usage.total_tokens == 0
