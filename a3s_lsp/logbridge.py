"""Forwards the daemon's and the engine's log records to the editor as ``window/logMessage``."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from .server import A3SLanguageServer

_LEVELS = [
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
    (logging.NOTSET, types.MessageType.Log),
]


class LogMessageHandler(logging.Handler):
    """Only ``a3s_lsp`` and ``a3s_code`` records (pygls logs every frame it sends: that would loop)."""

    def __init__(self, server: A3SLanguageServer, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(logging.INFO)
        self._server = server
        self._loop = loop
        self._busy = threading.local()
        self.addFilter(lambda r: r.name.split(".")[0] in ("a3s_lsp", "a3s_code"))

    @classmethod
    def install(cls, server: A3SLanguageServer) -> None:
        handler = cls(server, asyncio.get_running_loop())
        for name in ("a3s_lsp", "a3s_code"):
            logging.getLogger(name).addHandler(handler)

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self._busy, "on", False):
            return
        kind = next(t for level, t in _LEVELS if record.levelno >= level)
        params = types.LogMessageParams(type=kind, message=self.format(record))
        if threading.current_thread() is threading.main_thread():
            self._send(params)
        else:
            self._loop.call_soon_threadsafe(self._send, params)

    def _send(self, params: types.LogMessageParams) -> None:
        self._busy.on = True
        try:
            self._server.window_log_message(params)
        except Exception:  # a log line must never break the daemon
            pass
        finally:
            self._busy.on = False
