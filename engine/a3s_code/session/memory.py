"""``session.memory``: what the agent remembers across sessions, seen from one session.

Before each turn the memories most like the prompt are recalled into the system prompt
(``MemoryRecalled`` events); after a turn that ended (``end_turn``) or failed (``error``) it is
remembered as a success or a failure (``MemoryStored``). Off (``agent_memory`` None) unless the
config has a ``memory`` block or ``SessionOptions.with_file_memory`` / ``with_memory_store`` set one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import A3SError
from ..events import AgentEvent, MemoryRecalled, MemoryStored

if TYPE_CHECKING:
    from ..loop import TurnOutcome
    from ..memory import AgentMemory, MemoryItem

Emit = Callable[[AgentEvent], None]
RECALL_LIMIT = 5
"""Memories recalled into each turn's prompt."""


class SessionMemory:
    """The seed's memory methods; each raises ``A3SError`` when memory is off."""

    def __init__(self, agent_memory: AgentMemory | None, session_id: str) -> None:
        self.agent_memory = agent_memory
        """The memory shared by the agent's sessions (None: memory is off)."""
        self._session_id = session_id

    @property
    def enabled(self) -> bool:
        return self.agent_memory is not None

    def _require(self) -> AgentMemory:
        if self.agent_memory is None:
            raise A3SError(
                "memory is off: use SessionOptions.with_file_memory(dir) or a memory block in the config"
            )
        return self.agent_memory

    def remember_success(self, task: str, tools: list[str], result: str) -> MemoryItem:
        return self._require().remember_success(task, tools, result, session_id=self._session_id)

    def remember_failure(self, task: str, error: str, tools: list[str]) -> MemoryItem:
        return self._require().remember_failure(task, error, tools, session_id=self._session_id)

    def recall_similar(self, query: str, limit: int = 5) -> list[MemoryItem]:
        return self._require().recall_similar(query, limit)

    def recall_by_tags(self, tags: list[str], limit: int = 10) -> list[MemoryItem]:
        return self._require().recall_by_tags(tags, limit)

    def recent(self, limit: int = 10) -> list[MemoryItem]:
        return self._require().recent(limit)

    def stats(self) -> dict[str, int]:
        return self._require().stats()

    async def recall_for_turn(self, prompt: str, emit: Emit) -> str | None:
        """The prompt section of the memories like ``prompt`` (None: off or nothing alike)."""
        if self.agent_memory is None:
            return None
        recalled = await asyncio.to_thread(self.agent_memory.recall_similar, prompt, RECALL_LIMIT)
        if not recalled:
            return None
        from ..memory import render

        for item in recalled:
            emit(MemoryRecalled(memory_id=item.id, content=item.content))
        return render(recalled)

    def record_turn(self, prompt: str, outcome: TurnOutcome, emit: Emit) -> None:
        """Remember how the turn went (only turns that ended or failed; cancelled ones are not)."""
        if self.agent_memory is None or outcome.stop_reason not in ("end_turn", "error"):
            return
        tools = sorted({c.name for c in outcome.tool_calls})
        if outcome.stop_reason == "end_turn":
            item = self.agent_memory.remember_success(
                prompt, tools, outcome.text[:500], session_id=self._session_id
            )
        else:
            item = self.agent_memory.remember_failure(
                prompt, outcome.error or "error", tools, session_id=self._session_id
            )
        emit(MemoryStored(memory_id=item.id, kind=item.kind, content=item.content))
