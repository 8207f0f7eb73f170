"""Build a provider client off the event loop, and warm the engine before the first prompt.

Importing a provider SDK costs hundreds of milliseconds to seconds (``anthropic`` defines
thousands of pydantic models). Done inside a turn on the event loop, it froze a daemon serving
several editors; ``DeferredClient`` builds the real client in a worker thread on first use, and
``warm_up`` lets a host import everything a first prompt needs ahead of time, also off the loop.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import threading
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from ..collector import collector_paused
from .base import LLMClient, LLMRequest, LLMStreamEvent

if TYPE_CHECKING:
    from .factory import Api

log = logging.getLogger(__name__)


class DeferredClient:
    """An ``LLMClient`` whose real client is built by ``build`` in a worker thread on first use.

    Errors ``build`` raises (a bad base URL...) surface from ``stream`` like any request error.
    """

    def __init__(self, provider: str, build: Callable[[], LLMClient]) -> None:
        self.provider = provider
        self._build = build
        self._client: LLMClient | None = None
        self._lock = threading.Lock()

    def client(self) -> LLMClient:
        """The real client, built here and now if needed (blocking: call it off the loop)."""
        with self._lock:
            if self._client is None:
                with collector_paused():  # the SDK's import, on first use
                    self._client = self._build()
            return self._client

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        if self._client is not None:
            return self._client.stream(request)
        return self._stream(request)

    async def _stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        client = await asyncio.to_thread(self.client)
        async for event in client.stream(request):
            yield event


def preload(client: LLMClient) -> LLMClient:
    """``client`` ready for a first request: a ``DeferredClient`` builds its real client now (SDK
    import, HTTP client), and the provider module's ``warm`` builds the SDK's stream-event
    validator. Returns the real client. Blocking (seconds for a cold SDK): call it off the loop."""
    real = client.client() if isinstance(client, DeferredClient) else client
    warm = getattr(sys.modules.get(type(real).__module__), "warm", None)
    if callable(warm):
        warm()
    return real


def modules_for(provider: str, api: str) -> list[str]:
    """The modules a first request of this provider path imports (the SDK and its resource)."""
    if provider == "anthropic":
        return ["anthropic", "anthropic.resources.messages", "a3s_code.llm.anthropic_client"]
    if api == "responses":
        return ["openai", "openai.resources.responses", "a3s_code.llm.responses_client"]
    return ["openai", "openai.resources.chat", "a3s_code.llm.openai_client"]


ENGINE_MODULES = ["a3s_code.session", "a3s_code.loop", "a3s_code.tools", "a3s_code.session.persistence"]


def warm_up(config: str | None = None) -> list[str]:
    """Import the engine and the default model's provider SDK, build the SDK's stream-event
    validator and a throwaway client of that provider (what building one imports); returns what
    was warmed (module names, then ``"<provider> client"``).

    Meant for a worker thread right after a host starts (the daemon calls it after LSP
    ``initialized``). Best effort: a missing or broken config warms the engine only, and nothing
    here raises.
    """
    names = list(ENGINE_MODULES)
    target: tuple[str, str | None, Api] | None = None
    try:
        from ..config import load_config
        from .factory import default_api

        agent_config = load_config(config)
        if agent_config.default_model:
            provider, model = agent_config.resolve_model(agent_config.default_model)
            base_url = agent_config.effective_base_url(provider, model)
            api: Api = provider.api or default_api(provider.name, base_url)
            names += modules_for(provider.name, api)
            target = (provider.name, base_url, api)
    except Exception as exc:  # warming is an optimisation; the first prompt reports real errors
        log.debug("warm-up: no provider to warm (%s)", exc)
    return _warm(names, [target] if target is not None else [])


PROVIDER_PATHS: list[tuple[str, Api]] = [("anthropic", "chat"), ("openai", "responses"), ("openai", "chat")]


def warm_up_all() -> list[str]:
    """``warm_up`` for every provider path at once (Anthropic Messages, OpenAI Responses, Chat
    Completions), for a long-lived host that cannot know the next config: the resident CLI
    server. Blocking, about 3 s on an idle machine; nothing here raises."""
    names = list(ENGINE_MODULES)
    for provider, api in PROVIDER_PATHS:
        names += [m for m in modules_for(provider, api) if m not in names]
    return _warm(names, [(provider, None, api) for provider, api in PROVIDER_PATHS])


def _warm(names: list[str], clients: list[tuple[str, str | None, Api]]) -> list[str]:
    with collector_paused():
        return _warm_paused(names, clients)


def _warm_paused(names: list[str], clients: list[tuple[str, str | None, Api]]) -> list[str]:
    done = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            log.debug("warm-up: cannot import %s (%s)", name, exc)
            continue
        done.append(name)
        warm = getattr(module, "warm", None)
        if name.startswith("a3s_code.llm.") and callable(warm):
            warm()  # the SDK's stream-event validator, built here instead of on the first reply
    if clients:
        from .factory import create_client

    for name, url, chosen in clients:
        try:  # building a client imports the HTTP stack and resource modules (57 for Responses,
            # 190 ms): done here, the session's own client costs ~20 ms. No request is made.
            create_client(name, api_key="warm-up", base_url=url, api=chosen)
            done.append(f"{name} client")
        except Exception as exc:
            log.debug("warm-up: cannot build a %s client (%s)", name, exc)
    return done
