"""Each tutorial script in docs/examples runs as a user would run it, against the fake LLM server,
with every provider path: Anthropic Messages, OpenAI Responses, OpenAI Chat Completions, and an
Ollama-shaped compatible server (Chat Completions with Ollama's quirks, no API key)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import cli_env
from tests.fakellm import FakeLLM, Turn
from tests.fakellm.view import conversation, system_of, texts

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ROOT = EXAMPLES.parents[1]


PROVIDERS = ["anthropic", "responses", "chat", "ollama"]


def provider_config(fake: FakeLLM, extra: str = "") -> str:
    """The HCL for the fake's provider path (``fake.path``), plus ``extra`` blocks."""
    if fake.path == "anthropic":
        return fake.config("anthropic", "claude-sonnet-4-20250514", extra)
    if fake.path == "ollama":  # a local server: no API key
        return (
            'default_model = "ollama/qwen3:8b"\n'
            f'providers {{\n  name = "ollama"\n  base_url = "{fake.openai_url}"\n}}\n{extra}'
        )
    return fake.config("openai", "gpt-4.1", extra, api=fake.path)


@pytest.fixture(params=PROVIDERS)
def fake(request: pytest.FixtureRequest) -> Any:
    server = FakeLLM(family="ollama", strict=False) if request.param == "ollama" else FakeLLM()
    server.path = request.param
    server.start_in_thread()
    yield server
    server.stop_thread()


def run_example(name: str, fake: FakeLLM, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "agent.hcl"
    if not config.exists():
        config.write_text(provider_config(fake))
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


def test_01_basic_send(fake: FakeLLM, tmp_path: Path) -> None:
    fake.text("Authentication lives in src/auth.py.")
    out = run_example("01_basic_send", fake, tmp_path).stdout
    assert out.startswith("Authentication lives in src/auth.py.\n")
    assert "120 tokens, 0 tool calls" in out


def test_02_streaming_shows_tools_and_text(fake: FakeLLM, tmp_path: Path) -> None:
    fake.tool_call("ls", {"path": "."}).text("A small project with one file.")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "main.py").write_text("print(1)\n")
    out = run_example("02_streaming", fake, tmp_path).stdout
    assert "[tool] ls" in out and "[tool done] ls exit=0" in out
    assert "A small project with one file." in out and "ended: end_turn" in out
    assert "main.py" in texts([fake.last_request()])


def test_03_multi_turn_keeps_the_conversation(fake: FakeLLM, tmp_path: Path) -> None:
    fake.text("Noted.").text("BLUEBIRD").text("DRIBEULB")
    out = run_example("03_multi_turn", fake, tmp_path).stdout
    assert "DRIBEULB" in out and "Messages: 6" in out
    last = conversation(fake.last_request())
    assert len(last) == 5 and "BLUEBIRD" in last[0].text


def test_04_model_switching(fake: FakeLLM, tmp_path: Path) -> None:
    """Switch to another model of the same provider, then back; ``temperature`` reaches the APIs
    that still take it (not Anthropic's Messages API, which refuses it)."""
    other = {"anthropic": "anthropic/claude-haiku-4-5", "ollama": "ollama/llama3.2"}.get(
        fake.path, "openai/gpt-4o"
    )
    (tmp_path / "agent.hcl").write_text(provider_config(fake))
    fake.text("Hello!").text("Bonjour !")
    out = run_example("04_model_switching", fake, tmp_path, A3S_MODEL=other).stdout
    default = provider_config(fake).split('"')[1]
    assert f"Current model: {other}\n" in out and f"Current model: {default}" in out
    assert "Hello!" in out and "Bonjour !" in out
    first, second = fake.requests
    assert first["model"] == other.split("/", 1)[1] and second["model"] == default.split("/", 1)[1]
    assert first.get("temperature") == (None if fake.path == "anthropic" else 0.2)
    assert "Hello!" in texts([second])


def test_05_planning(fake: FakeLLM, tmp_path: Path) -> None:
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
            if system.splitlines()[0] in system_of(body):
                return Turn.text(json.dumps(reply))
        return Turn.text("Validated the form and updated the tests.")

    fake.add(*[answer] * 10)
    out = run_example("05_planning", fake, tmp_path).stdout
    assert "[goal] Signup input is validated and tested" in out
    assert "[plan] tests: Update test_signup.py (after validate, messages)" in out
    assert "[step 1/3, wave 1] Validate email" in out and "[step 3/3, wave 2] Update test_signup.py" in out
    assert "[goal] achieved in 1 turn(s)" in out
    assert "Validated the form" in out and "[done: end_turn]" in out


def test_06_skills_and_security(fake: FakeLLM, tmp_path: Path) -> None:
    fake.text("Looks fine.")
    out = run_example("06_skills_security", fake, tmp_path).stdout
    assert "find-bugs" in out.splitlines()[0] and "Looks fine." in out
    assert "active skills:" in out
    sent = texts(fake.requests)
    assert "Review this code" in sent
    assert "ada@example.com" not in sent and "abcdefghijklmnop" not in sent


@pytest.mark.parametrize("fake", ["anthropic"], indirect=True)  # no model call: any provider
def test_07_direct_tools_spend_no_tokens(fake: FakeLLM, tmp_path: Path) -> None:
    out = run_example("07_direct_tools", fake, tmp_path).stdout
    assert "read: print('hello')" in out and "hello.py" in out.split("glob:")[1]
    assert "TODO" in out.split("grep:")[1] and "bash: from bash" in out
    assert "after: print('hi')" in out
    assert fake.requests == []


def test_08_hooks_audit_and_block(fake: FakeLLM, tmp_path: Path) -> None:
    fake.tool_call("bash", {"command": "rm -rf build"}).text("I was not allowed to delete it.")
    (tmp_path / "ws" / "build").mkdir(parents=True)
    out = run_example("08_hooks", fake, tmp_path).stdout
    assert "I was not allowed" in out
    assert "pre_tool_use: bash {'command': 'rm -rf build'}" in out
    assert (tmp_path / "ws" / "build").is_dir()
    assert "deleting files is not allowed" in conversation(fake.last_request())[-1].text


@pytest.mark.parametrize("fake", ["anthropic"], indirect=True)  # no model call: any provider
def test_09_queue_lanes(fake: FakeLLM, tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "a.txt").write_text("alpha\n")
    (tmp_path / "ws" / "b.txt").write_text("beta\n")
    out = run_example("09_queue_lanes", fake, tmp_path).stdout
    assert "queued" in out.split("execute:")[1] and "alpha" in out and "beta" in out
    assert fake.requests == []


def test_10_resilience_recovers_from_a_429_and_a_malformed_call(fake: FakeLLM, tmp_path: Path) -> None:
    from tests.fakellm.script import ToolCall

    broken: Any = Turn(items=[ToolCall("ls", raw_arguments='{"path": ".",,')])
    fake.add(Turn.error(429, retry_after=0), broken).text("Two folders: src and tests.")
    out = run_example("10_resilience", fake, tmp_path).stdout
    assert "Two folders: src and tests." in out and "[end_turn]" in out
    assert len(fake.requests) == 3
