"""Slash commands through a real session: dispatched before the LLM, with real figures."""

from __future__ import annotations

from pathlib import Path

from a3s_code import Agent, CommandContext, CommandOutput, SessionOptions
from a3s_code.events import TurnEnd
from tests.fakellm import FakeLLM, Turn


def session_for(fake: FakeLLM, workspace: Path):  # type: ignore[no-untyped-def]
    config = (
        fake.config()
        + f'providers {{\n  name = "openai"\n  api_key = "k"\n  base_url = "{fake.openai_url}"\n}}\n'
    )
    return Agent(config).session(workspace, SessionOptions(llm_max_retries=0))


async def test_cost_history_and_clear_show_real_figures(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("hi", input_tokens=2000, output_tokens=500))
    session = session_for(fake_llm, tmp_path)
    await session.send_async("hello")
    cost = (await session.command_async("/cost")).text
    assert (
        "Tokens:  2500" in cost
        and "Cost:    $0.0135" in cost
        and "anthropic/claude-sonnet-4-20250514" in cost
    )
    assert "Messages: 2" in (await session.command_async("/history")).text
    cleared = await session.command_async("/clear")
    assert cleared.text == "Cleared 2 messages." and session.history == []


async def test_commands_never_reach_the_llm_and_end_the_turn(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path)
    events = [e async for e in session.stream_async("/help")]
    assert isinstance(events[-1], TurnEnd) and events[-1].stop_reason == "command"
    assert "/cost" in events[-1].text and "/compact" in events[-1].text
    assert fake_llm.requests == []
    unknown = await session.command_async("/nope")
    assert unknown.text.startswith("Unknown command: /nope")


async def test_model_switch_changes_the_provider_used(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.add(Turn.text("from openai"))
    session = session_for(fake_llm, tmp_path)
    assert "Current model: anthropic/" in (await session.command_async("/model")).text
    out = await session.command_async("/model openai/gpt-4o")
    assert out.text == "Switching model to: openai/gpt-4o" and session.model == "openai/gpt-4o"
    bad = await session.command_async("/model nowhere/x")
    assert "Cannot switch model" in bad.text and session.model == "openai/gpt-4o"
    assert (await session.send_async("hi")).text == "from openai"
    assert fake_llm.requests[0]["model"] == "gpt-4o" and "stream_options" in fake_llm.requests[0]


async def test_tools_lists_the_builtins(fake_llm: FakeLLM, tmp_path: Path) -> None:
    text = (await session_for(fake_llm, tmp_path).command_async("/tools")).text
    for name in ("read", "write", "edit", "patch", "grep", "glob", "ls", "bash", "git_worktree"):
        assert f"• {name}" in text


class Ping:
    name = "ping"
    description = "Pong!"

    def execute(self, args: str, ctx: CommandContext) -> CommandOutput:
        return CommandOutput.of(f"pong {args} from {ctx.session_id[:4]}")


async def test_custom_commands_register_and_show_in_help(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = session_for(fake_llm, tmp_path)
    session.register_command(Ping())
    assert (await session.command_async("/ping x")).text == f"pong x from {session.session_id[:4]}"
    assert "/ping" in (await session.command_async("/help")).text
