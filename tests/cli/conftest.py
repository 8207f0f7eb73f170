"""Helpers for the resident server's own tests (the ``server_dir`` and ``resident_mode`` fixtures
are in tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import A3S_CODE


@pytest.fixture
def served_dir(server_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """For tests of the server itself: its folder, with served runs required."""
    monkeypatch.setenv("A3S_CLI_SERVER", "require")
    monkeypatch.setenv("A3S_SERVER_DIR", str(server_dir))
    return server_dir


def server(action: str, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``a3s-code server ACTION`` with ``folder`` as the socket folder (and ``env`` added)."""
    return subprocess.run(
        [A3S_CODE, "server", action],
        env={**os.environ, "A3S_SERVER_DIR": str(folder), **env},
        capture_output=True,
        text=True,
        timeout=90,
    )


def server_pid(folder: Path, **env: str) -> int:
    """The pid of the server for this installation in ``folder``, started if need be."""
    done = server("start", folder, **env)
    assert done.stdout.startswith("running:"), done.stdout + done.stderr
    return int(done.stdout.rsplit("pid ", 1)[1].rstrip(")\n"))
