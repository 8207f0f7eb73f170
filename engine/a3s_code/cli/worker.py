"""``a3s-code worker``: run external lane tasks from Redis until SIGTERM or Ctrl+C."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import A3SError, ConfigError

if TYPE_CHECKING:
    from ..queue.redis_worker import WorkerSettings

URL_ENV = "A3S_REDIS_URL"


def redis_url(given: str | None) -> str:
    """``--redis``, else ``$A3S_REDIS_URL`` (better: a URL on the command line shows in ``ps``)."""
    url = given or os.environ.get(URL_ENV, "")
    if not url:
        raise ConfigError(f"no Redis URL: pass --redis redis://... or set {URL_ENV}")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("the Redis URL must start with redis://, rediss:// (TLS) or unix://")
    return url


def add_redis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis",
        metavar="URL",
        help=f"redis://[user:password@]host:port/db or rediss:// (default: ${URL_ENV})",
    )
    parser.add_argument("--prefix", default="a3s", help="key prefix, the config's queue.stream_prefix")
    parser.add_argument("-c", "--config", help="agent config (HCL): permission rules for this process")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="a3s-code worker",
        description="run the tool calls that sessions put on external lanes in Redis",
    )
    add_redis_arguments(p)
    p.add_argument("--lanes", default="query,execute", help="lanes to serve, in priority order")
    p.add_argument("--workdir", default=".", help="this machine's copy of the sessions' workspace")
    p.add_argument("--concurrency", type=int, default=1, help="tasks run at once (default 1)")
    p.add_argument("--name", default="", help="consumer name (default: host-pid)")
    p.add_argument("--heartbeat-ms", type=int, default=1000)
    p.add_argument("--reclaim-after-ms", type=int, default=5000, help="take over tasks idle this long")
    p.add_argument("--grace-ms", type=int, default=30_000, help="on SIGTERM, time to finish running tasks")
    p.add_argument(
        "--sandbox",
        choices=("bwrap",),
        help="run bash in a bubblewrap sandbox (the config's sandbox { } block, else its defaults)",
    )
    return p


def setup_logging(level: str) -> None:
    logging.basicConfig(
        stream=sys.stderr, level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        settings, workdir = _settings(args)
        return asyncio.run(_run(args, settings, workdir))
    except ConfigError as exc:
        sys.stderr.write(f"a3s-code worker: {exc}\n")
        return 2
    except A3SError as exc:
        sys.stderr.write(f"a3s-code worker: {exc}\n")
        return 1


def _settings(args: argparse.Namespace) -> tuple[WorkerSettings, Path]:
    from ..queue.lanes import parse_lane
    from ..queue.redis_worker import WorkerSettings

    lanes = tuple(dict.fromkeys(parse_lane(lane) for lane in args.lanes.split(",") if lane.strip()))
    if not lanes or any(lane not in ("query", "execute") for lane in lanes):
        raise ConfigError("--lanes takes query and/or execute")
    workdir = Path(args.workdir).expanduser().resolve()
    if not workdir.is_dir():
        raise ConfigError(f"--workdir {workdir} is not a directory")
    settings = WorkerSettings(
        url=redis_url(args.redis),
        lanes=lanes,
        concurrency=max(1, args.concurrency),
        prefix=args.prefix,
        name=args.name,
        heartbeat_ms=args.heartbeat_ms,
        reclaim_after_ms=args.reclaim_after_ms,
        grace_ms=args.grace_ms,
    )
    return settings, workdir


async def _run(args: argparse.Namespace, settings: WorkerSettings, workdir: Path) -> int:
    from ..config import load_config
    from ..queue.redis_worker import RedisWorker
    from ..queue.worker_tools import ToolRunner

    config = load_config(args.config) if args.config else None
    sandbox = None
    if args.sandbox:
        from ..sandbox.config import SandboxConfig

        configured = config.sandbox if config is not None else None
        sandbox = (configured or SandboxConfig()).model_copy(update={"enabled": True})
    runner = ToolRunner(workdir, settings.concurrency, config, sandbox)
    worker = RedisWorker(settings, runner.run)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)

    def ready() -> None:
        lanes = ",".join(settings.lanes)
        sys.stderr.write(f"worker {worker.name} ready: lanes {lanes}, workdir {workdir}\n")
        sys.stderr.flush()

    try:
        await worker.run(ready)
    finally:
        await runner.close()
    sys.stderr.write(f"worker {worker.name} stopped after {worker.completed} task(s)\n")
    return 0
