"""Each tutorial script in docs/examples runs as a user would run it, against the fake LLM server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cli.helpers import cli_env
from tests.fakellm import FakeLLM, Turn

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ROOT = EXAMPLES.parents[1]


def run_example(name: str, fake: FakeLLM, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "agent.hcl"
    if not config.exists():
        config.write_text(fake.config())
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), str(workspace)],
        env=cli_env(tmp_path, config, **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def sent_texts(fake: FakeLLM) -> list[str]:
    """The user-visible text of every message sent to the model, all requests together."""
    out = []
    for request in fake.requests:
        for message in request["messages"]:
            content = message["content"]
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            out += [b.get("text", "") for b in blocks if b.get("type") == "text"]
    return out


def test_every_topic_has_a_script() -> None:
    names = sorted(p.stem for p in EXAMPLES.glob("[0-9][0-9]_*.py"))
    assert names == [
        "01_basic_send",
        "02_streaming",
        "03_multi_turn",
        "04_model_switching",
        "05_planning",
        "06_skills_security",
        "07_direct_tools",
        "08_hooks",
        "09_queue_lanes",
        "10_resilience",
    ]
    for path in EXAMPLES.glob("*.py"):  # the ones waiting for engine features must at least parse
        compile(path.read_text(), str(path), "exec")


def test_01_basic_send(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake_llm_thread.text("Authentication lives in src/auth.py.")
    out = run_example("01_basic_send", fake_llm_thread, tmp_path).stdout
    assert out.startswith("Authentication lives in src/auth.py.\n")
    assert "120 tokens, 0 tool calls" in out


def test_02_streaming_shows_tools_and_text(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake_llm_thread.tool_call("ls", {"path": "."}).text("A small project with one file.")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "main.py").write_text("print(1)\n")
    out = run_example("02_streaming", fake_llm_thread, tmp_path).stdout
    assert "[tool] ls" in out and "[tool done] ls exit=0" in out
    assert "A small project with one file." in out and "ended: end_turn" in out
    assert "main.py" in str(fake_llm_thread.last_request()["messages"])


def test_03_multi_turn_keeps_the_conversation(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake_llm_thread.text("Noted.").text("BLUEBIRD").text("DRIBEULB")
    out = run_example("03_multi_turn", fake_llm_thread, tmp_path).stdout
    assert "DRIBEULB" in out and "Messages: 6" in out
    last = fake_llm_thread.last_request()["messages"]
    assert len(last) == 5 and "BLUEBIRD" in str(last[0])


def test_04_model_switching(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake = fake_llm_thread
    anthropic = (
        f'providers {{\n  name = "anthropic"\n  api_key = "k"\n  base_url = "{fake.anthropic_url}"\n}}\n'
    )
    (tmp_path / "agent.hcl").write_text(fake.config("openai", "gpt-4o-mini", extra=anthropic))
    fake.text("Hello!").text("Bonjour !")
    out = run_example("04_model_switching", fake, tmp_path, A3S_MODEL="openai/gpt-4o").stdout
    assert "Current model: openai/gpt-4o\n" in out and "Current model: openai/gpt-4o-mini" in out
    assert "Hello!" in out and "Bonjour !" in out
    first, second = fake.requests
    assert first["model"] == "gpt-4o" and first["temperature"] == 0.2
    assert second["model"] == "gpt-4o-mini" and "Hello!" in str(second["messages"])


def test_05_planning(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    from a3s_code.planning.planner import CHECK_SYSTEM, GOAL_SYSTEM, PLAN_SYSTEM

    plan = {
        "goal": "Signup input is validated and tested",
        "steps": [
            {"id": "validate", "description": "Validate email and password in signup.py"},
            {"id": "messages", "description": "Write the error messages"},
            {"id": "tests", "description": "Update test_signup.py", "dependencies": ["validate", "messages"]},
        ],
    }
    replies = {
        PLAN_SYSTEM: plan,
        GOAL_SYSTEM: {
            "description": "Signup input is validated and tested",
            "success_criteria": ["tests pass"],
        },
        CHECK_SYSTEM: {"achieved": True, "progress": 1.0, "remaining_criteria": []},
    }

    def answer(body: dict[str, Any]) -> Turn:
        for system, reply in replies.items():
            if system.splitlines()[0] in json.dumps(body.get("system")):
                return Turn.text(json.dumps(reply))
        return Turn.text("Validated the form and updated the tests.")

    fake_llm_thread.add(*[answer] * 10)
    out = run_example("05_planning", fake_llm_thread, tmp_path).stdout
    assert "[goal] Signup input is validated and tested" in out
    assert "[plan] tests: Update test_signup.py (after validate, messages)" in out
    assert "[step 1/3, wave 1] Validate email" in out and "[step 3/3, wave 2] Update test_signup.py" in out
    assert "[goal] achieved in 1 turn(s)" in out
    assert "Validated the form" in out and "[done: end_turn]" in out


def test_06_skills_and_security(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake_llm_thread.text("Looks fine.")
    out = run_example("06_skills_security", fake_llm_thread, tmp_path).stdout
    assert "find-bugs" in out.splitlines()[0] and "Looks fine." in out
    assert "active skills:" in out
    sent = " ".join(sent_texts(fake_llm_thread))
    assert "Review this code" in sent
    assert "ada@example.com" not in sent and "abcdefghijklmnop" not in sent


def test_07_direct_tools_spend_no_tokens(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    out = run_example("07_direct_tools", fake_llm_thread, tmp_path).stdout
    assert "read: print('hello')" in out and "hello.py" in out.split("glob:")[1]
    assert "TODO" in out.split("grep:")[1] and "bash: from bash" in out
    assert "after: print('hi')" in out
    assert fake_llm_thread.requests == []


def test_08_hooks_audit_and_block(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    fake_llm_thread.tool_call("bash", {"command": "rm -rf build"}).text("I was not allowed to delete it.")
    (tmp_path / "ws" / "build").mkdir(parents=True)
    out = run_example("08_hooks", fake_llm_thread, tmp_path).stdout
    assert "I was not allowed" in out
    assert "pre_tool_use: bash {'command': 'rm -rf build'}" in out
    assert (tmp_path / "ws" / "build").is_dir()
    assert "deleting files is not allowed" in str(fake_llm_thread.last_request()["messages"][-1])


def test_09_queue_lanes(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "a.txt").write_text("alpha\n")
    (tmp_path / "ws" / "b.txt").write_text("beta\n")
    out = run_example("09_queue_lanes", fake_llm_thread, tmp_path).stdout
    assert "queued" in out.split("execute:")[1] and "alpha" in out and "beta" in out
    assert fake_llm_thread.requests == []


def test_10_resilience_recovers_from_a_429_and_a_malformed_call(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    from tests.fakellm.script import ToolCall

    broken: Any = Turn(items=[ToolCall("ls", raw_arguments='{"path": ".",,')])
    fake_llm_thread.add(Turn.error(429, retry_after=0), broken).text("Two folders: src and tests.")
    out = run_example("10_resilience", fake_llm_thread, tmp_path).stdout
    assert "Two folders: src and tests." in out and "[end_turn]" in out
    assert len(fake_llm_thread.requests) == 3
