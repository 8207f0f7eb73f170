"""``a3s-code team-member``: one member of a team whose board lives in Redis, in this process.

Prints the member's team events as JSON lines on stdout; the lead ends with the run's ``team_end``
and exits 0 when every task was done, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import TYPE_CHECKING

from ..errors import A3SError, ConfigError
from .worker import add_redis_arguments, redis_url, setup_logging

if TYPE_CHECKING:
    from ..team.events import TeamEvent


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="a3s-code team-member", description="serve as one member of a team on Redis"
    )
    add_redis_arguments(p)
    p.add_argument("--team", required=True, help="the team's name (every member uses the same)")
    p.add_argument("--member", required=True, help="this member's id, e.g. worker-2")
    p.add_argument(
        "--role", choices=["lead", "worker", "reviewer"], help="needed when joining for the first time"
    )
    p.add_argument("--goal", help="the lead: what the team should achieve")
    p.add_argument("-w", "--workspace", default=".", help="folder this member's session works in")
    p.add_argument("-m", "--model", help="provider/model, overriding default_model")
    p.add_argument("--max-rounds", type=int, default=10, help="attempts a task gets before it stays rejected")
    p.add_argument("--poll-ms", type=int, default=200, help="how often an idle member looks at the board")
    p.add_argument("--ttl-ms", type=int, default=15_000, help="a member silent this long is presumed dead")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        url = redis_url(args.redis)
        return asyncio.run(_run(args, url))
    except ConfigError as exc:
        sys.stderr.write(f"a3s-code team-member: {exc}\n")
        return 2
    except A3SError as exc:
        sys.stderr.write(f"a3s-code team-member: {exc}\n")
        return 1


async def _run(args: argparse.Namespace, url: str) -> int:
    from ..agent import Agent
    from ..config import discover_config_path, load_config
    from ..llm.deferred import preload
    from ..options import SessionOptions
    from ..team import TeamConfig, TeamRunner
    from ..team.events import TEAM_EVENT_ADAPTER
    from ..team.member import MemberLoop
    from ..team.redis_board import redis_team

    config = TeamConfig(max_rounds=args.max_rounds, poll_interval_ms=args.poll_ms)
    team = await asyncio.to_thread(redis_team, args.team, url, config, prefix=args.prefix, ttl_ms=args.ttl_ms)
    if args.member not in team.members:
        if args.role is None:
            raise ConfigError(f"{args.member!r} is new to team {args.team!r}: give its --role")
        await asyncio.to_thread(team.add_member, args.member, args.role)
    elif args.role is not None and team.members[args.member].role != args.role:
        raise ConfigError(f"{args.member!r} is the team's {team.members[args.member].role}, not {args.role}")
    agent = Agent(load_config(discover_config_path(args.config)))
    session = agent.session(args.workspace, SessionOptions(model=args.model))
    # Load the provider's SDK now, not in the first task's time (session.llm() only defers it).
    await asyncio.to_thread(preload, session.llm())
    runner = TeamRunner(team)
    runner.bind_session(args.member, session)

    def emit(event: TeamEvent) -> None:
        sys.stdout.write(TEAM_EVENT_ADAPTER.dump_json(event).decode() + "\n")
        sys.stdout.flush()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    member = MemberLoop(runner, args.member, emit, stop)
    sys.stderr.write(f"{args.member} ({team.members[args.member].role}) joined team {args.team}\n")
    sys.stderr.flush()
    result = await member.serve(args.goal)
    await runner.session_of(args.member).close_async()
    return 0 if result is None or result.stop_reason == "done" else 1
