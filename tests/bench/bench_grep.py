"""Benchmark: the grep tool (through the registry) against raw ``rg`` on the same generated tree.

Run: ``.venv/bin/python -m tests.bench.bench_grep [--files 5000] [--reps 7]``. Prints a markdown table of
median wall times (each includes spawning rg) and the tool/rg ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from a3s_code.tools._text import find_rg
from a3s_code.tools.base import ToolContext
from a3s_code.tools.grep import GrepTool
from a3s_code.tools.registry import ToolRegistry

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "value",
    "result",
    "config",
    "session",
    "handler",
    "buffer",
    "stream",
    "token",
    "parse",
    "render",
    "index",
    "cache",
    "queue",
    "worker",
    "client",
    "server",
    "request",
    "response",
    "error",
    "retry",
    "commit",
]

SCENARIOS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("rare literal", {"pattern": "needle_rare"}, ["needle_rare"]),
    ("regex, many matches (capped)", {"pattern": r"fn_[a-z]+\(value"}, [r"fn_[a-z]+\(value"]),
    (
        "-i + glob *.py",
        {"pattern": "SESSION_HANDLER", "-i": True, "glob": "*.py"},
        ["--ignore-case", "--glob", "*.py", "SESSION_HANDLER"],
    ),
    ("very common word (rg stopped, then --count)", {"pattern": "retry"}, ["retry"]),
    ("context 2, rare", {"pattern": "needle_rare", "context": 2}, ["--context", "2", "needle_rare"]),
]


def make_tree(root: Path, files: int, size: int) -> int:
    """Deterministic tree of ``files`` source-like files of about ``size`` bytes; returns total bytes."""
    rng = random.Random(1234)
    total = 0
    (root / ".gitignore").write_text("ignored/\n")
    for i in range(files):
        folder = root / f"pkg{i % 50:02}" / f"mod{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        lines: list[str] = []
        length = 0
        while length < size:
            words = rng.choices(WORDS, k=rng.randint(3, 12))
            kind = rng.random()
            if kind < 0.02:
                line = f"def fn_{words[0]}({' '.join(words[1:])}):"
            elif kind < 0.03:
                line = f"    session_handler = {words[0]}_{words[1]}"
            else:
                line = "    " + " ".join(words)
            lines.append(line)
            length += len(line) + 1
        if i % 997 == 0:
            lines.insert(len(lines) // 2, "    marker = 'needle_rare'")
        text = "\n".join(lines) + "\n"
        (folder / f"file{i}.{'py' if i % 3 else 'txt'}").write_text(text)
        total += len(text)
    return total


def time_rg(cmd: list[str], root: Path) -> float:
    """One raw rg run, output captured like the tool's; blocking on purpose (nothing else runs)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=root, capture_output=True, check=False)
    return time.perf_counter() - start


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def bench(root: Path, reps: int) -> list[tuple[str, float, float, str]]:
    rg = find_rg()
    assert rg is not None, "rg not found"
    registry = ToolRegistry([GrepTool()])
    ctx = ToolContext(workspace=root)
    rows = []
    for label, args, rg_args in SCENARIOS:
        cmd = [
            rg,
            "--no-heading",
            "--line-number",
            "--color",
            "never",
            "--hidden",
            "--no-require-git",
            "--glob",
            "!.git",
            *rg_args[:-1],
            "--regexp",
            rg_args[-1],
            "./",
        ]
        time_rg(cmd, root)  # warm the page cache
        result = await registry.execute("grep", args, ctx)
        tool_times: list[float] = []
        rg_times: list[float] = []
        for _ in range(reps):
            rg_times.append(time_rg(cmd, root))
            start = time.perf_counter()
            result = await registry.execute("grep", args, ctx)
            tool_times.append(time.perf_counter() - start)
        matches = str(result.metadata.get("matches", "error: " + result.output[:60]))
        rows.append((label, median_ms(rg_times), median_ms(tool_times), matches))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--size", type=int, default=10_000, help="approximate bytes per file")
    parser.add_argument("--reps", type=int, default=7)
    opts = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="a3s-bench-grep-"))
    try:
        total = make_tree(root, opts.files, opts.size)
        rows = asyncio.run(bench(root, opts.reps))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    out = sys.stdout
    out.write(
        f"Tree: {opts.files} files, {total / 1e6:.1f} MB; median of {opts.reps} runs; "
        f"rg {subprocess.run([find_rg() or 'rg', '--version'], capture_output=True, text=True).stdout.split()[1]}\n\n"
    )
    out.write(
        "| scenario | matching lines | raw rg (ms) | grep tool (ms) | ratio |\n|---|---:|---:|---:|---:|\n"
    )
    for label, rg_ms, tool_ms, matches in rows:
        out.write(f"| {label} | {matches} | {rg_ms:.1f} | {tool_ms:.1f} | {tool_ms / rg_ms:.2f}x |\n")


if __name__ == "__main__":
    main()
