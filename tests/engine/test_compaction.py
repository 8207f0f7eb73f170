"""Compaction: /compact and auto-compaction keep the first request, the recent turns and a summary."""

from __future__ import annotations

import json
from pathlib import Path

from a3s_code import Agent, SessionOptions
from a3s_code.compaction import PRUNED
from a3s_code.events import ContextCompacted
from tests.fakellm import FakeLLM, Turn

SUMMARY = "Summary: user wants parser fixes; big.txt was read five times; next: run the tests."


def config_with_limit(fake: FakeLLM, context: int) -> str:
    return (
        'default_model = "anthropic/claude-sonnet-4-20250514"\n'
        f'providers {{\n  name = "anthropic"\n  api_key = "k"\n  base_url = "{fake.url}"\n'
        f'  models {{\n    id = "claude-sonnet-4-20250514"\n    limit {{\n      context = {context}\n    }}\n  }}\n}}\n'
    )


async def long_session(fake: FakeLLM, tmp_path: Path, **opts: object):  # type: ignore[no-untyped-def]
    (tmp_path / "big.txt").write_text("line of data\n" * 800)
    session = Agent(config_with_limit(fake, 200_000)).session(tmp_path, SessionOptions(**opts))  # type: ignore[arg-type]
    fake.add(Turn.text("I will fix the parser."))
    await session.send_async("FIRST REQUEST: fix the parser in src/")
    for i in range(5):
        fake.add(Turn.tool_call("read", {"file_path": "big.txt"}), Turn.text(f"read it, pass {i}"))
        await session.send_async(f"look at big.txt again, pass {i}")
    return session


async def test_slash_compact_summarises_the_middle_and_keeps_the_ends(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = await long_session(fake_llm, tmp_path)
    before = len(session.history)
    fake_llm.add(Turn.text(SUMMARY))
    out = await session.command_async("/compact")
    assert "Compacted:" in out.text and len(session.history) < before
    summary_request = fake_llm.requests[-1]
    assert "tools" not in summary_request and "pass 0" in json.dumps(summary_request["messages"])
    assert session.history[0].text() == "FIRST REQUEST: fix the parser in src/"
    assert SUMMARY in session.history[1].text()
    assert session.history[-1].text() == "read it, pass 4"
    fake_llm.add(Turn.text("continuing"))
    await session.send_async("go on")
    sent = json.dumps(fake_llm.requests[-1]["messages"])
    assert "FIRST REQUEST" in sent and SUMMARY in sent and "pass 4" in sent
    assert sent.count("line of data") < 800 * 2  # the old outputs are gone


async def test_auto_compaction_triggers_at_the_threshold(fake_llm: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x\n" * 100)
    session = Agent(config_with_limit(fake_llm, 10_000)).session(
        tmp_path, SessionOptions().with_auto_compact(True).with_auto_compact_threshold(0.8)
    )
    for i in range(4):
        fake_llm.add(Turn.text(f"answer {i}", input_tokens=1000))
        await session.send_async(f"question {i}")
    assert len(session.history) == 8
    fake_llm.add(Turn.text("big answer", input_tokens=8500), Turn.text(SUMMARY))
    events = [e async for e in session.stream_async("question 4")]
    compacted = next(e for e in events if isinstance(e, ContextCompacted))
    assert compacted.before_messages == 10 and compacted.after_messages < 10
    assert events[-1].type == "turn_end"
    assert SUMMARY in session.history[1].text()


async def test_pruning_alone_replaces_old_large_outputs() -> None:
    from a3s_code.compaction import prune_tool_outputs
    from a3s_code.messages import Message, ToolResultBlock, ToolUseBlock

    history = [Message.user("start")]
    for i in range(6):
        history.append(Message(role="assistant", content=[ToolUseBlock(id=f"t{i}", name="read", input={})]))
        history.append(
            Message(role="user", content=[ToolResultBlock(tool_use_id=f"t{i}", content="y" * 5000)])
        )
    pruned = prune_tool_outputs(history, keep_recent=4)
    contents = [b.content for m in pruned for b in m.content if isinstance(b, ToolResultBlock)]
    assert contents[:4] == [PRUNED] * 4 and contents[4:] == ["y" * 5000] * 2
