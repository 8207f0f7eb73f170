"""Semantic search: an EmbeddingProvider turns text into vectors, a VectorStore finds the nearest.

``OpenAiEmbeddingProvider`` calls any OpenAI-compatible ``/embeddings`` endpoint (the provider's
``base_url``) through the ``openai`` SDK, imported on first use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import A3SError
from .base import ContextItem, ContextQuery

CHUNK_CHARS = 1500


if TYPE_CHECKING:
    from ..agent import Agent


class EmbeddingError(A3SError):
    code = "embedding_error"


class EmbeddingProvider(Protocol):
    async def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class OpenAiEmbeddingProvider:
    def __init__(
        self,
        model: str = "text-embedding-3-small",
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        batch_size: int = 64,
        timeout_s: float = 60.0,
    ) -> None:
        self.model, self.api_key, self.base_url = model, api_key, base_url
        self.batch_size, self.timeout_s = batch_size, timeout_s
        self._client: Any = None

    @classmethod
    def for_agent(
        cls, agent: Agent, provider: str = "openai", model: str = "text-embedding-3-small"
    ) -> OpenAiEmbeddingProvider:
        """Use the key and ``base_url`` of a configured provider."""
        cfg = agent.config.find_provider(provider)
        if cfg is None:
            raise EmbeddingError(f"provider {provider!r} is not configured")
        return cls(model, api_key=cfg.api_key, base_url=cfg.base_url)

    def _sdk(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.AsyncOpenAI(
                api_key=self.api_key or "unset", base_url=self.base_url, timeout=self.timeout_s, max_retries=2
            )
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client (call before the event loop ends)."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import openai

        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = list(texts[i : i + self.batch_size])
            try:
                resp = await self._sdk().embeddings.create(model=self.model, input=batch)
            except openai.OpenAIError as exc:
                raise EmbeddingError(
                    f"embedding request to {self.base_url or 'OpenAI'} failed: {exc}"
                ) from None
            ordered = sorted(resp.data, key=lambda d: d.index)
            if len(ordered) != len(batch):
                raise EmbeddingError(f"asked for {len(batch)} embeddings, got {len(ordered)}")
            out += [list(d.embedding) for d in ordered]
        return out


@dataclass
class VectorRecord:
    id: str
    vector: list[float]
    content: str
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


class VectorStore(Protocol):
    def upsert(self, records: Sequence[VectorRecord]) -> None: ...

    def search(self, vector: Sequence[float], limit: int) -> list[tuple[VectorRecord, float]]: ...

    def delete(self, ids: Sequence[str]) -> int: ...

    def __len__(self) -> int: ...


class InMemoryVectorStore:
    """Cosine similarity by brute force: fine for one workspace's worth of chunks."""

    def __init__(self) -> None:
        self._records: dict[str, tuple[VectorRecord, float]] = {}

    def upsert(self, records: Sequence[VectorRecord]) -> None:
        for r in records:
            self._records[r.id] = (r, _norm(r.vector))

    def search(self, vector: Sequence[float], limit: int) -> list[tuple[VectorRecord, float]]:
        qn = _norm(vector)
        if qn == 0:
            return []
        scored = []
        for record, n in self._records.values():
            if n and len(record.vector) == len(vector):
                dot = sum(a * b for a, b in zip(record.vector, vector, strict=True))
                scored.append((record, dot / (n * qn)))
        return sorted(scored, key=lambda p: -p[1])[:limit]

    def delete(self, ids: Sequence[str]) -> int:
        return sum(self._records.pop(i, None) is not None for i in ids)

    def __len__(self) -> int:
        return len(self._records)


class VectorContextProvider:
    """Documents are split in ~1500-character chunks, embedded once, and searched by meaning."""

    def __init__(
        self,
        embedder: EmbeddingProvider,
        store: VectorStore | None = None,
        *,
        name: str = "vector",
        min_similarity: float = 0.2,
    ) -> None:
        self.embedder = embedder
        self.store: VectorStore = store if store is not None else InMemoryVectorStore()
        self._name, self.min_similarity = name, min_similarity

    @property
    def name(self) -> str:
        return self._name

    async def add_document(self, doc_id: str, text: str, source: str = "", **metadata: Any) -> int:
        """Index ``text`` (replacing an earlier version of ``doc_id``); returns the chunk count."""
        chunks = [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)] or [""]
        vectors = await self.embedder.embed(chunks)
        self.store.upsert(
            [
                VectorRecord(f"{doc_id}#{n}", v, c, source or doc_id, dict(metadata))
                for n, (c, v) in enumerate(zip(chunks, vectors, strict=True))
            ]
        )
        return len(chunks)

    async def query(self, query: ContextQuery) -> list[ContextItem]:
        if not query.query.strip() or not len(self.store):
            return []
        [vector] = await self.embedder.embed([query.query])
        hits = self.store.search(vector, query.max_results)
        return [
            ContextItem(r.id, r.content, r.source, score, dict(r.metadata))
            for r, score in hits
            if score >= self.min_similarity
        ]


def _norm(vector: Sequence[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))
