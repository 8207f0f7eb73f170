"""Shared fixtures: a fake LLM server on an ephemeral loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM

# `a3s-code` and `a3s-lsp` run in their own process unless a test asks for the resident server
# (`resident_mode`): a suite must not leave servers behind in the user's runtime folder.
os.environ.setdefault("A3S_CLI_SERVER", "0")
os.environ.setdefault("A3S_LSP_SERVER", "0")
RESIDENT_PROGRAMS = ("a3s-code", "a3s-lsp")


@pytest.fixture(scope="session")
def server_dir() -> Iterator[Path]:
    """A private socket folder for this test process's resident servers; they are stopped at the
    end. (Under /tmp directly: a Unix socket's path must stay under 108 bytes.)"""
    folder = Path(tempfile.mkdtemp(prefix="a3s-srv-", dir="/tmp"))
    yield folder
    env = {**os.environ, "A3S_SERVER_DIR": str(folder)}
    for program in RESIDENT_PROGRAMS:
        command = str(Path(sys.executable).parent / program)
        subprocess.run([command, "server", "stop"], env=env, capture_output=True, timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _served_daemons(server_dir: Path) -> None:
    """Daemons the editor tests start (``tests.resident.command``) are workers of this process's
    resident server."""
    from tests import resident

    resident.FOLDER = server_dir


@pytest.fixture(params=["in-process", "served"])
def resident_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test twice: with `a3s-code` / `a3s-lsp` in their own process, and handed to the
    resident server (require mode: a run that is not served fails). Sets the environment the
    test's subprocesses inherit."""
    served = request.param == "served"
    for variable in ("A3S_CLI_SERVER", "A3S_LSP_SERVER"):
        monkeypatch.setenv(variable, "require" if served else "0")
    if served:
        monkeypatch.setenv("A3S_SERVER_DIR", str(request.getfixturevalue("server_dir")))
    return str(request.param)


@pytest.fixture
async def fake_llm() -> AsyncIterator[FakeLLM]:
    """For async tests: served on the test's own event loop."""
    fake = FakeLLM()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def fake_llm_thread() -> Iterator[FakeLLM]:
    """For sync tests and subprocesses (the daemon): served from a background thread."""
    fake = FakeLLM()
    fake.start_in_thread()
    yield fake
    fake.stop_thread()
