"""What the fake LLM answers: scripted turns of text, thinking and tool calls, plus faults."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Text:
    text: str


@dataclass
class Thinking:
    text: str
    signature: str = "sig-fake"


@dataclass
class ToolCall:
    name: str
    input: dict[str, Any] = field(default_factory=dict)
    raw_arguments: str | None = None
    """Sent verbatim instead of ``json.dumps(input)``: malformed JSON for parse-retry tests."""
    id: str | None = None


Item = Text | Thinking | ToolCall


@dataclass
class Turn:
    """One reply. Fault fields turn it into an error response or a broken stream."""

    items: list[Item] = field(default_factory=list)
    input_tokens: int = 100
    output_tokens: int = 20
    stop_reason: str | None = None
    status: int | None = None
    """Answer with this HTTP error status instead (429, 500, 529 ...)."""
    retry_after: float | None = None
    cut_after: int | None = None
    """Close the connection after this many stream chunks."""
    delay_s: float = 0.0
    """Wait before the first byte (timeouts, cancellation)."""
    chunk_delay_s: float = 0.0
    gate: asyncio.Event | threading.Event | None = None
    """Hold the reply (before the first byte) until the test sets it; a client that goes away
    meanwhile ends the wait (counted in ``FakeLLM.disconnects``)."""
    hang: bool = False
    """Accept the request and never send a byte, until the client goes away."""
    trickle_s: float | None = None
    """Send the stream's headers, then one byte of a keep-alive comment every ``trickle_s``
    seconds forever (no event ever completes), until the client goes away."""
    trickle_after: int = 0
    """Stream this many chunks of the reply before the trickle starts."""
    quirks: frozenset[str] | None = None
    """Chat Completions quirks for this turn (``QUIRKS``); None: the server's family's."""
    cached_tokens: int = 0
    reasoning_tokens: int = 0
    text_chunk: int | None = None
    """Characters per streamed text delta (default: each text in about four deltas)."""

    @classmethod
    def text(cls, text: str, **kw: Any) -> Turn:
        return cls(items=[Text(text)], **kw)

    @classmethod
    def tool_call(cls, name: str, args: dict[str, Any] | None = None, *, text: str = "", **kw: Any) -> Turn:
        items: list[Item] = [Text(text)] if text else []
        items.append(ToolCall(name, args or {}))
        return cls(items=items, **kw)

    @classmethod
    def tool_calls(cls, *calls: tuple[str, dict[str, Any]], **kw: Any) -> Turn:
        return cls(items=[ToolCall(n, a) for n, a in calls], **kw)

    @classmethod
    def error(cls, status: int, retry_after: float | None = None) -> Turn:
        return cls(status=status, retry_after=retry_after)

    def chunks_of_text(self, text: str) -> list[str]:
        """Split text into a few deltas so streaming is real (or ``text_chunk`` characters each)."""
        if self.text_chunk:
            return [text[i : i + self.text_chunk] for i in range(0, len(text), self.text_chunk)]
        if len(text) < 8:
            return [text] if text else []
        step = max(1, len(text) // 4)
        return [text[i : i + step] for i in range(0, len(text), step)]

    def has_tool_calls(self) -> bool:
        return any(isinstance(i, ToolCall) for i in self.items)

    @staticmethod
    def from_json(data: dict[str, Any]) -> Turn:
        items: list[Item] = []
        for raw in data.get("items", []):
            kind = raw["type"]
            if kind == "text":
                items.append(Text(raw["text"]))
            elif kind == "thinking":
                items.append(Thinking(raw["text"]))
            elif kind == "tool_call":
                items.append(ToolCall(raw["name"], raw.get("input", {}), raw.get("raw_arguments")))
        fields = {k: v for k, v in data.items() if k != "items"}
        return Turn(items=items, **fields)


QUIRKS = {
    "no_index": "tool-call fragments carry no `index`",
    "one_delta": "every tool call of the reply, whole, in one delta",
    "whole_arguments": "each call's name and complete arguments in one fragment",
    "index_zero": "every call has index 0 (told apart only by id)",
    "object_arguments": "arguments as a JSON object instead of a string",
    "reused_ids": "call ids numbered call_0, call_1... again in every reply",
    "no_usage": "no usage chunk",
    "no_finish": "finish_reason never set",
    "finish_tool_calls": 'finish_reason "tool_calls" whatever the reply holds',
    "finish_stop": 'finish_reason "stop" even with tool calls',
    "reasoning_field": "thinking streamed as `reasoning` (OpenRouter, newer vLLM), not `reasoning_content`",
    "empty_choices": "chunks with an empty `choices` list, first and between items",
    "keepalive": "an SSE comment line before every chunk",
}
"""The Chat Completions quirks the fake server can replay, each seen in a compatible server family."""

FAMILIES: dict[str, frozenset[str]] = {
    "openai": frozenset(),
    "ollama": frozenset({"no_index", "one_delta", "finish_stop"}),
    "vllm": frozenset({"whole_arguments", "no_usage"}),
    "deepseek": frozenset({"empty_choices"}),
    "openrouter": frozenset({"keepalive", "reasoning_field"}),
    "llamacpp": frozenset({"reused_ids", "no_finish"}),
}
"""Bundles of quirks per server family for whole-session tests; each quirk also has its own test."""


Responder = Callable[[dict[str, Any]], Turn]
"""A turn computed from the request body (for answers that depend on what was sent)."""


def arguments_of(call: ToolCall) -> str:
    return call.raw_arguments if call.raw_arguments is not None else json.dumps(call.input)
