"""Registering an ``a3s/*`` handler with its params model: validation and serialisation in one place."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .. import wire
    from ..server import A3SLanguageServer
else:
    from .._lazy import wire

P = TypeVar("P", bound="BaseModel")
Handler = Callable[["A3SLanguageServer", P], Any]


def method(server: A3SLanguageServer, name: str, params: str) -> Callable[[Handler[P]], Handler[P]]:
    """``@method(server, "a3s/x", "XParams")`` on ``handler(ls, params: wire.XParams) -> Model``: the raw
    params are validated (-32602 naming the field) and the returned model is sent as camelCase JSON.
    The model is named, not passed, so registering handlers does not load pydantic's models."""

    def register(handler: Handler[P]) -> Handler[P]:
        async def run(ls: A3SLanguageServer, raw: Any) -> Any:
            await ls.until_warm()
            result = handler(ls, wire.params_of(getattr(wire, params), raw, name))
            if inspect.isawaitable(result):
                result = await result
            return wire.dump(result) if isinstance(result, wire.Wire) else result

        server.feature(name)(run)
        return handler

    return register
