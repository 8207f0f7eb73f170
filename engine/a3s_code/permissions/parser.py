"""The tree-sitter-bash parser, loaded once per process and never on the event loop's first call.

tree-sitter-bash ships its parse tables compiled into a shared library, so loading costs an import
(a few milliseconds) and no table build. ``warm()`` starts that import on a daemon thread as soon as
a policy with shell rules exists; the first check then finds it done. Parsers are per thread:
a tree-sitter ``Parser`` is not safe to share between threads.
"""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()
_lock = threading.Lock()
_language: Any = None
_warming: threading.Thread | None = None


def _load() -> Any:
    global _language
    with _lock:
        if _language is None:
            import tree_sitter
            import tree_sitter_bash

            _language = tree_sitter.Language(tree_sitter_bash.language())
    return _language


def warm() -> None:
    """Load the grammar on a background thread (idempotent, returns at once)."""
    global _warming
    if _language is not None or _warming is not None:
        return
    _warming = threading.Thread(target=_load, name="a3s-bash-grammar", daemon=True)
    _warming.start()


def parse(source: bytes) -> Any:
    """A ``tree_sitter.Tree`` for ``source`` (UTF-8 bytes of a shell command line)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        import tree_sitter

        parser = tree_sitter.Parser(_load())
        _local.parser = parser
    return parser.parse(source)
