"""Inline completions: cache first, then a debounce that newer keystrokes supersede, then the model.

The order is what keeps a fast typist from paying for completions nobody sees: a request waits
``debounce_ms`` before the model is called; if the document changed meanwhile, or a newer request
for the same document arrived, or the caller cancelled it (LSP ``$/cancelRequest``), it ends
without a model call. Counters in ``CompletionStats`` show how many requests went which way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import LLMError
from .backend import CompletionBackend
from .cache import KEY_PREFIX_CHARS, KEY_SUFFIX_CHARS, CompletionCache
from .config import CompletionConfig
from .context import OpenText, gather
from .fim import clean

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompletionRequest:
    """A completion at ``offset`` (a character index into ``text``) in document ``key`` (any id the
    caller uses for the document: the daemon passes its URI)."""

    key: str
    text: str
    offset: int
    path: str = ""
    language: str = ""
    invoked: bool = False
    """The user asked explicitly (no debounce)."""


@dataclass
class CompletionStats:
    """How requests ended. ``superseded`` and ``cancelled_before_model`` never reached the model."""

    requests: int = 0
    cache_hits: int = 0
    superseded: int = 0
    cancelled_before_model: int = 0
    model_calls: int = 0
    cancelled_in_model: int = 0
    model_errors: int = 0


class InlineCompleter:
    """One configured completion model with its cache; safe for concurrent requests on one loop."""

    def __init__(self, backend: CompletionBackend, settings: CompletionConfig) -> None:
        self.backend = backend
        self.settings = settings
        self.cache = CompletionCache(settings.cache_size)
        self.stats = CompletionStats()
        self._waiting: dict[str, asyncio.Event] = {}
        """Per document, the request in its debounce: a newer one sets its event and it ends at once."""

    async def complete(
        self,
        request: CompletionRequest,
        still_current: Callable[[], bool] = lambda: True,
        others: Callable[[], Iterable[OpenText]] = tuple,
    ) -> str | None:
        """The text to insert at the cursor, or None (superseded, nothing fits, or the model failed:
        a failure is logged, never raised, since the user did not ask for anything explicitly).

        ``still_current``: False once the document changed since the request was made.
        ``others``: the other open documents, read only if the model is called.
        Raises ``asyncio.CancelledError`` when the awaiting task is cancelled.
        """
        self.stats.requests += 1
        replaced = self._waiting.pop(request.key, None)
        if replaced is not None:
            replaced.set()
        text, offset = request.text, max(0, min(request.offset, len(request.text)))
        prefix_key = text[max(0, offset - 2 * KEY_PREFIX_CHARS) : offset]
        suffix_key = text[offset : offset + KEY_SUFFIX_CHARS]
        cached = self.cache.get(prefix_key, suffix_key)
        if cached is not None:
            self.stats.cache_hits += 1
            return cached or None
        superseded_by = self._waiting[request.key] = asyncio.Event()
        delay = 0.0 if request.invoked else self.settings.debounce_ms / 1000
        try:
            # at least one turn of the loop: a cancel or a superseded_by request already sent is seen here
            async with asyncio.timeout(delay):
                await superseded_by.wait()
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            self.stats.cancelled_before_model += 1
            raise
        finally:
            if self._waiting.get(request.key) is superseded_by:
                del self._waiting[request.key]
        if superseded_by.is_set() or not still_current():
            self.stats.superseded += 1
            return None
        ctx = gather(
            text,
            offset,
            self.settings,
            path=request.path,
            language=request.language,
            others=others(),
        )
        self.stats.model_calls += 1
        try:
            raw = await self.backend.complete(ctx)
        except asyncio.CancelledError:
            self.stats.cancelled_in_model += 1
            raise
        except LLMError as exc:
            self.stats.model_errors += 1
            log.warning("inline completion from %s failed: %s", self.backend.label, exc)
            return None
        completion = clean(self.backend.format, raw, ctx, tuple(self.settings.stop))
        self.cache.put(prefix_key, suffix_key, completion)
        return completion or None
