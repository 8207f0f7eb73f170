"""initialize / initialized / shutdown: read client options, start the log bridge, stop turns."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
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
        # Import the engine and the default model's provider SDK now, off the event loop, so the
        # first prompt neither waits for them nor stalls other requests while they load.
        loop = asyncio.get_running_loop()
        warm = ls.warm = asyncio.Event()

        def ready() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: the daemon is stopping
                loop.call_soon_threadsafe(warm.set)

        threading.Thread(
            target=_warm_up, args=(ls.settings.config, ready), name="a3s-warm-up", daemon=True
        ).start()
        ls.start_config_watch()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: A3SLanguageServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        """Sessions already running keep their workspace; sessions that follow the folders gain the
        added ones as roots and lose the removed ones; new default sessions follow the new list."""
        removed = {p for p in (uri_to_path(f.uri) for f in params.event.removed) if p is not None}
        kept = [path_to_uri(f) for f in ls.folders if f not in removed]
        ls.set_folders(kept + [f.uri for f in params.event.added])
        log.info("workspace folders: %s", ", ".join(str(f) for f in ls.folders) or "none")
        try:  # on the loop thread: a running turn's next tool call sees the whole change, or none of it
            ls.sessions.folders_changed(sorted(removed))
        except Exception:  # a folder that vanished: the sessions keep the roots they could take
            log.exception("sessions could not follow the workspace folders")

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: A3SLanguageServer, params: None) -> None:
        ls.sessions.cancel_all()
        ls.stop_config_watch()


FIRST_PROMPT_MODULES = (
    "a3s_lsp.wire",
    "a3s_lsp.wire_events",
    "a3s_lsp.turns",
    "a3s_lsp.confirm",
    "a3s_lsp.lspfs",
    "watchfiles",
    "anyio._backends._asyncio",
    "a3s_lsp.reload",
)
"""What the event loop would import itself on the way to a first prompt (``a3s/*`` handlers, turns,
the config watch): imported here, while ``a3s/*`` handlers wait on ``A3SLanguageServer.warm``, so
the loop never runs these imports or waits on an import lock this thread holds (measured: 50 to
240 ms stalls each, tests/bench/bench_codex.py)."""


def _warm_up(config: str | None, ready: Callable[[], object]) -> None:
    import importlib

    try:
        from a3s_code.collector import collector_paused
        from a3s_code.llm.deferred import ENGINE_MODULES, warm_up

        with collector_paused():  # a collection inside these imports would stall the loop
            for name in (*FIRST_PROMPT_MODULES, *ENGINE_MODULES):
                try:
                    importlib.import_module(name)
                except Exception as exc:  # the handler that needs it reports the real error
                    log.debug("warm-up: cannot import %s (%s)", name, exc)
    finally:
        ready()
    log.debug("warmed up: %s", ", ".join(warm_up(config)))
