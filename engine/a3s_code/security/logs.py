"""Redaction in logs: records from our loggers are sanitised before any handler formats them."""

from __future__ import annotations

import logging
import threading
from typing import Any

from . import redact

_PREFIXES = ("a3s_code", "a3s_lsp", "httpx", "anthropic", "openai", "mcp")
_lock = threading.Lock()
_installed = False


def install_log_redaction() -> None:
    """Idempotent and process-wide: wraps the log-record factory once."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if record.name.startswith(_PREFIXES):
                try:
                    message = record.getMessage()
                except Exception:  # a broken format string is the handler's to report
                    return record
                cleaned, counts = redact.redact(message)
                if counts:
                    record.msg, record.args = cleaned, None
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
