"""The legacy OpenAI Completions wire format (``POST /v1/completions``), which fill-in-the-middle
servers speak: ``prompt`` (+ ``suffix``) in, ``choices[].text`` out, whole or as SSE chunks ending
in ``data: [DONE]``."""

from __future__ import annotations

import json
import time
from typing import Any

from .script import Text, Turn


def _text(turn: Turn) -> str:
    return "".join(item.text for item in turn.items if isinstance(item, Text))


def _usage(turn: Turn) -> dict[str, int]:
    return {
        "prompt_tokens": turn.input_tokens,
        "completion_tokens": turn.output_tokens,
        "total_tokens": turn.input_tokens + turn.output_tokens,
    }


def completion_object(turn: Turn, model: str, msg_id: str) -> dict[str, Any]:
    return {
        "id": f"cmpl-{msg_id}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"text": _text(turn), "index": 0, "logprobs": None, "finish_reason": turn.stop_reason or "stop"}
        ],
        "usage": _usage(turn),
    }


def completion_stream(turn: Turn, model: str, msg_id: str) -> list[bytes]:
    out = []
    pieces = turn.chunks_of_text(_text(turn)) or [""]
    for n, piece in enumerate(pieces):
        last = n == len(pieces) - 1
        chunk = {
            "id": f"cmpl-{msg_id}",
            "object": "text_completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "text": piece,
                    "index": 0,
                    "logprobs": None,
                    "finish_reason": (turn.stop_reason or "stop") if last else None,
                }
            ],
        }
        out.append(f"data: {json.dumps(chunk)}\n\n".encode())
    out.append(b"data: [DONE]\n\n")
    return out
