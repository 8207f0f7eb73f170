"""The CLI's tests run twice: in the ``a3s-code`` process itself, and handed to the resident
server (``A3S_CLI_SERVER=require``), which must behave the same in every respect a user sees."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import A3S_CODE


@pytest.fixture(scope="session")
def server_dir() -> Iterator[Path]:
    """A private socket folder for this test process's resident server; the server is stopped at
    the end. (Under /tmp directly: a Unix socket's path must stay under 108 bytes.)"""
    folder = Path(tempfile.mkdtemp(prefix="a3s-srv-", dir="/tmp"))
    yield folder
    env = {**os.environ, "A3S_SERVER_DIR": str(folder)}
    subprocess.run([A3S_CODE, "server", "stop"], env=env, capture_output=True, timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["in-process", "served"])
def cli_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Sets the environment every ``cli_env`` copies: served runs must go through the server."""
    if request.param == "served":
        monkeypatch.setenv("A3S_CLI_SERVER", "require")
        monkeypatch.setenv("A3S_SERVER_DIR", str(request.getfixturevalue("server_dir")))
    else:
        monkeypatch.setenv("A3S_CLI_SERVER", "0")
    return str(request.param)


@pytest.fixture
def served_dir(server_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """For tests of the server itself: its folder, with served runs required."""
    monkeypatch.setenv("A3S_CLI_SERVER", "require")
    monkeypatch.setenv("A3S_SERVER_DIR", str(server_dir))
    return server_dir


def server_pid(folder: Path) -> int:
    """The pid of the server for this installation in ``folder``, started if need be."""
    done = subprocess.run(
        [A3S_CODE, "server", "start"],
        env={**os.environ, "A3S_SERVER_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.stdout.startswith("running:"), done.stdout + done.stderr
    return int(done.stdout.rsplit("pid ", 1)[1].rstrip(")\n"))
