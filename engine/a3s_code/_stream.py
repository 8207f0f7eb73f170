"""Turn a coroutine that reports events through a callback into an async iterator of those events.

Sessions and team runs both work this way: the producer runs as its own task, so an early ``break``
in the consumer cancels it, and its exception (if any) surfaces after the last event.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

E = TypeVar("E")
R = TypeVar("R")


async def stream_events(
    produce: Callable[[Callable[[E], None]], Coroutine[Any, Any, R]],
    started: Callable[[asyncio.Task[R]], None] | None = None,
) -> AsyncIterator[E]:
    """Yield what ``produce`` emits until it returns; ``started`` sees the task (to cancel it later)."""
    queue: asyncio.Queue[E | None] = asyncio.Queue()
    task = asyncio.create_task(produce(queue.put_nowait))
    task.add_done_callback(lambda _t: queue.put_nowait(None))
    if started is not None:
        started(task)
    try:
        while (event := await queue.get()) is not None:
            yield event
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        elif not task.cancelled() and (error := task.exception()) is not None:
            raise error
