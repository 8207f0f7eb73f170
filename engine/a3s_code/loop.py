"""The agent loop: ask the model, hand the tools it calls to the pipeline, feed results back, until it answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import A3SError, CircuitOpenError, LLMError
from .events import (
    AgentEvent,
    ErrorEvent,
    TextDelta,
    ThinkingDelta,
    ToolEnd,
    ToolStart,
    UsageEvent,
)
from .hooks import HookEngine, HookExecutor
from .llm.base import (
    LLMClient,
    LLMRequest,
    LLMResponse,
    LLMRetrying,
    LLMTextDelta,
    LLMThinkingDelta,
    RetryClock,
    ToolSpec,
)
from .llm.partial import PartialUsage
from .messages import ImageBlock, Message, TextBlock, ToolResultBlock, ToolUseBlock, Usage
from .pipeline import CallResult, ToolCall, ToolPipeline
from .pricing import ModelPricing
from .queue import SessionLaneQueue
from .queue.scheduler import run_in_slot
from .recovery import CircuitBreaker
from .steering import SteerQueue, add_steers
from .tools.registry import ToolRegistry

StopReason = Literal["end_turn", "max_tool_rounds", "cancelled", "error"]
log = logging.getLogger("a3s_code.loop")


@dataclass
class ToolCallRecord:
    id: str
    name: str
    args: dict[str, Any]
    output: str
    exit_code: int


@dataclass
class LoopSettings:
    model_id: str
    max_tool_rounds: int = 50
    max_parse_retries: int = 2
    thinking_budget: int | None = None
    temperature: float | None = None
    max_tokens: int = 8192


@dataclass
class TurnOutcome:
    text: str
    stop_reason: StopReason
    usage: Usage
    cost_usd: float
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    error: str | None = None
    last_input_tokens: int = 0
    """Prompt size of the turn's last model call (what auto-compaction compares to the context limit)."""


class TurnAborted(A3SError):
    """Ends the turn with an error the user sees (parse retries exhausted, circuit open...)."""


