"""Inline completions in a real VS Code (code-server in headless Chromium) with the packaged extension:
typing shows the daemon's ghost text, Tab accepts it. Screenshots go to ``$A3S_VSCODE_SHOTS``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.vscode.test_vscode_e2e import _free_port, _wait_healthy
from tests.vscode.tooling import CODE_SERVER, PLAYWRIGHT, ROOT, build_vsix, ensure_tools, node_env


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_typing_in_vscode_shows_the_ghost_text_and_tab_accepts_it(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    ensure_tools()
    vsix = build_vsix()
    fake_llm_thread.add(*[Turn.text("urn a + b") for _ in range(40)])
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("def add(a, b):\n\nprint(add(1, 2))\n")
    config = tmp_path / "agent.hcl"
    config.write_text(
        fake_llm_thread.config("openai", "gpt-4o", extra='completion_model = "openai/qwen2.5-coder"\n')
    )
    state = tmp_path / "cs"
    user_dir, ext_dir = state / "user", state / "ext"
    shots = Path(os.environ.get("A3S_VSCODE_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    settings = {
        "a3s.serverCommand": [
            sys.executable,
            "-m",
            "a3s_lsp",
            "--log-file",
            str(tmp_path / "daemon.log"),
            "--log-level",
            "DEBUG",
        ],
        "a3s.configPath": str(config),
        "workbench.startupEditor": "none",
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "extensions.autoCheckUpdates": False,
        "workbench.tips.enabled": False,
        "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off",
        "editor.inlineSuggest.enabled": True,
    }
    (user_dir / "User").mkdir(parents=True)
    (user_dir / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
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
    log = (state / "code-server.log").open("wb")
    server = subprocess.Popen(
        [*base, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry"]
        + ["--disable-update-check", "--disable-workspace-trust", str(project)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=project,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, server)
        driven = subprocess.run(
            ["node", str(Path(__file__).with_name("e2e_inline.js"))],
            env=env | {"CS_URL": url, "SHOTS": str(shots), "PW": str(PLAYWRIGHT)},
            capture_output=True,
            text=True,
            timeout=240,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    lines = driven.stdout.strip().splitlines()
    found = json.loads(lines[-1]) if lines else {}
    daemon_log = (tmp_path / "daemon.log").read_text()[-3000:] if (tmp_path / "daemon.log").exists() else ""
    assert found.get("ok"), f"{driven.stderr[-3000:]}\n{found}\n{fake_llm_thread.apis}\n{daemon_log}"
    assert found["ghost"].startswith("urn a + b")
    assert "    return a + b" in found["lines"]
    completions = [
        r
        for r, api in zip(fake_llm_thread.requests, fake_llm_thread.apis, strict=True)
        if api == "completions"
    ]
    # the request behind the ghost text (VS Code asks again after Tab, at the new cursor)
    assert any(
        "<|fim_prefix|>def add(a, b):\n    ret<|fim_suffix|>\n\nprint" in r["prompt"] for r in completions
    )
