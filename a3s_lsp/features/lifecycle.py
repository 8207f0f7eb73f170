"""initialize / initialized / shutdown: read client options, start the log bridge, stop turns."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..logbridge import LogMessageHandler

if TYPE_CHECKING:
    from ..server import A3SLanguageServer

log = logging.getLogger(__name__)


def register(server: A3SLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: A3SLanguageServer, params: types.InitializeParams) -> None:
        options: Any = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("coalesceMs"), int):
            ls.settings.coalesce_ms = max(0, options["coalesceMs"])
        client = params.client_info.name if params.client_info else "unknown client"
        log.info("initialize from %s", client)

    @server.feature(types.INITIALIZED)
    def initialized(ls: A3SLanguageServer, params: types.InitializedParams) -> None:
        LogMessageHandler.install(ls)
        ls.start_config_watch()
        # Import the engine and the default model's provider SDK now, off the event loop, so the
        # first prompt neither waits for them nor stalls other requests while they load.
        threading.Thread(target=_warm_up, args=(ls.settings.config,), name="a3s-warm-up", daemon=True).start()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: A3SLanguageServer, params: None) -> None:
        ls.sessions.cancel_all()
        ls.stop_config_watch()


_FIRST_PROMPT_MODULES = ("watchfiles", "a3s_lsp.reload", "a3s_lsp.confirm", "a3s_lsp.lspfs", "a3s_code")
"""What the event loop imports itself on the way to a first prompt: imported here first, so the
loop never waits on an import lock this thread holds while it loads the heavy provider SDK."""


def _warm_up(config: str | None) -> None:
    import importlib

    for name in _FIRST_PROMPT_MODULES:
        importlib.import_module(name)
    from a3s_code.llm.deferred import warm_up

    log.debug("warmed up: %s", ", ".join(warm_up(config)))
