"""Every ACP message on the wire checked against the published ACP v1 JSON schema.

``schema/v1.schema.json`` is ``schema/v1/schema.json`` from the npm package
``@agentclientprotocol/sdk`` 2.4.0 (ACP schema 1.19, the one ``agent-client-protocol`` 0.12.1's
models are generated from), unchanged: sha256 0d0b1ca83c4872e5473f68926a894c7a8203b59b118e2a79bfe43dd76fbcbc1a.
Each message is checked against the whole schema (the JSON-RPC envelope of a client or agent
message) and, when its method is known, against that method's params or result definition.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA = Path(__file__).with_name("schema") / "v1.schema.json"

CLIENT_REQUESTS = {  # client -> agent: method -> (params, result)
    "initialize": ("InitializeRequest", "InitializeResponse"),
    "authenticate": ("AuthenticateRequest", "AuthenticateResponse"),
    "session/new": ("NewSessionRequest", "NewSessionResponse"),
    "session/load": ("LoadSessionRequest", "LoadSessionResponse"),
    "session/list": ("ListSessionsRequest", "ListSessionsResponse"),
    "session/resume": ("ResumeSessionRequest", "ResumeSessionResponse"),
    "session/close": ("CloseSessionRequest", "CloseSessionResponse"),
    "session/set_mode": ("SetSessionModeRequest", "SetSessionModeResponse"),
    "session/set_config_option": ("SetSessionConfigOptionRequest", "SetSessionConfigOptionResponse"),
    "session/prompt": ("PromptRequest", "PromptResponse"),
}
AGENT_REQUESTS = {  # agent -> client
    "session/request_permission": ("RequestPermissionRequest", "RequestPermissionResponse"),
    "fs/read_text_file": ("ReadTextFileRequest", "ReadTextFileResponse"),
    "fs/write_text_file": ("WriteTextFileRequest", "WriteTextFileResponse"),
}
NOTIFICATIONS = {"session/cancel": "CancelNotification", "session/update": "SessionNotification"}


@cache
def _schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA.read_text(encoding="utf-8")))


@cache
def validator(definition: str | None) -> Draft202012Validator:
    """For one ``$defs`` entry, or (None) the whole schema."""
    schema = _schema()
    if definition is None:
        return Draft202012Validator(schema)
    assert definition in schema["$defs"], definition
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


def problems(wire_log: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """(what does not match the schema, the messages read) for a log written by ``tests.acp.tap``."""
    found: list[str] = []
    messages: list[dict[str, Any]] = []
    pending: dict[tuple[str, Any], str] = {}  # (who asked, id) -> method
    for raw in wire_log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(raw)
        direction, line = entry["dir"], entry["line"]
        try:
            message = json.loads(line)
        except ValueError:
            continue  # a line that is not JSON is not a message (the agent answers it with -32700)
        if not isinstance(message, dict):
            continue
        messages.append({"dir": direction, **message})
        checks: list[str | None] = [None]
        method = message.get("method")
        if isinstance(method, str) and "id" in message:
            table = CLIENT_REQUESTS if direction == "in" else AGENT_REQUESTS
            pending[(direction, message["id"])] = method
            if method in table:
                checks.append(table[method][0])
        elif isinstance(method, str) and method in NOTIFICATIONS:
            checks.append(NOTIFICATIONS[method])
        elif "result" in message or "error" in message:
            asker = "out" if direction == "in" else "in"
            asked = pending.pop((asker, message.get("id")), None)
            table = CLIENT_REQUESTS if asker == "in" else AGENT_REQUESTS
            if "error" in message:
                checks.append("Error")
            elif asked in table:
                checks.append(table[asked][1])
        for definition in checks:
            body = message if definition is None else message.get("params", message.get("result"))
            if definition == "Error":
                body = message["error"]
            for error in validator(definition).iter_errors(body):
                where = "/".join(str(p) for p in error.absolute_path)
                found.append(
                    f"{direction} {definition or 'message'} at {where or '.'}: {error.message[:300]}\n  {line[:400]}"
                )
    return found, messages
