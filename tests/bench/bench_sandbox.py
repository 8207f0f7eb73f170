"""Benchmark: the time a sandbox adds to one ``bash`` tool call, against the local executor.

Run: ``.venv/bin/python -m tests.bench.bench_sandbox [--reps 60]``. Each round calls the ``bash`` tool
(through the registry, as the agent does) once per executor, interleaved so both see the same
machine load; prints a markdown table of median / p90 wall time per call, and the added ms and
ratio against the local executor. A bare ``bwrap --ro-bind / / ... bash -c`` row (no limits, no
composed root, no hidden paths) shows bubblewrap's own floor on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from a3s_code.sandbox import BubblewrapSandbox, LocalBashExecutor, SandboxConfig
from a3s_code.tools.base import ToolContext
from a3s_code.tools.bash import BashTool
from a3s_code.tools.registry import ToolRegistry

COMMANDS = {"true": "true", "echo + ls": "echo hi && ls > /dev/null"}


def bare_bwrap(command: str, workspace: Path) -> None:
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all"]
    argv += ["--die-with-parent", "--bind", str(workspace), str(workspace), "bash", "-c", command]
    subprocess.run(argv, cwd=workspace, stdin=subprocess.DEVNULL, capture_output=True, check=True)


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.9) - 1] * 1000


async def measure(reps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / "file.txt").write_text("x\n")
        executors = {
            "local executor": LocalBashExecutor(),
            "bubblewrap, network off": BubblewrapSandbox(SandboxConfig(), ws),
            "bubblewrap, network on": BubblewrapSandbox(SandboxConfig(network=True), ws),
        }
        registries = {name: ToolRegistry([BashTool(sb)]) for name, sb in executors.items()}
        ctx = ToolContext(workspace=ws)
        print(f"uid {os.geteuid()}, {reps} calls each, interleaved\n")
        print("| command | executor | median ms | p90 ms | added ms (median) | ratio to local |")
        print("|---|---|---:|---:|---:|---:|")
        for label, command in COMMANDS.items():
            times: dict[str, list[float]] = {name: [] for name in [*registries, "bare bwrap"]}
            for _ in range(5):  # warm-up
                for registry in registries.values():
                    await registry.execute("bash", {"command": command}, ctx)
            for _ in range(reps):
                for name, registry in registries.items():
                    start = time.perf_counter()
                    result = await registry.execute("bash", {"command": command}, ctx)
                    times[name].append(time.perf_counter() - start)
                    assert not result.is_error, result.output
                start = time.perf_counter()
                await asyncio.to_thread(bare_bwrap, command, ws)
                times["bare bwrap"].append(time.perf_counter() - start)
            base, _ = summary(times["local executor"])
            for name, series in times.items():
                median, p90 = summary(series)
                added = "" if name == "local executor" else f"{median - base:.1f}"
                ratio = "1.00x" if name == "local executor" else f"{median / base:.2f}x"
                print(f"| `{label}` | {name} | {median:.1f} | {p90:.1f} | {added} | {ratio} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(measure(args.reps))


if __name__ == "__main__":
    main()
