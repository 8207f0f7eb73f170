"""Tool search: with a large MCP tool set, send the model only the tools relevant to the request.

Every tool description sent costs prompt tokens on every model call, and a long menu of
near-duplicates makes the model pick worse. ``ToolIndex`` ranks tools against the last user
message with Okapi BM25 (the engine's own, ``context.bm25``) over name, tags, description and
parameter names. Built-in tools always go; MCP tools (``mcp__*``) and anything added to the
index explicitly are searchable. A tool that was not sent can still run if the model calls it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .context.bm25 import Bm25, tokens
from .llm.base import ToolSpec
from .messages import Message, TextBlock

log = logging.getLogger("a3s_code.tool_search")
MCP_PREFIX = "mcp__"


@dataclass
class ToolSearchConfig:
    """How many searchable tools one request may carry, and how relevant they must be."""

    max_tools: int = 8
    """At most this many searchable tools per request (built-ins come on top)."""
    min_score: float = 0.5
    """BM25 score below which a tool counts as unrelated to the request."""
    always_include: list[str] = field(default_factory=list)
    """Searchable tools sent with every request regardless of the query."""


@dataclass(frozen=True)
class ToolMatch:
    name: str
    score: float


@dataclass
class _Entry:
    name: str
    description: str
    tags: tuple[str, ...]
    params: tuple[str, ...]


_SUFFIXES = ("ies", "ing", "es", "ed", "s")


def _stem(word: str) -> str:
    """Plural and tense endings off, so "issues" meets "issue" and "merged" meets "merge"."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            if suffix == "ies":
                return word[:-3] + "y"
            if suffix == "es" and not word.endswith(("ses", "xes", "ches", "shes")):
                return word[:-1]
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    return [_stem(t) for t in tokens(text)]


def display_name(name: str) -> str:
    """``mcp__github__create_issue`` reads as ``github create_issue`` to the ranker."""
    return name[len(MCP_PREFIX) :].replace("__", " ") if name.startswith(MCP_PREFIX) else name


class ToolIndex:
    """``index.add(name, description, tags)``, then ``index.search(query)`` best first."""

    def __init__(self, config: ToolSearchConfig | None = None) -> None:
        self.config = config or ToolSearchConfig()
        self._entries: dict[str, _Entry] = {}
        self._bm25: Bm25 | None = None
        self._order: list[str] = []

    def add(self, name: str, description: str, tags: Iterable[str] = (), params: Iterable[str] = ()) -> None:
        """Add or replace a tool; ``params`` are its argument names (a weaker signal)."""
        self._entries[name] = _Entry(name, description, tuple(tags), tuple(params))
        self._bm25 = None

    def add_spec(self, spec: ToolSpec, tags: Iterable[str] = ()) -> None:
        props = spec.input_schema.get("properties")
        params = list(props) if isinstance(props, dict) else []
        if spec.name.startswith(MCP_PREFIX):
            tags = [*tags, spec.name.split("__")[1]]
        self.add(spec.name, spec.description, tags, params)

    def remove(self, name: str) -> bool:
        self._bm25 = None
        return self._entries.pop(name, None) is not None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        return sorted(self._entries)

    def _doc(self, entry: _Entry) -> list[str]:
        # Name and tags twice: they are the words a user is most likely to say.
        head = terms(display_name(entry.name)) + terms(" ".join(entry.tags))
        return head * 2 + terms(entry.description) + terms(" ".join(entry.params))

    def _ranker(self) -> Bm25:
        if self._bm25 is None:
            self._order = list(self._entries)
            self._bm25 = Bm25([self._doc(self._entries[n]) for n in self._order])
        return self._bm25

    def search(self, query: str, limit: int | None = None) -> list[ToolMatch]:
        """Tools scoring at least ``config.min_score`` for ``query``, best first."""
        ranker = self._ranker()
        limit = len(self._order) if limit is None else limit
        hits = ranker.top(terms(query), limit, self.config.min_score)
        return [ToolMatch(self._order[i], score) for i, score in hits if score >= self.config.min_score]


class ToolSelector:
    """Keeps a ``ToolIndex`` in step with the session's tools and picks the specs for a request."""

    def __init__(self, index: ToolIndex) -> None:
        self.index = index
        self._seen: dict[str, str] = {}

    def searchable(self, name: str) -> bool:
        return name.startswith(MCP_PREFIX) or name in self.index

    def select(self, specs: Sequence[ToolSpec], query: str) -> list[ToolSpec]:
        """Every non-searchable spec, plus the searchable ones relevant to ``query``."""
        candidates = {s.name: s for s in specs if self.searchable(s.name)}
        if not candidates:
            return list(specs)
        for name, spec in candidates.items():
            if self._seen.get(name) != spec.description:
                if name not in self.index or name in self._seen:
                    self.index.add_spec(spec)
                self._seen[name] = spec.description
        config = self.index.config
        keep = {n for n in config.always_include if n in candidates}
        picked = 0
        for match in self.index.search(query):
            if picked >= config.max_tools:
                break
            if match.name in candidates and match.name not in keep:
                keep.add(match.name)
                picked += 1
        log.debug("tool search: %d of %d searchable tools for %r", len(keep), len(candidates), query[:80])
        return [s for s in specs if s.name not in candidates or s.name in keep]


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


def last_user_text(history: Sequence[Message]) -> str:
    """The newest user message that has text (tool results are user messages too)."""
    for message in reversed(history):
        if message.role == "user" and any(isinstance(b, TextBlock) for b in message.content):
            return message.text()
    return ""


__all__ = [
    "ToolIndex",
    "ToolMatch",
    "ToolSearchConfig",
    "ToolSelector",
    "last_user_text",
    "selector_for",
    "terms",
]
