"""Which top-level request keys each API defines, read from the SDKs' own request types.

The real APIs answer 400 to a key they do not define (Anthropic: "temperature: Extra inputs are
not permitted" once the Messages API dropped it); the fake server does the same, so a request
built for an SDK's old signature fails here as it would there.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any


@cache
def allowed_keys(api: str) -> frozenset[str]:
    if api == "anthropic":
        from anthropic.types.message_create_params import MessageCreateParamsBase as Anthropic

        return _keys(Anthropic)
    if api == "responses":
        from openai.types.responses.response_create_params import ResponseCreateParamsBase as Responses

        return _keys(Responses)
    if api == "completions":
        from openai.types.completion_create_params import CompletionCreateParamsBase as Completions

        return _keys(Completions)
    from openai.types.chat.completion_create_params import CompletionCreateParamsBase as Chat

    return _keys(Chat)


def _keys(typed_dict: Any) -> frozenset[str]:
    return frozenset(typed_dict.__required_keys__ | typed_dict.__optional_keys__) | {"stream"}


async def load() -> None:
    """Read every API's keys, importing the SDKs in a worker thread (seconds, once per process):
    done when the server starts, so no request waits on it and the server's event loop, often
    the test's own, is never blocked by the import."""
    for api in ("anthropic", "openai", "responses", "completions"):
        if api not in _loaded:
            _loaded[api] = await asyncio.to_thread(allowed_keys, api)


def unknown_keys(api: str, body: dict[str, Any]) -> list[str]:
    """The body's top-level keys the API does not define, sorted (after ``load``)."""
    return sorted(set(body) - _loaded[api])


_loaded: dict[str, frozenset[str]] = {}
