"""``a3s-code``: the terminal front end (REPL, one-shot prompts, ``doctor``). Only this package prints."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:  # argparse and pathlib load only where a run needs them: a served one never does
    import argparse
    from collections.abc import Callable
    from pathlib import Path

    from ..agent import Agent
    from ..options import SessionOptions
    from ..session import Session
    from .render import Renderer
    from .repl import LineReader

USAGE_EPILOG = """examples:
  a3s-code                          interactive session in the current folder
  a3s-code "explain src/auth.py"    one prompt, answer on stdout
  a3s-code -m openai/gpt-4o -w ../repo
  a3s-code --continue "and now the tests"   the latest session of this folder, one more prompt
  a3s-code doctor                   check config, keys, network, MCP servers, rg and the sandbox
  a3s-code server status|start|stop the resident server that makes a prompt start fast (docs/cli.md)
  a3s-code worker --redis URL       run external lane tasks from Redis (see docs/queue.md)
  a3s-code team-member --redis URL --team T --member worker-2 --role worker
                                    one member of a team on Redis (see docs/teams.md)

config: -c FILE, else $A3S_CONFIG, else ~/.a3s/config.hcl, else ./agent.hcl"""


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="a3s-code",
        description="A3S Code in the terminal",
        epilog=USAGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("prompt", nargs="*", help="run this one prompt and exit (no prompt: interactive)")
    _common(parser)
    parser.add_argument("-m", "--model", help="provider/model, overriding default_model")
    parser.add_argument(
        "-w", "--workspace", help="folder the agent works in (default: ., or the resumed session's)"
    )
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument("--resume", metavar="ID", help="continue the saved session ID")
    resume.add_argument(
        "--continue",
        dest="continue_latest",
        action="store_true",
        help="continue the latest session saved for this workspace",
    )
    parser.add_argument("-y", "--yes", action="store_true", help="allow every tool call without asking")
    parser.add_argument("--version", action="version", version=f"a3s-code {__version__}")
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-c", "--config", help="agent config (HCL file)")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto")


def _doctor_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="a3s-code doctor", description="check the setup and say what to fix"
    )
    _common(parser)
    parser.add_argument("--offline", action="store_true", help="skip the network reachability checks")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds per reachability check")
    return parser


SUBCOMMANDS = ("doctor", "worker", "team-member", "server")


def main(argv: list[str] | None = None) -> None:
    """The ``a3s-code`` entry point: a prompt or the REPL goes to the resident server when one can
    take it (``client.serve``), else runs in this process (``run_here``)."""
    from ..resident.client import main as entry
    from .resident import PROGRAM

    args_in = sys.argv[1:] if argv is None else argv
    subcommand = bool(args_in[:1]) and args_in[0] in SUBCOMMANDS
    entry(args_in, PROGRAM, run_here, served=not subcommand)


def run_here(args_in: list[str]) -> None:
    """Run ``a3s-code args_in`` in this process; always raises ``SystemExit`` with the status."""
    from ..errors import A3SError, ConfigError

    if args_in[:1] == ["doctor"]:
        from .doctor import doctor

        d = _doctor_parser().parse_args(args_in[1:])
        raise SystemExit(doctor(d.config, offline=d.offline, timeout=d.timeout, color=d.color))
    if args_in[:1] == ["worker"]:
        from .worker import main as worker

        raise SystemExit(worker(args_in[1:]))
    if args_in[:1] == ["team-member"]:
        from .team_member import main as team_member

        raise SystemExit(team_member(args_in[1:]))
    from ..collector import pause_collector

    resume = pause_collector()  # start-up's objects live as long as the run: no scans while they load
    import asyncio

    args = _parser().parse_args(args_in)
    try:
        code = asyncio.run(_run(args, resume))
    except ConfigError as exc:
        sys.stderr.write(f"a3s-code: {exc}\n(run `a3s-code doctor` to check the setup)\n")
        code = 2
    except A3SError as exc:
        sys.stderr.write(f"a3s-code: {exc}\n")
        code = 1
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)


async def _run(args: argparse.Namespace, started: Callable[[], None]) -> int:
    """Run the session ``args`` ask for; ``started`` is called once it is set up (or failed to be)."""
    try:
        from .repl import one_shot, repl

        session, prompt, renderer, reader = _start(args)
    finally:
        started()
    try:
        if prompt:
            return await one_shot(session, prompt, renderer)
        return await repl(session, reader, renderer)
    finally:
        await session.close_async()


def _start(args: argparse.Namespace) -> tuple[Session, str, Renderer, LineReader]:
    """The session ``args`` ask for, the prompt, and the terminal's renderer and line reader."""
    from pathlib import Path

    from ..agent import Agent
    from ..config import discover_config_path, load_config
    from ..options import SessionOptions
    from .render import Renderer, wants_color
    from .repl import LineReader, PromptConfirmation

    prompt = " ".join(args.prompt).strip()
    # One-shot: stdout is the answer alone; progress and questions go to stderr.
    status = sys.stderr if prompt else sys.stdout
    renderer = Renderer(sys.stdout, wants_color(status, args.color), status=status)
    agent = Agent(load_config(discover_config_path(args.config)))
    reader = LineReader()
    options = SessionOptions(
        model=args.model, confirmation=PromptConfirmation(reader, renderer, assume_yes=args.yes)
    )
    if agent.config.confirmation is None:
        options.confirmation_timeout_ms = 10 * 60_000  # a person at a terminal may read a diff first
    if agent.session_store(options) is None and agent.config.storage_backend == "file":
        options.with_file_session_store(str(Path.home() / ".a3s" / "sessions"))
    options.with_auto_save()
    if args.resume or args.continue_latest:
        session_id = args.resume or _latest_session(agent, options, Path(args.workspace or "."))
        session = agent.resume_session(session_id, options, args.workspace)
    else:
        session = agent.session(args.workspace or ".", options)
    return session, prompt, renderer, reader


def _latest_session(agent: Agent, options: SessionOptions, workspace: Path) -> str:
    """The id of the session saved last for ``workspace``; ``SessionNotFoundError`` when none is."""
    from ..errors import SessionNotFoundError

    store = agent.session_store(options)
    folder = str(workspace.resolve())
    for summary in store.list() if store is not None else []:
        if summary.get("workspace") == folder:
            return str(summary["id"])
    raise SessionNotFoundError(f"no saved session for {folder} to continue")
