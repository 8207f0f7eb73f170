"""``a3s-lsp --acp`` driven by the agent-client-protocol package's own client side."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from acp import PROTOCOL_VERSION, text_block
from acp.schema import (
    AllowedOutcome,
    ClientCapabilities,
    DeniedOutcome,
    FileSystemCapabilities,
    ReadTextFileResponse,
    RequestPermissionResponse,
    WriteTextFileResponse,
)
from acp.stdio import spawn_agent_process

from tests import resident
from tests.fakellm import FakeLLM, Turn

# Every test here runs with the agent in its own process and started by the resident server.
pytestmark = pytest.mark.usefixtures("resident_mode")


class Editor:
    """An ACP client with unsaved buffers: reads come from them, writes land in them, not on disk."""

    def __init__(self, buffers: dict[str, str], answer: str = "allow") -> None:
        self.buffers = buffers
        self.answer = answer
        self.updates: list[Any] = []
        self.permissions: list[Any] = []
        self.writes: list[tuple[str, str]] = []

    async def session_update(self, session_id: str, update: Any, **_: Any) -> None:
        self.updates.append(update)

    async def request_permission(self, session_id: str, tool_call: Any, options: Any, **_: Any) -> Any:
        self.permissions.append((tool_call, options))
        if self.answer == "cancel":
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        return RequestPermissionResponse(outcome=AllowedOutcome(outcome="selected", option_id=self.answer))

    async def read_text_file(self, session_id: str, path: str, **_: Any) -> ReadTextFileResponse:
        if path in self.buffers:
            return ReadTextFileResponse(content=self.buffers[path])
        return ReadTextFileResponse(content=Path(path).read_text())

    async def write_text_file(
        self, session_id: str, path: str, content: str, **_: Any
    ) -> WriteTextFileResponse:
        self.writes.append((path, content))
        self.buffers[path] = content
        return WriteTextFileResponse()

    def on_connect(self, conn: Any) -> None:
        pass

    def of_kind(self, kind: str) -> list[Any]:
        return [u for u in self.updates if u.session_update == kind]

    def text(self, kind: str = "agent_message_chunk") -> str:
        return "".join(u.content.text for u in self.of_kind(kind))


CAPS = ClientCapabilities(fs=FileSystemCapabilities(read_text_file=True, write_text_file=True))


def agent_cmd(config: Path, tmp_path: Path) -> list[str]:
    """The daemon in ACP mode behind ``tests.acp.tap``, which records the wire for the schema check."""
    return [
        sys.executable,
        "-m",
        "tests.acp.tap",
        str(tmp_path / "wire.jsonl"),
        *resident.command(
            ["-m", "a3s_lsp", "--acp", "--config", str(config), "--log-file", str(tmp_path / "log")]
        ),
    ]


async def test_prompt_streams_and_edits_the_unsaved_buffer(
    fake_llm: FakeLLM, project: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, config = project
    app = str(ws / "app.py")
    editor = Editor({app: "x = 1\ny = 2\n# unsaved\n"})
    fake_llm.add(
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
        Turn.text("Changed y to 3."),
    )
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        init = await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        assert init.agent_capabilities.load_session is True
        session = await conn.new_session(cwd=str(ws), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=[text_block("Change y to 3")])
        await asyncio.sleep(0.1)
    assert response.stop_reason == "end_turn"
    assert editor.text() == "Changed y to 3."
    assert editor.writes == [(app, "x = 1\ny = 3\n# unsaved\n")]
    assert (ws / "app.py").read_text() == "x = 1\ny = 2\n"  # the editor owns the save
    call, options = editor.permissions[0]
    assert call.kind == "edit" and {o.kind for o in options} >= {"allow_once", "reject_once"}
    start = editor.of_kind("tool_call")[0]
    assert start.kind == "edit" and start.locations[0].path == app
    done = editor.of_kind("tool_call_update")[-1]
    assert done.status == "completed"
    diff = next(c for c in done.content if c.type == "diff")
    assert diff.path == app and diff.old_text == "x = 1\ny = 2\n# unsaved\n" and "y = 3" in diff.new_text
    commands = editor.of_kind("available_commands_update")[0].available_commands
    assert {"help", "cost", "model"} <= {c.name for c in commands}


async def test_denied_permission_leaves_the_buffer_alone(
    fake_llm: FakeLLM, project: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, config = project
    editor = Editor({}, answer="deny")
    fake_llm.add(
        Turn.tool_call("write", {"file_path": "new.txt", "content": "hi"}), Turn.text("Not written.")
    )
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        session = await conn.new_session(cwd=str(ws), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=[text_block("write it")])
    assert response.stop_reason == "end_turn"
    assert editor.writes == [] and not (ws / "new.txt").exists()
    assert editor.of_kind("tool_call_update")[-1].status == "failed"


async def test_slash_command_and_cancel(
    fake_llm: FakeLLM, project: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, config = project
    editor = Editor({})
    fake_llm.add(Turn.text("this takes far too long to finish", chunk_delay_s=2))
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        session = await conn.new_session(cwd=str(ws), mcp_servers=[])
        cost = await conn.prompt(session_id=session.session_id, prompt=[text_block("/cost")])
        assert cost.stop_reason == "end_turn" and "Tokens:" in editor.text()
        turn = asyncio.create_task(conn.prompt(session_id=session.session_id, prompt=[text_block("slow")]))
        while not fake_llm.requests:
            await asyncio.sleep(0.02)
        await conn.cancel(session_id=session.session_id)
        response = await asyncio.wait_for(turn, 30)
    assert response.stop_reason == "cancelled"
    assert "far too long to finish" not in editor.text()


async def test_load_replays_a_saved_session_in_a_new_process(
    fake_llm: FakeLLM, project: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, config = project
    fake_llm.add(Turn.text("The codename is BLUEBIRD."))
    first = Editor({})
    async with spawn_agent_process(first, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        session = await conn.new_session(cwd=str(ws), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=[text_block("What is the codename?")])
    second = Editor({})
    async with spawn_agent_process(second, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        await conn.load_session(cwd=str(ws), session_id=session.session_id, mcp_servers=[])
    assert second.text("user_message_chunk") == "What is the codename?"
    assert second.text() == "The codename is BLUEBIRD."


async def test_a_call_cancelled_while_waiting_for_permission_ends_and_the_turn_is_saved(
    fake_llm: FakeLLM, project: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, config = project
    asked = asyncio.Event()

    class Waiting(Editor):
        async def request_permission(self, session_id: str, tool_call: Any, options: Any, **_: Any) -> Any:
            self.permissions.append((tool_call, options))
            asked.set()
            await asyncio.Event().wait()  # the user never answers

    editor = Waiting({})
    fake_llm.add(Turn.tool_call("bash", {"command": "echo never"}), Turn.text("unreachable"))
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        session = await conn.new_session(cwd=str(ws), mcp_servers=[])
        turn = asyncio.create_task(conn.prompt(session_id=session.session_id, prompt=[text_block("run it")]))
        await asyncio.wait_for(asked.wait(), 30)
        await asyncio.sleep(0.2)
        statuses = [u.status for u in editor.of_kind("tool_call_update")]
        assert statuses == ["pending"]  # waiting for permission: not in_progress
        await conn.cancel(session_id=session.session_id)
        response = await asyncio.wait_for(turn, 30)
        await asyncio.sleep(0.2)
    assert response.stop_reason == "cancelled"
    (call,) = editor.of_kind("tool_call")
    finals = [u for u in editor.of_kind("tool_call_update") if u.tool_call_id == call.tool_call_id]
    assert finals[-1].status == "failed"
    again = Editor({})
    async with spawn_agent_process(again, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        await conn.load_session(cwd=str(ws), session_id=session.session_id, mcp_servers=[])
    assert again.text("user_message_chunk") == "run it"
    replayed = [u.status for u in again.of_kind("tool_call_update")]
    assert replayed and replayed[-1] == "failed"  # the unrun call is replayed as ended, not running


@pytest.mark.parametrize("line", ["[]", "1", "true", '"x"', "null", "{not json"])
def test_a_line_that_is_not_a_json_object_is_answered_and_the_agent_keeps_reading(
    line: str, project: tuple[Path, Path], tmp_path: Path
) -> None:
    import json
    import subprocess

    _ws, config = project
    agent = subprocess.Popen(
        agent_cmd(config, tmp_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert agent.stdin is not None and agent.stdout is not None
    try:
        init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 1}}
        agent.stdin.write(json.dumps(init) + "\n" + line + "\n")
        agent.stdin.write(json.dumps({**init, "id": 2}) + "\n")
        agent.stdin.flush()
        replies = [json.loads(agent.stdout.readline()) for _ in range(3)]
        by_id = {r.get("id"): r for r in replies}
        assert "result" in by_id[1] and "result" in by_id[2]
        assert by_id[None]["error"]["code"] == (-32700 if line.startswith("{") else -32600)
        assert agent.poll() is None
    finally:
        agent.stdin.close()
        agent.wait(10)


async def test_rewind_command_puts_the_buffer_back_through_the_editor(
    fake_llm: FakeLLM, project: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, config = project
    app = str(ws / "app.py")
    editor = Editor({app: "x = 1\ny = 2\n# unsaved\n"})
    fake_llm.add(
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
        Turn.text("Changed y to 3."),
    )
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        session = await conn.new_session(cwd=str(ws), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=[text_block("Change y to 3")])
        assert editor.buffers[app] == "x = 1\ny = 3\n# unsaved\n"
        await conn.prompt(session_id=session.session_id, prompt=[text_block("/rewind 1")])
        await asyncio.sleep(0.1)
    commands = editor.of_kind("available_commands_update")[0].available_commands
    assert "rewind" in {c.name for c in commands}
    assert editor.buffers[app] == "x = 1\ny = 2\n# unsaved\n"  # the unsaved text the agent read, back
    assert "restored  app.py" in editor.text()
    assert (ws / "app.py").read_text() == "x = 1\ny = 2\n"
