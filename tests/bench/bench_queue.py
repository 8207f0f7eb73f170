"""The lane queue: what a slot costs per tool call, and what parallel query calls save.

1. Overhead: ``session.tool_async("read", ...)`` (permission check, lane slot, metrics) against
   ``tools.execute`` (the tool alone, the path before the queue), alternating blocks of calls.
2. A model response asking for 8 ``web_fetch`` calls against a local server that answers after
   100 ms: the turn's wall time with ``query_max_concurrency`` 1 (one at a time, as before the
   queue), 4 and 8.

Run: ``.venv/bin/python -m tests.bench.bench_queue``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiohttp import web

from a3s_code import Agent, SessionOptions
from tests.fakellm import FakeLLM, Turn

CALLS = 2000
BLOCK = 100
FETCHES = 8
LATENCY_S = 0.1


async def overhead(fake: FakeLLM, root: Path) -> tuple[float, float]:
    (root / "a.txt").write_text("alpha\n" * 50)
    session = Agent(fake.config()).session(root, SessionOptions())
    ctx = session.tool_context()
    args = {"file_path": "a.txt"}
    queued: list[float] = []
    direct: list[float] = []
    for block in range(CALLS // BLOCK):
        for _ in range(BLOCK):
            start = time.perf_counter()
            if block % 2:
                await session.tool_async("read", args)
                queued.append(time.perf_counter() - start)
            else:
                await session.tools.execute("read", args, ctx)
                direct.append(time.perf_counter() - start)
    return statistics.median(direct) * 1e6, statistics.median(queued) * 1e6


async def slow_page(_request: web.Request) -> web.Response:
    await asyncio.sleep(LATENCY_S)
    return web.Response(text="<html><body><p>slow page</p></body></html>", content_type="text/html")


async def fan_out(fake: FakeLLM, root: Path, concurrency: int, url: str) -> float:
    hcl = f"queue {{\n  query_max_concurrency = {concurrency}\n}}\n"
    calls = [("web_fetch", {"url": f"{url}/page/{i}"}) for i in range(FETCHES)]
    fake.add(Turn.tool_calls(*calls), Turn.text("read them all"))
    session = Agent(fake.config(extra=hcl)).session(root, SessionOptions())
    start = time.perf_counter()
    result = await session.send_async("fetch the pages")
    elapsed = time.perf_counter() - start
    assert result.stop_reason == "end_turn" and all(c.exit_code == 0 for c in result.tool_calls), result
    return elapsed * 1000


async def main() -> None:
    fake = FakeLLM()
    await fake.start()
    app = web.Application()
    app.router.add_get("/page/{n}", slow_page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            direct_us, queued_us = await overhead(fake, Path(tmp))
            print("| read, per call | median µs |")
            print("|---|---:|")
            print(f"| `tools.execute` (no queue) | {direct_us:.0f} |")
            print(f"| `session.tool_async` (permission check + lane slot) | {queued_us:.0f} |")
            print(f"\nqueue path / direct: {queued_us / direct_us:.2f}x\n")
            print(f"| query_max_concurrency | turn with {FETCHES} web_fetch calls, ms | vs 1 |")
            print("|---:|---:|---:|")
            baseline = None
            for concurrency in (1, 4, 8):
                runs = [
                    await fan_out(fake, Path(tmp), concurrency, f"http://127.0.0.1:{port}") for _ in range(3)
                ]
                ms = statistics.median(runs)
                baseline = baseline or ms
                print(f"| {concurrency} | {ms:.0f} | {ms / baseline:.2f}x |")
    finally:
        await runner.cleanup()
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
