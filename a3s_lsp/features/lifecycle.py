"""initialize / initialized / shutdown: read client options, start the log bridge, stop turns."""

from __future__ import annotations

import logging
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
        ls.client_info = params.client_info
        ls.documents.encoding = str(ls.workspace.position_encoding or "utf-16")
        client = params.client_info.name if params.client_info else "unknown client"
        log.info("initialize from %s", client)

    @server.feature(types.INITIALIZED)
    def initialized(ls: A3SLanguageServer, params: types.InitializedParams) -> None:
        if ls.initialized:
            log.warning("ignoring a second initialized notification")
            return
        ls.initialized = True
        LogMessageHandler.install(ls)
        ls.start_config_watch()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: A3SLanguageServer, params: None) -> None:
        ls.sessions.cancel_all()
        ls.stop_config_watch()
