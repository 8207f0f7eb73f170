"""Okapi BM25 over small in-memory corpora (memories, workspace chunks): no index files, no deps."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "please",
        "the",
        "this",
        "to",
        "what",
        "with",
        "you",
    ]
)


def tokens(text: str) -> list[str]:
    """Lower-cased words; ``snake_case``, ``kebab-case``, ``camelCase`` and paths split into parts."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return [w for w in _WORD.findall(spaced.lower().replace("_", " ")) if w not in _STOP]


class Bm25:
    """Score a query against documents given as token lists (k1=1.2, b=0.75)."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tfs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = (sum(self.lengths) / len(docs)) if docs else 1.0
        self.df: Counter[str] = Counter(t for tf in self.tfs for t in tf)
        self.n = len(docs)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def score(self, query: Sequence[str], index: int) -> float:
        tf, length = self.tfs[index], self.lengths[index]
        norm = self.k1 * (1 - self.b + self.b * length / (self.avg or 1.0))
        total = 0.0
        for term in set(query):
            f = tf.get(term, 0)
            if f:
                total += self.idf(term) * f * (self.k1 + 1) / (f + norm)
        return total

    def top(self, query: Sequence[str], limit: int, min_score: float = 0.0) -> list[tuple[int, float]]:
        """(document index, score) pairs above ``min_score``, best first."""
        if not query or not self.n:
            return []
        scored = [(i, self.score(query, i)) for i in range(self.n)]
        ranked = sorted((p for p in scored if p[1] > min_score), key=lambda p: -p[1])
        return ranked[:limit]