class AgentLoop:
    """One turn's control flow; the session owns the state it mutates (history, usage).

    Tool calls go to the session's ``ToolPipeline``, which decides and runs them; the loop only
    groups consecutive query-lane calls so they run together, and answers malformed calls.
    """

    def __init__(
        self,
        *,
        session_id: str,
        llm: LLMClient,
        tools: ToolRegistry,
        tool_specs: list[ToolSpec],
        pipeline: ToolPipeline,
        system_prompt: str,
        history: list[Message],
        settings: LoopSettings,
        emit: Callable[[AgentEvent], None],
        breaker: CircuitBreaker,
        pricing: ModelPricing | None,
        hooks: HookExecutor | None = None,
        tool_filter: Callable[[list[ToolSpec], list[Message]], list[ToolSpec]] | None = None,
        queue: SessionLaneQueue | None = None,
        steer: SteerQueue | None = None,
    ) -> None:
        self.session_id = session_id
        self.llm = llm
        self.tools = tools
        self.tool_specs = tool_specs
        self.pipeline = pipeline
        self.system_prompt = system_prompt
        self.history = history
        self.settings = settings
        self.emit = emit
        self.breaker = breaker
        self.pricing = pricing
        self.hooks: HookExecutor = hooks if hooks is not None else HookEngine()
        self.tool_filter = tool_filter
        """Tool search: picks the specs for each request from the history (``ToolSelector.for_turn``)."""
        self.queue = queue
        """Model calls take a slot in the generate lane; None calls the model directly."""
        self.steer = steer
        """The user's words for the running turn, added before each model call (``steering``)."""
        self.usage = Usage()
        self.cost = 0.0
        self.calls: list[ToolCallRecord] = []
        self.last_input_tokens = 0

    async def run(self, prompt: str, images: list[ImageBlock] | None = None) -> TurnOutcome:
        """Run the turn to its end; never raises but for cancellation (every failure is an outcome)."""
        self.history.append(Message.user(self.pipeline.shield.prompt(prompt), images))
        parse_failures = 0
        rounds = 0
        try:
            while True:
                response = await self._call_llm()
                self.history.append(response.message)
                uses = response.message.tool_uses()
                if not uses and not (self.steer is not None and self.steer.pending()):
                    return self._outcome(response.message.text(), "end_turn")
                if not uses:
                    continue  # a steer arrived while the model answered: it gets one more call
                if rounds >= self.settings.max_tool_rounds:
                    self._answer_unrun(uses, f"not run: max tool rounds ({rounds}) reached")
                    msg = f"Max tool rounds ({self.settings.max_tool_rounds}) exceeded"
                    self.emit(ErrorEvent(message=msg, code="max_tool_rounds", recoverable=True))
                    return self._outcome(response.message.text(), "max_tool_rounds", msg)
                rounds += 1
                results, parse_failures = await self._run_calls(uses, parse_failures)
                self.history.append(Message(role="user", content=list(results)))
        except asyncio.CancelledError:
            repair_history(self.history, "cancelled by the user")
            raise
        except (LLMError, TurnAborted) as exc:
            return await self._fail(f"{exc}", exc.code, f"turn failed: {exc}")
        except Exception as exc:  # a bug or an SDK surprise ends the turn, never the session
            log.exception("turn failed with an unexpected error")
            return await self._fail(
                f"{type(exc).__name__}: {exc}", "internal_error", "turn failed: internal error"
            )

    async def _fail(self, message: str, code: str, why: str) -> TurnOutcome:
        repair_history(self.history, why)
        await self.hooks.fire("on_error", {"error": message, "code": code})
        self.emit(ErrorEvent(message=message, code=code))
        return self._outcome("", "error", message)

    # -- LLM -----------------------------------------------------------------------------------

    async def _call_llm(self) -> LLMResponse:
        if self.steer is not None:
            add_steers(self.history, self.steer.drain())
        # Built from typed fields: validating would walk (and copy) the whole history every round.
        request = LLMRequest.model_construct(
            model=self.settings.model_id,
            system=self.system_prompt,
            messages=list(self.history),
            tools=self._request_tools(),
            max_tokens=self.settings.max_tokens,
            thinking_budget=self.settings.thinking_budget,
            temperature=self.settings.temperature,
            retry_clock=self._llm_retry_clock(),
        )
        await self.hooks.fire(
            "generate_start", {"model": self.settings.model_id, "messages": len(self.history)}
        )
        if self.queue is None:
            response = await self._call_llm_with_retries(request)
        else:
            response = await run_in_slot(
                self.queue.slots, "generate", "llm", lambda: self._call_llm_with_retries(request)
            )
        await self.hooks.fire(
            "generate_end",
            {
                "model": self.settings.model_id,
                "text": response.message.text(),
                "usage": response.usage.model_dump(),
            },
        )
        return response

    def _llm_retry_clock(self) -> RetryClock:
        """One per turn (a loop runs one turn), so the provider's retry budget bounds the turn."""
        clock: RetryClock | None = getattr(self, "_retry_clock", None)
        if clock is None:
            clock = self._retry_clock = RetryClock()
        return clock

    def _request_tools(self) -> list[ToolSpec]:
        """Asked before every model call, so tools loaded mid-turn (``tool_search``) are sent next."""
        if self.tool_filter is None:
            return self.tool_specs
        return self.tool_filter(self.tool_specs, self.history)

    async def _call_llm_with_retries(self, request: LLMRequest) -> LLMResponse:
        """One model call. The client retries transient failures itself (each announced here as a
        recoverable error event) within the provider's ``max_retries`` and per-turn retry budget;
        the circuit breaker counts the calls that failed for good."""
        if self.breaker.is_open():
            raise CircuitOpenError(
                f"LLM circuit breaker is open after {self.breaker.failures} consecutive failures; "
                f"calls resume after {self.breaker.cooldown_s:.0f}s"
            )
        partial = PartialUsage(request)
        try:
            response: LLMResponse | None = None
            async for ev in self.llm.stream(request):
                partial.see(ev)
                if isinstance(ev, LLMTextDelta):
                    self.emit(TextDelta(text=ev.text))
                elif isinstance(ev, LLMThinkingDelta):
                    self.emit(ThinkingDelta(text=ev.text))
                elif isinstance(ev, LLMRetrying):
                    message = (
                        f"LLM call failed, retrying in {ev.delay_s:.1f}s (attempt {ev.attempt}): {ev.error}"
                    )
                    self.emit(ErrorEvent(message=message, code="llm_retry", recoverable=True))
                elif isinstance(ev, LLMResponse):
                    response = ev
            if response is None:
                raise LLMError("the model's stream ended without a final message")
        except asyncio.CancelledError:
            spent = partial.spent()  # a cancelled response was still billed for what it streamed
            if spent.input_tokens or spent.output_tokens:
                self._account(spent)
            raise
        except LLMError as exc:
            if self.breaker.record_failure():
                raise CircuitOpenError(
                    f"LLM circuit breaker triggered after {self.breaker.failures} failed call(s): {exc}",
                    limit=exc.limit,
                ) from exc
            raise
        self.breaker.record_success()
        self._account(response.usage)
        return response

    def _account(self, usage: Usage) -> None:
        self.last_input_tokens = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
        self.usage = self.usage + usage
        cost = self.pricing.cost(usage) if self.pricing else 0.0
        self.cost += cost
        self.emit(UsageEvent(usage=usage, cost_usd=cost, model=self.settings.model_id))

    # -- tools ---------------------------------------------------------------------------------

    async def _run_calls(
        self, uses: list[ToolUseBlock], parse_failures: int
    ) -> tuple[list[ToolResultBlock], int]:
        """One round's calls in order; consecutive query-lane calls run together (bounded by the lane)."""
        results: list[ToolResultBlock] = []
        group: list[ToolUseBlock] = []
        for use in uses:
            if "__parse_error" in use.input:
                results += await self._run_group(group)
                group = []
                parse_failures += 1
                results.append(self._parse_error_result(use))
                if parse_failures > self.settings.max_parse_retries:
                    self.history.append(Message(role="user", content=list(results)))
                    self._answer_unrun(uses[len(results) :], "not run")
                    raise TurnAborted(
                        f"The model sent malformed tool arguments {parse_failures} times in a row; "
                        "giving up on this turn"
                    )
                continue
            parse_failures = 0
            if self.pipeline.lane_of(use.name) == "query":
                group.append(use)
                continue
            results += await self._run_group(group)
            group = []
            results.append(await self._run_tool(use))
        results += await self._run_group(group)
        return results, parse_failures

    async def _run_group(self, uses: list[ToolUseBlock]) -> list[ToolResultBlock]:
        if len(uses) <= 1:
            return [await self._run_tool(u) for u in uses]
        return list(await asyncio.gather(*(self._run_tool(u) for u in uses)))

    async def _run_tool(self, use: ToolUseBlock) -> ToolResultBlock:
        done = await self.pipeline.run(ToolCall(use.id, use.name, use.input), self.emit, on_call=self._record)
        return done.block()

    def _record(self, done: CallResult) -> None:
        self.calls.append(
            ToolCallRecord(done.call.id, done.call.name, done.call.args, done.output, done.code)
        )

    def _parse_error_result(self, use: ToolUseBlock) -> ToolResultBlock:
        detail = use.input.get("__parse_error", "invalid JSON")
        msg = (
            f"Error: the arguments for tool '{use.name}' were not valid JSON ({detail}). "
            "Send the call again with valid JSON arguments."
        )
        self.emit(ToolStart(tool_id=use.id, tool_name=use.name, args={}))
        self.emit(ToolEnd(tool_id=use.id, tool_name=use.name, output=msg, exit_code=1))
        self.calls.append(ToolCallRecord(use.id, use.name, {}, msg, 1))
        return ToolResultBlock(tool_use_id=use.id, content=msg, is_error=True)

    # -- helpers -------------------------------------------------------------------------------

    def _answer_unrun(self, uses: list[ToolUseBlock], why: str) -> None:
        answer_unrun(self.history, uses, why)

    def _outcome(self, text: str, stop: StopReason, error: str | None = None) -> TurnOutcome:
        return TurnOutcome(text, stop, self.usage, self.cost, self.calls, error, self.last_input_tokens)


def answer_unrun(history: list[Message], uses: list[ToolUseBlock], why: str) -> None:
    """Answer tool calls that will not run, so every call in the history has its result."""
    if uses:
        blocks = [ToolResultBlock(tool_use_id=u.id, content=why, is_error=True) for u in uses]
        history.append(Message(role="user", content=list(blocks)))


def repair_history(history: list[Message], why: str) -> None:
    """Keep the history valid for the next turn: every tool call answered, roles alternating."""
    last = history[-1] if history else None
    if last is not None and last.role == "assistant" and last.tool_uses():
        answer_unrun(history, last.tool_uses(), f"not run: {why}")
        last = history[-1]
    if last is not None and last.role == "user":
        history.append(Message(role="assistant", content=[TextBlock(text=f"[{why}]")]))
