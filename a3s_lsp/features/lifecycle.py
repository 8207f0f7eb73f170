"""initialize / initialized / shutdown: read client options, start the log bridge, stop turns."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..logbridge import LogMessageHandler
from ..uris import path_to_uri, uri_to_path

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
        folders = [f.uri for f in params.workspace_folders or []]
        root = params.root_uri or (path_to_uri(params.root_path) if params.root_path else None)
        ls.set_folders(folders or ([root] if root else []))
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
        # Import the engine and the default model's provider SDK now, off the event loop, so the
        # first prompt neither waits for them nor stalls other requests while they load.
        threading.Thread(target=_warm_up, args=(ls.settings.config,), name="a3s-warm-up", daemon=True).start()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: A3SLanguageServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        """Sessions already running keep their folder; new default sessions follow the new list."""
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        kept = [path_to_uri(f) for f in ls.folders if f not in removed]
        ls.set_folders(kept + [f.uri for f in params.event.added])
        log.info("workspace folders: %s", ", ".join(str(f) for f in ls.folders) or "none")

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
