"""OpenAI Responses API (``AsyncResponses.create`` of the ``openai`` SDK), stateless.

Every request carries the whole conversation as input items with ``store = false``. A reasoning
model's reasoning items come back with ``encrypted_content`` (we ask for it with
``include = ["reasoning.encrypted_content"]``); they are kept in the history as
``ReasoningBlock`` and sent back on every later request, so the model keeps its reasoning
between tool calls and across save/resume. Source: the API reference for ``POST /v1/responses``
and the reasoning guide's "stateless mode" (encrypted reasoning items), as typed in the SDK.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from ..errors import LLMError
from ..messages import (
    ContentBlock,
    ImageBlock,
    Message,
    ReasoningBlock,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    Usage,
)
from ._convert import (
    WireCache,
    http_timeout,
    parse_arguments,
    prewarm,
    sdk_http_client,
    status_error,
)
from ._openai_common import ModelTraits, classify_openai_error
from ._watchdog import Watchdog
from .base import LLMRequest, LLMResponse, LLMStreamEvent, LLMTextDelta, LLMThinkingDelta, LLMToolCallStart
from .retry import RetryPolicy, Timeouts, stream_with_retries

_THINKING_DELTAS = frozenset({"response.reasoning_summary_text.delta", "response.reasoning_text.delta"})


class ResponsesClient:
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
        self.retry = retry or RetryPolicy()
        # Bound now: the SDK imports a resource's module on first access, which must not count
        # against a request's first-byte timeout (nor happen in the middle of a turn).
        self._create = self._client.responses.create
        self._wire = WireCache(to_input)
        from openai.types.responses import Response, ResponseStreamEvent

        self._response = Response
        self._stream_cls: Any = openai.AsyncStream[ResponseStreamEvent]

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        return stream_with_retries(
            lambda: self._stream_once(request), self.retry, self._classify, request.retry_clock
        )

    def build_params(self, request: LLMRequest) -> dict[str, Any]:
        """Keyword arguments for ``AsyncResponses.create``. Reasoning models get ``reasoning``
        (effort from ``thinking_budget``, summaries on) and ``include`` for encrypted reasoning;
        other models get ``temperature`` when the session sets one."""
        items: list[dict[str, Any]] = []
        for converted in self._wire.convert(request.messages):
            items.extend(converted)
        return {"input": items, **self._settings(request)}

    def _settings(self, request: LLMRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "instructions": request.system,
            "max_output_tokens": request.max_tokens,
            "store": False,
            "stream": True,
        }
        if request.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.input_schema,
                    "strict": False,
                }
                for t in request.tools
            ]
        if self.traits.reasoning(request.model):
            reasoning: dict[str, Any] = {"summary": "auto"}
            if request.thinking_budget:
                reasoning["effort"] = self.traits.effort(request.thinking_budget)
            params["reasoning"] = reasoning
            params["include"] = ["reasoning.encrypted_content"]
        elif request.temperature is not None and self.traits.temperature:
            params["temperature"] = request.temperature
        return params

    async def _stream_once(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        # The body ``create(**build_params(request))`` sends (a test compares the two), each
        # history message encoded once, posted with the SDK's client to the same route.
        body = self._wire.body(request.messages, self._settings(request), "input")
        dog = Watchdog(self.timeouts, self.provider)
        try:
            post = self._client.post(
                "/responses", cast_to=self._response, content=body, stream=True, stream_cls=self._stream_cls
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
        done: dict[int, Any] = {}
        texts: dict[int, list[str]] = {}
        usage = Usage()
        stop = "end_turn"
        async for event in stream:
            kind = event.type
            if kind == "response.output_text.delta":
                texts.setdefault(event.output_index, []).append(event.delta)
                yield LLMTextDelta(text=event.delta)
            elif kind in _THINKING_DELTAS:
                yield LLMThinkingDelta(text=event.delta)
            elif kind == "response.output_item.added":
                item = event.item
                if item.type == "function_call":
                    yield LLMToolCallStart(id=item.call_id, name=item.name)
            elif kind == "response.output_item.done":
                done[event.output_index] = event.item
            elif kind in ("response.completed", "response.incomplete"):
                response = event.response
                usage = _usage(response.usage)
                details = getattr(response, "incomplete_details", None)
                if kind == "response.incomplete":
                    stop = (
                        "max_tokens"
                        if getattr(details, "reason", "") == "max_output_tokens"
                        else "incomplete"
                    )
            elif kind in ("response.failed", "error"):
                raise _stream_error(self.provider, event)
        content = _content(done, texts)
        if any(isinstance(b, ToolUseBlock) for b in content):
            stop = "tool_use"
        yield LLMResponse(message=Message(role="assistant", content=content), usage=usage, stop_reason=stop)

    def _classify(self, exc: BaseException) -> tuple[LLMError, float | None] | None:
        return classify_openai_error(self._sdk, exc, self.provider, self.timeouts)


def warm() -> None:
    """The SDK's one-time work of a first streamed reply, done ahead (see ``_convert.prewarm``)."""
    from openai._models import construct_type
    from openai.types.responses import ResponseStreamEvent

    delta = {"type": "response.output_text.delta", "item_id": "", "output_index": 0, "content_index": 0}
    prewarm(construct_type, ResponseStreamEvent, {**delta, "delta": "", "logprobs": [], "sequence_number": 0})


