"""``a3s-code``'s resident server: what it warms and what a worker runs (docs/cli.md).

Run as ``python -P -m a3s_code.cli.resident --socket PATH`` by the thin client.
"""

from __future__ import annotations

import sys

from ..resident.client import Program

PROGRAM = Program(
    name="a3s-code", mode_env="A3S_CLI_SERVER", server_module="a3s_code.cli.resident", packages=("a3s_code",)
)
WARM_CONFIG = """
default_model = "openai/warm-up"
providers {
  name    = "openai"
  api_key = "warm-up"
  models { id = "warm-up" }
}
"""


def preload() -> list[str]:
    """Import and warm what a first prompt of any provider path needs (SDKs, their stream
    validators, the HCL parser's tables, a session's services and tools, built once in a
    throwaway folder); returns what was warmed. Leaves no thread or event loop behind."""
    import asyncio
    import importlib
    import tempfile

    from ..agent import Agent
    from ..llm.deferred import warm_up_all
    from ..options import SessionOptions

    warmed = ["a3s_code.cli.repl", "a3s_code.cli.render"]
    for name in warmed:
        importlib.import_module(name)
    warmed += warm_up_all()
    with tempfile.TemporaryDirectory(prefix="a3s-warm-") as folder:
        session = Agent(WARM_CONFIG).session(folder, SessionOptions())
        asyncio.run(session.close_async())
    return [*warmed, "session"]


def main() -> int:
    from ..resident.server import main as serve
    from . import run_here

    return serve(preload, run_here)


if __name__ == "__main__":
    sys.exit(main())
