"""First-byte and idle deadlines around one streamed request, cheap enough to check every event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

from ..errors import LLMTimeoutError
from .retry import Timeouts

T = TypeVar("T")


class Watchdog:
    """Bounds the waits of one streamed request (``Timeouts.first_byte_s``, then ``idle_s``).

    Only the time spent waiting on the provider counts: while the consumer handles an event the
    clock does not run against the server. One timer per request, re-armed lazily, instead of an
    ``asyncio.timeout`` per event; when it expires during a wait it cancels the task and the wait
    raises ``LLMTimeoutError`` (``limit`` = ``first_byte_timeout`` or ``idle_timeout``). A real
    cancellation arriving at the same moment still propagates as ``CancelledError``.
    """

    def __init__(self, timeouts: Timeouts, provider: str) -> None:
        self._timeouts = timeouts
        self._provider = provider
        self._loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None, "a Watchdog runs inside a task"
        self._task = task
        first = timeouts.first_byte_s
        self._deadline: float | None = self._loop.time() + first if first is not None else None
        self._first = True
        self._waiting = False
        self._fired = False
        self._handle: asyncio.TimerHandle | None = None

    async def start(self, request: Awaitable[T]) -> T:
        """Await the request itself (connect, send, response headers): the first-byte window."""
        return await self._wait(request)

    async def events(self, stream: AsyncIterator[T]) -> AsyncIterator[T]:
        """The stream's events; the first within the first-byte window, then each within ``idle_s``."""
        iterator = stream.__aiter__()
        while True:
            try:
                event = await self._wait(iterator.__anext__())
            except StopAsyncIteration:
                return
            if self._first:
                self._first = False
            yield event
            idle = self._timeouts.idle_s
            self._deadline = self._loop.time() + idle if idle is not None else None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    async def _wait(self, awaitable: Awaitable[T]) -> T:
        deadline = self._deadline
        if deadline is not None and (self._handle is None or self._handle.when() > deadline):
            if self._handle is not None:
                self._handle.cancel()
            self._handle = self._loop.call_at(deadline, self._check)
        self._waiting = True
        try:
            return await awaitable
        except asyncio.CancelledError:
            if self._fired:
                self._fired = False
                if self._task.uncancel() == 0:
                    raise self._error() from None
            raise
        finally:
            self._waiting = False

    def _check(self) -> None:
        self._handle = None
        deadline = self._deadline
        if not self._waiting or deadline is None:
            return
        if self._loop.time() < deadline:
            self._handle = self._loop.call_at(deadline, self._check)
            return
        self._fired = True
        self._task.cancel()

    def _error(self) -> LLMTimeoutError:
        if self._first:
            seconds = self._timeouts.first_byte_s
            return LLMTimeoutError(
                f"{self._provider} sent no response for {seconds:g}s after the request (first_byte_timeout)",
                retryable=True,
                limit="first_byte_timeout",
            )
        return LLMTimeoutError(
            f"{self._provider}'s stream stalled: no event for {self._timeouts.idle_s:g}s (idle_timeout)",
            retryable=True,
            limit="idle_timeout",
        )
