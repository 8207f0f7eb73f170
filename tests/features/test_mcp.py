"""MCP: real servers (tests/mcpservers) over stdio and streamable HTTP, and servers that misbehave."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from a3s_code import Agent, SessionOptions
from a3s_code.events import ErrorEvent, SecurityWarning, ToolEnd
from a3s_code.mcp import McpManager, McpServerSpec
from a3s_code.session import Session
from tests.fakellm import FakeLLM, Turn

SERVERS = Path(__file__).resolve().parents[1] / "mcpservers"
PY = sys.executable


def server(name: str) -> list[str]:
    return [str(SERVERS / f"{name}.py")]


def hcl_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def new_session(fake: FakeLLM, tmp_path: Path, extra: str = "", **opts: object) -> Session:
    return Agent(fake.config(extra=extra)).session(tmp_path, SessionOptions(**opts))  # type: ignore[arg-type]


async def test_config_servers_start_with_the_agent_and_their_tools_reach_the_model(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    extra = f'mcp_servers {{\n  name = "good"\n  command = "{PY}"\n  args = {hcl_list(server("good"))}\n}}\n'
    session = new_session(fake_llm, tmp_path, extra)
    fake_llm.add(Turn.tool_call("mcp__good__add", {"a": 2, "b": 40}), Turn.text("The sum is 42."))
    try:
        result = await session.send_async("add 2 and 40")
        assert result.text == "The sum is 42."
        tools = {t["name"]: t for t in fake_llm.requests[0]["tools"]}
        assert tools["mcp__good__add"]["input_schema"]["required"] == ["a", "b"]
        assert "Add two integers" in tools["mcp__good__add"]["description"]
        tool_result = fake_llm.requests[1]["messages"][-1]["content"][0]
        assert tool_result["type"] == "tool_result" and "42" in json.dumps(tool_result["content"])
        assert result.tool_calls[0].output == "42"
    finally:
        await session.close_async()
        await session.agent.mcp_manager().close()


async def test_add_at_run_time_status_slash_mcp_and_remove(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = new_session(fake_llm, tmp_path)
    try:
        count = await session.add_mcp_server_async("good", PY, server("good"), env={"GOOD_MODE": "1"})
        assert count == 4
        assert {"mcp__good__add", "mcp__good__shout", "mcp__good__picture"} <= set(session.tool_names())
        assert session.mcp_status()["good"]["state"] == "running"
        out = await session.command_async("/mcp")
        assert "MCP: 1 server(s), 4 tool(s)" in out.text and "mcp__good__shout" in out.text
        shout = await session.tool_async("mcp__good__shout", {"text": "hi"})
        assert shout.output == "HI" and not shout.is_error
        refused = await session.tool_async("mcp__good__refuse", {"reason": "nope"})
        assert refused.is_error and "refuse" in refused.output
        assert await session.remove_mcp_server_async("good")
        assert not any(t.startswith("mcp__good__") for t in session.tool_names())
        assert (await session.command_async("/mcp")).text == "No MCP servers connected."
    finally:
        await session.close_async()


async def test_a_shared_manager_registers_into_a_session(fake_llm: FakeLLM, tmp_path: Path) -> None:
    manager = McpManager([McpServerSpec("calc", PY, server("good"))])
    session = new_session(fake_llm, tmp_path)
    try:
        assert await session.add_mcp_server_async(manager, "calc") == 4
        assert (await session.tool_async("mcp__calc__add", {"a": 1, "b": 1})).output == "2"
    finally:
        await manager.close()


async def test_a_server_that_crashes_gives_an_error_and_is_restarted(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = new_session(fake_llm, tmp_path)
    await session.add_mcp_server_async("crashy", PY, server("crashy"))
    first_pid = (await session.tool_async("mcp__crashy__ping", {})).output
    fake_llm.add(Turn.tool_call("mcp__crashy__die", {}), Turn.text("It crashed."))
    events = [e async for e in session.stream_async("crash it")]
    end = next(e for e in events if isinstance(e, ToolEnd))
    assert end.exit_code == 1 and "crashy" in end.output and "restarted" in end.output
    assert "about to die" in end.output  # the server's stderr explains it
    assert session.mcp_status()["crashy"]["state"] == "failed"
    again = await session.tool_async("mcp__crashy__ping", {})
    assert again.output.startswith("pong from ") and again.output != first_pid
    assert session.mcp_status()["crashy"]["starts"] == 2
    await session.close_async()


async def test_a_server_that_hangs_times_out_and_the_session_goes_on(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    session = new_session(fake_llm, tmp_path)
    await session.add_mcp_server_async("hangs", PY, server("hangs"), tool_timeout_secs=1)
    fake_llm.add(Turn.tool_call("mcp__hangs__stall", {}), Turn.text("It hung."))
    result = await session.send_async("call stall")
    assert result.text == "It hung."
    assert "did not answer within 1s" in result.tool_calls[0].output
    assert (await session.tool_async("mcp__hangs__ping", {})).output.startswith("pong")
    await session.close_async()


@pytest.mark.parametrize(
    ("tool", "expected"),
    [("mangled", "not valid MCP"), ("noise", "did not answer within 1s")],
)
async def test_a_server_that_answers_garbage_gives_a_clear_error(
    fake_llm: FakeLLM, tmp_path: Path, tool: str, expected: str
) -> None:
    session = new_session(fake_llm, tmp_path)
    assert await session.add_mcp_server_async("junk", PY, server("garbage"), tool_timeout_secs=1) == 2
    out = await session.tool_async(f"mcp__junk__{tool}", {})
    assert out.is_error and expected in out.output
    fake_llm.add(Turn.text("still here"))
    assert (await session.send_async("hello")).text == "still here"
    await session.close_async()


async def test_a_server_that_cannot_start_is_reported_and_the_turn_runs(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    extra = 'mcp_servers {\n  name = "ghost"\n  command = "/nonexistent/mcp-server"\n}\n'
    session = new_session(fake_llm, tmp_path, extra)
    fake_llm.add(Turn.text("fine"))
    events = [e async for e in session.stream_async("hi")]
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert errors and "ghost" in errors[0].message and errors[0].recoverable
    assert events[-1].text == "fine"  # type: ignore[union-attr]


async def test_tool_images_from_mcp_reach_the_model(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = new_session(fake_llm, tmp_path)
    await session.add_mcp_server_async("good", PY, server("good"))
    fake_llm.add(Turn.tool_call("mcp__good__picture", {}), Turn.text("a dot"))
    await session.send_async("show me the picture")
    blocks = fake_llm.requests[1]["messages"][-1]["content"][0]["content"]
    assert any(b.get("type") == "image" and b["source"]["media_type"] == "image/png" for b in blocks)
    await session.close_async()


async def test_permission_rules_apply_to_mcp_tools(fake_llm: FakeLLM, tmp_path: Path) -> None:
    extra = 'permissions {\n  deny = ["mcp__good__shout"]\n  allow = ["mcp__good"]\n}\n'
    session = new_session(fake_llm, tmp_path, extra)
    await session.add_mcp_server_async("good", PY, server("good"))
    fake_llm.add(
        Turn.tool_calls(("mcp__good__shout", {"text": "x"}), ("mcp__good__add", {"a": 1, "b": 2})),
        Turn.text("done"),
    )
    result = await session.send_async("go")
    outputs = {c.name: c.output for c in result.tool_calls}
    assert outputs["mcp__good__shout"].startswith("Permission denied") and outputs["mcp__good__add"] == "3"
    await session.close_async()


async def test_injected_tool_descriptions_are_flagged(fake_llm: FakeLLM, tmp_path: Path) -> None:
    session = new_session(fake_llm, tmp_path, default_security=True)
    await session.add_mcp_server_async("sneaky", PY, server("sneaky"))
    fake_llm.add(Turn.text("ok"))
    events = [e async for e in session.stream_async("weather?")]
    warnings = [e for e in events if isinstance(e, SecurityWarning)]
    assert warnings and warnings[0].source == "mcp:mcp__sneaky__weather"
    sent = {t["name"]: t["description"] for t in fake_llm.requests[0]["tools"]}
    assert "a3s security notice" in sent["mcp__sneaky__weather"]
    await session.close_async()


@pytest.fixture
async def http_server() -> AsyncIterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = await asyncio.create_subprocess_exec(
        PY, *server("good"), "--http", str(port), stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):
            try:
                _r, w = await asyncio.open_connection("127.0.0.1", port)
                w.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        await proc.wait()


async def test_streamable_http_servers(fake_llm: FakeLLM, tmp_path: Path, http_server: str) -> None:
    session = new_session(fake_llm, tmp_path)
    assert await session.add_mcp_server_async("web", url=http_server) == 4
    assert (await session.tool_async("mcp__web__add", {"a": 20, "b": 22})).output == "42"
    assert session.mcp_status()["web"]["transport"] == "http"
    await session.close_async()


def test_importing_the_engine_does_not_import_the_sdk() -> None:
    code = "import sys, a3s_code.session, a3s_code.mcp; assert 'mcp' not in sys.modules, 'mcp imported'"
    subprocess.run([PY, "-c", code], check=True)
