"""Registering an ``a3s/*`` handler with its params model: validation and serialisation in one place."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from ..wire import dump, params_of

if TYPE_CHECKING:
    from ..server import A3SLanguageServer

P = TypeVar("P", bound=BaseModel)
Handler = Callable[["A3SLanguageServer", P], Any]


def method(server: A3SLanguageServer, name: str, params: type[P]) -> Callable[[Handler[P]], Handler[P]]:
    """``@method(server, "a3s/x", XParams)`` on ``handler(ls, params: XParams) -> Model``: the raw params
    are validated (-32602 naming the field) and the returned model is sent as camelCase JSON."""

    def register(handler: Handler[P]) -> Handler[P]:
        async def run(ls: A3SLanguageServer, raw: Any) -> Any:
            result = handler(ls, params_of(params, raw, name))
            if inspect.isawaitable(result):
                result = await result
            return dump(result) if isinstance(result, BaseModel) else result

        server.feature(name)(run)
        return handler

    return register
