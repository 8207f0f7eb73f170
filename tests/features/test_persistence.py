"""Persistence beyond save/resume (tests/engine/test_persistence.py): auto-save, listing, restart."""

from __future__ import annotations

import json
from pathlib import Path

from a3s_code import Agent, SessionOptions
from a3s_code.store import FileSessionStore
from tests.fakellm import FakeLLM, Turn


async def test_auto_save_after_each_turn_and_resume_in_a_new_agent(fake_llm: FakeLLM, tmp_path: Path) -> None:
    store_dir = tmp_path / "sessions"
    opts = SessionOptions().with_file_session_store(str(store_dir)).with_auto_save(True)
    session = Agent(fake_llm.config()).session(tmp_path, opts)
    session.session_allowed.add('bash:{"command": "make"}')
    fake_llm.add(Turn.text("Remembered: the build uses make."))
    await session.send_async("the build command is make")
    saved = json.loads((store_dir / f"{session.session_id}.json").read_text())
    assert saved["turns"] == 1 and saved["format_version"] == 1
    listed = FileSessionStore(store_dir).list()
    assert [s["id"] for s in listed] == [session.session_id]

    restarted = Agent(fake_llm.config()).resume_session(
        session.session_id, SessionOptions().with_file_session_store(str(store_dir))
    )
    assert restarted.turns == 1 and 'bash:{"command": "make"}' in restarted.session_allowed
    fake_llm.add(Turn.text("make"))
    await restarted.send_async("what is the build command?")
    assert "the build command is make" in json.dumps(fake_llm.requests[-1]["messages"])


async def test_without_auto_save_nothing_is_written(fake_llm: FakeLLM, tmp_path: Path) -> None:
    store_dir = tmp_path / "sessions"
    session = Agent(fake_llm.config()).session(
        tmp_path, SessionOptions().with_file_session_store(str(store_dir))
    )
    fake_llm.add(Turn.text("hi"))
    await session.send_async("hello")
    assert not list(store_dir.glob("*.json"))
