"""The wire's JSON Schema (``docs/schema/a3s-protocol.json``) and its TypeScript form for the extension.

``python -m a3s_lsp.wire_schema`` rewrites both files from the models in ``wire.py`` and
``wire_events.py``; ``tests/lsp/test_wire_schema.py`` fails when either is out of date, so the
published schema and ``vscode-extension/src/wire.ts`` (+ ``wire_events.ts``) always say what the daemon accepts and sends.
The TypeScript is derived from the schema alone (objects, arrays, maps, literals, unions, refs).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import wire
from .wire_events import EventNotification, TeamProgressNotification

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "schema" / "a3s-protocol.json"
TS_FILE = ROOT / "vscode-extension" / "src" / "wire.ts"

M = type[BaseModel]
METHODS: dict[str, tuple[M, M | None]] = {
    "a3s/session/create": (wire.SessionCreateParams, wire.SessionOpened),
    "a3s/session/list": (wire.Empty, wire.SessionList),
    "a3s/session/resume": (wire.SessionResumeParams, wire.SessionOpened),
    "a3s/session/save": (wire.SessionRef, wire.SessionSaved),
    "a3s/session/close": (wire.SessionRef, wire.Closed),
    "a3s/session/cancel": (wire.SessionRef, wire.Cancelled),
    "a3s/session/send": (wire.SessionSendParams, wire.TurnResult),
    "a3s/session/steer": (wire.SessionSteerParams, wire.Steered),
    "a3s/session/rewind": (wire.SessionRewindParams, wire.RewindResult),
    "a3s/session/fork": (wire.SessionForkParams, wire.SessionOpened),
    "a3s/session/checkpoints": (wire.SessionRef, wire.CheckpointList),
    "a3s/command": (wire.CommandParams, wire.CommandResult),
    "a3s/tool": (wire.ToolParams, wire.ToolResult),
    "a3s/worktree/create": (wire.WorktreeCreateParams, wire.ToolResult),
    "a3s/worktree/list": (wire.SessionRef, wire.ToolResult),
    "a3s/worktree/remove": (wire.WorktreeRemoveParams, wire.ToolResult),
    "a3s/worktree/status": (wire.SessionRef, wire.ToolResult),
    "a3s/team/run": (wire.TeamRunParams, None),
    "a3s/queue/pending": (wire.QueuePendingParams, None),
    "a3s/queue/claim": (wire.QueueClaimParams, None),
    "a3s/queue/complete": (wire.QueueCompleteParams, None),
    "a3s/queue/setLaneHandler": (wire.QueueSetLaneHandlerParams, None),
    "a3s/queue/stats": (wire.SessionRef, None),
    "a3s/debug/modules": (wire.DebugModulesParams, wire.DebugModules),
    "a3s/turn/diff": (wire.TurnDiffParams, wire.TurnDiff),
}
COMMANDS: dict[str, M] = {
    "a3s.session.create": wire.SessionCreateParams,
    "a3s.session.cancel": wire.CancelCommand,
    "a3s.session.close": wire.SessionRef,
    "a3s.prompt": wire.PromptCommand,
    "a3s.slash": wire.SlashCommand,
    "a3s.tool": wire.ToolCommand,
    "a3s.worktree.create": wire.WorktreeCreateCommand,
    "a3s.worktree.remove": wire.WorktreeRemoveCommand,
    "a3s.session.rewind": wire.RewindCommand,
    "a3s.session.fork": wire.ForkCommand,
    "a3s.session.checkpoints": wire.Target,
    "a3s.worktree.list": wire.Target,
    "a3s.worktree.status": wire.Target,
    "a3s.codeAction": wire.CodeActionCommand,
}
NOTIFICATIONS: dict[str, M] = {
    "a3s/event": EventNotification,
    "a3s/team/progress": TeamProgressNotification,
    "a3s/queue/taskPending": wire.ExternalTask,
    "a3s/turn/diffReady": wire.TurnDiff,
}
SERVER_REQUESTS: dict[str, tuple[M, M]] = {"a3s/confirm": (wire.ConfirmParams, wire.ConfirmAnswer)}


def schema() -> dict[str, Any]:
    """One JSON Schema (draft 2020-12) whose ``$defs`` hold every model, plus where each is used."""
    inputs = [m for m, _ in METHODS.values()] + list(COMMANDS.values()) + [wire.ConfirmAnswer]
    outputs = [r for _, r in METHODS.values() if r is not None] + list(NOTIFICATIONS.values())
    outputs.append(wire.ConfirmParams)
    pairs: list[tuple[M, Literal["validation", "serialization"]]] = [
        (m, "validation") for m in dict.fromkeys(inputs)
    ]
    pairs += [(m, "serialization") for m in dict.fromkeys(outputs)]
    keys, found = models_json_schema(pairs, by_alias=True, ref_template="#/$defs/{model}")

    def ref(model: M | None, mode: str) -> dict[str, Any]:
        return {} if model is None else keys[(model, mode)]  # type: ignore[index]

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "a3s-lsp custom methods (docs/protocol.md)",
        "methods": {
            n: {"params": ref(p, "validation"), "result": ref(r, "serialization")}
            for n, (p, r) in METHODS.items()
        },
        "commands": {n: {"argument": ref(p, "validation")} for n, p in COMMANDS.items()},
        "notifications": {n: {"params": ref(p, "serialization")} for n, p in NOTIFICATIONS.items()},
        "serverRequests": {
            n: {"params": ref(p, "serialization"), "result": ref(r, "validation")}
            for n, (p, r) in SERVER_REQUESTS.items()
        },
        "$defs": found.get("$defs", {}),
    }


# -- TypeScript ---------------------------------------------------------------------------------------


def _name(ref: str) -> str:
    return re.sub(r"\W", "_", ref.rsplit("/", 1)[-1])


def ts_type(node: dict[str, Any]) -> str:
    """The TypeScript type of one schema node."""
    if "$ref" in node:
        return _name(node["$ref"])
    if "const" in node:
        return json.dumps(node["const"])
    if "enum" in node:
        return " | ".join(json.dumps(v) for v in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return " | ".join(dict.fromkeys(ts_type(n) for n in node[key]))
    kind = node.get("type")
    if kind == "array":
        inner = ts_type(node.get("items", {}))
        return f"({inner})[]" if "|" in inner else f"{inner}[]"
    if kind == "object":
        if "properties" in node:
            return _object(node)
        extra = node.get("additionalProperties")
        return f"Record<string, {ts_type(extra) if isinstance(extra, dict) else 'unknown'}>"
    return {
        "string": "string",
        "integer": "number",
        "number": "number",
        "boolean": "boolean",
        "null": "null",
    }.get(str(kind), "unknown")


def _object(node: dict[str, Any]) -> str:
    props = node.get("properties", {})
    required = set(node.get("required", [])) | {k for k, v in props.items() if "const" in v}  # discriminators
    fields = [
        f"  {json.dumps(k) if not k.isidentifier() else k}{'' if k in required else '?'}: {ts_type(v)};"
        for k, v in node.get("properties", {}).items()
    ]
    return "{\n" + "\n".join(fields) + "\n}"


TS_EVENTS_FILE = TS_FILE.with_name("wire_events.ts")


def _in_wire_module(name: str) -> bool:
    """A model of ``wire.py`` (params, results); the rest are the engine's events and their parts."""
    model = getattr(wire, name, None)
    return isinstance(model, type) and model.__module__ == wire.__name__


