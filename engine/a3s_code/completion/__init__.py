"""Inline (fill-in-the-middle) code completion: prompts, formats, context, cache and the completer.

Editor-neutral: the daemon adapts ``textDocument/inlineCompletion`` to ``InlineCompleter.complete``.
"""

from __future__ import annotations

from .completer import CompletionRequest, CompletionStats, InlineCompleter
from .config import CompletionConfig, FimFormat
from .context import OpenText
from .factory import build_completer
from .fim import FimContext, Snippet

__all__ = [
    "CompletionConfig",
    "CompletionRequest",
    "CompletionStats",
    "FimContext",
    "FimFormat",
    "InlineCompleter",
    "OpenText",
    "Snippet",
    "build_completer",
]
