"""``a3s/queue/*`` from the editor: the same methods workers call, answered as the ``editor`` worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import protocol as m
from ..workers import EDITOR

if TYPE_CHECKING:
    from ..server import A3SLanguageServer


def register(server: A3SLanguageServer) -> None:
    for method in m.QUEUE_METHODS:
        server.feature(method)(_handler(method))


def _handler(method: str) -> Any:
    def handle(ls: A3SLanguageServer, params: Any) -> Any:
        return ls.workers.handle(method, params, EDITOR)

    return handle
