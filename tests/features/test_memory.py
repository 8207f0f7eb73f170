"""Memory: three tiers, BM25 recall, file persistence, and past experience in the system prompt."""

from __future__ import annotations

from pathlib import Path

from a3s_code import Agent, SessionOptions
from a3s_code.events import MemoryRecalled, MemoryStored
from a3s_code.memory import AgentMemory, FileMemoryStore, InMemoryStore
from tests.fakellm import FakeLLM, Turn


def test_recall_ranks_by_relevance_and_survives_a_restart(tmp_path: Path) -> None:
    memory = AgentMemory(FileMemoryStore(tmp_path / "mem"))
    memory.remember_success(
        "fix the flaky parser test in tests/test_parser.py", ["read", "edit"], "seeded random"
    )
    memory.remember_failure("deploy the docs site", "permission denied on gh-pages", ["bash"])
    memory.remember_success("rename the config loader module", ["patch"], "renamed to loader.py")
    reopened = AgentMemory(FileMemoryStore(tmp_path / "mem"))
    hits = reopened.recall_similar("the parser test is flaky again", 5)
    assert hits and "flaky parser test" in hits[0].content
    assert all("deploy" not in h.content for h in hits)
    assert [i.kind for i in reopened.recall_by_tags(["failure"])] == ["failure"]
    assert reopened.recent(1)[0].task == "rename the config loader module"
    assert reopened.stats() == {"long_term_count": 3, "short_term_count": 0, "working_count": 0}


def test_tiers_have_their_limits() -> None:
    memory = AgentMemory(InMemoryStore(), max_working=10, max_short_term=100)
    for i in range(120):
        memory.remember(f"note {i}", importance=0.9 if i == 3 else 0.1)
    stats = memory.stats()
    assert stats == {"long_term_count": 120, "short_term_count": 100, "working_count": 10}
    assert "note 3" in [i.content for i in memory.working]  # the important one stays in working memory


def test_an_unreadable_memory_file_is_skipped(tmp_path: Path) -> None:
    memory = AgentMemory(FileMemoryStore(tmp_path))
    memory.remember_success("build the wheel", ["bash"], "ok")
    (tmp_path / "items" / "broken.json").write_text("{not json")
    assert AgentMemory(FileMemoryStore(tmp_path)).stats()["long_term_count"] == 1


async def test_past_experience_reaches_the_next_sessions_prompt(fake_llm: FakeLLM, tmp_path: Path) -> None:
    mem_dir = str(tmp_path / "memory")
    opts = SessionOptions().with_file_memory(mem_dir)
    first = Agent(fake_llm.config()).session(tmp_path, opts)
    fake_llm.add(Turn.text("Fixed: the tokenizer test was flaky because of an unseeded random."))
    events = [e async for e in first.stream_async("fix the flaky tokenizer test")]
    stored = [e for e in events if isinstance(e, MemoryStored)]
    assert stored and stored[0].kind == "success"
    assert "## Relevant past experience" not in fake_llm.requests[0]["system"][0]["text"]

    # A new agent (a restarted daemon) with the same memory folder.
    second = Agent(fake_llm.config()).session(tmp_path, SessionOptions().with_file_memory(mem_dir))
    fake_llm.add(Turn.text("Seeding it again."), Turn.text("Hello."))
    events = [e async for e in second.stream_async("the tokenizer test is flaky again")]
    assert any(isinstance(e, MemoryRecalled) and "unseeded random" in e.content for e in events)
    system = fake_llm.requests[1]["system"][0]["text"]
    assert "## Relevant past experience" in system and "fix the flaky tokenizer test" in system
    await second.send_async("write a haiku about autumn")
    assert "## Relevant past experience" not in fake_llm.requests[2]["system"][0]["text"]
    assert second.memory_stats()["long_term_count"] == 3


def test_session_memory_api(tmp_path: Path, fake_llm_thread: FakeLLM) -> None:
    session = Agent(fake_llm_thread.config()).session(
        tmp_path, SessionOptions().with_file_memory(str(tmp_path / "m"))
    )
    session.remember_success("task", ["tool"], "result")
    session.remember_failure("migrate the database", "timeout", ["bash"])
    assert [i.task for i in session.recall_similar("database migration", 5)] == ["migrate the database"]
    assert len(session.memory_recent(10)) == 2
