"""``ToolIndex``: rank tools for a request with Okapi BM25 over weighted fields.

A tool's document is its server and tool name (the words a user most often says: "Slack",
"create issue"), its tags, its description and its parameter names, weighted in that order
(BM25F-style: a field's weight multiplies its term counts). A query's words count fully; their
synonyms (``text.Analyzer.expand``) count at a lower weight.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..llm.base import ToolSpec
from .text import Analyzer, default_analyzer

MCP_PREFIX = "mcp__"
FIELD_WEIGHTS = {"server": 4.0, "name": 4.0, "tags": 2.0, "description": 1.0, "params": 0.25}
"""Multipliers of a term's count in each field of a tool's document."""
SERVER_BOOST = 2.0
"""A query that names a server ("on Slack") multiplies that server's tools' scores by this."""
K1, B = 2.0, 0.5
"""Okapi BM25's usual constants (Robertson and Zaragoza, 2009)."""


@dataclass
class ToolSearchConfig:
    """How many searchable tools one request may carry, and how relevant they must be."""

    max_tools: int = 8
    """At most this many searchable tools per request (built-ins come on top)."""
    min_score: float = 0.5
    """Score below which a tool counts as unrelated to the request (BM25 units)."""
    always_include: list[str] = field(default_factory=list)
    """Searchable tools sent with every request regardless of the query."""


@dataclass(frozen=True)
class ToolMatch:
    name: str
    score: float
    description: str = ""


@dataclass
class _Entry:
    name: str
    description: str
    tags: tuple[str, ...]
    params: tuple[str, ...]


def display_name(name: str) -> str:
    """``mcp__github__create_issue`` reads as ``github create_issue`` to the ranker."""
    return name[len(MCP_PREFIX) :].replace("__", " ") if name.startswith(MCP_PREFIX) else name


def split_name(name: str) -> tuple[str, str]:
    """(server, tool) of ``mcp__server__tool``; ("", name) for any other name."""
    if name.startswith(MCP_PREFIX):
        server, _, tool = name[len(MCP_PREFIX) :].partition("__")
        return server, tool
    return "", name


class _Table:
    """Weighted term counts per document, document frequencies, lengths: BM25's statistics."""

    def __init__(self, docs: list[dict[str, float]]) -> None:
        self.docs = docs
        self.lengths = [sum(d.values()) for d in docs]
        self.avg = (sum(self.lengths) / len(docs)) if docs else 1.0
        self.df: Counter[str] = Counter(t for d in docs for t in d)
        self.n = len(docs)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def score(self, query: Mapping[str, float], i: int) -> float:
        doc, norm = self.docs[i], K1 * (1 - B + B * self.lengths[i] / (self.avg or 1.0))
        total = 0.0
        for term, weight in query.items():
            f = doc.get(term, 0.0)
            if f:
                total += weight * self.idf(term) * f * (K1 + 1) / (f + norm)
        return total


class ToolIndex:
    """``index.add(name, description, tags)``, then ``index.search(query)`` best first.

    The seed's API (``ToolIndex::new(ToolSearchConfig::default())``, ``index.add(name,
    description, tags)``); ``add_spec`` indexes a tool's ``ToolSpec`` with its parameter names.
    """

    def __init__(self, config: ToolSearchConfig | None = None, analyzer: Analyzer | None = None) -> None:
        self.config = config or ToolSearchConfig()
        self.analyzer = analyzer or default_analyzer()
        self._entries: dict[str, _Entry] = {}
        self._table: _Table | None = None
        self._order: list[str] = []

    def add(self, name: str, description: str, tags: Iterable[str] = (), params: Iterable[str] = ()) -> None:
        """Add or replace a tool; ``params`` are its argument names (a weaker signal)."""
        self._entries[name] = _Entry(name, description, tuple(tags), tuple(params))
        self._table = None

    def add_spec(self, spec: ToolSpec, tags: Iterable[str] = ()) -> None:
        props = spec.input_schema.get("properties")
        params = list(props) if isinstance(props, dict) else []
        self.add(spec.name, spec.description, tags, params)

    def remove(self, name: str) -> bool:
        self._table = None
        return self._entries.pop(name, None) is not None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        return sorted(self._entries)

    def description(self, name: str) -> str:
        entry = self._entries.get(name)
        return entry.description if entry else ""

    def _fields(self, entry: _Entry) -> dict[str, list[str]]:
        server, tool = split_name(entry.name)
        words = self.analyzer.words
        return {
            "server": words(server),
            "name": words(tool),
            "tags": words(" ".join(entry.tags)),
            "description": words(entry.description),
            "params": words(" ".join(entry.params)),
        }

    def _doc(self, fields: dict[str, list[str]]) -> dict[str, float]:
        doc: dict[str, float] = {}
        for key, words in fields.items():
            for word in words:
                term = self.analyzer.stem(word)
                doc[term] = doc.get(term, 0.0) + FIELD_WEIGHTS[key]
        return doc

    def _ranker(self) -> _Table:
        if self._table is None:
            self._order = list(self._entries)
            fields = [self._fields(self._entries[n]) for n in self._order]
            self._table = _Table([self._doc(f) for f in fields])
        return self._table

    def _named_servers(self, weights: Mapping[str, float]) -> set[str]:
        """Servers the query names exactly (synonyms do not count)."""
        servers = {split_name(n)[0] for n in self._order} - {""}
        return {s for s in servers if all(weights.get(t) == 1.0 for t in self.analyzer.terms(s))}

    def search(self, query: str, limit: int | None = None) -> list[ToolMatch]:
        """Tools scoring at least ``config.min_score`` for ``query``, best first (ties by name)."""
        table = self._ranker()
        weights = self.analyzer.expand(self.analyzer.terms(query))
        if not weights:
            return []
        named = self._named_servers(weights)
        scored = []
        for i, name in enumerate(self._order):
            score = table.score(weights, i)
            if named and split_name(name)[0] in named:
                score *= SERVER_BOOST
            scored.append((score, name))
        ranked = sorted((p for p in scored if p[0] >= self.config.min_score), key=lambda p: (-p[0], p[1]))
        if limit is not None:
            ranked = ranked[:limit]
        return [ToolMatch(name, score, self._entries[name].description) for score, name in ranked]
