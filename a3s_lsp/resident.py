"""``a3s-lsp``'s resident server: an editor's daemon starts as a fork of a warm process.

An editor spawns ``a3s-lsp`` and talks to it over stdin/stdout. With a resident server running,
that process is a thin client (``a3s_code.resident.client``): the server forks a worker that takes
its argv, folder, environment and the very pipes the editor holds, and runs the daemon there, so
the editor speaks LSP (or ACP) to a process whose engine, SDKs and LSP stack were imported
already. TCP serving (``--tcp``) always runs in-process. Settings: ``A3S_LSP_SERVER``,
``A3S_SERVER_DIR``, ``A3S_SERVER_IDLE`` (docs/cli.md).

Run as ``python -P -m a3s_lsp.resident --socket PATH`` by the thin client.
"""

from __future__ import annotations

import sys

from a3s_code.resident.client import Program

PROGRAM = Program(
    name="a3s-lsp",
    mode_env="A3S_LSP_SERVER",
    server_module="a3s_lsp.resident",
    packages=("a3s_code", "a3s_lsp"),
)


def preload() -> list[str]:
    """The daemon's modules (LSP and ACP stacks, what a first prompt imports) and the engine."""
    import importlib

    from a3s_code.resident.warm import warm_engine

    from .features.lifecycle import FIRST_PROMPT_MODULES
    from .server import DaemonSettings, create_server

    warmed = ["a3s_lsp.server", "a3s_lsp.transport", "a3s_lsp.acp", *FIRST_PROMPT_MODULES]
    for name in warmed:
        importlib.import_module(name)
    create_server(DaemonSettings())  # lsprotocol resolves its 560 classes' types once: ~70 ms
    return [*warmed, "LSP server", *warm_engine()]


def main() -> int:
    from a3s_code.resident.server import main as serve

    from .cli import run_here

    return serve(preload, run_here)


if __name__ == "__main__":
    sys.exit(main())
