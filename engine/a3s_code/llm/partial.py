"""What a response cancelled mid-stream cost: the provider's report so far, else an estimate.

A request the user stops (Ctrl+C, ``a3s/session/cancel``) was still billed for its input and for
every token the model produced before the connection closed. Anthropic reports input tokens at
``message_start`` and output tokens at ``message_delta`` (``LLMUsageSoFar``); OpenAI's APIs report
usage only in their last chunk. Where the provider has not said, the count is estimated at four
characters a token (the rule of thumb OpenAI and Anthropic both publish, and what
``compaction.estimate_tokens`` uses), from the request for input and from the streamed deltas for
output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..messages import Usage
from .base import LLMRequest, LLMStreamEvent, LLMTextDelta, LLMThinkingDelta, LLMToolCallStart, LLMUsageSoFar

CHARS_PER_TOKEN = 4


@dataclass
class PartialUsage:
    """Fed every event of one model call; ``spent()`` is its usage if it ends before its response."""

    request: LLMRequest
    reported: Usage | None = None
    streamed_chars: int = 0
    started: bool = False
    """Some output or report arrived: the provider accepted the request and was working on it."""
    _calls: list[str] = field(default_factory=list)

    def see(self, event: LLMStreamEvent) -> None:
        if isinstance(event, LLMUsageSoFar):
            self.reported, self.started = event.usage, True
        elif isinstance(event, (LLMTextDelta, LLMThinkingDelta)):
            self.streamed_chars += len(event.text)
            self.started = True
        elif isinstance(event, LLMToolCallStart):
            self._calls.append(event.name)
            self.started = True

    def spent(self) -> Usage:
        """The tokens this call was billed so far: zero when the provider had not started on it.

        Input: the provider's report, else the request's size / 4. Output: the larger of the report
        and the streamed characters / 4 (rounded up), plus a token per tool call begun."""
        if not self.started:
            return Usage()
        reported = self.reported or Usage()
        output = -(-self.streamed_chars // CHARS_PER_TOKEN) + len(self._calls)
        usage = reported.model_copy(update={"output_tokens": max(reported.output_tokens, output)})
        if self.reported is None:
            usage = usage.model_copy(update={"input_tokens": _request_tokens(self.request)})
        return usage


def _request_tokens(request: LLMRequest) -> int:
    chars = len(request.system) + sum(len(m.model_dump_json()) for m in request.messages)
    chars += sum(len(t.model_dump_json()) for t in request.tools)
    return max(1, chars // CHARS_PER_TOKEN)
