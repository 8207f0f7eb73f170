"""Logs: records redacted before any handler formats them, and log files only their owner can read."""

from __future__ import annotations

import io
import logging
import threading
from typing import Any

from .private import open_private

_lock = threading.Lock()
_installed = False


def install_log_redaction() -> None:
    """Redact every log record of the process from now on (all loggers: pygls logs whole frames).

    Idempotent and process-wide: wraps the log-record factory once, so every handler (stderr, the
    ``--log-file``, ``window/logMessage``, pytest's capture) gets the redacted message.
    """
    global _installed
    with _lock:
        if _installed:
            return
        from .redact import redact

        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a broken format string is the handler's to report
                return record
            cleaned, counts = redact(message)
            if counts:
                record.msg, record.args = cleaned, None
            return record

        logging.setLogRecordFactory(factory)
        _installed = True


def log_redaction_installed() -> bool:
    return _installed


class PrivateFileHandler(logging.FileHandler):
    """A ``logging.FileHandler`` whose file is created 0600 (an existing one is narrowed to 0600)."""

    def _open(self) -> io.TextIOWrapper:
        return open_private(
            self.baseFilename, "w" if self.mode.startswith("w") else "a", self.encoding or "utf-8"
        )
