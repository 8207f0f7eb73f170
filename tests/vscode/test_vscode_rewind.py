"""Rewind in a real VS Code (code-server in headless Chromium) with the packaged extension.

The agent edits the open ``app.py``; "A3S: Rewind to Before a Turn" from the palette offers the turn and
the scope, and the buffer shows the text from before the turn. Screenshots go to ``$A3S_VSCODE_SHOTS``
(``docs/images/vscode-rewind-*.png`` come from here).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.vscode.test_vscode_e2e import _free_port, _settings, _wait_healthy
from tests.vscode.tooling import CODE_SERVER, PLAYWRIGHT, ROOT, build_vsix, ensure_tools, node_env


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_rewind_from_the_palette_puts_the_open_file_back(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    ensure_tools()
    vsix = build_vsix()
    fake_llm_thread.add(
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
        Turn.text("Set it."),
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("x = 1\ny = 2\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config(extra='permissions {\n  allow = ["edit(*)"]\n}\n'))
    state = tmp_path / "cs"
    user_dir, ext_dir = state / "user", state / "ext"
    shots = Path(os.environ.get("A3S_VSCODE_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    _settings(user_dir, config)
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
            ["node", str(Path(__file__).with_name("e2e_rewind.js"))],
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
    assert found.get("ok"), f"{driven.stderr[-3000:]}\n{found}"
    assert found["edited"] and found["restored"]
    assert any(
        "Turn 1: Set y to 3 in app.py" in item and "changed app.py" in item for item in found["turnItems"]
    )
    assert found["scopes"][0] == "Files and conversation"
    assert "Rewound to before turn 1" in found["notification"] and "restored app.py" in found["notification"]
