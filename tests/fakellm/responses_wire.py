"""Render a scripted turn as an OpenAI Responses API stream (``POST /v1/responses``).

Events and item shapes follow the API reference as typed in the ``openai`` SDK
(``types/responses``): reasoning items carry a summary and, when the request asked for
``reasoning.encrypted_content``, an opaque ``encrypted_content`` that the client must send back.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from .script import Text, Thinking, ToolCall, Turn, arguments_of


def encrypted(text: str, msg_id: str, index: int) -> str:
    """The fake's "encrypted" reasoning: opaque to the client, recognisable in the server's log."""
    raw = json.dumps({"response": msg_id, "index": index, "thought": text})
    return "gAAAA" + base64.urlsafe_b64encode(raw.encode()).decode()


def decrypt(blob: str) -> dict[str, Any]:
    """What ``encrypted`` hid (tests: which reasoning item came back)."""
    return json.loads(base64.urlsafe_b64decode(blob.removeprefix("gAAAA").encode()))  # type: ignore[no-any-return]


def _item(
    turn: Turn, item: Text | Thinking | ToolCall, msg_id: str, index: int, include: bool
) -> dict[str, Any]:
    if isinstance(item, Text):
        return {
            "type": "message",
            "id": f"msg_{msg_id}_{index}",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": item.text, "annotations": []}],
        }
    if isinstance(item, Thinking):
        reasoning: dict[str, Any] = {
            "type": "reasoning",
            "id": f"rs_{msg_id}_{index}",
            "summary": [{"type": "summary_text", "text": item.text}],
        }
        if include:
            reasoning["encrypted_content"] = encrypted(item.text, msg_id, index)
        return reasoning
    return {
        "type": "function_call",
        "id": f"fc_{msg_id}_{index}",
        "call_id": item.id or f"call_{msg_id}_{index}",
        "name": item.name,
        "arguments": arguments_of(item),
        "status": "completed",
    }


def response_object(turn: Turn, model: str, msg_id: str, body: dict[str, Any], status: str) -> dict[str, Any]:
    include = "reasoning.encrypted_content" in (body.get("include") or [])
    output = (
        [_item(turn, item, msg_id, i, include) for i, item in enumerate(turn.items)]
        if status != "in_progress"
        else []
    )
    out: dict[str, Any] = {
        "id": f"resp_{msg_id}",
        "object": "response",
        "created_at": 0,
        "status": status,
        "model": model,
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
    }
    if status != "in_progress":
        out["usage"] = {
            "input_tokens": turn.input_tokens,
            "input_tokens_details": {"cached_tokens": turn.cached_tokens, "cache_write_tokens": 0},
            "output_tokens": turn.output_tokens,
            "output_tokens_details": {"reasoning_tokens": turn.reasoning_tokens},
            "total_tokens": turn.input_tokens + turn.output_tokens,
        }
    return out


def responses_stream(turn: Turn, model: str, msg_id: str, body: dict[str, Any]) -> list[bytes]:
    include = "reasoning.encrypted_content" in (body.get("include") or [])
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response_object(turn, model, msg_id, body, "in_progress")},
        {
            "type": "response.in_progress",
            "response": response_object(turn, model, msg_id, body, "in_progress"),
        },
    ]
    for index, item in enumerate(turn.items):
        done = _item(turn, item, msg_id, index, include)
        ident = done["id"]
        if isinstance(item, Text):
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {**done, "status": "in_progress", "content": []},
                }
            )
            part = {"type": "output_text", "text": "", "annotations": []}
            events.append(
                {
                    "type": "response.content_part.added",
                    "item_id": ident,
                    "output_index": index,
                    "content_index": 0,
                    "part": part,
                }
            )
            for piece in turn.chunks_of_text(item.text):
                events.append(
                    {
                        "type": "response.output_text.delta",
                        "item_id": ident,
                        "output_index": index,
                        "content_index": 0,
                        "delta": piece,
                        "logprobs": [],
                    }
                )
            events.append(
                {
                    "type": "response.output_text.done",
                    "item_id": ident,
                    "output_index": index,
                    "content_index": 0,
                    "text": item.text,
                    "logprobs": [],
                }
            )
            events.append(
                {
                    "type": "response.content_part.done",
                    "item_id": ident,
                    "output_index": index,
                    "content_index": 0,
                    "part": {**part, "text": item.text},
                }
            )
        elif isinstance(item, Thinking):
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {"type": "reasoning", "id": ident, "summary": []},
                }
            )
            for piece in turn.chunks_of_text(item.text):
                events.append(
                    {
                        "type": "response.reasoning_summary_text.delta",
                        "item_id": ident,
                        "output_index": index,
                        "summary_index": 0,
                        "delta": piece,
                    }
                )
            events.append(
                {
                    "type": "response.reasoning_summary_text.done",
                    "item_id": ident,
                    "output_index": index,
                    "summary_index": 0,
                    "text": item.text,
                }
            )
        else:
            events.append(
                {
                    "type": "response.output_item.added",
                    "output_index": index,
                    "item": {**done, "arguments": "", "status": "in_progress"},
                }
            )
            args = done["arguments"]
            half = len(args) // 2
            for piece in (args[:half], args[half:]):
                if piece:
                    events.append(
                        {
                            "type": "response.function_call_arguments.delta",
                            "item_id": ident,
                            "output_index": index,
                            "delta": piece,
                        }
                    )
            events.append(
                {
                    "type": "response.function_call_arguments.done",
                    "item_id": ident,
                    "output_index": index,
                    "arguments": args,
                }
            )
        events.append({"type": "response.output_item.done", "output_index": index, "item": done})
    final = "incomplete" if turn.stop_reason == "max_tokens" else "completed"
    events.append(
        {"type": f"response.{final}", "response": response_object(turn, model, msg_id, body, final)}
    )
    out = []
    for number, event in enumerate(events):
        event["sequence_number"] = number
        out.append(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode())
    return out
