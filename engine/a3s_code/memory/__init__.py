"""Agent memory: working, short-term and long-term tiers; past experience recalled into the prompt."""

from __future__ import annotations

from .agent_memory import AgentMemory, render
from .store import FileMemoryStore, InMemoryStore, MemoryItem, MemoryKind, MemoryStore

__all__ = [
    "AgentMemory",
    "FileMemoryStore",
    "InMemoryStore",
    "MemoryItem",
    "MemoryKind",
    "MemoryStore",
    "render",
]
