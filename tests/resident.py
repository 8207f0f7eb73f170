"""Start ``python -m a3s_lsp ...`` for a test as users' editors start it after the first time: as a
worker of the product's resident server (``a3s_lsp.resident``, docs/cli.md), which imported the
engine, the provider SDKs and the LSP stack once for the test process. Without it each of the
suite's ~400 daemon starts cost ~2.5 s of CPU importing ``anthropic`` and ``openai`` alone.

``command(argv)`` is the command line to give a client instead of ``[sys.executable, *argv]``: the
same command, with ``A3S_LSP_SERVER=require`` (a start that is not served fails the test) and this
test process's server folder (``tests/conftest.py`` sets ``FOLDER``; its servers are stopped at the
end of the session). The worker runs the real daemon with the test's stdin/stdout/stderr,
environment, folder and arguments. ``--tcp`` daemons, and any other module, start the plain way, as
do the tests about the daemon's own start-up (``tests/lsp/test_lazy_import.py``, and
``tests/lsp/test_protocol.py``'s in-process half).
"""

from __future__ import annotations

import sys
from pathlib import Path

FOLDER: Path | None = None
"""The resident servers' socket folder of this test process (None: start everything plainly)."""


def command(argv: list[str]) -> list[str]:
    """The command line that runs ``[sys.executable, *argv]``, served when it is the daemon."""
    if argv[:2] != ["-m", "a3s_lsp"] or FOLDER is None:
        return [sys.executable, *argv]
    return ["env", "A3S_LSP_SERVER=require", f"A3S_SERVER_DIR={FOLDER}", sys.executable, *argv]
