"""The published JSON Schema and the extension's TypeScript types say exactly what the daemon does.

Both files are generated from the wire models (``python -m a3s_lsp.wire_schema``); these tests fail
when either is stale, when a registered ``a3s/*`` method or command has no schema entry, and when
what the daemon really sends does not validate against the published schema.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from a3s_lsp import wire
from a3s_lsp.features.commands import ALL as COMMAND_NAMES
from a3s_lsp.server import DaemonSettings, create_server
from a3s_lsp.wire_schema import COMMANDS, METHODS, SCHEMA_FILE, schema, typescript_files


def test_the_published_schema_and_the_extension_types_are_up_to_date() -> None:
    doc = schema()
    assert json.loads(SCHEMA_FILE.read_text()) == doc, "run: python -m a3s_lsp.wire_schema"
    for path, text in typescript_files(doc).items():
        assert path.read_text() == text, "run: python -m a3s_lsp.wire_schema"


def test_every_registered_method_and_command_has_a_schema() -> None:
    server = create_server(DaemonSettings())
    registered = {name for name in server.protocol.fm.features if name.startswith("a3s/")}
    assert registered == set(METHODS)
    commands = set(server.protocol.fm.commands)
    assert set(COMMANDS) <= commands and set(COMMAND_NAMES) - {"a3s.session.list"} <= set(COMMANDS)


def _validator(ref: dict[str, Any]) -> jsonschema.Draft202012Validator:
    doc = schema()
    return jsonschema.Draft202012Validator({**ref, "$defs": doc["$defs"]})


def test_what_the_daemon_sends_validates_against_the_schema() -> None:
    from a3s_code.events import TextDelta, ToolEnd, TurnEnd
    from a3s_code.messages import Usage
    from a3s_lsp.wire_events import EventNotification

    doc = schema()
    for event in (
        TextDelta(text="hi"),
        ToolEnd(tool_id="t", tool_name="read", output="x", exit_code=0, metadata={"a": 1}),
        TurnEnd(turn=1, text="ok", stop_reason="end_turn", usage=Usage(), cost_usd=0.0, tool_calls=0),
    ):
        sent = wire.dump(EventNotification(session_id="s", turn_id="t", event=event))
        _validator(doc["notifications"]["a3s/event"]["params"]).validate(sent)
    confirm = wire.ConfirmParams(
        session_id="s",
        tool_id="t",
        tool="bash",
        args={},
        reason="",
        diff=None,
        timeout_ms=1,
        options=list(wire.ANSWERS),
    )
    _validator(doc["serverRequests"]["a3s/confirm"]["params"]).validate(wire.dump(confirm))


def test_a_params_object_the_schema_refuses_the_daemon_refuses_too() -> None:
    doc = schema()
    send = _validator(doc["methods"]["a3s/session/send"]["params"])
    assert not send.is_valid({"sessionId": "s", "prompt": 42})
    assert not send.is_valid({"sessionId": "s", "prompt": "x", "bogus": 1})
    assert send.is_valid({"sessionId": "s", "prompt": "x", "attachments": [{"data": "AA=="}]})
