"""What a search engine is (``SearchEngine``) and what it answers (``SearchResult``)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    snippet: str
    engine: str
    """The engine that returned it; after merging, the first of ``engines``."""
    engines: tuple[str, ...] = field(default=())
    """Every engine that returned this page (filled in by ``merge``)."""
    score: float = 0.0
    """The merged score (``aggregate.merge``): higher ranks first."""


class SearchEngine(Protocol):
    """One web search backend. ``search`` returns results best first and raises
    ``SearchEngineError`` (or ``TimeoutError``) when it cannot answer."""

    name: str
    weight: float
    """How much a result from this engine counts when results are merged (default 1.0)."""

    async def search(self, query: str, limit: int, timeout_s: float) -> list[SearchResult]: ...


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Markup an API puts in titles and snippets (``<b>``, ``<span class="searchmatch">``,
    ``&amp;``) removed; runs of whitespace made one space."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", text))).strip()
