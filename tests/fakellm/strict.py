"""Which top-level request keys each API defines, read from the SDKs' own request types.

The real APIs answer 400 to a key they do not define (Anthropic: "temperature: Extra inputs are
not permitted" once the Messages API dropped it); the fake server does the same, so a request
built for an SDK's old signature fails here as it would there.
"""

from __future__ import annotations

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
    from openai.types.chat.completion_create_params import CompletionCreateParamsBase as Chat

    return _keys(Chat)


def _keys(typed_dict: Any) -> frozenset[str]:
    return frozenset(typed_dict.__required_keys__ | typed_dict.__optional_keys__) | {"stream"}


def unknown_keys(api: str, body: dict[str, Any]) -> list[str]:
    """The body's top-level keys the API does not define, sorted."""
    return sorted(set(body) - allowed_keys(api))
