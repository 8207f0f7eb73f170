"""OpenAI Chat Completions (and compatible servers: Ollama, vLLM, LM Studio, llama.cpp, OpenRouter,
DeepSeek) via the ``openai`` SDK's ``AsyncCompletions.create``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from ..errors import LLMError
from ..messages import ImageBlock, Message, TextBlock, ThinkingBlock, ToolResultBlock, ToolUseBlock, Usage
from ._chat_calls import ToolCallAccumulator, used_tool_ids
from ._convert import WireCache, dumps, http_timeout, prewarm, sdk_http_client
from ._openai_common import ModelTraits, classify_openai_error
from ._watchdog import Watchdog
from .base import LLMRequest, LLMResponse, LLMStreamEvent, LLMTextDelta, LLMThinkingDelta, LLMToolCallStart
from .retry import RetryPolicy, Timeouts, stream_with_retries

_FINISH = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens", "function_call": "tool_use"}
_REASONING_FIELDS = ("reasoning_content", "reasoning")
"""Where compatible servers stream a reasoning model's thoughts: DeepSeek and vLLM use
``reasoning_content``; OpenRouter and newer vLLM use ``reasoning``."""


class OpenAIClient:
    provider = "openai"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        *,
        provider: str = "openai",
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        traits: ModelTraits | None = None,
    ) -> None:
        import openai

        self._sdk = openai
        self.provider = provider
        self.timeouts = timeouts or Timeouts()
        self.traits = traits or ModelTraits()
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            timeout=http_timeout(self.timeouts),
            max_retries=0,
            http_client=sdk_http_client(openai),
        )
        self._official = self.traits.official_endpoint(base_url)
        self.retry = retry or RetryPolicy()
        # Bound now: the SDK imports a resource's module on first access, which must not count
        # against a request's first-byte timeout (nor happen in the middle of a turn).
        self._create = self._client.chat.completions.create
        self._wire = WireCache(to_wire)
        from openai.types.chat import ChatCompletion, ChatCompletionChunk

        self._completion = ChatCompletion
        self._stream_cls: Any = openai.AsyncStream[ChatCompletionChunk]

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        return stream_with_retries(
            lambda: self._stream_once(request), self.retry, self._classify, request.retry_clock
        )

    def build_params(self, request: LLMRequest) -> dict[str, Any]:
        """Keyword arguments for ``AsyncCompletions.create``. OpenAI's own endpoint gets
        ``max_completion_tokens`` (reasoning models refuse ``max_tokens``); compatible servers get
        ``max_tokens``, which they all know. ``temperature`` is left out for reasoning models."""
        messages: list[dict[str, Any]] = [_system(request)]
        for converted in self._wire.convert(request.messages):
            messages.extend(converted)
        return {"messages": messages, **self._settings(request)}

    def _settings(self, request: LLMRequest) -> dict[str, Any]:
        limit_key = "max_completion_tokens" if self._official else "max_tokens"
        params: dict[str, Any] = {
            "model": request.model,
            limit_key: request.max_tokens,
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
        reasoning = self.traits.reasoning(request.model)
        if request.temperature is not None and self.traits.temperature and not reasoning:
            params["temperature"] = request.temperature
        if reasoning and request.thinking_budget and self._official:
            params["reasoning_effort"] = self.traits.effort(request.thinking_budget)
        return params

    async def _stream_once(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        # The body ``create(**build_params(request))`` sends (a test compares the two), each
        # history message encoded once, posted with the SDK's client to the same route.
        system = dumps(_system(request)).encode()
        body = self._wire.body(request.messages, self._settings(request), "messages", head=system)
        dog = Watchdog(self.timeouts, self.provider)
        try:
            post = self._client.post(
                "/chat/completions",
                cast_to=self._completion,
                content=body,
                stream=True,
                stream_cls=self._stream_cls,
            )
            stream = await dog.start(post)
            try:
                async for event in self._events(dog.events(stream), request):
                    yield event
            finally:
                await stream.close()
        finally:
            dog.close()

    async def _events(self, stream: AsyncIterator[Any], request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        text: list[str] = []
        thinking: list[str] = []
        calls = ToolCallAccumulator()
        usage = Usage()
        finish: str | None = None
        async for chunk in stream:
            if chunk.usage is not None:
                usage = _usage(chunk.usage)
            for choice in chunk.choices or ():
                delta = choice.delta
                if delta is None:
                    continue
                if delta.content:
                    text.append(delta.content)
                    yield LLMTextDelta(text=delta.content)
                for name in _REASONING_FIELDS:
                    reasoning = getattr(delta, name, None)
                    if isinstance(reasoning, str) and reasoning:
                        thinking.append(reasoning)
                        yield LLMThinkingDelta(text=reasoning)
                        break
                if delta.tool_calls:
                    for call_id, tool in calls.add(delta.tool_calls):
                        yield LLMToolCallStart(id=call_id, name=tool)
                finish = choice.finish_reason or finish
        content: list[Any] = []
        if thinking:
            content.append(ThinkingBlock(thinking="".join(thinking)))
        if text:
            content.append(TextBlock(text="".join(text)))
        uses = calls.blocks(used_tool_ids(request.messages)) if calls else []
        content.extend(uses)
        # finish_reason is missing on some servers, and says "stop" or "tool_calls" regardless of
        # what came on others: what the message holds decides.
        stop = "tool_use" if uses else _FINISH.get(finish or "stop", finish or "end_turn")
        if stop == "tool_use" and not uses:
            stop = "end_turn"
        yield LLMResponse(message=Message(role="assistant", content=content), usage=usage, stop_reason=stop)

    def _classify(self, exc: BaseException) -> tuple[LLMError, float | None] | None:
        return classify_openai_error(self._sdk, exc, self.provider, self.timeouts)


def warm() -> None:
    """The SDK's one-time work of a first streamed reply, done ahead (see ``_convert.prewarm``)."""
    from openai._models import construct_type
    from openai.types.chat import ChatCompletionChunk

    chunk = {"id": "", "object": "chat.completion.chunk", "created": 0, "model": "", "choices": []}
    prewarm(construct_type, ChatCompletionChunk, chunk)


def _system(request: LLMRequest) -> dict[str, Any]:
    return {"role": "system", "content": request.system}


def _usage(raw: Any) -> Usage:
    details = getattr(raw, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    return Usage(
        input_tokens=(raw.prompt_tokens or 0) - cached,
        output_tokens=raw.completion_tokens or 0,
        cache_read_tokens=cached,
    )


def to_wire(message: Message) -> list[dict[str, Any]]:
    """One of our messages can become several Chat Completions messages (tool results, then images).

    Reasoning (thinking, encrypted reasoning items) is never sent back: DeepSeek refuses
    ``reasoning_content`` in input messages, and the others ignore it.
    """
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
