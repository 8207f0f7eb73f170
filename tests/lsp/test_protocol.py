"""The daemon as a JSON-RPC peer: lifecycle rules, bad input answered, and it keeps serving."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from a3s_lsp.client import A3SClient, RpcError, frame

HEAVY = ["anthropic", "openai", "mcp"]

# Every test here runs with the daemon in its own process and started by the resident server.
pytestmark = pytest.mark.usefixtures("resident_mode")


async def _error_of(client: A3SClient, method: str, params: object = None) -> RpcError:
    with pytest.raises(RpcError) as info:
        await client.request(method, params)
    return info.value


async def _next_stray_error(client: A3SClient) -> RpcError:
    for _ in range(200):
        if client.stray_errors:
            return client.stray_errors.pop(0)
        await asyncio.sleep(0.01)
    raise AssertionError("no error response arrived")


async def _still_serving(client: A3SClient) -> None:
    assert await client.request("a3s/session/list", {}) == {"sessions": []}


@pytest.fixture
async def client(tmp_path):
    daemon = await A3SClient.spawn("--max-message-bytes", "4096")
    yield daemon
    await daemon.close()


async def test_requests_before_initialize_are_refused_then_initialize_answers(client, tmp_path):
    error = await _error_of(client, "a3s/session/list", {})
    assert error.code == -32002
    result = await client.initialize(tmp_path)
    assert result["serverInfo"]["name"] == "a3s-lsp"
    commands = result["capabilities"]["executeCommandProvider"]["commands"]
    assert {"a3s.prompt", "a3s.slash", "a3s.session.create", "a3s.worktree.create"} <= set(commands)
    again = await _error_of(client, "initialize", {"capabilities": {}})
    assert again.code == -32600


async def test_no_provider_sdk_is_loaded_to_answer_initialize(client, tmp_path, resident_mode):
    await client.initialize(tmp_path)
    loaded = await client.request("a3s/debug/modules", {"names": [*HEAVY, "pygls"]})
    if resident_mode == "served":  # a fork of the warm server: what a first prompt needs is there
        assert {"anthropic", "openai", "pygls"} <= set(loaded["loaded"])
    else:
        assert loaded == {"loaded": ["pygls"]}


async def test_malformed_json_gets_a_parse_error_and_the_next_request_is_served(client, tmp_path):
    await client.initialize(tmp_path)
    body = b'{"jsonrpc": "2.0", "id": 99, "method": '
    client.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    error = await _next_stray_error(client)
    assert error.code == -32700
    await _still_serving(client)


async def test_a_bad_header_gets_an_error_and_the_stream_stays_in_sync(client, tmp_path):
    await client.initialize(tmp_path)
    client.write(b"Content-Lenght: 12\r\nX-Junk\r\n\r\n")
    error = await _next_stray_error(client)
    assert error.code == -32700 and "Content-Length" in error.message
    await _still_serving(client)


async def test_an_oversized_message_is_skipped_with_an_error(client, tmp_path):
    await client.initialize(tmp_path)
    huge = {"jsonrpc": "2.0", "id": 7, "method": "a3s/session/list", "params": {"pad": "x" * 10_000}}
    client.write(frame(huge))
    error = await _next_stray_error(client)
    assert error.code == -32021 and "exceeds" in error.message
    await _still_serving(client)


async def test_json_that_is_not_a_request_object_is_an_invalid_request(client, tmp_path):
    await client.initialize(tmp_path)
    client.write(frame([1, 2, 3]))  # type: ignore[arg-type]
    assert (await _next_stray_error(client)).code == -32600
    client.write(frame({"jsonrpc": "1.0", "id": 5, "method": "a3s/session/list"}))
    assert (await _next_stray_error(client)).code == -32600
    await _still_serving(client)


async def test_unknown_methods_and_invalid_params_get_their_codes(client, tmp_path):
    await client.initialize(tmp_path)
    assert (await _error_of(client, "a3s/no/such/method", {})).code == -32601
    hover = await _error_of(client, "textDocument/hover", {"position": "nowhere"})
    assert hover.code == -32602 and "text_document" in hover.message
    send = await _error_of(client, "a3s/session/send", {"sessionId": "s", "prompt": 42})
    assert send.code == -32602 and "prompt" in send.message
    command = await _error_of(client, "workspace/executeCommand", {"command": "a3s.nope"})
    assert command.code == -32602
    await _still_serving(client)


async def test_a_failing_handler_answers_with_an_error_and_the_daemon_keeps_serving(client, tmp_path):
    await client.initialize(tmp_path)
    missing = await _error_of(client, "a3s/session/send", {"sessionId": "nope", "prompt": "hi"})
    assert missing.code == -32011 and "nope" in missing.message
    await _still_serving(client)


async def test_shutdown_then_exit_ends_the_process_cleanly(tmp_path):
    daemon = await A3SClient.spawn()
    await daemon.initialize(tmp_path)
    assert await daemon.request("shutdown") is None
    assert (await _error_of(daemon, "a3s/session/list", {})).code == -32600
    daemon.notify("exit")
    assert daemon.process is not None
    assert await asyncio.wait_for(daemon.process.wait(), 10) == 0


async def test_tcp_refuses_to_start_without_a_token():
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "a3s_lsp",
        "--tcp",
        "0",
        stderr=asyncio.subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin"},
    )
    _out, err = await proc.communicate()
    assert proc.returncode != 0 and b"token" in err


async def test_tcp_refuses_a_client_without_the_token_and_serves_one_with_it(tmp_path):
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "a3s_lsp",
        "--tcp",
        "127.0.0.1:0",
        "--token",
        "s3cret",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        line = await asyncio.wait_for(proc.stderr.readline(), 30)
        while b"listening on" not in line:
            line = await asyncio.wait_for(proc.stderr.readline(), 30)
        host, port = line.decode().rsplit(" ", 1)[1].strip().rsplit(":", 1)

        intruder = await A3SClient.connect(host, int(port))
        with pytest.raises(RpcError) as refused:
            await intruder.initialize(tmp_path, options={"token": "guess"})
        assert refused.value.code == -32020
        await intruder.close()

        owner = await A3SClient.connect(host, int(port))
        result = await owner.initialize(tmp_path, options={"token": "s3cret"})
        assert result["serverInfo"]["name"] == "a3s-lsp"
        await _still_serving(owner)
        await owner.close()
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_stdout_carries_frames_only(tmp_path):
    import subprocess

    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    data = frame(init) + frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    data += frame({"jsonrpc": "2.0", "method": "exit"})
    out = subprocess.run(
        [sys.executable, "-m", "a3s_lsp", "--log-level", "DEBUG"], input=data, capture_output=True, timeout=30
    ).stdout
    ids = []
    while out:
        header, _, rest = out.partition(b"\r\n\r\n")
        fields = dict(line.split(b": ", 1) for line in header.split(b"\r\n"))
        length = int(fields[b"Content-Length"])
        ids.append(json.loads(rest[:length])["id"])
        out = rest[length:]
    assert ids == [1, 2]
