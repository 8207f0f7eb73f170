"""Render a scripted turn in the Anthropic Messages and OpenAI Chat Completions wire formats
(the Responses API is in ``responses_wire``)."""

from __future__ import annotations

import json
from typing import Any

from .script import Text, Thinking, ToolCall, Turn, arguments_of


def _sse(event: str | None, data: dict[str, Any] | str) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def anthropic_stream(turn: Turn, model: str, msg_id: str) -> list[bytes]:
    stop = turn.stop_reason or ("tool_use" if turn.has_tool_calls() else "end_turn")
    out = [
        _sse(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": turn.input_tokens, "output_tokens": 1},
                },
            },
        )
    ]
    for index, item in enumerate(turn.items):
        if isinstance(item, Text):
            out.append(_block_start(index, {"type": "text", "text": ""}))
            for piece in turn.chunks_of_text(item.text):
                out.append(_delta(index, {"type": "text_delta", "text": piece}))
        elif isinstance(item, Thinking):
            out.append(_block_start(index, {"type": "thinking", "thinking": "", "signature": ""}))
            for piece in turn.chunks_of_text(item.text):
                out.append(_delta(index, {"type": "thinking_delta", "thinking": piece}))
            out.append(_delta(index, {"type": "signature_delta", "signature": item.signature}))
        else:
            block = {
                "type": "tool_use",
                "id": item.id or f"toolu_{msg_id}_{index}",
                "name": item.name,
                "input": {},
            }
            out.append(_block_start(index, block))
            args = arguments_of(item)
            half = len(args) // 2
            for piece in (args[:half], args[half:]):
                if piece:
                    out.append(_delta(index, {"type": "input_json_delta", "partial_json": piece}))
        out.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    out.append(
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": turn.output_tokens},
            },
        )
    )
    out.append(_sse("message_stop", {"type": "message_stop"}))
    return out


def _block_start(index: int, block: dict[str, Any]) -> bytes:
    return _sse(
        "content_block_start", {"type": "content_block_start", "index": index, "content_block": block}
    )


def _delta(index: int, delta: dict[str, Any]) -> bytes:
    return _sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})


def anthropic_message(turn: Turn, model: str, msg_id: str) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for index, item in enumerate(turn.items):
        if isinstance(item, Text):
            content.append({"type": "text", "text": item.text})
        elif isinstance(item, Thinking):
            content.append({"type": "thinking", "thinking": item.text, "signature": item.signature})
        else:
            content.append(
                {
                    "type": "tool_use",
                    "id": item.id or f"toolu_{msg_id}_{index}",
                    "name": item.name,
                    "input": item.input,
                }
            )
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": turn.stop_reason or ("tool_use" if turn.has_tool_calls() else "end_turn"),
        "stop_sequence": None,
        "usage": {"input_tokens": turn.input_tokens, "output_tokens": turn.output_tokens},
    }


def openai_stream(turn: Turn, model: str, msg_id: str, quirks: frozenset[str] = frozenset()) -> list[bytes]:
    """Chat Completions chunks; ``quirks`` (see ``script.QUIRKS``) replay compatible servers' ways."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        body = {
            "id": msg_id,
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return _sse(None, body)

    empty = _sse(
        None, {"id": msg_id, "object": "chat.completion.chunk", "created": 0, "model": model, "choices": []}
    )
    out = [empty] if "empty_choices" in quirks else []
    out.append(chunk({"role": "assistant", "content": ""}))
    whole = bool(quirks & {"whole_arguments", "one_delta", "object_arguments"})
    together: list[dict[str, Any]] = []
    reasoning_key = "reasoning" if "reasoning_field" in quirks else "reasoning_content"
    calls = [i for i in turn.items if isinstance(i, ToolCall)]
    for index, item in enumerate(turn.items):
        if isinstance(item, Text):
            out.extend(chunk({"content": piece}) for piece in turn.chunks_of_text(item.text))
        elif isinstance(item, Thinking):
            out.extend(chunk({reasoning_key: piece}) for piece in turn.chunks_of_text(item.text))
        else:
            number = calls.index(item)
            args: Any = arguments_of(item)
            if "object_arguments" in quirks and item.raw_arguments is None:
                args = item.input
            call_id = item.id or (f"call_{number}" if "reused_ids" in quirks else f"call_{msg_id}_{index}")
            head: dict[str, Any] = {"id": call_id, "type": "function", "function": {"name": item.name}}
            if "no_index" not in quirks:
                head["index"] = 0 if "index_zero" in quirks else number
            if whole:
                head["function"]["arguments"] = args
                if "one_delta" in quirks:
                    together.append(head)
                else:
                    out.append(chunk({"tool_calls": [head]}))
                continue
            head["function"]["arguments"] = ""
            out.append(chunk({"tool_calls": [head]}))
            half = len(args) // 2
            for piece in (args[:half], args[half:]):
                if piece:
                    tail: dict[str, Any] = {"function": {"arguments": piece}}
                    if "no_index" not in quirks:
                        tail["index"] = head["index"]
                    out.append(chunk({"tool_calls": [tail]}))
        if "empty_choices" in quirks:
            out.append(empty)
    if together:
        out.append(chunk({"tool_calls": together}))
    finish: str | None = turn.stop_reason or ("tool_calls" if turn.has_tool_calls() else "stop")
    if "no_finish" in quirks:
        finish = None
    elif "finish_tool_calls" in quirks:
        finish = "tool_calls"
    elif "finish_stop" in quirks:
        finish = "stop"
    out.append(chunk({}, finish))
    if "no_usage" not in quirks:
        usage = {
            "prompt_tokens": turn.input_tokens,
            "completion_tokens": turn.output_tokens,
            "total_tokens": turn.input_tokens + turn.output_tokens,
        }
        out.append(
            _sse(
                None,
                {
                    "id": msg_id,
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [],
                    "usage": usage,
                },
            )
        )
    out.append(b"data: [DONE]\n\n")
    if "keepalive" in quirks:
        out = [piece for c in out for piece in (b": keep-alive\n\n", c)]
    return out


def openai_message(turn: Turn, model: str, msg_id: str) -> dict[str, Any]:
    text = "".join(i.text for i in turn.items if isinstance(i, Text))
    calls = [
        {
            "id": i.id or f"call_{msg_id}_{n}",
            "type": "function",
            "function": {"name": i.name, "arguments": arguments_of(i)},
        }
        for n, i in enumerate(turn.items)
        if isinstance(i, ToolCall)
    ]
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": msg_id,
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {
            "prompt_tokens": turn.input_tokens,
            "completion_tokens": turn.output_tokens,
            "total_tokens": turn.input_tokens + turn.output_tokens,
        },
    }


def error_body(api: str, status: int, detail: str | None = None) -> dict[str, Any]:
    kinds = {
        400: "invalid_request_error",
        429: "rate_limit_error",
        500: "api_error",
        529: "overloaded_error",
        401: "authentication_error",
    }
    kind = kinds.get(status, "api_error")
    message = detail or f"fake {kind} ({status})"
    if api == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"message": message, "type": kind, "code": None}}
