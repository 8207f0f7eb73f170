"""One retry policy for both providers: backoff with jitter on 429, 5xx, overloaded and dropped connections."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from ..errors import LLMError
from .base import LLMStreamEvent


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_delay_s)
        backoff = self.base_delay_s * (2 ** (attempt - 1))
        return float(min(self.max_delay_s, backoff * (0.5 + random.random() / 2)))


async def stream_with_retries(
    open_stream: Callable[[], AsyncIterator[LLMStreamEvent]],
    policy: RetryPolicy,
    classify: Callable[[BaseException], tuple[LLMError, float | None] | None],
) -> AsyncIterator[LLMStreamEvent]:
    """Retry ``open_stream`` while it fails before yielding anything and the error is retryable.

    ``classify`` maps an SDK exception to our LLMError plus a retry-after hint, or None when the
    exception is not the SDK's (it then propagates unchanged).
    """
    attempt = 0
    while True:
        attempt += 1
        yielded = False
        try:
            async for event in open_stream():
                yielded = True
                yield event
            return
        except LLMError:
            raise
        except Exception as exc:
            mapped = classify(exc)
            if mapped is None:
                raise
            error, retry_after = mapped
            if yielded or not error.retryable or attempt > policy.max_retries:
                if attempt > 1 and error.retryable and not yielded:
                    raise LLMError(
                        f"{error} (gave up after {attempt} attempts)", status=error.status, retryable=True
                    ) from exc
                raise error from exc
            await asyncio.sleep(policy.delay(attempt, retry_after))
