"""Sessions end to end: streamed events, results, several sessions, cancellation, slash commands."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import Editor


async def _create(editor: Editor, **params: str) -> str:
    created = await editor.request("a3s/session/create", params)
    return str(created["sessionId"])


async def _until(condition: object, what: str, within: float = 10) -> None:
    async with asyncio.timeout(within):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


async def test_a_turn_streams_events_and_returns_the_answer(editor: Editor, fake_llm: FakeLLM) -> None:
    session = await _create(editor)
    fake_llm.text("Hello, world")
    result = await editor.request("a3s/session/send", {"sessionId": session, "prompt": "greet me"})
    assert result["text"] == "Hello, world" and result["stopReason"] == "end_turn"
    kinds = editor.event_types(session)
    assert kinds[0] == "turn_start" and kinds[-1] == "turn_end"
    streamed = "".join(e["event"]["text"] for e in editor.events if e["event"]["type"] == "text_delta")
    assert streamed == "Hello, world"
    assert {e["turnId"] for e in editor.events} == {result["turnId"]}
    assert fake_llm.requests[0]["messages"][-1]["content"][0]["text"].endswith("greet me")
    listed = await editor.request("a3s/session/list", {})
    assert [s["sessionId"] for s in listed["sessions"]] == [session]
    assert listed["sessions"][0]["usage"]["input_tokens"] == 100


async def test_cancelling_a_turn_ends_it_with_stop_reason_cancelled(
    editor: Editor, fake_llm: FakeLLM
) -> None:
    session = await _create(editor)
    fake_llm.add(Turn.text("too late", gate=asyncio.Event()))  # never released
    send = asyncio.ensure_future(editor.request("a3s/session/send", {"sessionId": session, "prompt": "slow"}))
    await _until(lambda: fake_llm.requests, "the model call is under way")
    assert await editor.request("a3s/session/cancel", {"sessionId": session}) == {"cancelled": True}
    result = await asyncio.wait_for(send, 20)
    assert result["stopReason"] == "cancelled"
    assert editor.event_types(session)[-1] == "turn_end"
    await _until(lambda: fake_llm.disconnects == 1, "the daemon dropped the model's stream")
    assert await editor.request("a3s/session/cancel", {"sessionId": session}) == {"cancelled": False}
    fake_llm.text("back")
    again = await editor.request("a3s/session/send", {"sessionId": session, "prompt": "again"})
    assert again["text"] == "back"


async def test_cancel_request_stops_the_turn_and_kills_its_child_process(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    session = await _create(editor)
    fake_llm.tool_call("bash", {"command": "echo $$ > child.pid; exec sleep 60"})
    fake_llm.text("never asked")
    msg_id = "send-to-cancel"
    send = asyncio.ensure_future(
        editor.client.protocol.send_request_async(
            "a3s/session/send", {"sessionId": session, "prompt": "run something slow"}, msg_id=msg_id
        )
    )
    pid_file = project / "child.pid"
    await _until(lambda: pid_file.exists() and pid_file.read_text().strip(), "the child started")
    pid = int(pid_file.read_text())
    assert _alive(pid)
    editor.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
    result = await asyncio.wait_for(send, 20)
    assert result.stopReason == "cancelled"
    await _until(lambda: not _alive(pid), "the child was killed", within=5)
    assert len(fake_llm.requests) == 1  # the model was not asked to go on
    ends = [e["event"] for e in editor.events if e["event"]["type"] == "turn_end"]
    assert [e["stop_reason"] for e in ends] == ["cancelled"]


async def test_two_sessions_run_at_once_without_blocking(editor: Editor, fake_llm: FakeLLM) -> None:
    slow, fast = await _create(editor), await _create(editor)
    fake_llm.add(Turn.text("slow answer", gate=asyncio.Event()))
    slow_send = asyncio.ensure_future(editor.request("a3s/session/send", {"sessionId": slow, "prompt": "a"}))
    await _until(lambda: fake_llm.requests, "the slow model call is under way")
    fake_llm.text("fast answer")
    fast_result = await asyncio.wait_for(
        editor.request("a3s/session/send", {"sessionId": fast, "prompt": "b"}), 20
    )
    assert fast_result["text"] == "fast answer"
    assert (await editor.request("a3s/session/list", {}))["sessions"][0]["running"] is True
    await editor.request("a3s/session/cancel", {"sessionId": slow})
    assert (await asyncio.wait_for(slow_send, 20))["stopReason"] == "cancelled"


async def test_slash_commands_answer_without_the_model(editor: Editor, fake_llm: FakeLLM) -> None:
    session = await _create(editor)
    fake_llm.add(Turn.text("counted", input_tokens=1_000_000, output_tokens=100_000))
    await editor.request("a3s/session/send", {"sessionId": session, "prompt": "spend tokens"})
    calls = len(fake_llm.requests)
    cost = (await editor.request("a3s/command", {"sessionId": session, "command": "/cost"}))["text"]
    numbers = [n.replace(",", "") for n in re.findall(r"[\d,]+(?:\.\d+)?", cost)]
    assert "1100000" in numbers, cost  # 1M in + 100k out, as the model reported them
    assert "$4.50" in cost, cost  # Sonnet prices: $3/M in + $15/M out
    help_text = await editor.request("a3s/command", {"sessionId": session, "command": "help"})
    assert "/compact" in help_text["text"] and "/model" in help_text["text"]
    via_command = await editor.command("a3s.slash", {"sessionId": session, "command": "/tools"})
    assert "edit" in via_command["text"] and "git_worktree" in via_command["text"]
    assert len(fake_llm.requests) == calls
    with pytest.raises(JsonRpcException):
        await editor.request("a3s/command", {"sessionId": "no-such-session", "command": "/cost"})


async def test_execute_command_runs_a_prompt_in_the_default_session(
    editor: Editor, fake_llm: FakeLLM
) -> None:
    fake_llm.text("from a command")
    result = await editor.command("a3s.prompt", "hello")
    assert result["text"] == "from a command"
    listed = await editor.command("a3s.session.list")
    assert [s["sessionId"] for s in listed["sessions"]] == [result["sessionId"]]


async def test_protocol_errors_get_their_codes_and_sessions_survive(
    editor: Editor, fake_llm: FakeLLM
) -> None:
    session = await _create(editor)
    cases = [
        ("a3s/no/such/method", {}, -32601),
        ("a3s/session/send", {"prompt": "no session id"}, -32602),
        ("a3s/session/send", {"sessionId": 42, "prompt": "wrong type"}, -32602),
        ("a3s/session/send", {"sessionId": "unknown", "prompt": "hi"}, -32011),
    ]
    for method, params, code in cases:
        with pytest.raises(JsonRpcException) as info:
            await editor.request(method, params)
        assert info.value.code == code, (method, params, info.value)
    fake_llm.text("still here")
    result = await editor.request("a3s/session/send", {"sessionId": session, "prompt": "hello?"})
    assert result["text"] == "still here"
