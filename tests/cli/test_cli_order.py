"""The terminal shows a turn in the order things happened: a confirmation question comes after the
text and the tool line that led to it (the loop runs ahead of the printer)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import A3S_CODE, cli_env
from tests.fakellm import FakeLLM, Turn

pytestmark = pytest.mark.usefixtures("resident_mode")  # in process and served (tests/cli/conftest.py)


def test_the_question_follows_the_text_and_tool_line_before_it(
    tmp_path: Path, fake_llm_thread: FakeLLM
) -> None:
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config(extra='permissions {\n  ask = ["bash"]\n}\n'))
    ws = tmp_path / "ws"
    ws.mkdir()
    fake_llm_thread.add(
        Turn.tool_call("bash", {"command": "echo hello > notes.txt"}, text="I will write the notes now."),
        Turn.text("Wrote it."),
    )
    done = subprocess.run(
        [A3S_CODE, "write notes"],
        env=cli_env(tmp_path, config),
        cwd=ws,
        input="y\n",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one stream: the order the user sees
        text=True,
        timeout=60,
    )
    out = done.stdout
    assert done.returncode == 0, out
    text, tool, question = out.find("I will write the notes now."), out.find("⚙ bash"), out.find("? bash")
    assert -1 not in (text, tool, question), out
    assert text < tool < question, out
    assert (ws / "notes.txt").read_text() == "hello\n"


def test_a_lone_surrogate_in_a_prompt_is_replaced_and_the_session_goes_on(
    tmp_path: Path, fake_llm_thread: FakeLLM
) -> None:
    import asyncio

    from a3s_code import Agent

    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    fake_llm_thread.add(Turn.text("first"), Turn.text("second"))

    async def run() -> list[str]:
        session = Agent(str(config)).session(str(tmp_path))
        first = await session.send_async("hi \ud800")
        second = await session.send_async("again")
        return [first.text, second.text, str(session.history[0].content[0])]

    first, second, stored = asyncio.run(run())
    assert (first, second) == ("first", "second")
    assert "\ufffd" in stored and "\ud800" not in stored
