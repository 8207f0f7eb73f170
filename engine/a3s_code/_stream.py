"""Turn a coroutine that reports events through a callback into an async iterator of those events.

Sessions and team runs both work this way: the producer runs as its own task, so an early ``break``
in the consumer cancels it, and its exception (if any) surfaces after the last event.

The producer runs ahead of the consumer (events wait in a queue), so a host that speaks to the user
directly from inside the turn (a confirmation prompt) first awaits ``events_delivered()``: the
consumer has then handled every event emitted before, and the question appears after the text and
tool line that led to it, not before them.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

E = TypeVar("E")
R = TypeVar("R")


class _Delivery:
    """Counts events emitted and events the consumer has finished with."""

    def __init__(self) -> None:
        self.emitted = 0
        self.handled = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    def done_with_one(self) -> None:
        self.handled += 1
        for target, future in list(self._waiters):
            if self.handled >= target and not future.done():
                future.set_result(None)
        self._waiters = [(t, f) for t, f in self._waiters if not f.done()]

    async def caught_up(self) -> None:
        if self.handled >= self.emitted:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((self.emitted, future))
        await future


_current: contextvars.ContextVar[_Delivery | None] = contextvars.ContextVar(
    "a3s_stream_delivery", default=None
)


async def events_delivered() -> None:
    """Wait until the consumer of the current turn's events has handled every event emitted so far.

    A no-op outside a streamed turn. Call it from the producer's side (a ConfirmationProvider)."""
    delivery = _current.get()
    if delivery is not None:
        await delivery.caught_up()


async def stream_events(
    produce: Callable[[Callable[[E], None]], Coroutine[Any, Any, R]],
    started: Callable[[asyncio.Task[R]], None] | None = None,
) -> AsyncIterator[E]:
    """Yield what ``produce`` emits until it returns; ``started`` sees the task (to cancel it later)."""
    queue: asyncio.Queue[E | None] = asyncio.Queue()
    delivery = _Delivery()

    def emit(event: E) -> None:
        delivery.emitted += 1
        queue.put_nowait(event)

    token = _current.set(delivery)
    try:
        task = asyncio.create_task(produce(emit))  # the task's context keeps ``delivery``
    finally:
        _current.reset(token)
    task.add_done_callback(lambda _t: queue.put_nowait(None))
    if started is not None:
        started(task)
    try:
        while (event := await queue.get()) is not None:
            yield event
            delivery.done_with_one()
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        elif not task.cancelled() and (error := task.exception()) is not None:
            raise error
