"""LSP and ``a3s/*`` handlers, one module per area, each with ``register(server)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import (
    code_actions,
    commands,
    debug,
    documents,
    inline_completion,
    lifecycle,
    queue,
    rewind,
    sessions,
    teams,
    tools,
)

if TYPE_CHECKING:
    from ..server import A3SLanguageServer


def register_all(server: A3SLanguageServer) -> None:
    for module in (
        lifecycle,
        documents,
        sessions,
        rewind,
        tools,
        commands,
        code_actions,
        inline_completion,
        debug,
        queue,
        teams,
    ):
        module.register(server)
