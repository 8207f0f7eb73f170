"""The rest of ACP v1 through ``a3s-lsp --acp`` and the SDK's client: list, resume, close, modes,
config options, usage, commands, plans, queued prompts and the steer extension. The wire of every
test is checked against the published schema (``conftest.py``)."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from acp import PROTOCOL_VERSION, RequestError, text_block
from acp.stdio import spawn_agent_process

from tests.acp.schema_check import problems
from tests.acp.test_acp import CAPS, Editor, agent_cmd
from tests.fakellm import FakeLLM, Turn
from tests.lsp.test_planning import answer

Project = tuple[Path, Path]


async def _start(conn: Any, ws: Path) -> str:
    await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
    return str((await conn.new_session(cwd=str(ws), mcp_servers=[])).session_id)


async def _settle(editor: Editor, kind: str, count: int = 1) -> None:
    """Until ``count`` updates of ``kind`` arrived (updates sent after a response trail it)."""
    async with asyncio.timeout(30):
        while len(editor.of_kind(kind)) < count:
            await asyncio.sleep(0.02)


async def test_new_session_advertises_modes_and_config_options(project: Project, tmp_path: Path) -> None:
    ws, config = project
    editor = Editor({})
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        init = await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        caps = init.agent_capabilities.session_capabilities
        assert caps.list is not None and caps.resume is not None and caps.close is not None
        session = await conn.new_session(cwd=str(ws), mcp_servers=[])
    assert session.modes.current_mode_id == "default"
    modes = [m.id for m in session.modes.available_modes]
    assert modes == ["default", "accept_edits", "read_only", "bypass"]  # no sandbox: no sandbox_auto_allow
    options = {o.root.id if hasattr(o, "root") else o.id: o for o in session.config_options}
    assert set(options) == {"mode", "model", "planning"}
    assert options["model"].current_value == "anthropic/claude-sonnet-4-20250514"
    assert options["mode"].current_value == "default" and options["planning"].current_value is False


async def test_read_only_mode_refuses_a_write_without_asking_and_unknown_modes_are_errors(
    fake_llm: FakeLLM, project: Project, tmp_path: Path
) -> None:
    ws, config = project
    editor = Editor({})
    fake_llm.add(Turn.tool_call("write", {"file_path": "new.txt", "content": "hi"}), Turn.text("Refused."))
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        for bad in ("yolo", "", "READ_ONLY", "sandbox_auto_allow"):
            with pytest.raises(RequestError) as refused:
                await conn.set_session_mode(session_id=sid, mode_id=bad)
            assert refused.value.code == -32602 and "modes are" in str(refused.value.data)
        await conn.set_session_mode(session_id=sid, mode_id="read_only")
        await _settle(editor, "config_option_update")
        response = await conn.prompt(session_id=sid, prompt=[text_block("write new.txt")])
    assert response.stop_reason == "end_turn"
    assert editor.permissions == [] and not (ws / "new.txt").exists() and editor.writes == []
    assert editor.of_kind("tool_call_update")[-1].status == "failed"
    mode = next(o for o in editor.of_kind("config_option_update")[-1].config_options if o.id == "mode")
    assert mode.current_value == "read_only"
    assert "read-only" in json.dumps(fake_llm.requests[1])  # the model was told why


async def test_config_options_switch_mode_and_planning_and_refuse_bad_values(
    fake_llm: FakeLLM, project: Project, tmp_path: Path
) -> None:
    ws, config = project
    editor = Editor({})
    fake_llm.add(*[answer] * 4)
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        set_mode = await conn.set_config_option(session_id=sid, config_id="mode", value="accept_edits")
        current = {o.id: o.current_value for o in set_mode.config_options}
        assert current["mode"] == "accept_edits"
        await _settle(editor, "current_mode_update")
        assert editor.of_kind("current_mode_update")[-1].current_mode_id == "accept_edits"
        for config_id, value in (
            ("model", "nope/x"),
            ("mode", "nope"),
            ("colour", "red"),
            ("planning", "yes"),
        ):
            with pytest.raises(RequestError) as refused:
                await conn.set_config_option(session_id=sid, config_id=config_id, value=value)
            assert refused.value.code == -32602
        planned = await conn.set_config_option(session_id=sid, config_id="planning", value=True)
        assert {o.id: o.current_value for o in planned.config_options}["planning"] is True
        response = await conn.prompt(session_id=sid, prompt=[text_block("Double y and check it")])
    assert response.stop_reason == "end_turn"
    plans = [[(e.content, e.status) for e in u.entries] for u in editor.of_kind("plan")]
    assert plans[0] == [("Double y in app.py", "pending"), ("Read app.py back", "pending")]
    assert plans[1][0] == ("Double y in app.py", "in_progress")
    assert plans[-1] == [("Double y in app.py", "completed"), ("Read app.py back", "completed")]


async def test_usage_update_after_each_model_call(
    fake_llm: FakeLLM, project: Project, tmp_path: Path
) -> None:
    ws, config = project
    editor = Editor({})
    fake_llm.add(
        Turn.tool_call("read", {"file_path": "app.py"}, input_tokens=1000, output_tokens=50),
        Turn.text("y is 2", input_tokens=3000, output_tokens=100),
    )
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        await conn.prompt(session_id=sid, prompt=[text_block("what is y?")])
    first, second = editor.of_kind("usage_update")
    assert (first.used, second.used) == (1050, 3100)
    assert first.size == second.size == 200_000
    # anthropic/claude-sonnet-4 at $3 and $15 per million tokens, cumulative
    assert first.cost.amount == pytest.approx((1000 * 3 + 50 * 15) / 1e6) and first.cost.currency == "USD"
    assert second.cost.amount == pytest.approx((4000 * 3 + 150 * 15) / 1e6)


async def test_list_resume_and_close_across_processes(
    fake_llm: FakeLLM, project: Project, tmp_path: Path
) -> None:
    ws, config = project
    other = tmp_path / "other"
    other.mkdir()
    fake_llm.add(Turn.text("The codename is BLUEBIRD."), Turn.text("Still BLUEBIRD."))
    first = Editor({})
    async with spawn_agent_process(first, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        await conn.prompt(session_id=sid, prompt=[text_block("What is\nthe codename?")])
        elsewhere = (await conn.new_session(cwd=str(other), mcp_servers=[])).session_id
        listed = await conn.list_sessions()
        assert {s.session_id for s in listed.sessions} == {sid, elsewhere}
        in_ws = await conn.list_sessions(cwd=str(ws))
        assert [(s.session_id, s.title) for s in in_ws.sessions] == [(sid, "What is the codename?")]
        with pytest.raises(RequestError) as bad_cursor:
            await conn.list_sessions(cursor="not-a-cursor")
        assert bad_cursor.value.code == -32602
    second = Editor({})
    async with spawn_agent_process(second, *agent_cmd(config, tmp_path)) as (conn, _proc):
        await conn.initialize(protocol_version=PROTOCOL_VERSION, client_capabilities=CAPS)
        saved = await conn.list_sessions(cwd=str(ws))
        assert [s.session_id for s in saved.sessions] == [sid] and saved.sessions[0].updated_at
        resumed = await conn.resume_session(session_id=sid, cwd=str(ws), mcp_servers=[])
        assert resumed.modes.current_mode_id == "default"
        await conn.prompt(session_id=sid, prompt=[text_block("And now?")])
        await conn.close_session(session_id=sid)
        with pytest.raises(RequestError) as gone:
            await conn.prompt(session_id=sid, prompt=[text_block("hello?")])
        assert gone.value.code == -32002
        with pytest.raises(RequestError):
            await conn.resume_session(session_id="no-such-session", cwd=str(ws), mcp_servers=[])
    assert second.of_kind("user_message_chunk") == []  # resume does not replay
    assert "BLUEBIRD" in json.dumps(fake_llm.requests[-1]["messages"])  # but the model has the history
    assert second.text() == "Still BLUEBIRD."


async def test_close_cancels_the_running_turn(fake_llm: FakeLLM, project: Project, tmp_path: Path) -> None:
    ws, config = project
    editor = Editor({})
    fake_llm.add(Turn(hang=True))
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        turn = asyncio.create_task(conn.prompt(session_id=sid, prompt=[text_block("slow")]))
        while not fake_llm.requests:
            await asyncio.sleep(0.02)
        await conn.close_session(session_id=sid)
        assert (await asyncio.wait_for(turn, 30)).stop_reason == "cancelled"


async def test_commands_include_skills_and_follow_a_new_skill_file(fake_llm: FakeLLM, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    skills = tmp_path / "skills"
    skills.mkdir()
    (skills / "tidy.md").write_text("---\nname: tidy\ndescription: Tidy imports\n---\nSort the imports.\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config(extra=f'skill_dirs = ["{skills}"]\n'))
    editor = Editor({})
    fake_llm.add(Turn.text("Tidied."), Turn.text("ok"))
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        await _settle(editor, "available_commands_update")
        names = {c.name for c in editor.of_kind("available_commands_update")[0].available_commands}
        assert {"help", "cost", "model", "tidy"} <= names
        tidy = next(
            c for c in editor.of_kind("available_commands_update")[0].available_commands if c.name == "tidy"
        )
        assert tidy.input is not None and "Tidy imports" in tidy.description
        await conn.prompt(session_id=sid, prompt=[text_block("/tidy app.py")])
        assert "Sort the imports." in json.dumps(fake_llm.requests[0]["system"])
        assert "app.py" in json.dumps(fake_llm.requests[0]["messages"])
        (skills / "lint.md").write_text("---\nname: lint\ndescription: Run the linter\n---\nLint it.\n")
        await conn.prompt(session_id=sid, prompt=[text_block("hello")])
        await _settle(editor, "available_commands_update", 2)
    latest = {c.name for c in editor.of_kind("available_commands_update")[-1].available_commands}
    assert {"tidy", "lint"} <= latest


async def test_a_prompt_sent_during_a_turn_is_queued_and_steer_reaches_the_running_turn(
    fake_llm: FakeLLM, project: Project, tmp_path: Path
) -> None:
    ws, config = project
    editor = Editor({})
    gate = threading.Event()
    fake_llm.add(
        Turn.tool_call("read", {"file_path": "app.py"}, gate=gate),
        Turn.text("first done"),
        Turn.text("second"),
    )
    async with spawn_agent_process(editor, *agent_cmd(config, tmp_path)) as (conn, _proc):
        sid = await _start(conn, ws)
        one = asyncio.create_task(conn.prompt(session_id=sid, prompt=[text_block("one")]))
        while not fake_llm.requests:
            await asyncio.sleep(0.02)
        two = asyncio.create_task(conn.prompt(session_id=sid, prompt=[text_block("two")]))
        assert await conn.ext_method("a3s/session/steer", {"sessionId": sid, "text": "mind the tests"}) == {
            "steered": True
        }
        with pytest.raises(RequestError):
            await conn.ext_method("a3s/session/steer", {"sessionId": sid})
        gate.set()
        first, second = await asyncio.wait_for(asyncio.gather(one, two), 30)
        idle = await conn.ext_method("a3s/session/steer", {"sessionId": sid, "text": "late"})
    assert first.stop_reason == second.stop_reason == "end_turn"
    assert idle == {"steered": False}
    assert "mind the tests" in json.dumps(fake_llm.requests[1]["messages"])
    assert "mind the tests" not in json.dumps(fake_llm.requests[0]["messages"])
    assert "two" in json.dumps(fake_llm.requests[2]["messages"][-1])  # the queued prompt, after
    assert editor.text() == "first donesecond"


def test_the_schema_check_catches_a_message_off_the_schema(tmp_path: Path) -> None:
    """The checker can fail: a plan entry with a status ACP does not have, a usage with negative tokens,
    a prompt response without its stop reason."""
    log = tmp_path / "bad.jsonl"
    lines = [
        (
            "in",
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "session/prompt",
                "params": {"sessionId": "s", "prompt": []},
            },
        ),
        (
            "out",
            {
                "jsonrpc": "2.0",
                "method": "session/update",
                "params": {
                    "sessionId": "s",
                    "update": {
                        "sessionUpdate": "plan",
                        "entries": [{"content": "x", "priority": "medium", "status": "failed"}],
                    },
                },
            },
        ),
        (
            "out",
            {
                "jsonrpc": "2.0",
                "method": "session/update",
                "params": {
                    "sessionId": "s",
                    "update": {"sessionUpdate": "usage_update", "used": -1, "size": 10},
                },
            },
        ),
        ("out", {"jsonrpc": "2.0", "id": 1, "result": {}}),
    ]
    log.write_text("".join(json.dumps({"dir": d, "line": json.dumps(m)}) + "\n" for d, m in lines))
    found, messages = problems(log)
    assert len(messages) == 4
    assert any("PromptResponse" in f and "stopReason" in f for f in found)
    assert any("SessionNotification" in f and "update" in f for f in found)
    assert sum("SessionNotification" in f for f in found) >= 2
    log.unlink()  # not this test's own wire
