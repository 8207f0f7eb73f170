"""An external worker in Python: your own code decides how the tasks of an external lane run.

``a3s-code worker`` runs every built-in tool. Write your own worker when tasks need something
else: a build farm's API, a container per task, a narrower set of tools. This one runs ``bash``
and ``read`` with the built-in tools in ``--workdir`` and reports anything else as a failure.
It gets the same guarantees as ``a3s-code worker``: one worker per task, heartbeats, take-over
of tasks whose worker died, and hand-back on SIGTERM (see docs/queue.md, "Workers on Redis").

    export A3S_REDIS_URL="redis://:secret@redis-host:6379/0"
    python worker.py --name build-box --workdir /src/project
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

from a3s_code.queue.redis_link import WireTask
from a3s_code.queue.redis_worker import RedisWorker, WorkerSettings
from a3s_code.queue.worker_tools import ToolRunner
from a3s_code.tools.base import ToolResult

ALLOWED = {"bash", "read"}


async def serve(url: str, name: str, workdir: Path, concurrency: int) -> None:
    tools = ToolRunner(workdir, concurrency)  # maps the session's paths onto workdir

    async def run(task: WireTask) -> ToolResult:
        if task.command_type not in ALLOWED:
            return ToolResult.error(
                f"{name} runs {' and '.join(sorted(ALLOWED))} only, not '{task.command_type}'"
            )
        print(f"{name} runs {task.task_id}: {task.command_type}", flush=True)
        return await tools.run(task)

    settings = WorkerSettings(url=url, name=name, concurrency=concurrency, lanes=("query", "execute"))
    worker = RedisWorker(settings, run)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    try:
        await worker.run(ready=lambda: print(f"{name} ready", flush=True))
    finally:
        await tools.close()
    print(f"{name} stopped after {worker.completed} task(s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default=f"worker-{os.getpid()}")
    parser.add_argument("--workdir", default=".", help="this machine's copy of the workspace")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("A3S_REDIS_URL")
    if not url:
        sys.exit("worker: set A3S_REDIS_URL (redis://[user:password@]host:port/db)")
    asyncio.run(serve(url, args.name, Path(args.workdir).resolve(), args.concurrency))


if __name__ == "__main__":
    main()
