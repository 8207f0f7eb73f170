"""``a3s/session/steer`` and queued prompts through the real daemon, against the fake model."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException

from tests.fakellm import FakeLLM, Turn
from tests.lsp.editor import Editor
from tests.lsp.test_sessions import _create, _until


def said(request: dict[str, object]) -> str:
    return json.dumps(request["messages"], ensure_ascii=False)


async def test_a_steer_reaches_the_next_model_call_after_the_tool_and_the_turn_goes_on(
    editor: Editor, fake_llm: FakeLLM, project: Path
) -> None:
    session = await _create(editor)
    gate = asyncio.Event()
    fake_llm.add(
        Turn.tool_call("read", {"file_path": "app.py"}, gate=gate), Turn.text("y is 2; checked tests too.")
    )
    send = asyncio.ensure_future(
        editor.request("a3s/session/send", {"sessionId": session, "prompt": "what is y?"})
    )
    await _until(lambda: fake_llm.requests, "the first model call is under way", 60)
    steered = await editor.request(
        "a3s/session/steer", {"sessionId": session, "text": "also check the tests"}
    )
    assert steered == {"steered": True, "queued": False}
    gate.set()
    result = await asyncio.wait_for(send, 30)
    assert result["stopReason"] == "end_turn" and result["text"] == "y is 2; checked tests too."
    assert len(fake_llm.requests) == 2
    assert "also check the tests" not in said(fake_llm.requests[0])
    second = said(fake_llm.requests[1])
    assert "also check the tests" in second and "y = 2" in second  # after the read's result
    kinds = editor.event_types(session)
    assert kinds.count("turn_start") == 1 and kinds.count("turn_end") == 1 and "tool_end" in kinds


async def test_a_prompt_sent_while_a_turn_runs_is_queued_and_runs_after_it(
    editor: Editor, fake_llm: FakeLLM
) -> None:
    session = await _create(editor)
    gate = asyncio.Event()
    fake_llm.add(Turn.text("first answer", gate=gate), Turn.text("second answer"))
    first = asyncio.ensure_future(editor.request("a3s/session/send", {"sessionId": session, "prompt": "one"}))
    await _until(lambda: fake_llm.requests, "the first model call is under way", 60)
    second = asyncio.ensure_future(
        editor.request("a3s/session/send", {"sessionId": session, "prompt": "two"})
    )
    await asyncio.sleep(0.3)
    assert not second.done() and len(fake_llm.requests) == 1  # waiting, not refused
    gate.set()
    one, two = await asyncio.wait_for(asyncio.gather(first, second), 30)
    assert (one["text"], two["text"]) == ("first answer", "second answer")
    assert one["turnId"] != two["turnId"]
    assert said(fake_llm.requests[1]).count("two") == 1 and "first answer" in said(fake_llm.requests[1])
    starts = [e["turnId"] for e in editor.events if e["event"]["type"] == "turn_start"]
    assert starts == [one["turnId"], two["turnId"]]


async def test_steer_when_idle_says_so_and_blank_text_is_refused(editor: Editor, fake_llm: FakeLLM) -> None:
    session = await _create(editor)
    assert await editor.request("a3s/session/steer", {"sessionId": session, "text": "hm"}) == {
        "steered": False,
        "queued": False,
    }
    with pytest.raises(JsonRpcException) as blank:
        await editor.request("a3s/session/steer", {"sessionId": session, "text": "  "})
    assert "text" in str(blank.value)
    with pytest.raises(JsonRpcException):
        await editor.request("a3s/session/steer", {"sessionId": "nope", "text": "hi"})
    assert fake_llm.requests == []


async def test_closing_a_session_refuses_its_queued_prompts(editor: Editor, fake_llm: FakeLLM) -> None:
    session = await _create(editor)
    fake_llm.add(Turn.text("never finished", gate=asyncio.Event()))
    first = asyncio.ensure_future(editor.request("a3s/session/send", {"sessionId": session, "prompt": "one"}))
    await _until(lambda: fake_llm.requests, "the first model call is under way", 60)
    queued = asyncio.ensure_future(
        editor.request("a3s/session/send", {"sessionId": session, "prompt": "two"})
    )
    await asyncio.sleep(0.2)
    assert await editor.request("a3s/session/close", {"sessionId": session}) == {"closed": True}
    assert (await asyncio.wait_for(first, 30))["stopReason"] == "cancelled"
    with pytest.raises(JsonRpcException) as refused:
        await asyncio.wait_for(queued, 30)
    assert "closed" in str(refused.value)
    assert len(fake_llm.requests) == 1
    other = await _create(editor)
    fake_llm.text("still here")
    assert (await editor.request("a3s/session/send", {"sessionId": other, "prompt": "hi"}))[
        "text"
    ] == "still here"
