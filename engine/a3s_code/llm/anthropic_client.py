"""Anthropic Messages API through the ``anthropic`` SDK (imported when a client is created).

The request is built for ``AsyncMessages.create`` of the installed SDK (2.x): its keyword
parameters are the only top-level keys we send (a test checks them against the signature). That
API no longer takes ``temperature``, ``top_p`` or ``top_k``; a session's ``temperature`` is
therefore not sent to Anthropic (it still reaches the OpenAI paths, where the API takes it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ..errors import LLMError, LLMTimeoutError
from ..messages import (
    ContentBlock,
    ImageBlock,
    Message,
    ReasoningBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
    Usage,
)
from ._convert import (
    WireCache,
    connection_error,
    http_timeout,
    is_transport_error,
    parse_arguments,
    prewarm,
    retry_after_seconds,
    sdk_http_client,
    status_error,
)
from ._watchdog import Watchdog
from .base import (
    LLMRequest,
    LLMResponse,
    LLMStreamEvent,
    LLMTextDelta,
    LLMThinkingDelta,
    LLMToolCallStart,
    LLMUsageSoFar,
)
from .retry import RetryPolicy, Timeouts, stream_with_retries

CACHE = {"type": "ephemeral"}


class AnthropicClient:
    provider = "anthropic"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        import anthropic
        from anthropic._data import MODELS_TO_WARN_WITH_THINKING_ENABLED

        self._sdk = anthropic
        self.timeouts = timeouts or Timeouts()
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            timeout=http_timeout(self.timeouts),
            max_retries=0,
            http_client=sdk_http_client(anthropic),
        )
        self.retry = retry or RetryPolicy()
        # Bound now: the SDK imports a resource's module on first access, which must not count
        # against a request's first-byte timeout (nor happen in the middle of a turn).
        self._create = self._client.messages.create
        self._adaptive_only = frozenset(MODELS_TO_WARN_WITH_THINKING_ENABLED)
        self._wire = WireCache(to_wire)
        from anthropic.types import Message as SdkMessage
        from anthropic.types import RawMessageStreamEvent

        self._message = SdkMessage
        self._stream_cls: Any = anthropic.AsyncStream[RawMessageStreamEvent]

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        return stream_with_retries(
            lambda: self._stream_once(request), self.retry, self._classify, request.retry_clock
        )

    def build_params(self, request: LLMRequest) -> dict[str, Any]:
        """Keyword arguments for ``AsyncMessages.create``: ``max_tokens``, ``messages``, ``model``,
        ``system``, ``tools`` and ``thinking`` (``budget_tokens`` from ``thinking_budget``, or
        ``adaptive`` for the models the SDK says no longer take a budget)."""
        return {"messages": self._wire.convert(request.messages), **self._settings(request)}

    def _settings(self, request: LLMRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "system": [{"type": "text", "text": request.system, "cache_control": CACHE}],
        }
        if request.tools:
            tools: list[dict[str, Any]] = [
                {"name": t.name, "description": t.description, "input_schema": t.input_schema}
                for t in request.tools
            ]
            tools[-1]["cache_control"] = CACHE
            params["tools"] = tools
        if request.thinking_budget:
            if request.model in self._adaptive_only:
                params["thinking"] = {"type": "adaptive"}
            else:
                params["thinking"] = {"type": "enabled", "budget_tokens": request.thinking_budget}
                params["max_tokens"] = max(request.max_tokens, request.thinking_budget + 4096)
        return params

    async def _stream_once(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        # The body ``create(**build_params(request), stream=True)`` sends (a test compares the
        # two), posted with the SDK's own client to the same route with the same stream type.
        body = self._wire.body(request.messages, {**self._settings(request), "stream": True}, "messages")
        dog = Watchdog(self.timeouts, "Anthropic")
        try:
            post = self._client.post(
                "/v1/messages", cast_to=self._message, content=body, stream=True, stream_cls=self._stream_cls
            )
            stream = await dog.start(post)
            try:
                async for event in self._events(dog.events(stream)):
                    yield event
            finally:
                await stream.close()
        finally:
            dog.close()

    async def _events(self, stream: AsyncIterator[Any]) -> AsyncIterator[LLMStreamEvent]:
        blocks: dict[int, dict[str, Any]] = {}
        usage = Usage()
        stop_reason = "end_turn"
        async for event in stream:
            kind = event.type
            if kind == "content_block_delta":
                entry = blocks[event.index]
                delta = event.delta
                if delta.type == "text_delta":
                    entry["text"].append(delta.text)
                    yield LLMTextDelta(text=delta.text)
                elif delta.type == "thinking_delta":
                    entry["text"].append(delta.thinking)
                    yield LLMThinkingDelta(text=delta.thinking)
                elif delta.type == "signature_delta":
                    entry["signature"] += delta.signature
                elif delta.type == "input_json_delta":
                    entry["json"].append(delta.partial_json)
            elif kind == "content_block_start":
                block = event.content_block
                entry = {"type": block.type, "text": [], "json": [], "signature": ""}
                if block.type == "tool_use":
                    entry.update(id=block.id, name=block.name)
                    yield LLMToolCallStart(id=block.id, name=block.name)
                elif block.type == "redacted_thinking":
                    entry["signature"] = block.data
                blocks[event.index] = entry
            elif kind == "message_start":
                u = event.message.usage
                usage = Usage(
                    input_tokens=u.input_tokens or 0,
                    cache_read_tokens=getattr(u, "cache_read_input_tokens", None) or 0,
                    cache_write_tokens=getattr(u, "cache_creation_input_tokens", None) or 0,
                    output_tokens=getattr(u, "output_tokens", None) or 0,
                )
                yield LLMUsageSoFar(usage=usage)
            elif kind == "message_delta":
                stop_reason = event.delta.stop_reason or stop_reason
                usage = usage.model_copy(update={"output_tokens": event.usage.output_tokens or 0})
                yield LLMUsageSoFar(usage=usage)
        content = [_block(blocks[i]) for i in sorted(blocks)]
        message = Message(role="assistant", content=[b for b in content if b is not None])
        yield LLMResponse(message=message, usage=usage, stop_reason=stop_reason)

    def _classify(self, exc: BaseException) -> tuple[LLMError, float | None] | None:
        sdk = self._sdk
        if isinstance(exc, sdk.APITimeoutError):
            seconds = self.timeouts.connect_s
            return LLMTimeoutError(
                f"could not connect to Anthropic within {seconds:g}s (connect_timeout)",
                retryable=True,
                limit="connect_timeout",
            ), None
        if isinstance(exc, sdk.APIConnectionError):
            return connection_error("Anthropic", exc), None
        if is_transport_error(exc):
            return LLMError(f"the connection to Anthropic broke: {exc}", retryable=True), None
        if isinstance(exc, sdk.APIStatusError):
            return status_error("Anthropic", exc.status_code, str(exc)), retry_after_seconds(
                exc.response.headers
            )
        return None


def warm() -> None:
    """The SDK's one-time work of a first streamed reply, done ahead (see ``_convert.prewarm``)."""
    from anthropic._models import construct_type
    from anthropic.types import RawMessageStreamEvent

    delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": ""}}
    prewarm(construct_type, RawMessageStreamEvent, delta)


