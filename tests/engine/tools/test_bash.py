"""bash: output, exit codes, caps, streaming, and the whole process group dies on timeout or cancel."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from a3s_code.tools.base import ToolContext
from a3s_code.tools.bash import BashTool
from a3s_code.tools.registry import ToolRegistry


def ctx_for(workspace: Path, chunks: list[str] | None = None) -> ToolContext:
    sink = chunks if chunks is not None else []
    return ToolContext(workspace=workspace, emit_output=sink.append)


async def run(workspace: Path, args: dict[str, object], chunks: list[str] | None = None):  # type: ignore[no-untyped-def]
    return await ToolRegistry([BashTool()]).execute("bash", dict(args), ctx_for(workspace, chunks))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0): check its state
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


async def test_output_and_exit_code(tmp_path: Path) -> None:
    ok = await run(tmp_path, {"command": "echo hello; echo oops >&2"})
    assert ok.exit_code == 0 and not ok.is_error
    assert ok.output == "hello\noops"
    bad = await run(tmp_path, {"command": "echo partial; exit 3"})
    assert bad.is_error and bad.exit_code == 3
    assert bad.output == "partial\n[exit code: 3]"
    assert (await run(tmp_path, {"command": "true"})).output == "(no output)"


async def test_runs_in_the_workspace_with_a_non_login_shell(tmp_path: Path) -> None:
    result = await run(
        tmp_path,
        {
            "command": "pwd; shopt -q login_shell && echo login || echo nologin; [[ $- == *i* ]] && echo interactive || echo batch"
        },
    )
    assert result.output.splitlines() == [str(tmp_path), "nologin", "batch"]


async def test_huge_output_keeps_head_and_tail_within_the_cap(tmp_path: Path) -> None:
    result = await run(
        tmp_path, {"command": "echo START; head -c 2000000 /dev/zero | tr '\\0' x; echo; echo END"}
    )
    assert len(result.output) < 31_000
    assert result.output.startswith("START") and result.output.rstrip().endswith("END")
    assert "characters omitted" in result.output


async def test_output_streams_while_the_command_runs(tmp_path: Path) -> None:
    chunks: list[str] = []
    result = await run(tmp_path, {"command": "echo one; sleep 0.3; echo two"}, chunks)
    assert "".join(chunks) == "one\ntwo\n"
    assert len(chunks) >= 2  # two separate reads: the first arrived before the sleep ended
    assert result.output == "one\ntwo"


async def test_timeout_kills_the_group_including_background_jobs(tmp_path: Path) -> None:
    result = await run(tmp_path, {"command": "sleep 60 & echo $!; sleep 60", "timeout": 500})
    assert result.exit_code == 124 and "[Command timed out after 500ms]" in result.output
    child = int(result.output.splitlines()[0])
    await asyncio.sleep(0.2)
    assert not alive(child)


async def test_a_background_job_holding_stdout_does_not_hang_the_tool(tmp_path: Path) -> None:
    result = await run(tmp_path, {"command": "(sleep 60; echo late) & echo $!; echo done", "timeout": 20_000})
    assert result.exit_code == 0 and "done" in result.output and "late" not in result.output
    await asyncio.sleep(0.2)
    assert not alive(int(result.output.splitlines()[0]))


async def test_cancel_kills_the_group(tmp_path: Path) -> None:
    chunks: list[str] = []
    task = asyncio.create_task(run(tmp_path, {"command": "sleep 60 & echo $!; wait"}, chunks))
    while not chunks:  # noqa: ASYNC110 - waiting for the command's first output
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.2)
    assert not alive(int(chunks[0].split()[0]))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ({}, "command: required argument is missing"),
        ({"command": "ls", "timeout": -5}, "timeout"),
        ({"command": "ls", "cwd": "/"}, "cwd: unknown argument"),
    ],
)
async def test_bad_arguments_are_clear_errors(tmp_path: Path, args: dict[str, object], needle: str) -> None:
    result = await run(tmp_path, args)
    assert result.is_error and needle in result.output
