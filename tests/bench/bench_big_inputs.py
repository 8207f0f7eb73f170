"""Benchmark: the file tools on big inputs, each against a standard command on the same data.

Run: ``.venv/bin/python -m tests.bench.bench_big_inputs [--read-gb 2] [--edit-mb 20] [--files 100000]
[--reps 5] [--dir DIR]``. Prints markdown tables of median times and peak resident memory.

- ``read`` of a log of ``--read-gb`` GB (first window) vs ``head -n 2000``;
- ``edit`` of a ``--edit-mb`` MB file (one line in the middle) vs ``sed -i`` on a copy, plus the longest
  the event loop went without running while the edit ran (a 1 ms ticker measures it);
- ``glob '**/*.py'`` over ``--files`` files (and over 3,000) vs ``rg --files``, run in turns; ``ls`` of one folder of ``--files`` entries
  vs ``ls`` and ``ls -l``.

Every measurement runs in a fresh process. Tool times are measured inside that process around the tool
call, after one small warm-up call of the same tool (interpreter start-up, imports and first-use set-up
excluded, as in a running daemon), the commands' times around the whole command (a
process spawn, ~1 ms, included); the tool's memory is that process's peak resident set (``VmHWM``) less
an idle interpreter's with the engine imported. The file tree is a git repository with its files
added to the index, as a workspace's are.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LOG_LINE = (
    "2025-01-01T12:00:00.000Z INFO  request id={:08d} path=/api/v1/items/{} status=200 duration_ms={}\n"
)
CODE_LINE = "    value_{0} = compute(value_{0}, factor={1})  # step {0}\n"


def measure(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in KB, stdout) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} failed with {proc.returncode}")
    return elapsed, usage.ru_maxrss, out.decode(errors="replace")


def child(kind: str, *args: str) -> tuple[float, int, dict[str, Any]]:
    """Run one tool call in a fresh interpreter: (seconds inside, peak RSS KB, details)."""
    _, _, out = measure([sys.executable, "-m", "tests.bench.bench_big_inputs", "--child", kind, *args])
    details = json.loads(out)
    return float(details.pop("seconds")), int(details.pop("peak_kb")), details


# --- the child side ----------------------------------------------------------------------------------


async def _run_child(kind: str, args: list[str]) -> dict[str, Any]:
    from a3s_code.tools import builtin_tools
    from a3s_code.tools.base import ToolContext
    from a3s_code.tools.registry import ToolRegistry

    registry = ToolRegistry(builtin_tools())
    if kind == "idle":
        return {"seconds": 0.0, "peak_kb": _peak_kb()}
    if kind == "ticker":  # the same ticker with nothing else to do: how noisy the machine is
        gaps: list[float] = []
        last = time.perf_counter()
        while time.perf_counter() - last < 2 and len(gaps) < 1000:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        return {"seconds": 0.0, "peak_kb": _peak_kb(), "max_loop_gap_ms": max(gaps) * 1000}
    root, target = Path(args[0]), args[1]
    ctx = ToolContext(workspace=root)
    call: dict[str, Any]
    if kind == "read":
        call = {"file_path": target}
    elif kind == "edit":
        call = {"file_path": target, "old_string": "MARKER_LINE = 1", "new_string": "MARKER_LINE = 2"}
    elif kind == "glob":
        call = {"pattern": target}
    else:
        call = {"path": target}
    await _warm_up(registry, kind)  # a daemon is warm: thread pool, subprocess machinery, compiled globs
    gaps: list[float] = []
    running = kind == "edit"  # the stall is measured for edit only; a ticker costs the others time

    async def ticker() -> None:
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.ensure_future(ticker())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    result = await registry.execute(kind, call, ctx)
    seconds = time.perf_counter() - start
    running = False
    await tick
    if result.is_error:
        raise SystemExit(result.output)
    return {
        "seconds": seconds,
        "max_loop_gap_ms": max(gaps, default=0.0) * 1000,
        "output_bytes": len(result.output),
        "peak_kb": _peak_kb(),
    }


async def _warm_up(registry: Any, kind: str) -> None:
    """One small call of the same tool, so the measured call is not a cold process's first."""
    from a3s_code.tools.base import ToolContext

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "sub").mkdir()
        (root / "sub" / "small.py").write_text("MARKER_LINE = 1\n")
        call: dict[str, Any] = {
            "read": {"file_path": "sub/small.py"},
            "edit": {"file_path": "sub/small.py", "old_string": "MARKER_LINE = 1", "new_string": "x"},
            "glob": {"pattern": "**/*.py"},
            "ls": {"path": "sub"},
        }[kind]
        await registry.execute(kind, call, ToolContext(workspace=root))