def _block(entry: dict[str, Any]) -> ContentBlock | None:
    kind = entry["type"]
    if kind == "text":
        text = "".join(entry["text"])
        return TextBlock(text=text) if text else None
    if kind == "thinking":
        return ThinkingBlock(thinking="".join(entry["text"]), signature=entry["signature"])
    if kind == "redacted_thinking":
        return ReasoningBlock(provider="anthropic", encrypted_content=entry["signature"])
    if kind == "tool_use":
        return ToolUseBlock(id=entry["id"], name=entry["name"], input=parse_arguments("".join(entry["json"])))
    return None


def to_wire(message: Message) -> dict[str, Any]:
    """One message as a Messages API ``MessageParam``. Reasoning from other providers is left out:
    a thinking block without Anthropic's signature (Chat Completions ``reasoning_content``) would
    be refused, and OpenAI's encrypted reasoning means nothing here."""
    content: list[dict[str, Any]] = []
    for block in message.content:
        if isinstance(block, TextBlock):
            if block.text:
                content.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageBlock):
            content.append(_image(block))
        elif isinstance(block, ThinkingBlock):
            if block.signature:
                content.append({"type": "thinking", "thinking": block.thinking, "signature": block.signature})
        elif isinstance(block, ReasoningBlock):
            if block.provider == "anthropic" and block.encrypted_content:
                content.append({"type": "redacted_thinking", "data": block.encrypted_content})
        elif isinstance(block, ToolUseBlock):
            args = {} if "__parse_error" in block.input else block.input
            content.append({"type": "tool_use", "id": block.id, "name": block.name, "input": args})
        elif isinstance(block, ToolResultBlock):
            parts: list[dict[str, Any]] = [{"type": "text", "text": block.content or "(empty)"}]
            parts += [_image(i) for i in block.images]
            content.append(
                {
                    "type": "tool_result",
                    "tool_use_id": block.tool_use_id,
                    "content": parts,
                    "is_error": block.is_error,
                }
            )
    if not content:
        content.append({"type": "text", "text": "(empty)"})
    return {"role": message.role, "content": content}


def _image(block: ImageBlock) -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": block.media_type, "data": block.data}}
