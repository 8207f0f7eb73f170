"""``a3s-lsp --tcp``: the token from the environment or a file, every refusal answered with -32020,
and unauthenticated connections that cannot keep the editor out (deadline and cap)."""

from __future__ import annotations

import asyncio
import os
import resource
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from a3s_lsp.client import A3SClient, RpcError
from a3s_lsp.framing import frame, read_frames

TOKEN = "s3cret-token"


async def _daemon(
    *args: str, env: dict[str, str] | None = None, fds: int | None = None
) -> tuple[Any, str, int]:
    def limit() -> None:
        if fds is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (fds, fds))

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "a3s_lsp",
        "--tcp",
        "127.0.0.1:0",
        *args,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
        preexec_fn=limit,
    )
    assert proc.stderr is not None
    async with asyncio.timeout(30):
        while b"listening on" not in (line := await proc.stderr.readline()):
            assert line, "the daemon exited before listening"
    host, port = line.decode().rsplit(" ", 1)[1].strip().rsplit(":", 1)
    return proc, host, int(port)


@pytest.fixture
async def stop() -> AsyncIterator[list[Any]]:
    procs: list[Any] = []
    yield procs
    for proc in procs:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _first_answer(host: str, port: int, payload: bytes) -> dict[str, Any]:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(payload)
    try:
        async with asyncio.timeout(10):
            async for message in read_frames(reader, 1 << 20):
                assert isinstance(message, dict)
                return message
        raise AssertionError("closed without an answer")
    finally:
        writer.close()


@pytest.mark.parametrize(
    "first",
    [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": [1]},
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"initializationOptions": "tok"}},
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"initializationOptions": {"token": 5}},
        },
        {"jsonrpc": "2.0", "id": 1, "method": "a3s/session/list", "params": {}},
        [1, 2],
        "initialize",
    ],
)
async def test_every_refusal_is_answered_with_32020(stop: list[Any], first: Any) -> None:
    proc, host, port = await _daemon(env={"A3S_LSP_TOKEN": TOKEN})
    stop.append(proc)
    answer = await _first_answer(host, port, frame(first))
    assert answer["error"]["code"] == -32020
    assert answer["id"] == (1 if isinstance(first, dict) else None)


async def test_an_idle_connection_is_answered_and_closed_after_the_deadline(stop: list[Any]) -> None:
    proc, host, port = await _daemon(env={"A3S_LSP_TOKEN": TOKEN})
    stop.append(proc)
    loop = asyncio.get_running_loop()
    started = loop.time()
    answer = await _first_answer(host, port, b"")
    assert answer["error"]["code"] == -32020 and 4 <= loop.time() - started <= 9


async def test_300_idle_connections_under_256_descriptors_do_not_lock_the_editor_out(
    stop: list[Any], tmp_path: Path
) -> None:
    proc, host, port = await _daemon(env={"A3S_LSP_TOKEN": TOKEN}, fds=256)
    stop.append(proc)
    idle = []
    for _ in range(300):
        try:
            idle.append(await asyncio.open_connection(host, port))
        except OSError:
            await asyncio.sleep(0.01)
    try:
        editor = await A3SClient.connect(host, port)
        result = await asyncio.wait_for(editor.initialize(tmp_path, options={"token": TOKEN}), 15)
        assert result["serverInfo"]["name"] == "a3s-lsp"
        assert await editor.request("a3s/session/list", {}) == {"sessions": []}
        await editor.close()
    finally:
        for _reader, writer in idle:
            writer.close()


async def test_the_token_can_come_from_a_file_and_a_wrong_one_is_refused(
    stop: list[Any], tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    proc, host, port = await _daemon("--token-file", str(token_file), env={"A3S_LSP_TOKEN": ""})
    stop.append(proc)
    intruder = await A3SClient.connect(host, port)
    with pytest.raises(RpcError) as refused:
        await intruder.initialize(tmp_path, options={"token": "guess"})
    assert refused.value.code == -32020
    await intruder.close()
    owner = await A3SClient.connect(host, port)
    assert (await owner.initialize(tmp_path, options={"token": TOKEN}))["serverInfo"]["name"] == "a3s-lsp"
    cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
    assert TOKEN.encode() not in cmdline
    await owner.close()
    assert await asyncio.wait_for(proc.wait(), 10) == 0
