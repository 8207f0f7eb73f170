"""Where a completion comes from: a ``/v1/completions`` endpoint (fill-in-the-middle) or a chat model.

Both raise ``LLMError`` when the model fails; cancelling the awaiting task closes the HTTP request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..errors import LLMError
from ..messages import Message
from .config import CompletionConfig, FimFormat
from .fim import CHAT_SYSTEM, MAX_STOP, FimContext, build_prompt, chat_prompt

if TYPE_CHECKING:
    from ..llm.base import LLMClient


class CompletionBackend(Protocol):
    """One model, asked for the text at the cursor; returns the raw answer (``fim.clean`` follows)."""

    format: FimFormat
    label: str
    """``provider/model``, for logs and the cache's identity."""

    async def complete(self, ctx: FimContext) -> str: ...


class FimBackend:
    """An OpenAI-compatible ``/v1/completions`` endpoint through the ``openai`` SDK (built off the
    event loop: the SDK import takes a while). ``format`` is a FIM format, not ``chat``."""

    def __init__(
        self,
        fmt: FimFormat,
        provider: str,
        model: str,
        settings: CompletionConfig,
        *,
        api_key: str,
        base_url: str | None,
    ) -> None:
        import openai

        self.format = fmt
        self.label = f"{provider}/{model}"
        self._model = model
        self._settings = settings
        self._sdk = openai
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=settings.timeout_ms / 1000, max_retries=0
        )
        self._create = self._client.completions.create

    def params(self, ctx: FimContext) -> dict[str, Any]:
        """The request body: ``model``, ``prompt``, ``suffix`` (format ``suffix`` only), ``max_tokens``,
        ``temperature`` and at most four ``stop`` sequences."""
        prompt = build_prompt(self.format, ctx, tuple(self._settings.stop))
        params: dict[str, Any] = {
            "model": self._model,
            "prompt": prompt.prompt,
            "max_tokens": self._settings.max_tokens,
            "temperature": self._settings.temperature,
        }
        if prompt.suffix is not None:
            params["suffix"] = prompt.suffix
        if prompt.stop:
            params["stop"] = list(prompt.stop[:MAX_STOP])
        return params

    async def complete(self, ctx: FimContext) -> str:
        try:
            response = await self._create(**self.params(ctx))
        except self._sdk.APIStatusError as exc:
            raise LLMError(f"{self.label}: completion failed: {exc.message}", status=exc.status_code) from exc
        except self._sdk.APIError as exc:
            raise LLMError(f"{self.label}: completion failed: {exc.message}") from exc
        choices = response.choices or []
        return choices[0].text if choices else ""


class ChatBackend:
    """The fallback: a chat model (any provider, Anthropic's included) asked for the text at
    ``<CURSOR>`` (``fim.chat_prompt``)."""

    format: FimFormat = "chat"

    def __init__(self, client: LLMClient, provider: str, model: str, settings: CompletionConfig) -> None:
        self.label = f"{provider}/{model}"
        self._client = client
        self._model = model
        self._settings = settings

    async def complete(self, ctx: FimContext) -> str:
        from ..llm.base import LLMRequest, LLMResponse

        request = LLMRequest(
            model=self._model,
            system=CHAT_SYSTEM,
            messages=[Message.user(chat_prompt(ctx))],
            max_tokens=self._settings.max_tokens,
            temperature=self._settings.temperature,
        )
        async for event in self._client.stream(request):
            if isinstance(event, LLMResponse):
                return event.message.text()
        return ""
