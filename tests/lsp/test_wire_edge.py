"""Bad frames and odd requests: each is answered as docs/protocol.md says and serving goes on.

Framing (``Content-Length`` one byte short or long, ``2**63``), JSON that is not a request object,
params nested 990 levels deep, a notification's name sent with an id, a second ``initialized``, a
lone surrogate in a prompt, an empty prompt, and an unexpected exception in a handler.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from a3s_lsp.client import A3SClient, RpcError, frame
from a3s_lsp.server import DaemonSettings, create_server
from tests.fakellm import FakeLLM


async def _stray(client: A3SClient) -> RpcError:
    async with asyncio.timeout(10):
        while not client.stray_errors:
            await asyncio.sleep(0.01)
    return client.stray_errors.pop(0)


async def _serving(client: A3SClient) -> None:
    assert await asyncio.wait_for(client.request("a3s/session/list", {}), 10) == {"sessions": []}


def _body(message: dict[str, Any]) -> bytes:
    return json.dumps(message).encode()


@pytest.fixture
async def daemon(tmp_path: Path, agent_config: Path) -> Any:
    client = await A3SClient.spawn("--config", str(agent_config), "--max-message-bytes", "65536")
    await client.initialize(tmp_path)
    yield client
    await client.close()


@pytest.mark.parametrize("delta", [-1, -5, 1, 3])
async def test_a_wrong_content_length_costs_one_message_not_the_stream(daemon: A3SClient, delta: int) -> None:
    body = _body({"jsonrpc": "2.0", "id": 900, "method": "a3s/session/list", "params": {}})
    daemon.write(b"Content-Length: %d\r\n\r\n%s" % (len(body) + delta, body))
    await _serving(daemon)
    await _serving(daemon)


async def test_a_huge_content_length_is_refused_and_the_next_header_found(daemon: A3SClient) -> None:
    body = _body({"jsonrpc": "2.0", "id": 901, "method": "a3s/session/list", "params": {}})
    daemon.write(b"Content-Length: %d\r\n\r\n%s" % (2**63, body))
    assert (await _stray(daemon)).code == -32021
    await _serving(daemon)


@pytest.mark.parametrize("value", [[], 1, True, "x", None, [1, 2]])
async def test_json_that_is_not_an_object_is_an_invalid_request(daemon: A3SClient, value: Any) -> None:
    daemon.write(frame(value))
    assert (await _stray(daemon)).code == -32600
    await _serving(daemon)


async def test_params_nested_990_levels_get_an_answer(daemon: A3SClient) -> None:
    deep = '{"a": ' * 990 + "{}" + "}" * 990  # written by hand: json.dumps itself gives up at this depth
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    daemon._pending[990] = future
    body = ('{"jsonrpc": "2.0", "id": 990, "method": "a3s/session/list", "params": ' + deep + "}").encode()
    daemon.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    with pytest.raises(RpcError) as info:
        await asyncio.wait_for(future, 10)
    assert info.value.code in (-32602, -32700)
    deeper = "[" * 30_000 + "]" * 30_000  # past what the JSON parser itself takes
    daemon.write(b"Content-Length: %d\r\n\r\n%s" % (len(deeper), deeper.encode()))
    assert (await _stray(daemon)).code == -32700
    await _serving(daemon)


async def _error(client: A3SClient, method: str, params: Any) -> RpcError:
    with pytest.raises(RpcError) as info:
        await client.request(method, params)
    return info.value


async def test_a_notification_sent_with_an_id_is_answered(daemon: A3SClient) -> None:
    for method in ("initialized", "textDocument/didSave", "$/cancelRequest", "exit"):
        error = await asyncio.wait_for(_error(daemon, method, {}), 10)
        assert error.code == -32600 and "notification" in error.message
    await _serving(daemon)


async def test_a_second_initialized_installs_nothing_twice(daemon: A3SClient) -> None:
    for _ in range(5):
        daemon.notify("initialized", {})
    await daemon.request("a3s/session/create", {})  # logs "session ... created" once
    await asyncio.sleep(0.3)
    created = [
        p for m, p in daemon.notifications if m == "window/logMessage" and "created in" in p["message"]
    ]
    assert len(created) == 1, created


async def test_an_empty_prompt_is_invalid_params(daemon: A3SClient) -> None:
    session = (await daemon.request("a3s/session/create", {}))["sessionId"]
    error = await _error(daemon, "a3s/session/send", {"sessionId": session, "prompt": "  \n"})
    assert error.code == -32602 and "prompt" in error.message


async def test_a_lone_surrogate_in_a_prompt_does_not_break_the_session(
    daemon: A3SClient, fake_llm: FakeLLM
) -> None:
    fake_llm.text("first")
    fake_llm.text("second")
    session = (await daemon.request("a3s/session/create", {}))["sessionId"]
    raw = '{"jsonrpc": "2.0", "id": 77, "method": "a3s/session/send", "params": {"sessionId": "SID", "prompt": "hi \\ud800"}}'
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    daemon._pending[77] = future
    body = raw.replace("SID", session).encode()
    daemon.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    first = await asyncio.wait_for(future, 30)
    assert first["text"] == "first"
    second = await daemon.request("a3s/session/send", {"sessionId": session, "prompt": "again"})
    assert second["text"] == "second"
    sent = json.dumps(fake_llm.requests[-1]["messages"], ensure_ascii=False)
    assert "hi \ufffd" in sent


async def test_an_unexpected_exception_is_a_short_internal_error_without_traceback() -> None:
    server = create_server(DaemonSettings())
    sent: list[dict[str, Any]] = []

    class Capture:
        def write(self, data: bytes) -> None:
            sent.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))

        def close(self) -> None:
            pass

    @server.feature("a3s/test/boom")
    def boom(ls: Any, params: Any) -> None:
        raise RuntimeError("boom at /home/someone/secret/path.py")

    server.protocol.set_writer(Capture())
    server.protocol.handle_data(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    )
    server.protocol.handle_data({"jsonrpc": "2.0", "id": 2, "method": "a3s/test/boom", "params": {}})
    async with asyncio.timeout(10):
        while not any(m.get("id") == 2 for m in sent):
            await asyncio.sleep(0.01)
    (reply,) = [m for m in sent if m.get("id") == 2]
    assert reply["error"]["code"] == -32603
    assert "RuntimeError" in reply["error"]["message"] and "Traceback" not in json.dumps(reply)
    assert "data" not in reply["error"] and "\n" not in reply["error"]["message"]
    assert types  # the lsprotocol import is what the server itself uses
