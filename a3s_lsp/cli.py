"""``a3s-lsp``: serve the engine over stdio (default) or authenticated loopback TCP.

stdout carries protocol frames only: the real stdout is kept for the protocol and file
descriptor 1 is pointed at stderr, so a stray print or a child process cannot corrupt the stream.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import IO, TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import argparse

ENV_TOKEN = "A3S_LSP_TOKEN"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    import argparse  # here: the thin client that hands stdio to a resident server never needs it

    parser = argparse.ArgumentParser(prog="a3s-lsp", description=__doc__.splitlines()[0])
    parser.add_argument("--stdio", action="store_true", help="serve over stdin/stdout (the default)")
    parser.add_argument("--acp", action="store_true", help="speak the Agent Client Protocol on stdio instead")
    parser.add_argument("--tcp", metavar="[HOST:]PORT", help="serve on TCP (host defaults to 127.0.0.1)")
    parser.add_argument(
        "--token",
        help=f"token TCP clients must present; every local user can read it in ps (prefer ${ENV_TOKEN} or --token-file)",
    )
    parser.add_argument(
        "--token-file", metavar="PATH", help="read the TCP token from this file (its first line)"
    )
    parser.add_argument("--config", help="agent config (HCL file); default: the engine's discovery")
    parser.add_argument("--log-file", help="write logs here instead of stderr")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--coalesce-ms", type=int, default=30, help="batch text deltas this long (0: off)")
    parser.add_argument("--max-message-bytes", type=int, default=64 * 1024 * 1024)
    return parser.parse_args(argv)


def read_token(args: argparse.Namespace) -> str | None:
    """The TCP token: ``--token-file`` (first line), else ``--token``, else ``$A3S_LSP_TOKEN``.

    ``--token`` works but is visible to every local user in ``/proc/PID/cmdline``.
    """
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as handle:
                token = handle.readline().strip()
        except OSError as exc:
            raise SystemExit(f"a3s-lsp: cannot read --token-file: {exc}") from None
        if not token:
            raise SystemExit(f"a3s-lsp: --token-file {args.token_file} is empty")
        return token
    return args.token or os.environ.get(ENV_TOKEN) or None


def split_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    try:
        number = int(port)
    except ValueError:
        raise SystemExit(f"a3s-lsp: --tcp expects [HOST:]PORT, got {value!r}") from None
    return host.strip("[]") or "127.0.0.1", number


def setup_logging(level: str, log_file: str | None) -> None:
    import logging

    from a3s_code.security.logs import PrivateFileHandler  # the log file is created 0600

    handler: logging.Handler = PrivateFileHandler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    if level != "DEBUG":  # pygls logs every frame at INFO
        logging.getLogger("pygls").setLevel(logging.WARNING)


def _claim_stdout() -> IO[bytes]:
    """Keep the real stdout for frames; everything else written to fd 1 lands on stderr."""
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol_out


def main(argv: list[str] | None = None) -> None:
    """The ``a3s-lsp`` entry point: handed to the resident server when one can take it (stdio
    modes only), else run here. ``a3s-lsp server status|start|stop`` looks after that server."""
    from a3s_code.resident.client import main as entry

    from .resident import PROGRAM

    args_in = sys.argv[1:] if argv is None else argv
    tcp = any(arg == "--tcp" or arg.startswith("--tcp=") for arg in args_in)  # a long-lived server
    entry(args_in, PROGRAM, run_here, served=not tcp)


def run_here(argv: list[str]) -> None:
    """Run the daemon in this process with ``argv``."""
    args = parse_args(argv)
    # JSON nested up to ~1000 levels parses, so such a request is answered with its own id (-32602,
    # framing.py / protocol.MAX_DEPTH); deeper input is a -32700 parse error.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4000))
    if args.acp:
        setup_logging(args.log_level, args.log_file)
        from .acp import serve

        serve(args.config)
        return
    token = read_token(args)
    address = split_address(args.tcp) if args.tcp else None
    if address is not None and not token:
        raise SystemExit(
            f"a3s-lsp: refusing to serve TCP without a token (${ENV_TOKEN}, --token-file or --token)"
        )
    protocol_out = _claim_stdout() if address is None else None
    setup_logging(args.log_level, args.log_file)

    from a3s_code.collector import collector_paused

    with collector_paused():  # start-up's objects live as long as the daemon: no scans while they load
        from .server import DaemonSettings, create_server

        settings = DaemonSettings(
            config=args.config, coalesce_ms=max(0, args.coalesce_ms), max_message_bytes=args.max_message_bytes
        )
        server = create_server(settings)
    code: object = 0
    try:
        import asyncio  # here: the thin client that hands stdio to a resident server never needs it

        asyncio.run(_serve(server, address, token, protocol_out))
    except KeyboardInterrupt:
        pass
    except SystemExit as exc:  # pygls ends the process this way on LSP `exit` (0 after shutdown, else 1)
        code = exc.code
    _end(code)


def _end(code: object) -> NoReturn:
    """End the daemon with ``code``. While a daemon thread still runs (the warm-up thread importing a
    provider SDK, right after `initialized`), interpreter finalization can abort the process (SIGABRT,
    "FATAL: exception not rethrown": the thread is unwound through a native extension's frames). So
    finalization is skipped then, after flushing what it would have flushed; frames on the protocol
    stream are already flushed one by one."""
    busy = [
        t for t in threading.enumerate() if t.daemon and t.is_alive() and t is not threading.current_thread()
    ]
    if not busy:
        raise SystemExit(code)
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


async def _serve(server, address, token, protocol_out) -> None:  # type: ignore[no-untyped-def]
    from .transport import TcpServer, serve_stdio

    max_bytes = server.settings.max_message_bytes
    try:
        if address is None:
            await serve_stdio(server.protocol, sys.stdin.buffer, protocol_out, max_bytes)
        else:
            await TcpServer(server.protocol, token, max_bytes).serve(*address)
    finally:
        await server.sessions.shutdown()
