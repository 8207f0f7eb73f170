"""OpenAI-compatible servers' stream quirks: each replayed by the fake server through the real SDK
and a whole session, and the tool-call rebuilding checked as a property over every encoding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai._models import construct_type
from openai.types.chat import ChatCompletionChunk

from a3s_code import Agent
from a3s_code.events import AgentEvent, ThinkingDelta, ToolEnd
from a3s_code.llm._chat_calls import ToolCallAccumulator
from tests.fakellm import FakeLLM, Text, Thinking, ToolCall, Turn
from tests.fakellm.script import FAMILIES, QUIRKS


def two_writes() -> Turn:
    """The reply that became one call named ``writewrite`` with glued arguments on Ollama."""
    return Turn(
        items=[
            ToolCall("write", {"file_path": "a.txt", "content": "alpha\n"}),
            ToolCall("write", {"file_path": "b.txt", "content": "beta\n"}),
        ]
    )


async def run(fake: FakeLLM, tmp_path: Path, prompt: str = "write both") -> tuple[Any, list[AgentEvent]]:
    config = fake.config("local", "qwen3", api="chat")
    session = Agent(config).session(tmp_path)
    events = [e async for e in session.stream_async(prompt)]
    return session, events


@pytest.mark.parametrize("quirk", sorted(QUIRKS))
async def test_each_quirk_still_runs_both_tool_calls(fake_llm: FakeLLM, tmp_path: Path, quirk: str) -> None:
    quirks = frozenset({quirk})
    first = two_writes()
    first.quirks = quirks
    first.items.insert(0, Thinking("I should write two files."))
    first.items.insert(1, Text("Writing them."))
    fake_llm.add(first, Turn(items=[Text("Both written.")], quirks=quirks))
    session, events = await run(fake_llm, tmp_path)
    assert (tmp_path / "a.txt").read_text() == "alpha\n" and (tmp_path / "b.txt").read_text() == "beta\n"
    ends = [e for e in events if isinstance(e, ToolEnd)]
    assert [(e.tool_name, e.exit_code) for e in ends] == [("write", 0), ("write", 0)]
    assert events[-1].stop_reason == "end_turn" and events[-1].text.endswith("Both written.")
    assert "".join(e.text for e in events if isinstance(e, ThinkingDelta)) == "I should write two files."
    assert session.usage.input_tokens == (0 if quirk == "no_usage" else 200)
    # The results went back answering the calls the server made, in order.
    sent = fake_llm.last_request()["messages"]
    assistant = next(m for m in sent if m.get("tool_calls"))
    ids = [c["id"] for c in assistant["tool_calls"]]
    assert [m["tool_call_id"] for m in sent if m["role"] == "tool"] == ids and len(set(ids)) == 2


async def test_ids_reused_across_turns_stay_unique_in_the_history(fake_llm: FakeLLM, tmp_path: Path) -> None:
    reused = frozenset({"reused_ids"})
    for name in ("a", "b"):
        turn = Turn.tool_call("write", {"file_path": f"{name}.txt", "content": name})
        turn.quirks = reused
        fake_llm.add(turn)
    fake_llm.add(Turn(items=[Text("done")], quirks=reused))
    session, _ = await run(fake_llm, tmp_path)
    uses = [b.id for m in session.history for b in m.tool_uses()]
    results = [b.tool_use_id for m in session.history for b in m.content if b.type == "tool_result"]
    assert len(uses) == 2 and len(set(uses)) == 2 and results == uses
    assert uses[0] == "call_0"  # the server's id is kept where it is still unique


async def test_a_whole_session_against_each_server_family(tmp_path: Path) -> None:
    for family in FAMILIES:
        fake = FakeLLM(family=family, strict=False)
        await fake.start()
        try:
            fake.add(two_writes()).text("ok")
            workspace = tmp_path / family
            workspace.mkdir()
            _, events = await run(fake, workspace)
            assert sorted(p.name for p in workspace.iterdir()) == ["a.txt", "b.txt"], family
            assert events[-1].stop_reason == "end_turn", family
        finally:
            await fake.stop()


# -- the property: every encoding of any list of calls comes back as the same calls -------------

NAMES = st.sampled_from(["read", "write", "edit", "bash", "grep"])
ARGS = st.dictionaries(
    st.sampled_from(["path", "content", "n", "flag"]),
    st.one_of(st.text(max_size=12), st.integers(-5, 5), st.booleans()),
    max_size=3,
)
CALLS = st.lists(st.tuples(NAMES, ARGS), min_size=1, max_size=4)
ENCODINGS = [
    "openai",
    "no_index",
    "no_index_no_id",
    "one_delta",
    "one_delta_no_id",
    "index_zero",
    "object_args",
]


def encode(calls: list[tuple[str, dict[str, Any]]], how: str, cuts: st.DrawFn) -> list[list[dict[str, Any]]]:
    """The ``tool_calls`` of each delta, as a server of that kind would stream ``calls``."""
    deltas: list[list[dict[str, Any]]] = []
    together: list[dict[str, Any]] = []
    for n, (name, args) in enumerate(calls):
        text = json.dumps(args)
        head: dict[str, Any] = {"type": "function", "function": {"name": name}}
        if "no_id" not in how:
            head["id"] = f"call_{n}"
        if how in ("openai", "object_args"):
            head["index"] = n
        elif how == "index_zero":
            head["index"] = 0
        if how.startswith("one_delta"):
            head["function"]["arguments"] = text
            together.append(head)
            continue
        if how == "object_args":
            head["function"]["arguments"] = args
            deltas.append([head])
            continue
        points = sorted(cuts(st.lists(st.integers(0, len(text)), max_size=3)))
        pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
        head["function"]["arguments"] = pieces[0]
        deltas.append([head])
        for piece in pieces[1:]:
            tail: dict[str, Any] = {"function": {"arguments": piece}}
            if "index" in head:
                tail["index"] = head["index"]
            deltas.append([tail])
    if together:
        deltas.append(together)
    return deltas


@settings(max_examples=150, deadline=None)
@given(calls=CALLS, how=st.sampled_from(ENCODINGS), data=st.data())
def test_every_encoding_rebuilds_the_same_calls(
    calls: list[tuple[str, dict[str, Any]]], how: str, data: st.DataObject
) -> None:
    accumulator = ToolCallAccumulator()
    for fragments in encode(calls, how, data.draw):
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {"tool_calls": fragments}, "finish_reason": None}],
        }
        parsed = construct_type(type_=ChatCompletionChunk, value=chunk)  # as the SDK builds it
        accumulator.add(parsed.choices[0].delta.tool_calls)
    blocks = accumulator.blocks(taken=set())
    assert [(b.name, b.input) for b in blocks] == calls
    assert len({b.id for b in blocks}) == len(blocks)
