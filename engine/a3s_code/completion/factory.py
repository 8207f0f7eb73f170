"""The completer an agent's config asks for: ``completion_model`` plus the ``completion { }`` block."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from ..errors import ConfigError, MissingAPIKeyError
from .backend import ChatBackend, CompletionBackend, FimBackend
from .completer import InlineCompleter
from .config import CompletionConfig
from .fim import detect_format

if TYPE_CHECKING:
    from ..agent import Agent

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def build_completer(agent: Agent) -> InlineCompleter | None:
    """None when the config sets no ``completion_model`` (inline completions are off).

    Blocking (imports the provider SDK): call it off the event loop. Raises ``ConfigError`` for a
    ``completion_model`` naming no configured provider, or a FIM format on Anthropic (which has no
    completions endpoint), and ``MissingAPIKeyError`` for a remote provider without a key.
    """
    config = agent.config
    ref = config.completion_model
    if not ref:
        return None
    settings = config.completion or CompletionConfig.model_validate({})
    provider, model_cfg = config.resolve_model(ref)
    model_id = ref.split("/", 1)[1]
    fmt = settings.format if settings.format != "auto" else detect_format(provider.name, model_id)
    source = str(config.source_path) if config.source_path else None
    backend: CompletionBackend
    if fmt == "chat":
        from ..options import SessionOptions

        options = SessionOptions(llm_max_retries=0, llm_timeout_s=settings.timeout_ms / 1000)
        backend = ChatBackend(agent.llm_client(ref, options), provider.name, model_id, settings)
        return InlineCompleter(backend, settings)
    if provider.name == "anthropic":
        raise ConfigError(
            f'completion format "{fmt}" needs a /v1/completions endpoint; Anthropic has none',
            file=source,
            key="completion.format",
            expected='format = "chat" (or a completion_model on an OpenAI-compatible provider)',
        )
    base_url = config.effective_base_url(provider, model_cfg)
    api_key = config.effective_api_key(provider, model_cfg)
    if not api_key:
        if base_url and urlparse(base_url).hostname in _LOCAL_HOSTS:
            api_key = "not-needed"
        else:
            variable = config.api_key_variable(provider, model_cfg) or (
                f"{provider.name.upper().replace('-', '_')}_API_KEY"
            )
            raise MissingAPIKeyError(
                f"provider '{provider.name}' (completion_model) has no API key: set {variable}"
            )
    backend = FimBackend(fmt, provider.name, model_id, settings, api_key=api_key, base_url=base_url)
    return InlineCompleter(backend, settings)
