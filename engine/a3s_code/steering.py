"""Steering a running turn: the user's words reach the model at its next call, and the turn goes on.

The idea and the name follow Codex's app-server ``turn/steer``. ``Session.steer(text)`` puts the text
in the session's ``SteerQueue``; the agent loop drains the queue before each model call (that is,
after the tool calls of the current round have all finished) and adds the texts to the conversation
as the user's words. A turn whose model answered without tool calls while a steer was waiting does
not end: the steer goes to the model in one more call.

Between the loop's last look at the queue and the end of the turn, a steer can no longer reach the
model; the queue keeps such texts, and ``Session.take_unsent_steers()`` hands them to the host to send
as the next prompt (the daemon does).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from .messages import Message, TextBlock

if TYPE_CHECKING:
    from .loop import TurnOutcome

__all__ = ["SteerQueue", "add_steers", "steered"]


class SteerQueue:
    """Texts waiting for the running turn's next model call; thread-safe (``Session.steer`` may be
    called from another thread than the one running the turn).

    Closed between turns: ``push`` then refuses, so a steer never lands in a turn that will not
    read it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._texts: list[str] = []
        self._open = False
        self._unsent: list[str] = []

    def open(self) -> None:
        """A turn starts (or its host is about to start one): accept steers."""
        with self._lock:
            self._open = True

    def push(self, text: str) -> bool:
        """Queue ``text`` for the next model call; False when no turn is reading the queue."""
        with self._lock:
            if not self._open:
                return False
            self._texts.append(text)
            return True

    def pending(self) -> bool:
        with self._lock:
            return bool(self._texts)

    def drain(self) -> list[str]:
        """The queued texts, oldest first, and an empty queue."""
        with self._lock:
            texts, self._texts = self._texts, []
            return texts

    def close(self, drop: bool = False) -> None:
        """The turn is over: refuse further steers; those that never reached the model are kept
        for ``take_unsent``, or dropped with ``drop`` (the user cancelled the turn)."""
        with self._lock:
            self._open = False
            if not drop:
                self._unsent += self._texts
            self._texts = []

    def take_unsent(self) -> list[str]:
        with self._lock:
            texts, self._unsent = self._unsent, []
            return texts


def add_steers(history: list[Message], texts: list[str]) -> None:
    """Append steer ``texts`` to ``history`` as the user's words, keeping roles alternating: they join
    a trailing user message (the round's tool results, which must come first in it) or start one.

    Each text is marked as said during the turn, so the model reads it as a correction of course,
    not a new task replacing the old one."""
    if not texts:
        return
    blocks = [TextBlock(text=f"[The user adds while you work:]\n{text}") for text in texts]
    last = history[-1] if history else None
    if last is not None and last.role == "user":
        history[-1] = Message(role="user", content=[*last.content, *blocks])
    else:
        history.append(Message(role="user", content=list(blocks)))


async def steered(queue: SteerQueue, turn: Awaitable[TurnOutcome | None]) -> TurnOutcome | None:
    """Run ``turn`` with ``queue`` open; what it did not read is kept for ``take_unsent`` (dropped
    when the turn was cancelled)."""
    queue.open()
    cancelled = False
    try:
        outcome = await turn
        cancelled = outcome is not None and outcome.stop_reason == "cancelled"
        return outcome
    finally:
        queue.close(drop=cancelled)
