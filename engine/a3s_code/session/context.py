"""``session.context``: the context providers asked before each turn (``ContextProvider``).

All providers are queried in parallel with the prompt, each within ``CONTEXT_TIMEOUT_S``; a
provider that fails or times out is a recoverable ``context_error`` event and the others still
count. Their items, most relevant first, become the turn's ``context`` prompt section.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import A3SError
from ..events import AgentEvent, ContextResolved, ContextResolving, ErrorEvent

if TYPE_CHECKING:
    from ..context import ContextItem, ContextProvider
    from ..context.vector import VectorContextProvider

log = logging.getLogger("a3s_code.session")
Emit = Callable[[AgentEvent], None]
CONTEXT_TIMEOUT_S = 10.0


class SessionContext:
    def __init__(self, providers: list[ContextProvider], session_id: str) -> None:
        self.providers = providers
        """Queried in this order; appendable between turns."""
        self._session_id = session_id

    @property
    def vector(self) -> VectorContextProvider:
        """The retrieval-by-meaning provider ``with_embedding_provider`` / ``with_vector_store`` added:
        ``await session.context.vector.add_document(id, text)``. Raises ``A3SError`` when there is none."""
        from ..context.vector import VectorContextProvider

        for provider in self.providers:
            if isinstance(provider, VectorContextProvider):
                return provider
        raise A3SError("no vector context: use SessionOptions.with_embedding_provider or with_vector_store")

    async def resolve(self, prompt: str, emit: Emit) -> str | None:
        """The turn's ``context`` prompt section (None: no provider, or no item)."""
        if not self.providers:
            return None
        from ..context import ContextQuery, render

        names = [str(getattr(p, "name", type(p).__name__)) for p in self.providers]
        emit(ContextResolving(providers=names))
        query = ContextQuery(prompt, session_id=self._session_id)

        async def ask(provider: ContextProvider) -> list[ContextItem]:
            async with asyncio.timeout(CONTEXT_TIMEOUT_S):
                return list(await provider.query(query))

        answers = await asyncio.gather(*(ask(p) for p in self.providers), return_exceptions=True)
        items: list[ContextItem] = []
        for name, answer in zip(names, answers, strict=True):
            if isinstance(answer, BaseException):
                emit(
                    ErrorEvent(
                        message=f"context provider '{name}' failed: {answer!r}",
                        code="context_error",
                        recoverable=True,
                    )
                )
            else:
                items += answer
        items.sort(key=lambda i: -i.relevance)
        emit(ContextResolved(total_items=len(items), total_tokens=sum(i.token_count for i in items)))
        return render(items) if items else None

    async def turn_complete(self, prompt: str, answer: str) -> None:
        """Tell providers with an ``on_turn_complete(session_id, prompt, answer)`` how the turn ended;
        one that fails is logged (a provider's bookkeeping never fails the turn)."""
        for provider in self.providers:
            hook = getattr(provider, "on_turn_complete", None)
            if hook is not None:
                try:
                    await hook(self._session_id, prompt, answer)
                except Exception as exc:
                    log.warning("context provider on_turn_complete failed: %r", exc)
