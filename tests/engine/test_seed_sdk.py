"""The seed README's "Python SDK" walkthrough runs as written against our engine (fake LLM)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.fakellm import FakeLLM, Turn


def test_the_seed_python_sdk_walkthrough_runs(
    fake_llm_thread: FakeLLM, tmp_path: Path, monkeypatch: Any
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("print('hi')  # TODO: greet by name\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "agent.hcl").write_text(
        fake_llm_thread.config(extra='sessions_dir = "sessions"\nmemory {\n  dir = "memory"\n}\n')
    )
    fake_llm_thread.add(Turn.text("The auth module checks tokens."), Turn.text("Refactored."))
    monkeypatch.chdir(tmp_path)
    audited: list[str] = []

    def handler_fn(event: Any) -> None:
        audited.append(str(event))

    # -- from here on, the seed's sample, line for line --------------------------------------------
    from a3s_code import Agent, SessionOptions, builtin_skills

    agent = Agent("agent.hcl")
    opts = SessionOptions()
    opts.model = "anthropic/claude-sonnet-4-20250514"
    opts.builtin_skills = True
    opts.role = "You are a Python expert"
    opts.guidelines = "Follow PEP 8. Use type hints."
    session = agent.session(".", opts)
    result = session.send("Explain auth module")
    streamed = ""
    for event in session.stream("Refactor auth"):
        if event.event_type == "text_delta":
            streamed += event.text
    content = session.read_file("src/main.py")
    output = session.bash("pytest")
    files = session.glob("**/*.py")
    matches = session.grep("TODO")
    worktrees = session.tool("git_worktree", {"command": "list"})
    session.remember_success("task", ["tool"], "result")
    items = session.recall_similar("task", 5)
    session.register_hook("audit", "pre_tool_use", handler_fn)
    stats = session.queue_stats()
    dead = session.dead_letters()
    session.save()
    resumed = agent.resume_session(session.session_id, opts)
    # -- what a user of that sample sees -----------------------------------------------------------
    session.bash("echo audited")  # the hook registered above sees the next tool call
    assert len(audited) == 1 and "'event_type': 'pre_tool_use'" in audited[0]
    assert "'tool': 'bash'" in audited[0] and "echo audited" in audited[0]
    assert len(builtin_skills()) == 7
    assert result.text == "The auth module checks tokens." and streamed == "Refactored."
    system = str(fake_llm_thread.requests[0]["system"])
    assert "You are a Python expert" in system and "Follow PEP 8" in system
    assert "greet by name" in content and "src/main.py" in files and "TODO" in matches
    assert "pytest" in output or "no tests ran" in output
    assert str(tmp_path) in str(worktrees)
    assert any("task" in str(item) for item in items)
    assert isinstance(stats, dict) and dead == []
    assert [m.role for m in resumed.history] == [m.role for m in session.history] and len(
        resumed.history
    ) == 4