def _ts_file(defs: dict[str, Any], others: set[str], other_file: str, tail: list[str]) -> str:
    lines = [
        "// Generated from docs/schema/a3s-protocol.json by `python -m a3s_lsp.wire_schema`: do not edit.",
        "/* eslint-disable */",
        "",
    ]
    body: list[str] = []
    for name, node in defs.items():
        ts = ts_type(node)
        body.append(
            f"export type {_name(name)} = {ts};"
            if not ts.startswith("{")
            else f"export interface {_name(name)} {ts}"
        )
        body.append("")
    used = sorted(others & set(re.findall(r"\b[A-Za-z_]\w*\b", "\n".join(body))))
    if used:
        lines += [f'import type {{ {", ".join(used)} }} from "./{other_file}";', ""]
    return "\n".join(lines + body + tail) + "\n"


def typescript_files(doc: dict[str, Any]) -> dict[Path, str]:
    """``wire.ts`` (params, results, the method lists; it re-exports the events) and
    ``wire_events.ts`` (the events), split as ``wire.py`` / ``wire_events.py`` are."""
    defs: dict[str, Any] = doc["$defs"]
    own = {n: d for n, d in defs.items() if _in_wire_module(n)}
    events = {n: d for n, d in defs.items() if n not in own}
    groups = [
        f"export const {g} = {json.dumps(sorted(doc[g]))} as const;"
        for g in ("methods", "notifications", "serverRequests")
    ]
    tail = ['export * from "./wire_events";', "", *groups]
    return {
        TS_FILE: _ts_file(own, {_name(n) for n in events}, "wire_events", tail),
        TS_EVENTS_FILE: _ts_file(events, {_name(n) for n in own}, "wire", []).rstrip("\n") + "\n",
    }


def write() -> None:
    doc = schema()
    SCHEMA_FILE.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_FILE.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n")
    for path, text in typescript_files(doc).items():
        path.write_text(text)


if __name__ == "__main__":
    write()
    written = ", ".join(str(p.relative_to(ROOT)) for p in (SCHEMA_FILE, TS_FILE, TS_EVENTS_FILE))
    sys.stdout.write(f"wrote {written}\n")
