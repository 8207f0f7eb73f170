"""Which skills fit a prompt: BM25 over each skill's name, description and tags, on Snowball stems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..context.bm25 import Bm25
from .model import Skill


def tokens(text: str) -> list[str]:
    """Stemmed words without stop words (tool search's analyzer: ``bugs`` meets ``bug``)."""
    from ..tool_search.text import default_analyzer

    return default_analyzer().terms(text)


class SkillScorer(Protocol):
    def rank(self, prompt: str, skills: Sequence[Skill]) -> list[tuple[Skill, float]]:
        """Skills with a positive relevance to ``prompt``, best first."""
        ...


class DefaultSkillScorer:
    """Okapi BM25 (the engine's ``context.bm25``); the name and tags count twice, as they are the
    most telling words."""

    def __init__(self, min_score: float = 0.5) -> None:
        self.min_score = min_score

    @staticmethod
    def _doc(skill: Skill) -> list[str]:
        return tokens(skill.name) * 2 + tokens(" ".join(skill.tags)) * 2 + tokens(skill.description)

    def rank(self, prompt: str, skills: Sequence[Skill]) -> list[tuple[Skill, float]]:
        if not skills:
            return []
        bm25 = Bm25([self._doc(s) for s in skills])
        query = tokens(prompt)
        scored = [(skill, bm25.score(query, i)) for i, skill in enumerate(skills)]
        return sorted((p for p in scored if p[1] >= self.min_score), key=lambda p: -p[1])