def _peak_kb() -> int:
    """This process's own peak resident set (VmHWM), in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


# --- data ---------------------------------------------------------------------------------------------


def make_log(path: Path, size: int, first: bytes = b"") -> None:
    if path.exists() and path.stat().st_size >= size:
        return
    block = "".join(LOG_LINE.format(i, i % 997, i % 250) for i in range(20000)).encode()
    with path.open("wb") as fh:
        fh.write(first)
        written = len(first)
        while written < size:
            fh.write(block)
            written += len(block)


def make_code(path: Path, size: int) -> None:
    lines: list[str] = []
    length = 0
    i = 0
    while length < size:
        line = CODE_LINE.format(i, i % 13)
        if i == 150_000:
            line = "MARKER_LINE = 1\n"
        lines.append(line)
        length += len(line)
        i += 1
    text = "".join(lines)
    if "MARKER_LINE = 1" not in text:
        text = text[: len(text) // 2] + "MARKER_LINE = 1\n" + text[len(text) // 2 :]
    path.write_text(text)


def make_tree(root: Path, files: int, per: int = 1000) -> None:
    if not (root / ".done").exists():
        for d in range(files // per):
            folder = root / f"pkg{d:03}" / "mod"
            folder.mkdir(parents=True, exist_ok=True)
            for f in range(per):
                (folder / f"f{f:04}.{'py' if f % 2 else 'txt'}").write_bytes(b"x\n")
        (root / ".gitignore").write_text("*.log\n.done\n")
        # a repository, as a workspace is: plain `rg --files` then applies .gitignore too, like the tool
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        (root / ".done").write_text("")
    if not (root / ".git" / "index").exists():  # its files are tracked, as a workspace's are
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)


def make_flat(folder: Path, files: int) -> None:
    if (folder / ".done").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        (folder / f"entry{f:06}.txt").write_bytes(b"x")
    (folder / ".done").write_text("")


# --- the parent side ---------------------------------------------------------------------------------


def interleaved(reps: int, *fns: Any) -> list[tuple[float, int]]:
    """(median seconds, peak RSS KB) of each of ``fns``, run in turns so that drift hits all alike."""
    runs: list[list[tuple[float, int, Any]]] = [[] for _ in fns]
    for _ in range(reps):
        for done, fn in zip(runs, fns, strict=True):
            done.append(fn())
    return [(statistics.median(r[0] for r in done), max(r[1] for r in done)) for done in runs]


def median_of(reps: int, fn: Any) -> tuple[float, int, dict[str, Any]]:
    runs = [fn() for _ in range(reps)]
    return (
        statistics.median(r[0] for r in runs),
        max(r[1] for r in runs),
        runs[len(runs) // 2][2] if isinstance(runs[0][2], dict) else {},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--read-gb", type=float, default=2.0)
    parser.add_argument("--edit-mb", type=float, default=20.0)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to build the data (kept for reruns)")
    parser.add_argument("--child", nargs="+", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_run_child(args.child[0], args.child[1:]))))
        return
    base = args.dir or Path(tempfile.mkdtemp(prefix="a3s-big-"))
    base.mkdir(parents=True, exist_ok=True)
    rg = shutil.which("rg", path=str(Path(sys.executable).parent)) or "rg"
    idle_rss = child("idle")[1]
    rows: list[str] = []

    # an ASCII log, and one whose first line is UTF-8 text (its encoding is then judged on the whole file)
    for name, first, what in (("big.log", b"", "log"), ("utf8.log", "café déjà\n".encode(), "UTF-8 log")):
        log = base / "read" / name
        log.parent.mkdir(exist_ok=True)
        make_log(log, int(args.read_gb * (1 << 30)), first)
        size = log.stat().st_size
        t_read, rss_read, info = median_of(
            args.reps, lambda log=log: child("read", str(log.parent), log.name)
        )
        t_head, rss_head, _ = median_of(args.reps, lambda log=log: measure(["head", "-n", "2000", str(log)]))
        rows.append(
            f"| read first window of {size / (1 << 30):.1f} GB {what} | {t_read * 1000:.1f} | "
            f"`head -n 2000` {t_head * 1000:.1f} | **{t_read / t_head:.2f}x** | "
            f"{(rss_read - idle_rss) / 1024:.1f} MB over the idle interpreter "
            f"({(rss_read - idle_rss) * 1024 / size:.5f}x the file; output {info.get('output_bytes', 0)} bytes) |"
        )

    work = base / "edit"
    work.mkdir(exist_ok=True)
    source = work / "source.py"
    if not source.exists() or abs(source.stat().st_size - args.edit_mb * (1 << 20)) > (1 << 20):
        make_code(source, int(args.edit_mb * (1 << 20)))
    esize = source.stat().st_size

    def edit_once() -> tuple[float, int, dict[str, Any]]:
        shutil.copy(source, work / "target.py")
        return child("edit", str(work), "target.py")

    def sed_once() -> tuple[float, int, str]:
        shutil.copy(source, work / "sed.py")
        return measure(["sed", "-i", "s/MARKER_LINE = 1/MARKER_LINE = 2/", str(work / "sed.py")])

    t_edit, rss_edit, einfo = median_of(args.reps, edit_once)
    t_sed, _, _ = median_of(args.reps, sed_once)
    control = statistics.median(child("ticker")[2]["max_loop_gap_ms"] for _ in range(args.reps))
    rows.append(
        f"| edit one line of a {esize / (1 << 20):.0f} MB file | {t_edit * 1000:.0f} | `sed -i` "
        f"{t_sed * 1000:.0f} | **{t_edit / t_sed:.2f}x** | {(rss_edit - idle_rss) / 1024:.0f} MB over idle "
        f"({(rss_edit - idle_rss) * 1024 / esize:.2f}x the file); longest event-loop stall "
        f"{einfo.get('max_loop_gap_ms', 0):.0f} ms (an idle loop's: {control:.0f} ms) |"
    )

    same_rules = [rg, "--files", "--hidden", "--no-require-git", "--glob", "!.git"]
    for name, files, per in (("tree", args.files, 1000), ("small-tree", 3000, 100)):
        tree = base / name
        tree.mkdir(exist_ok=True)
        make_tree(tree, files, per)
        (t_glob, rss_glob), (t_rg, _), (t_rules, _) = interleaved(
            args.reps,
            lambda tree=tree: child("glob", str(tree), "**/*.py"),
            lambda tree=tree: measure([rg, "--files"], cwd=tree),
            lambda tree=tree: measure(same_rules, cwd=tree),
        )
        rows.append(
            f"| glob `**/*.py` over {files:,} files ({files // per} folders) | {t_glob * 1000:.1f} | "
            f"`rg --files` {t_rg * 1000:.1f}; one rg run under the tool's rules (`--hidden "
            f"--no-require-git --glob '!.git'`) {t_rules * 1000:.1f} | **{t_glob / t_rg:.2f}x** / "
            f"{t_glob / t_rules:.2f}x | {(rss_glob - idle_rss) / 1024:.0f} MB over idle |"
        )

    flat = base / "flat" / "many"
    make_flat(flat, args.files)
    t_ls, rss_ls, _ = median_of(args.reps, lambda: child("ls", str(flat.parent), "many"))
    t_ls1, _, _ = median_of(args.reps, lambda: measure(["ls", str(flat)]))
    t_lsl, _, _ = median_of(args.reps, lambda: measure(["ls", "-l", str(flat)]))
    rows.append(
        f"| ls of one folder of {args.files:,} entries | {t_ls * 1000:.0f} | `ls` {t_ls1 * 1000:.0f}, "
        f"`ls -l` {t_lsl * 1000:.0f} | **{t_ls / t_ls1:.2f}x** / **{t_ls / t_lsl:.2f}x** | "
        f"{(rss_ls - idle_rss) / 1024:.0f} MB over idle |"
    )

    print(f"idle interpreter with the engine imported: {idle_rss / 1024:.0f} MB RSS\n")
    print("| input | tool (ms) | baseline (ms) | ratio | memory |")
    print("|---|---:|---|---:|---|")
    print("\n".join(rows))
    if args.dir is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
