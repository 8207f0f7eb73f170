"""Running a doc sample for real: a workspace in tmp with an ``agent.hcl`` aimed at the fake LLM."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import cli_env
from tests.fakellm import FakeLLM

BIN = Path(sys.executable).parent
"""The venv's ``bin``: ``python``, ``a3s-code``, ``a3s-lsp`` and ``nvim`` (binwheels) as a user has them."""
MCP_SERVERS = Path(__file__).resolve().parents[1] / "mcpservers"


def workspace(tmp: Path, fake: FakeLLM, extra: str = "") -> Path:
    """A project folder holding ``agent.hcl`` (every sample that names a config uses that name)."""
    root = tmp / "ws"
    root.mkdir(exist_ok=True)
    (root / "agent.hcl").write_text(fake.config(extra=extra))
    return root


def sample_env(root: Path, **extra: str) -> dict[str, str]:
    """HOME isolated, no inherited config or keys, the venv first on PATH; discovery finds ./agent.hcl."""
    env = cli_env(root / "home", **extra)
    (root / "home").mkdir(exist_ok=True)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    return env


def run(
    argv: list[str], root: Path, stdin: str = "", timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=root,
        env=sample_env(root, **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
