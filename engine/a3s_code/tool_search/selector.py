"""``ToolSelector``: which searchable tools each model request carries, and the ones the model loads.

Each request carries every non-searchable tool, the searchable ones that rank for the last user
message, the ones the model already called since that message (a call mid-turn keeps its tool),
and the ones the model loaded with the ``tool_search`` tool (Anthropic's deferred tools work the
same way: a tool found by search stays available for the rest of the conversation).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from ..llm.base import ToolSpec
from ..messages import Message, TextBlock
from .index import MCP_PREFIX, ToolIndex, ToolMatch, ToolSearchConfig

log = logging.getLogger("a3s_code.tool_search")
MAX_LOADED = 24
"""Tools loaded through ``tool_search`` that stay in requests; the oldest goes first past this."""


class ToolCatalog(Protocol):
    """What the ``tool_search`` tool needs: rank the searchable tools, and load some into requests."""

    def search(self, query: str, limit: int) -> list[ToolMatch]: ...

    def load(self, names: Iterable[str]) -> list[str]:
        """Make these tools part of every later request; returns the names that exist."""
        ...


class ToolSelector:
    """Keeps a ``ToolIndex`` in step with the session's tools and picks the specs for a request."""

    def __init__(self, index: ToolIndex) -> None:
        self.index = index
        self._seen: dict[str, str] = {}
        self._known: set[str] = set()
        self.loaded: OrderedDict[str, None] = OrderedDict()
        """Tools the model loaded with ``tool_search``, oldest first."""

    def searchable(self, name: str) -> bool:
        return name.startswith(MCP_PREFIX) or name in self.index

    def _sync(self, specs: Sequence[ToolSpec]) -> dict[str, ToolSpec]:
        candidates = {s.name: s for s in specs if self.searchable(s.name)}
        for name, spec in candidates.items():
            if self._seen.get(name) != spec.description:
                if name not in self.index or name in self._seen:
                    self.index.add_spec(spec)
                self._seen[name] = spec.description
        for gone in [n for n in self._seen if n not in candidates]:
            self.index.remove(gone)
            del self._seen[gone]
        self._known = set(candidates)
        return candidates

    def select(self, specs: Sequence[ToolSpec], query: str, keep: Iterable[str] = ()) -> list[ToolSpec]:
        """Every non-searchable spec, plus the searchable ones relevant to ``query``, the loaded ones
        and ``keep`` (names the caller wants kept, such as tools called this turn)."""
        candidates = self._sync(specs)
        if not candidates:
            return list(specs)
        config = self.index.config
        fixed = {n for n in config.always_include if n in candidates}
        ranked = [m.name for m in self.index.search(query) if m.name in candidates and m.name not in fixed]
        chosen = fixed | set(ranked[: config.max_tools])
        chosen |= {n for n in (*self.loaded, *keep) if n in candidates}
        log.debug("tool search: %d of %d searchable tools for %r", len(chosen), len(candidates), query[:80])
        return [s for s in specs if s.name not in candidates or s.name in chosen]

    def for_turn(self, specs: Sequence[ToolSpec], history: Sequence[Message]) -> list[ToolSpec]:
        """The specs for the next request of a turn: ranked by the last user message, plus every
        tool called since it."""
        return self.select(specs, last_user_text(history), called_since_user_text(history))

    # -- ToolCatalog ---------------------------------------------------------------------------

    def search(self, query: str, limit: int) -> list[ToolMatch]:
        """Searchable tools of this session ranked for ``query`` (tools not seen yet are unknown)."""
        matches = [m for m in self.index.search(query) if not self._known or m.name in self._known]
        return matches[:limit]

    def load(self, names: Iterable[str]) -> list[str]:
        done = []
        for name in names:
            if name in self.index and (not self._known or name in self._known):
                self.loaded[name] = None
                self.loaded.move_to_end(name)
                done.append(name)
        while len(self.loaded) > MAX_LOADED:
            self.loaded.popitem(last=False)
        return done


def selector_for(option: ToolSearchConfig | ToolIndex | None, settings: Any | None) -> ToolSelector | None:
    """The session's selector: ``SessionOptions.tool_search`` first, then the config's ``tool_search``."""
    if isinstance(option, ToolIndex):
        return ToolSelector(option)
    if isinstance(option, ToolSearchConfig):
        return ToolSelector(ToolIndex(option))
    if settings is None or not settings.enabled:
        return None
    config = ToolSearchConfig(settings.max_tools, settings.min_score, list(settings.always_include))
    return ToolSelector(ToolIndex(config))


def _has_text(message: Message) -> bool:
    return message.role == "user" and any(isinstance(b, TextBlock) for b in message.content)


def last_user_text(history: Sequence[Message]) -> str:
    """The newest user message that has text (tool results are user messages too)."""
    for message in reversed(history):
        if _has_text(message):
            return message.text()
    return ""


def called_since_user_text(history: Sequence[Message]) -> list[str]:
    """Names of the tools the model called after the newest user message with text."""
    names: list[str] = []
    for message in reversed(history):
        if _has_text(message):
            break
        if message.role == "assistant":
            names.extend(u.name for u in message.tool_uses())
    return names
