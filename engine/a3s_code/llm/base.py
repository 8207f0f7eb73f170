"""The LLM client interface the agent loop talks to; providers implement it, tests use the real SDKs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from ..messages import Message, Usage


class ToolSpec(BaseModel):
    """What the model is told about one tool."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass
class RetryClock:
    """Seconds one turn has lost to failed model requests and the waits before retrying them.

    The agent loop makes one per turn and puts it on every request of that turn, so the provider's
    ``retry_budget_s`` bounds the whole turn, not each call.
    """

    spent_s: float = 0.0


class LLMRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    model: str
    """Model id without the provider prefix, as the provider's API expects it."""
    system: str
    messages: list[Message]
    tools: list[ToolSpec] = []
    max_tokens: int = 8192
    thinking_budget: int | None = None
    temperature: float | None = None
    """Sent only where the API still takes it (not Anthropic's Messages API, not reasoning models)."""
    retry_clock: RetryClock | None = None
    """The turn's retry account (see ``RetryClock``); None: this request has its own."""


class LLMTextDelta(BaseModel):
    kind: Literal["text_delta"] = "text_delta"
    text: str


class LLMThinkingDelta(BaseModel):
    kind: Literal["thinking_delta"] = "thinking_delta"
    text: str


class LLMToolCallStart(BaseModel):
    """The model began a tool call (arguments still streaming)."""

    kind: Literal["tool_call_start"] = "tool_call_start"
    id: str
    name: str


class LLMRetrying(BaseModel):
    """An attempt failed before any output and will be retried after ``delay_s`` seconds."""

    kind: Literal["retrying"] = "retrying"
    attempt: int
    delay_s: float
    error: str


class LLMResponse(BaseModel):
    """The complete assistant message, ending a stream.

    A tool call whose arguments were not valid JSON carries ``{"__parse_error": "..."}`` as its
    input so the loop can feed the error back (parse retries) instead of failing the turn.
    """

    kind: Literal["done"] = "done"
    message: Message
    usage: Usage
    stop_reason: str


LLMStreamEvent = LLMTextDelta | LLMThinkingDelta | LLMToolCallStart | LLMRetrying | LLMResponse


class LLMClient(Protocol):
    """One provider connection. ``stream`` yields deltas and ends with exactly one ``LLMResponse``.

    Raises ``LLMError`` (after the client's own retries; ``LLMRetrying`` announces each retry).
    Cancelling the consuming task must close the underlying HTTP stream.
    """

    provider: str

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]: ...
