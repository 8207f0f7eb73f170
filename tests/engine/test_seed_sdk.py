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


SEED = Path("/work/shared/seed/a3s-code-README.txt")


def seed_section(start: str, end: str) -> str:
    text = SEED.read_text()
    return text[text.index(start) + len(start) : text.index(end, text.index(start))]


def test_the_seed_python_teams_sample_runs(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    """The seed's "Python SDK — Agent Teams" lines as written. Before them: the ``agent`` of the
    walkthrough and ``task_id``, the id ``board.post("Fix lint", ...)`` returns (the run's two tasks
    are task-1 and task-2); after them, what a user of the sample sees."""
    import sys

    from tests.cli.helpers import cli_env
    from tests.fakellm.team import TeamScript

    sample = seed_section("Python SDK — Agent Teams\n", "Python SDK\n")
    assert sample.startswith("from a3s_code import Agent , Team , TeamRunner , TeamConfig , TeamTaskBoard")
    TeamScript(["Write the parser", "Wire the parser in"]).install(fake_llm_thread)
    (tmp_path / "agent.hcl").write_text(fake_llm_thread.config())
    before = 'from a3s_code import Agent\nagent = Agent("agent.hcl")\ntask_id = "task-3"\n'
    after = (
        "assert [t.description for t in result.done_tasks] == ['Write the parser', 'Wire the parser in']\n"
        "assert result.rejected_tasks == [] and result.rounds == 1\n"
        "assert [t.description for t in tasks] == ['Write the parser', 'Wire the parser in', 'Fix lint']\n"
        "assert (open, prog, rev, done, rej) == (0, 0, 0, 3, 0)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", before + sample + after],
        env=cli_env(tmp_path, tmp_path / "agent.hcl"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
