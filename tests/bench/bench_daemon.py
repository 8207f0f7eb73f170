"""Daemon benchmarks: spawn-to-initialize time and idle RSS against GitHub's Copilot language server,
and the latency from the fake LLM's SSE chunk to the ``a3s/event`` notification at the client.

Run: ``.venv/bin/python -m tests.bench.bench_daemon``. The Copilot server is looked up in
``~/.cache/a3s-bench/node_modules`` (``npm install --prefix ~/.cache/a3s-bench @github/copilot-language-server``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from a3s_lsp.client import A3SClient, frame
from tests.fakellm import FakeLLM, Text, Turn

RUNS = 5
SETTLE_S = 1.0
COPILOT = Path.home() / ".cache" / "a3s-bench" / "node_modules" / ".bin" / "copilot-language-server"


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pids.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any]:
    length = 0
    while True:
        line = await reader.readline()
        if not line:
            raise EOFError("server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return dict(json.loads(await reader.readexactly(length)))


async def startup(argv: list[str], root: Path) -> tuple[float, float]:
    """Milliseconds from spawn to the initialize result, and MB resident after initialized + settle."""
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        limit=1 << 24,
        start_new_session=True,  # its own process group, so killpg reaches every child
    )
    assert proc.stdin is not None and proc.stdout is not None
    init = {
        "processId": os.getpid(),
        "rootUri": root.as_uri(),
        "capabilities": {},
        "clientInfo": {"name": "bench", "version": "1"},
        "initializationOptions": {
            "editorInfo": {"name": "bench", "version": "1"},
            "editorPluginInfo": {"name": "bench", "version": "1"},
        },
    }
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init}))
    await proc.stdin.drain()
    while True:
        message = await asyncio.wait_for(read_message(proc.stdout), 60)
        if message.get("id") == 1 and "method" not in message:
            break
        if "method" in message and "id" in message:  # a server request: answer null
            proc.stdin.write(frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))
    elapsed = (time.perf_counter() - start) * 1000
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

    async def drain() -> None:
        while True:
            message = await read_message(proc.stdout)  # type: ignore[arg-type]
            if "method" in message and "id" in message:
                proc.stdin.write(frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))  # type: ignore[union-attr]

    drainer = asyncio.create_task(drain())
    await asyncio.sleep(SETTLE_S)
    memory = rss_mb(proc.pid)
    drainer.cancel()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # the whole tree: Copilot's npm bin runs a native child
    await proc.wait()
    return elapsed, memory


async def latency(coalesce_ms: int) -> list[float]:
    fake = FakeLLM()
    fake.start_in_thread()  # its own loop: serving chunks does not compete with the client's reads
    words = [f"tok{i:02d} " for i in range(40)]
    fake.add(Turn(items=[Text(w) for w in words], chunk_delay_s=0.02))
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "agent.hcl"
        config.write_text(fake.config())
        client = await A3SClient.spawn("--config", str(config), "--coalesce-ms", str(coalesce_ms))
        await client.initialize(root=tmp)
        session = await client.request("a3s/session/create", {})
        arrived: dict[str, float] = {}
        async for event in client.turn(session["sessionId"], "stream please"):
            now = time.perf_counter()
            body = event.get("event", {})
            if body.get("type") == "text_delta":
                for w in words:
                    if w in body["text"] and w not in arrived:
                        arrived[w] = now
        await client.close()
    fake.stop_thread()
    sent = {}
    for at, chunk in fake.chunk_times:
        for w in words:
            if f'"{w}"' in chunk.decode():
                sent[w] = at
    return [(arrived[w] - sent[w]) * 1000 for w in words if w in arrived and w in sent]


def summary(values: list[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        servers = {"a3s-lsp": [sys.executable, "-m", "a3s_lsp"]}
        if COPILOT.exists():
            servers["copilot-language-server"] = [str(COPILOT), "--stdio"]
        results: dict[str, tuple[list[float], list[float]]] = {}
        for name, argv in servers.items():
            times, mems = [], []
            for _ in range(RUNS):
                t, m = await startup(argv, root)
                times.append(t)
                mems.append(m)
            results[name] = (times, mems)
    print(
        "| server | spawn→initialize ms (min / median / max) | RSS after initialized MB (min / median / max) |"
    )
    print("|---|---|---|")
    for name, (times, mems) in results.items():
        t, m = summary(times), summary(mems)
        print(f"| {name} | {t[0]:.0f} / {t[1]:.0f} / {t[2]:.0f} | {m[0]:.1f} / {m[1]:.1f} / {m[2]:.1f} |")
    if "copilot-language-server" in results:
        a, c = results["a3s-lsp"], results["copilot-language-server"]
        print(
            f"\nratio a3s-lsp / copilot: start {statistics.median(a[0]) / statistics.median(c[0]):.2f}x, "
            f"RSS {statistics.median(a[1]) / statistics.median(c[1]):.2f}x"
        )
    else:
        print(f"\n(copilot-language-server not found at {COPILOT}; no ratio)")
    print("\n| coalescing | chunks | latency ms median | p95 | max |")
    print("|---|---:|---:|---:|---:|")
    for coalesce in (0, 30):
        values = sorted(await latency(coalesce))
        p95 = values[int(len(values) * 0.95) - 1]
        print(
            f"| {coalesce} ms | {len(values)} | {statistics.median(values):.1f} | {p95:.1f} | {values[-1]:.1f} |"
        )


if __name__ == "__main__":
    asyncio.run(main())
