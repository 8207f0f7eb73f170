"""OpenAI Chat Completions (and compatible servers: Ollama, vLLM, LM Studio, OpenRouter) via the ``openai`` SDK."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from ..errors import LLMError, LLMTimeoutError
from ..messages import ImageBlock, Message, TextBlock, ThinkingBlock, ToolResultBlock, ToolUseBlock, Usage
from ._convert import is_transport_error, parse_arguments, retry_after_seconds
from .anthropic_client import status_error
from .base import LLMRequest, LLMResponse, LLMStreamEvent, LLMTextDelta, LLMThinkingDelta, LLMToolCallStart
from .retry import RetryPolicy, stream_with_retries

_FINISH = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens", "function_call": "tool_use"}


class OpenAIClient:
    provider = "openai"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        provider: str = "openai",
        timeout_s: float = 600.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        import openai

        self._sdk = openai
        self.provider = provider
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=0
        )
        self.retry = retry or RetryPolicy()

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        return stream_with_retries(lambda: self._stream_once(request), self.retry, self._classify)

    def build_params(self, request: LLMRequest) -> dict[str, Any]:
        messages: list[dict[str, Any]] = [{"role": "system", "content": request.system}]
        for message in request.messages:
            messages.extend(to_wire(message))
        params: dict[str, Any] = {
            "model": request.model,
            "messages": messages,
            "max_tokens": request.max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.input_schema},
                }
                for t in request.tools
            ]
        if request.temperature is not None:
            params["temperature"] = request.temperature
        return params

    async def _stream_once(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        params = self.build_params(request)
        # The SDK re-validates every nested message on each call (O(history)); our messages are
        # already in wire shape, so they travel in extra_body, which the SDK sends as given.
        bulky = {key: params.pop(key) for key in ("messages", "tools") if key in params}
        stream = await self._client.chat.completions.create(**params, messages=[], extra_body=bulky)
        text, thinking = "", ""
        calls: dict[int, dict[str, str]] = {}
        usage = Usage()
        stop_reason = "end_turn"
        try:
            async for chunk in stream:
                if chunk.usage is not None:
                    details = getattr(chunk.usage, "prompt_tokens_details", None)
                    cached = getattr(details, "cached_tokens", None) or 0
                    usage = Usage(
                        input_tokens=(chunk.usage.prompt_tokens or 0) - cached,
                        output_tokens=chunk.usage.completion_tokens or 0,
                        cache_read_tokens=cached,
                    )
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                delta = choice.delta
                if delta.content:
                    text += delta.content
                    yield LLMTextDelta(text=delta.content)
                reasoning = getattr(delta, "reasoning_content", None)
                if reasoning:
                    thinking += reasoning
                    yield LLMThinkingDelta(text=reasoning)
                for call in delta.tool_calls or []:
                    slot = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                    if call.id:
                        slot["id"] = call.id
                    if call.function is not None and call.function.name:
                        slot["name"] += call.function.name
                        yield LLMToolCallStart(id=slot["id"], name=slot["name"])
                    if call.function is not None and call.function.arguments:
                        slot["arguments"] += call.function.arguments
                if choice.finish_reason:
                    stop_reason = _FINISH.get(choice.finish_reason, choice.finish_reason)
        finally:
            await stream.close()
        content: list[Any] = []
        if thinking:
            content.append(ThinkingBlock(thinking=thinking))
        if text:
            content.append(TextBlock(text=text))
        for index in sorted(calls):
            slot = calls[index]
            call_id = slot["id"] or f"call_{index}"
            content.append(
                ToolUseBlock(id=call_id, name=slot["name"], input=parse_arguments(slot["arguments"]))
            )
        yield LLMResponse(
            message=Message(role="assistant", content=content), usage=usage, stop_reason=stop_reason
        )

    def _classify(self, exc: BaseException) -> tuple[LLMError, float | None] | None:
        sdk = self._sdk
        name = self.provider
        if isinstance(exc, sdk.APITimeoutError):
            return LLMTimeoutError(f"{name} request timed out", retryable=True), None
        if isinstance(exc, sdk.APIConnectionError):
            return LLMError(f"cannot reach {name}: {exc}", retryable=True), None
        if is_transport_error(exc):
            return LLMError(f"the connection to {name} broke: {exc}", retryable=True), None
        if isinstance(exc, sdk.APIStatusError):
            return status_error(name, exc.status_code, str(exc)), retry_after_seconds(exc.response.headers)
        return None


def to_wire(message: Message) -> list[dict[str, Any]]:
    """One of our messages can become several Chat Completions messages (tool results, then images)."""
    if message.role == "assistant":
        text = "".join(b.text for b in message.content if isinstance(b, TextBlock))
        out: dict[str, Any] = {"role": "assistant", "content": text or None}
        uses = [b for b in message.content if isinstance(b, ToolUseBlock)]
        if uses:
            out["tool_calls"] = [
                {
                    "id": u.id,
                    "type": "function",
                    "function": {
                        "name": u.name,
                        "arguments": json.dumps({} if "__parse_error" in u.input else u.input),
                    },
                }
                for u in uses
            ]
        return [out]
    result: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for block in message.content:
        if isinstance(block, ToolResultBlock):
            result.append(
                {"role": "tool", "tool_call_id": block.tool_use_id, "content": block.content or "(empty)"}
            )
            if block.images:
                parts.append({"type": "text", "text": f"Images returned by tool call {block.tool_use_id}:"})
                parts.extend(_image(i) for i in block.images)
        elif isinstance(block, TextBlock) and block.text:
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageBlock):
            parts.append(_image(block))
    if parts:
        only_text = all(p["type"] == "text" for p in parts)
        content: Any = "\n".join(p["text"] for p in parts) if only_text else parts
        result.append({"role": "user", "content": content})
    return result


def _image(block: ImageBlock) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": f"data:{block.media_type};base64,{block.data}"}}
