"""What the two OpenAI paths (Chat Completions, Responses) share: model traits and error mapping."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from ..errors import LLMError, LLMTimeoutError
from ._convert import connection_error, is_transport_error, retry_after_seconds, status_error
from .retry import Timeouts

_REASONING_ID = re.compile(r"^(o\d|gpt-5|codex)", re.IGNORECASE)
"""OpenAI's reasoning model families (o1, o3, o4-mini, gpt-5*, codex-*), used when the HCL
``models`` block does not say ``reasoning = true|false``."""

OPENAI_HOSTS = frozenset({"api.openai.com"})


@dataclass(frozen=True)
class ModelTraits:
    """What the configured model takes: HCL ``models { reasoning = ..., temperature = ... }``.

    ``declared_reasoning`` None means the config did not say; the model id decides then.
    Reasoning models refuse ``temperature``; only they take ``reasoning`` settings.
    """

    declared_reasoning: bool | None = None
    temperature: bool = True

    def reasoning(self, model: str) -> bool:
        if self.declared_reasoning is not None:
            return self.declared_reasoning
        return bool(_REASONING_ID.match(model))

    @staticmethod
    def effort(thinking_budget: int) -> str:
        """OpenAI takes an effort level, not a token budget: under 4,096 tokens ``low``, under
        16,384 ``medium``, else ``high`` (our mapping; the API documents no conversion)."""
        if thinking_budget < 4096:
            return "low"
        return "medium" if thinking_budget < 16384 else "high"

    @staticmethod
    def official_endpoint(base_url: str | None) -> bool:
        """True for OpenAI's own API (no ``base_url``, or one on api.openai.com)."""
        return base_url is None or (urlparse(base_url).hostname or "") in OPENAI_HOSTS


def classify_openai_error(
    sdk: Any, exc: BaseException, provider: str, timeouts: Timeouts
) -> tuple[LLMError, float | None] | None:
    """Our LLMError (and a retry-after hint) for an ``openai`` SDK exception, else None."""
    if isinstance(exc, sdk.APITimeoutError):
        return LLMTimeoutError(
            f"could not connect to {provider} within {timeouts.connect_s:g}s (connect_timeout)",
            retryable=True,
            limit="connect_timeout",
        ), None
    if isinstance(exc, sdk.APIConnectionError):
        return connection_error(provider, exc), None
    if is_transport_error(exc):
        return LLMError(f"the connection to {provider} broke: {exc}", retryable=True), None
    if isinstance(exc, sdk.APIStatusError):
        return status_error(provider, exc.status_code, str(exc)), retry_after_seconds(exc.response.headers)
    if isinstance(exc, sdk.APIError):  # an error sent inside a 200 stream
        return status_error(provider, 200, str(exc)), None
    return None
