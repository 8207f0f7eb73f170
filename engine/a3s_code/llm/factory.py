"""Pick the provider client for ``provider/model``; SDKs are imported only here, at first use."""

from __future__ import annotations

from urllib.parse import urlparse

from ..errors import MissingAPIKeyError
from .base import LLMClient
from .retry import RetryPolicy

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def create_client(
    provider: str,
    *,
    api_key: str | None,
    base_url: str | None,
    api_key_env: str | None = None,
    timeout_s: float = 600.0,
    retry: RetryPolicy | None = None,
) -> LLMClient:
    """``anthropic`` uses the Messages API; every other provider is OpenAI-compatible at ``base_url``."""
    if not api_key:
        if base_url and urlparse(base_url).hostname in _LOCAL_HOSTS:
            api_key = "not-needed"  # local servers (Ollama, vLLM, LM Studio) ignore the key
        else:
            variable = api_key_env or f"{provider.upper().replace('-', '_')}_API_KEY"
            raise MissingAPIKeyError(
                f"provider '{provider}' has no API key: set the environment variable {variable} "
                f'(the config can read it with api_key = env("{variable}"))'
            )
    if provider == "anthropic":
        from .anthropic_client import AnthropicClient

        return AnthropicClient(api_key, base_url, timeout_s=timeout_s, retry=retry)
    from .openai_client import OpenAIClient

    return OpenAIClient(api_key, base_url, provider=provider, timeout_s=timeout_s, retry=retry)
