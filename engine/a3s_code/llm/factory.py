"""Pick the provider client for ``provider/model``; SDKs are imported only here, at first use."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlparse

from ..errors import MissingAPIKeyError
from ._openai_common import ModelTraits
from .base import LLMClient
from .retry import RetryPolicy, Timeouts

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}

Api = Literal["responses", "chat"]


def default_api(provider: str, base_url: str | None) -> Api:
    """Responses for OpenAI's own endpoint (provider ``openai`` without ``base_url``, or any
    provider on api.openai.com); Chat Completions for every compatible server."""
    if base_url is None:
        return "responses" if provider == "openai" else "chat"
    return "responses" if ModelTraits.official_endpoint(base_url) else "chat"


def create_client(
    provider: str,
    *,
    api_key: str | None,
    base_url: str | None,
    api_key_env: str | None = None,
    api: Api | None = None,
    timeouts: Timeouts | None = None,
    retry: RetryPolicy | None = None,
    traits: ModelTraits | None = None,
    deferred: bool = False,
) -> LLMClient:
    """``anthropic`` uses the Messages API; every other provider is OpenAI-compatible at
    ``base_url`` and speaks ``api`` (default: ``default_api``). ``deferred``: return at once and
    import the SDK and build the client in a worker thread on first use (``DeferredClient``).

    Raises ``MissingAPIKeyError`` (naming the variable to set) when a remote provider has no key.
    """
    if not api_key:
        if base_url and urlparse(base_url).hostname in _LOCAL_HOSTS:
            api_key = "not-needed"  # local servers (Ollama, vLLM, LM Studio) ignore the key
        else:
            variable = api_key_env or f"{provider.upper().replace('-', '_')}_API_KEY"
            raise MissingAPIKeyError(
                f"provider '{provider}' has no API key: set the environment variable {variable} "
                f'(the config can read it with api_key = env("{variable}"))'
            )
    if deferred:
        from .deferred import DeferredClient

        key = api_key

        def build() -> LLMClient:
            return create_client(
                provider,
                api_key=key,
                base_url=base_url,
                api=api,
                timeouts=timeouts,
                retry=retry,
                traits=traits,
            )

        return DeferredClient(provider, build)
    if provider == "anthropic":
        from .anthropic_client import AnthropicClient

        return AnthropicClient(api_key, base_url, timeouts=timeouts, retry=retry)
    if (api or default_api(provider, base_url)) == "responses":
        from .responses_client import ResponsesClient

        return ResponsesClient(
            api_key, base_url, provider=provider, timeouts=timeouts, retry=retry, traits=traits
        )
    from .openai_client import OpenAIClient

    return OpenAIClient(api_key, base_url, provider=provider, timeouts=timeouts, retry=retry, traits=traits)
