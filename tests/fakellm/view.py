"""One view of a recorded request whatever API it used: its system prompt and its conversation.

Anthropic puts the system prompt in ``system`` and the turns in ``messages``; Chat Completions puts
both in ``messages``; the Responses API uses ``instructions`` and ``input`` items. Tests that
check what the model was sent read it through here, so they hold for every provider.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Said:
    role: str
    """``user``, ``assistant``, or ``tool`` (a tool's output, wherever the API puts it)."""
    text: str
    """Text, tool outputs and tool-call arguments (as JSON), concatenated."""


def system_of(body: dict[str, Any]) -> str:
    if "instructions" in body:
        return str(body["instructions"] or "")
    system = body.get("system")
    if system is not None:
        return system if isinstance(system, str) else "".join(b.get("text", "") for b in system)
    return "\n".join(_text(m.get("content")) for m in body.get("messages", []) if m.get("role") == "system")


def conversation(body: dict[str, Any]) -> list[Said]:
    if "input" in body:
        return (
            [_item(i) for i in body["input"]]
            if isinstance(body["input"], list)
            else [Said("user", body["input"])]
        )
    out = []
    for message in body.get("messages", []):
        role = message.get("role", "")
        if role == "system":
            continue
        text = _text(message.get("content"))
        for call in message.get("tool_calls") or []:
            text += json.dumps(call.get("function", {}))
        out.append(Said(role, text))
    return out


def texts(bodies: list[dict[str, Any]]) -> str:
    """Everything every request sent the model in its conversation, joined (not the system prompt)."""
    return "\n".join(s.text for body in bodies for s in conversation(body))


def _item(item: dict[str, Any]) -> Said:
    kind = item.get("type", "message")
    if kind == "function_call_output":
        return Said("tool", _text(item.get("output")))
    if kind == "function_call":
        return Said("assistant", f"{item.get('name')}{item.get('arguments')}")
    if kind == "reasoning":
        return Said("assistant", "")
    return Said(str(item.get("role", "")), _text(item.get("content")))


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        kind = block.get("type")
        if kind in ("text", "input_text", "output_text"):
            parts.append(block.get("text", ""))
        elif kind == "tool_result":
            parts.append(_text(block.get("content")))
        elif kind == "tool_use":
            parts.append(block.get("name", "") + json.dumps(block.get("input", {})))
    return "".join(parts)