def _content(done: dict[int, Any], texts: dict[int, list[str]]) -> list[ContentBlock]:
    """The assistant message from the finished output items, in output order (streamed text
    stands in for a message item the stream never finished)."""
    blocks: list[ContentBlock] = []
    for index in sorted(done.keys() | texts.keys()):
        item = done.get(index)
        if item is None:
            blocks.append(TextBlock(text="".join(texts[index])))
        elif item.type == "reasoning":
            summary = tuple(part.text for part in item.summary or ())
            encrypted = getattr(item, "encrypted_content", None)
            blocks.append(
                ReasoningBlock(provider="openai", id=item.id, summary=summary, encrypted_content=encrypted)
            )
        elif item.type == "message":
            parts = [
                getattr(p, "text", None) or getattr(p, "refusal", None) or "" for p in item.content or ()
            ]
            if "".join(parts):
                blocks.append(TextBlock(text="".join(parts)))
        elif item.type == "function_call":
            blocks.append(
                ToolUseBlock(id=item.call_id, name=item.name, input=parse_arguments(item.arguments or ""))
            )
    return blocks


def _usage(raw: Any) -> Usage:
    if raw is None:
        return Usage()
    cached = getattr(getattr(raw, "input_tokens_details", None), "cached_tokens", None) or 0
    reasoning = getattr(getattr(raw, "output_tokens_details", None), "reasoning_tokens", None) or 0
    return Usage(
        input_tokens=(raw.input_tokens or 0) - cached,
        output_tokens=raw.output_tokens or 0,
        cache_read_tokens=cached,
        reasoning_tokens=reasoning,
    )


def _stream_error(provider: str, event: Any) -> LLMError:
    """``response.failed`` (the response's ``error``) or an ``error`` event, retryable where the
    code says the server failed or was busy."""
    error = getattr(getattr(event, "response", None), "error", None) or event
    code = str(getattr(error, "code", "") or "")
    detail = f"{code}: {getattr(error, 'message', '') or ''}".strip(": ")
    return status_error(provider, 200, detail or "the response failed")


def to_input(message: Message) -> list[dict[str, Any]]:
    """One message as Responses input items: reasoning, text and function calls in the order the
    model produced them; tool outputs before the user's own text and images."""
    if message.role == "assistant":
        items: list[dict[str, Any]] = []
        for block in message.content:
            if isinstance(block, ReasoningBlock):
                if block.provider == "openai" and block.encrypted_content:
                    items.append(
                        {
                            "type": "reasoning",
                            "id": block.id,
                            "summary": [{"type": "summary_text", "text": s} for s in block.summary],
                            "encrypted_content": block.encrypted_content,
                        }
                    )
            elif isinstance(block, TextBlock) and block.text:
                items.append(
                    {
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": block.text}],
                    }
                )
            elif isinstance(block, ToolUseBlock):
                arguments = json.dumps({} if "__parse_error" in block.input else block.input)
                items.append(
                    {"type": "function_call", "call_id": block.id, "name": block.name, "arguments": arguments}
                )
        return items
    outputs: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for block in message.content:
        if isinstance(block, ToolResultBlock):
            output: Any = block.content or "(empty)"
            if block.images:
                output = [{"type": "input_text", "text": output}, *(_image(i) for i in block.images)]
            outputs.append({"type": "function_call_output", "call_id": block.tool_use_id, "output": output})
        elif isinstance(block, TextBlock) and block.text:
            parts.append({"type": "input_text", "text": block.text})
        elif isinstance(block, ImageBlock):
            parts.append(_image(block))
    if parts:
        outputs.append({"type": "message", "role": "user", "content": parts})
    return outputs


def _image(block: ImageBlock) -> dict[str, Any]:
    return {
        "type": "input_image",
        "image_url": f"data:{block.media_type};base64,{block.data}",
        "detail": "auto",
    }
