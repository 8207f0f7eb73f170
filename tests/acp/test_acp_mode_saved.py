"""``session/set_mode`` is saved with the session: ``session/resume`` and ``session/load`` in a new
agent process come back in that mode, and the mode still governs the tools (ACP SDK client)."""

from __future__ import annotations

from pathlib import Path

import pytest
from acp import PROTOCOL_VERSION, text_block
from acp.stdio import spawn_agent_process

from tests.acp.test_acp import CAPS, Editor, agent_cmd
from tests.acp.test_acp_v1 import Project, _settle, _start
from tests.fakellm import FakeLLM, Turn

# Each mode with what it does to an edit after the restart: (asked first, written).
EFFECT = {
    "default": (True, True),
    "accept_edits": (False, True),
    "read_only": (False, False),
    "bypass": (False, True),
}


@pytest.mark.parametrize(
    ("how", "mode"), [*(("resume", m) for m in EFFECT), ("load", "read_only"), ("load", "accept_edits")]
)
async def test_the_mode_set_before_a_restart_is_the_mode_after_resume_or_load(
    fake_llm: FakeLLM, project: Project, tmp_path: Path, how: str, mode: str
) -> None:
    ws, config = project
    fake_llm.add(Turn.tool_call("write", {"file_path": "new.txt", "content": "hi"}), Turn.text("Done."))
    first = Editor({})
    async with spawn_agent_process(first, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        await conn.set_session_mode(session_id=sid, mode_id=mode)  # no turn runs after it
        await _settle(first, "config_option_update")
    second = Editor({})  # answers "allow" when asked
    async with spawn_agent_process(second, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        if how == "resume":
            opened = await conn.resume_session(session_id=sid, cwd=str(ws), mcp_servers=[])
        else:
            opened = await conn.load_session(session_id=sid, cwd=str(ws), mcp_servers=[])
        assert opened.modes is not None and opened.modes.current_mode_id == mode
        option = next(o for o in opened.config_options or [] if o.id == "mode")
        assert option.current_value == mode
        await conn.prompt(session_id=sid, prompt=[text_block("write new.txt")])
    asked, written = EFFECT[mode]
    assert bool(second.permissions) is asked
    assert [path for path, _ in second.writes] == (
        [str(ws / "new.txt")] if written else []
    )  # the editor's buffer


async def test_a_mode_changed_through_config_options_is_saved_too(project: Project, tmp_path: Path) -> None:
    ws, config = project
    async with spawn_agent_process(Editor({}), *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        await conn.set_config_option(config_id="mode", session_id=sid, value="accept_edits")
    async with spawn_agent_process(Editor({}), *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        opened = await conn.resume_session(session_id=sid, cwd=str(ws), mcp_servers=[])
    assert opened.modes is not None and opened.modes.current_mode_id == "accept_edits"
