"""Benchmark: what checkpointing a ``bash`` call's file changes (``shellwatch``) adds to the call.

Run: ``.venv/bin/python -m tests.bench.bench_bash_checkpoints [--files 10000] [--reps 15]``.

Builds a git repository (``--plain``: a folder without git) of ``--files`` small files (committed; 50 of them then modified and 50
untracked, as a workspace in use is), and times ``session.tool_async("bash", ...)`` through the real
pipeline with checkpoints on and with them off (``with_checkpoints(False)``: the baseline), for:

- a command that writes one file (``echo x >> f``): both scans run;
- a small real command (``python3 -c`` writing a file: an interpreter start, ~20 ms);
- a command that only reads (``cat f | wc -l``): recognised as read-only, no scan;
- the first writing call of a session (the content store is still empty: its copies are taken then).

Prints a markdown table of median milliseconds and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from a3s_code import Agent, SessionOptions

CONFIG = 'default_model = "anthropic/m"\nproviders {\n  name = "anthropic"\n  api_key = "k"\n}\n'


def build(root: Path, files: int, use_git: bool = True) -> None:
    for i in range(files):
        folder = root / f"pkg{i // 200}"
        folder.mkdir(exist_ok=True)
        (folder / f"mod{i}.py").write_text(f"value_{i} = {i}\n" * 20)
    if not use_git:
        return
    run = lambda *a: subprocess.run(["git", *a], cwd=root, check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    run("-c", "user.email=b@example.com", "-c", "user.name=b", "add", "-A")
    run("-c", "user.email=b@example.com", "-c", "user.name=b", "commit", "-qm", "bench")
    for i in range(50):
        (root / f"pkg{i // 200}" / f"mod{i}.py").write_text("changed\n")
        (root / f"untracked{i}.txt").write_text("new\n")


async def timed(session: object, command: str, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        result = await session.tool_async("bash", {"command": command})  # type: ignore[attr-defined]
        out.append((time.perf_counter() - start) * 1000)
        assert not result.is_error, result.output
    return out


async def main(files: int, reps: int, use_git: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        build(root, files, use_git)
        agent = Agent(CONFIG)
        rows: list[tuple[str, float, float]] = []
        off = agent.session(root, SessionOptions().with_checkpoints(False))
        on = agent.session(root, SessionOptions())
        await timed(off, "true", 2)  # warm-up: imports, first process spawn
        first_off = statistics.median(await timed(off, "echo x >> pkg0/mod1.py", 1))
        first_on = statistics.median(await timed(on, "echo x >> pkg0/mod1.py", 1))
        rows.append(("first writing call (content store filled)", first_off, first_on))
        for label, command in (
            ("writing command (`echo x >> f`)", "echo x >> pkg0/mod2.py"),
            (
                "small real command (`python3 -c` writing a file)",
                'python3 -c \'open("out.txt", "w").write("x")\'',
            ),
            ("read-only command (`cat f | wc -l`)", "cat pkg0/mod3.py | wc -l"),
        ):
            base_times: list[float] = []
            watched_times: list[float] = []
            for _ in range(reps):  # interleaved, so load from elsewhere hits both alike
                base_times += await timed(off, command, 1)
                watched_times += await timed(on, command, 1)
            base, watched = statistics.median(base_times), statistics.median(watched_times)
            rows.append((label, base, watched))
        kind = "git repository" if use_git else "plain folder (no git)"
        print(f"{files} files, {kind}, median of {reps} calls each, interleaved (first call: one)\n")
        print("| bash call | checkpoints off (ms) | on (ms) | ratio |")
        print("|---|---|---|---|")
        for label, base, watched in rows:
            print(f"| {label} | {base:.1f} | {watched:.1f} | {watched / base:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--plain", action="store_true", help="no git: the content store holds every file")
    args = parser.parse_args()
    asyncio.run(main(args.files, args.reps, not args.plain))
