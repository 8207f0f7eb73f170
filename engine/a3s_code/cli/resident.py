"""``a3s-code``'s resident server: what it warms and what a worker runs (docs/cli.md).

Run as ``python -P -m a3s_code.cli.resident --socket PATH`` by the thin client.
"""

from __future__ import annotations

import sys

from ..resident.client import Program

PROGRAM = Program(
    name="a3s-code", mode_env="A3S_CLI_SERVER", server_module="a3s_code.cli.resident", packages=("a3s_code",)
)


def preload() -> list[str]:
    """The engine (``warm_engine``) and the terminal front end."""
    import importlib

    from ..resident.warm import warm_engine

    warmed = ["a3s_code.cli.repl", "a3s_code.cli.render"]
    for name in warmed:
        importlib.import_module(name)
    return [*warmed, *warm_engine()]


def main() -> int:
    from ..resident.server import main as serve
    from . import run_here

    return serve(preload, run_here)


if __name__ == "__main__":
    sys.exit(main())
