"""Any exception inside a turn that is not an ``LLMError`` (a bug, an SDK change) ends the turn cleanly.

The turn ends with an ``error`` event and stop reason ``error``; the history stays valid (every
tool call answered, roles alternating) and the next prompt works. The failing objects here are
real ones a user can plug in (an LLM client, a slash command, a tool), not mocks of our code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from a3s_code import Agent, CommandContext, CommandOutput, SessionOptions
from a3s_code.events import AgentEvent, ErrorEvent, ToolEnd, TurnEnd
from a3s_code.llm.base import LLMClient, LLMRequest, LLMStreamEvent
from a3s_code.messages import Message
from a3s_code.tools.base import Tool, ToolContext, ToolParams, ToolResult
from tests.fakellm import FakeLLM, Turn


class SdkChangedAgent(Agent):
    """The provider SDK changed under us: its next ``failures`` calls raise ``TypeError``."""

    failures = 0

    def llm_client(self, model: str, options: SessionOptions | None = None) -> LLMClient:
        real = super().llm_client(model, options)
        agent = self

        class Client:
            provider = real.provider

            async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
                if agent.failures:
                    agent.failures -= 1
                    raise TypeError("Messages.create() got an unexpected keyword argument 'temperature'")
                async for event in real.stream(request):
                    yield event

        return Client()


def assert_valid(history: list[Message]) -> None:
    """What every provider requires of the next request."""
    roles = [m.role for m in history]
    assert all(a != b for a, b in zip(roles, roles[1:], strict=False)), roles
    for i, message in enumerate(history):
        uses = {u.id for u in message.tool_uses()} if message.role == "assistant" else set()
        if uses:
            answered = {b.tool_use_id for b in history[i + 1].content if hasattr(b, "tool_use_id")}
            assert uses <= answered


def ended_with_error(events: list[AgentEvent], kind: str) -> None:
    end = events[-1]
    assert isinstance(end, TurnEnd) and end.stop_reason == "error", end
    error = next(e for e in events if isinstance(e, ErrorEvent))
    assert kind in error.message


async def test_an_sdk_type_error_ends_the_turn_and_the_next_prompt_works(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    agent = SdkChangedAgent(fake_llm.config())
    session = agent.session(tmp_path)
    agent.failures = 1
    events = [e async for e in session.stream_async("first")]
    ended_with_error(events, "TypeError")
    assert_valid(session.history)
    fake_llm.add(Turn.text("second works"))
    result = await session.send_async("second")
    assert result.text == "second works" and result.stop_reason == "end_turn"


async def test_an_sdk_error_after_a_tool_round_keeps_every_call_answered(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    agent = SdkChangedAgent(fake_llm.config())
    session = agent.session(tmp_path)
    fake_llm.add(Turn.tool_call("read", {"file_path": "a.txt"}), Turn.text("recovered"))
    original = agent.llm_client

    def fail_from_the_second_call(model: str, options: SessionOptions | None = None) -> LLMClient:
        client = original(model, options)
        calls = 0

        class Client:
            provider = client.provider

            async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
                nonlocal calls
                calls += 1
                if calls == 2:
                    raise AttributeError("'NoneType' object has no attribute 'content'")
                async for event in client.stream(request):
                    yield event

        return Client()

    agent.llm_client = fail_from_the_second_call  # type: ignore[method-assign]
    events = [e async for e in session.stream_async("read it")]
    ended_with_error(events, "AttributeError")
    assert any(isinstance(e, ToolEnd) and "alpha" in e.output for e in events)
    assert_valid(session.history)
    result = await session.send_async("again")
    assert result.text == "recovered"


class BrokenCommand:
    name = "broken"
    description = "a user command with a bug"

    def execute(self, args: str, ctx: CommandContext) -> CommandOutput:
        return CommandOutput.of(str(1 / len(args)))


async def test_a_failing_slash_command_ends_its_turn_only(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = Agent(fake_llm.config()).session(tmp_path, SessionOptions(commands=[BrokenCommand()]))
    events = [e async for e in session.stream_async("/broken")]
    ended_with_error(events, "ZeroDivisionError")
    assert [e.type for e in events][0] == "turn_start"
    fake_llm.add(Turn.text("fine"))
    assert (await session.send_async("hello")).text == "fine"
    assert (await session.send_async("/broken x")).text == "1.0"


class BuggyParams(ToolParams):
    n: int = 0


class BuggyTool(Tool[BuggyParams]):
    name = "buggy"
    description = "a user tool with a bug"
    Params = BuggyParams

    async def run(self, params: BuggyParams, ctx: ToolContext) -> ToolResult:
        return ToolResult(str(len(params.n)))  # type: ignore[arg-type]


async def test_a_tool_with_a_bug_is_an_error_result_and_the_turn_goes_on(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = Agent(fake_llm.config()).session(tmp_path)
    session.tools.add(BuggyTool())
    fake_llm.add(Turn.tool_call("buggy", {"n": 3}), Turn.text("I see the tool failed."))
    events: list[Any] = [e async for e in session.stream_async("use it")]
    end = next(e for e in events if isinstance(e, ToolEnd))
    assert end.exit_code == 1 and "TypeError" in end.output
    assert isinstance(events[-1], TurnEnd) and events[-1].stop_reason == "end_turn"
