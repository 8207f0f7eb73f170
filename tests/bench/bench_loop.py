"""Harness overhead per tool round, with a zero-latency fake LLM.

Measured from the moment the client has the model's complete tool call to the moment the next
request reaches the server: tool execution, result shaping, history, and re-sending, for read,
grep and edit. Run: ``.venv/bin/python -m tests.bench.bench_loop``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from a3s_code import Agent, SessionOptions
from a3s_code.llm.base import LLMClient, LLMRequest, LLMResponse, LLMStreamEvent
from tests.fakellm import FakeLLM, Turn

ROUNDS = 60


class Stamped:
    """Wraps the real client to note when each complete response arrived."""

    def __init__(self, inner: LLMClient) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.received: list[float] = []

    async def _stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        async for event in self.inner.stream(request):
            if isinstance(event, LLMResponse):
                self.received.append(time.perf_counter())
            yield event

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        return self._stream(request)


def workspace(root: Path) -> None:
    for i in range(200):
        (root / f"mod_{i}.py").write_text("".join(f"def f{j}(x):\n    return x + {j}\n" for j in range(50)))
    (root / "target.py").write_text("value = 0\n")


def calls(tool: str) -> list[dict[str, Any]]:
    if tool == "read":
        return [{"file_path": f"mod_{i % 200}.py"} for i in range(ROUNDS)]
    if tool == "grep":
        return [{"pattern": f"return x \\+ {i % 50}$"} for i in range(ROUNDS)]
    return [
        {"file_path": "target.py", "old_string": f"value = {i}", "new_string": f"value = {i + 1}"}
        for i in range(ROUNDS)
    ]


async def measure(tool: str, provider: str) -> tuple[list[float], list[float]]:
    fake = FakeLLM()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        workspace(root)
        fake.add(*[Turn.tool_call(tool, args) for args in calls(tool)], Turn.text("done"))
        model = "claude-sonnet-4-20250514" if provider == "anthropic" else "gpt-4o"
        session = Agent(fake.config(provider, model)).session(
            root, SessionOptions(max_tool_rounds=ROUNDS + 1)
        )
        stamped = Stamped(session.llm())
        session._llm = stamped
        tool_ms: list[float] = []
        run = session.tools.run

        async def timed(tool: Any, params: Any, ctx: Any) -> Any:
            start = time.perf_counter()
            try:
                return await run(tool, params, ctx)
            finally:
                tool_ms.append((time.perf_counter() - start) * 1000)

        session.tools.run = timed  # type: ignore[method-assign]
        result = await session.send_async("go")
        assert result.stop_reason == "end_turn", result
        assert all(c.exit_code == 0 for c in result.tool_calls), [
            c.output for c in result.tool_calls if c.exit_code
        ]
    await fake.stop()
    # response i was answered by request i+1
    total = [(fake.arrivals[i + 1] - stamped.received[i]) * 1000 for i in range(ROUNDS)]
    return total, tool_ms


async def main() -> None:
    print(
        "| provider | tool | rounds | round median ms | round p90 ms | tool itself median ms | harness median ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for provider in ("anthropic", "openai"):
        for tool in ("read", "grep", "edit"):
            total, tool_ms = await measure(tool, provider)
            rounds = sorted(total[5:])  # drop warm-up rounds
            harness = [t - x for t, x in zip(total[5:], tool_ms[5:], strict=True)]
            p90 = rounds[int(len(rounds) * 0.9)]
            print(
                f"| {provider} | {tool} | {len(rounds)} | {statistics.median(rounds):.2f} | {p90:.2f} "
                f"| {statistics.median(tool_ms[5:]):.2f} | {statistics.median(harness):.2f} |"
            )


if __name__ == "__main__":
    asyncio.run(main())
