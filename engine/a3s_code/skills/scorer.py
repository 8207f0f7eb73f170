"""Which skills fit a prompt: BM25 over each skill's name, description and tags."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from .model import Skill

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
    return [w for w in _WORD.findall(text.lower().replace("_", " ").replace("-", " ")) if w not in _STOP]


class SkillScorer(Protocol):
    def rank(self, prompt: str, skills: Sequence[Skill]) -> list[tuple[Skill, float]]:
        """Skills with a positive relevance to ``prompt``, best first."""
        ...


class DefaultSkillScorer:
    """Okapi BM25 (k1=1.2, b=0.75); the name and tags count twice, as they are the most telling words."""

    def __init__(self, min_score: float = 0.5) -> None:
        self.min_score = min_score

    @staticmethod
    def _doc(skill: Skill) -> list[str]:
        return tokens(skill.name) * 2 + tokens(" ".join(skill.tags)) * 2 + tokens(skill.description)

    def rank(self, prompt: str, skills: Sequence[Skill]) -> list[tuple[Skill, float]]:
        docs = [self._doc(s) for s in skills]
        if not docs:
            return []
        avg = sum(len(d) for d in docs) / len(docs) or 1.0
        df: Counter[str] = Counter(t for d in docs for t in set(d))
        query = set(tokens(prompt))
        scored = []
        for skill, doc in zip(skills, docs, strict=True):
            tf = Counter(doc)
            score = 0.0
            for term in query:
                if term not in tf:
                    continue
                idf = math.log(1 + (len(docs) - df[term] + 0.5) / (df[term] + 0.5))
                score += idf * tf[term] * 2.2 / (tf[term] + 1.2 * (0.25 + 0.75 * len(doc) / avg))
            if score >= self.min_score:
                scored.append((skill, score))
        return sorted(scored, key=lambda p: -p[1])
