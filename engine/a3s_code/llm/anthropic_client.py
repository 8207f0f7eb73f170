"""Anthropic Messages API through the ``anthropic`` SDK (imported when a client is created)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ..errors import LLMError, LLMTimeoutError
from ..messages import (
    ContentBlock,
    ImageBlock,
    Message,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
    Usage,
)
from ._convert import is_transport_error, parse_arguments, retry_after_seconds
from .base import LLMRequest, LLMResponse, LLMStreamEvent, LLMTextDelta, LLMThinkingDelta, LLMToolCallStart
from .retry import RetryPolicy, stream_with_retries

CACHE = {"type": "ephemeral"}


class AnthropicClient:
    provider = "anthropic"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        timeout_s: float = 600.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        import anthropic

        self._sdk = anthropic
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=0
        )
        self.retry = retry or RetryPolicy()

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        return stream_with_retries(lambda: self._stream_once(request), self.retry, self._classify)

    def build_params(self, request: LLMRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "system": [{"type": "text", "text": request.system, "cache_control": CACHE}],
            "messages": [to_wire(m) for m in request.messages],
        }
        if request.tools:
            tools: list[dict[str, Any]] = [
                {"name": t.name, "description": t.description, "input_schema": t.input_schema}
                for t in request.tools
            ]
            tools[-1]["cache_control"] = CACHE
            params["tools"] = tools
        if request.thinking_budget:
            params["thinking"] = {"type": "enabled", "budget_tokens": request.thinking_budget}
            params["max_tokens"] = max(request.max_tokens, request.thinking_budget + 4096)
        elif request.temperature is not None:
            params["temperature"] = request.temperature
        return params

    async def _stream_once(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        stream = await self._client.messages.create(**self.build_params(request), stream=True)
        blocks: dict[int, dict[str, Any]] = {}
        usage = Usage()
        stop_reason = "end_turn"
        try:
            async for event in stream:
                kind = event.type
                if kind == "message_start":
                    u = event.message.usage
                    usage = Usage(
                        input_tokens=u.input_tokens or 0,
                        cache_read_tokens=getattr(u, "cache_read_input_tokens", None) or 0,
                        cache_write_tokens=getattr(u, "cache_creation_input_tokens", None) or 0,
                    )
                elif kind == "content_block_start":
                    block = event.content_block
                    entry: dict[str, Any] = {"type": block.type, "text": "", "json": "", "signature": ""}
                    if block.type == "tool_use":
                        entry.update(id=block.id, name=block.name)
                        yield LLMToolCallStart(id=block.id, name=block.name)
                    blocks[event.index] = entry
                elif kind == "content_block_delta":
                    entry = blocks[event.index]
                    delta = event.delta
                    if delta.type == "text_delta":
                        entry["text"] += delta.text
                        yield LLMTextDelta(text=delta.text)
                    elif delta.type == "thinking_delta":
                        entry["text"] += delta.thinking
                        yield LLMThinkingDelta(text=delta.thinking)
                    elif delta.type == "signature_delta":
                        entry["signature"] += delta.signature
                    elif delta.type == "input_json_delta":
                        entry["json"] += delta.partial_json
                elif kind == "message_delta":
                    stop_reason = event.delta.stop_reason or stop_reason
                    usage = usage.model_copy(update={"output_tokens": event.usage.output_tokens or 0})
        finally:
            await stream.close()
        content = [_block(blocks[i]) for i in sorted(blocks)]
        message = Message(role="assistant", content=[b for b in content if b is not None])
        yield LLMResponse(message=message, usage=usage, stop_reason=stop_reason)

    def _classify(self, exc: BaseException) -> tuple[LLMError, float | None] | None:
        sdk = self._sdk
        if isinstance(exc, sdk.APITimeoutError):
            return LLMTimeoutError("Anthropic request timed out", retryable=True), None
        if isinstance(exc, sdk.APIConnectionError):
            return LLMError(f"cannot reach Anthropic: {exc}", retryable=True), None
        if is_transport_error(exc):
            return LLMError(f"the connection to Anthropic broke: {exc}", retryable=True), None
        if isinstance(exc, sdk.APIStatusError):
            return status_error("Anthropic", exc.status_code, str(exc)), retry_after_seconds(
                exc.response.headers
            )
        return None


def status_error(provider: str, status: int, detail: str) -> LLMError:
    if status in (401, 403):
        return LLMError(
            f"{provider} rejected the API key ({status}): check the provider's api_key", status=status
        )
    retryable = status in (408, 409, 429) or status >= 500
    label = {429: "rate limited", 529: "overloaded"}.get(status, f"HTTP {status}")
    return LLMError(f"{provider} request failed, {label}: {detail}", status=status, retryable=retryable)


def _block(entry: dict[str, Any]) -> ContentBlock | None:
    if entry["type"] == "text":
        return TextBlock(text=entry["text"]) if entry["text"] else None
    if entry["type"] == "thinking":
        return ThinkingBlock(thinking=entry["text"], signature=entry["signature"])
    if entry["type"] == "tool_use":
        return ToolUseBlock(id=entry["id"], name=entry["name"], input=parse_arguments(entry["json"]))
    return None


def to_wire(message: Message) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for block in message.content:
        if isinstance(block, TextBlock):
            if block.text:
                content.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageBlock):
            content.append(_image(block))
        elif isinstance(block, ThinkingBlock):
            content.append({"type": "thinking", "thinking": block.thinking, "signature": block.signature})
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
