"""One retry policy for every provider: backoff with jitter on 429, 5xx, overloaded, dropped
connections and timeouts, bounded by a count and by a time budget per turn."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from ..errors import LLMError
from .base import LLMRetrying, LLMStreamEvent, RetryClock


@dataclass(frozen=True)
class Timeouts:
    """How long one request may wait, in seconds; None disables a limit.

    - ``connect_s``: opening the TCP (and TLS) connection.
    - ``first_byte_s``: from sending the request to the first streamed event (headers alone do
      not count: a server that answers 200 and then says nothing is still silent).
    - ``idle_s``: between two streamed events once the stream has started. Keep-alive comments
      are not events, so a server that trickles them forever still ends here.
    """

    connect_s: float | None = 10.0
    first_byte_s: float | None = 120.0
    idle_s: float | None = 120.0


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` per request, and ``budget_s``: the seconds one turn may lose to failed
    requests and backoff waits before it gives up (None: no time budget)."""

    max_retries: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    budget_s: float | None = 300.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_delay_s)
        backoff = self.base_delay_s * (2 ** (attempt - 1))
        return float(min(self.max_delay_s, backoff * (0.5 + random.random() / 2)))


Classify = Callable[[BaseException], tuple[LLMError, float | None] | None]


async def stream_with_retries(
    open_stream: Callable[[], AsyncIterator[LLMStreamEvent]],
    policy: RetryPolicy,
    classify: Classify,
    clock: RetryClock | None = None,
) -> AsyncIterator[LLMStreamEvent]:
    """Retry ``open_stream`` while it fails before yielding output and the error is retryable.

    ``classify`` maps an SDK exception to our LLMError plus a retry-after hint, or None when the
    exception is not the SDK's (it then propagates unchanged). Each retry is announced with an
    ``LLMRetrying`` event. The failed attempts' time and the waits are charged to ``clock``; the
    error that ends the request names the limit that stopped it (``limit``: ``max_retries``,
    ``retry_budget``, or the timeout of the last attempt).
    """
    clock = clock if clock is not None else RetryClock()
    attempt = 0
    while True:
        attempt += 1
        produced = False
        started = time.monotonic()
        try:
            async for event in open_stream():
                produced = True
                yield event
            return
        except Exception as exc:
            if isinstance(exc, LLMError):
                error, retry_after = exc, None
            else:
                mapped = classify(exc)
                if mapped is None:
                    raise
                error, retry_after = mapped
            clock.spent_s += time.monotonic() - started
            if produced or not error.retryable:
                if error is exc:
                    raise
                raise error from exc
            if attempt > policy.max_retries:
                raise _gave_up(
                    error, f"{attempt} attempts (max_retries = {policy.max_retries})", "max_retries"
                ) from exc
            wait = policy.delay(attempt, retry_after)
            budget = policy.budget_s
            if budget is not None and clock.spent_s + wait > budget:
                why = (
                    f"{attempt} attempt(s): the retry budget of {budget:g}s per turn is used up "
                    f"({clock.spent_s:.1f}s lost to failed requests; retry_budget)"
                )
                raise _gave_up(error, why, "retry_budget") from exc
        yield LLMRetrying(attempt=attempt, delay_s=wait, error=str(error))
        await asyncio.sleep(wait)
        clock.spent_s += wait


def _gave_up(error: LLMError, why: str, limit: str) -> LLMError:
    """The last attempt's error, saying why no more attempts follow; a timeout keeps its own limit."""
    named = error.limit or limit
    return type(error)(f"{error} (gave up after {why})", status=error.status, retryable=True, limit=named)
