"""Context providers: text relevant to the prompt, gathered in parallel and added to the system prompt."""

from __future__ import annotations

from .base import ContextItem, ContextProvider, ContextQuery, render
from .bm25 import Bm25, tokens
from .filesystem import FileSystemContextProvider
from .vector import (
    EmbeddingError,
    EmbeddingProvider,
    InMemoryVectorStore,
    OpenAiEmbeddingProvider,
    VectorContextProvider,
    VectorRecord,
    VectorStore,
)

__all__ = [
    "Bm25",
    "ContextItem",
    "ContextProvider",
    "ContextQuery",
    "EmbeddingError",
    "EmbeddingProvider",
    "FileSystemContextProvider",
    "InMemoryVectorStore",
    "OpenAiEmbeddingProvider",
    "VectorContextProvider",
    "VectorRecord",
    "VectorStore",
    "render",
    "tokens",
]
