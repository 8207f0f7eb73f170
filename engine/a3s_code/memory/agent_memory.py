"""AgentMemory: what the agent learnt from past tasks, recalled by similarity to the next one.

Three tiers: working (at most 10 items, the most important and recent), short-term (the last 100,
FIFO) and long-term (a ``MemoryStore``: survives restarts when it is a ``FileMemoryStore``).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from ..context.bm25 import Bm25, tokens
from .store import InMemoryStore, MemoryItem, MemoryKind, MemoryStore

MAX_CONTENT = 2000


class AgentMemory:
    def __init__(
        self, store: MemoryStore | None = None, *, max_working: int = 10, max_short_term: int = 100
    ) -> None:
        self.store: MemoryStore = store if store is not None else InMemoryStore()
        self.max_working = max_working
        self.short_term: deque[MemoryItem] = deque(maxlen=max_short_term)
        self.working: list[MemoryItem] = []

    def remember(
        self,
        content: str,
        *,
        kind: MemoryKind = "note",
        task: str = "",
        tools: Iterable[str] = (),
        tags: Iterable[str] = (),
        importance: float = 0.5,
        session_id: str | None = None,
    ) -> MemoryItem:
        item = MemoryItem(
            kind=kind,
            content=content[:MAX_CONTENT],
            task=task[:MAX_CONTENT],
            tools=list(tools),
            tags=sorted(set(tags) | {kind}),
            importance=importance,
            session_id=session_id,
        )
        self.store.add(item)
        self.short_term.append(item)
        self.working.append(item)
        if len(self.working) > self.max_working:
            self.working.sort(key=lambda i: (i.importance, i.created_at), reverse=True)
            del self.working[self.max_working :]
        return item

    def remember_success(self, task: str, tools: Iterable[str], result: str, **kw: Any) -> MemoryItem:
        tools = list(tools)
        return self.remember(
            f"Succeeded: {task}\nTools: {', '.join(tools) or 'none'}\nResult: {result}",
            kind="success", task=task, tools=tools, importance=kw.pop("importance", 0.8), **kw,
        )  # fmt: skip

    def remember_failure(self, task: str, error: str, tools: Iterable[str], **kw: Any) -> MemoryItem:
        tools = list(tools)
        return self.remember(
            f"Failed: {task}\nTools: {', '.join(tools) or 'none'}\nError: {error}",
            kind="failure", task=task, tools=tools, importance=kw.pop("importance", 0.9), **kw,
        )  # fmt: skip

    def recall_similar(self, query: str, limit: int = 5, min_score: float = 0.3) -> list[MemoryItem]:
        """Long-term items by BM25 relevance to ``query``; importance and recency break near-ties."""
        items = self.store.all()
        if not items:
            return []
        docs = [tokens(i.task) * 2 + tokens(i.content) + tokens(" ".join(i.tags + i.tools)) for i in items]
        ranked = Bm25(docs).top(tokens(query), len(items), min_score)
        now = time.time()

        def weight(pair: tuple[int, float]) -> float:
            item = items[pair[0]]
            age_days = max(0.0, now - item.created_at) / 86_400
            return pair[1] * (0.75 + 0.25 * item.importance) * (1 / (1 + age_days / 30))

        return [items[i] for i, _ in sorted(ranked, key=weight, reverse=True)[:limit]]

    def recall_by_tags(self, tags: Iterable[str], limit: int = 10) -> list[MemoryItem]:
        wanted = set(tags)
        hits = [i for i in self.store.all() if wanted & set(i.tags)]
        return sorted(hits, key=lambda i: i.created_at, reverse=True)[:limit]

    def recent(self, limit: int = 10) -> list[MemoryItem]:
        """Newest first, from long-term memory (short-term is empty after a restart)."""
        return sorted(self.store.all(), key=lambda i: i.created_at, reverse=True)[:limit]

    def stats(self) -> dict[str, int]:
        return {
            "long_term_count": self.store.count(),
            "short_term_count": len(self.short_term),
            "working_count": len(self.working),
        }


def render(items: list[MemoryItem]) -> str:
    """The system-prompt section for recalled memories."""
    lines = ["## Relevant past experience"]
    for item in items:
        lines.append("- " + item.content.replace("\n", " | "))
    return "\n".join(lines)
