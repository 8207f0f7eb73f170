"""A real VS Code (code-server in headless Chromium) with the packaged extension, against the fake LLM.

One scenario, the way a user meets it: open a file, start a session from the palette, check the slash
completion, send a prompt in the chat, review the proposed edit in the diff editor and change it, allow it
from the chat card, see the streamed answer (thinking folded, tool card, usage), the status bar, and the
user's version in the editor, saved. Screenshots go to ``$A3S_VSCODE_SHOTS`` (default: the test's tmp dir).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.fakellm.script import Text, Thinking, ToolCall
from tests.vscode.tooling import CODE_SERVER, PLAYWRIGHT, ROOT, build_vsix, ensure_tools, node_env

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
ANSWER = "Done: **y** is now `30`, the value you chose in the review."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _workspace(tmp_path: Path, fake: FakeLLM) -> tuple[Path, Path]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("x = 1\ny = 2\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake.config(extra='permissions {\n  ask = ["edit"]\n  allow = ["git_worktree"]\n}\n'))
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "."],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "init"],
    ):
        subprocess.run(["git", *args], cwd=project, check=True)
    return project, config


def _settings(user_dir: Path, config: Path) -> None:
    settings = {
        "a3s.serverCommand": [sys.executable, "-m", "a3s_lsp"]
        + (
            ["--log-file", os.environ["A3S_E2E_DAEMON_LOG"], "--log-level", "DEBUG"]
            if os.environ.get("A3S_E2E_DAEMON_LOG")
            else []
        ),
        "a3s.configPath": str(config),
        "workbench.startupEditor": "none",
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "chat.disableAIFeatures": True,
        "extensions.autoCheckUpdates": False,
        "workbench.tips.enabled": False,
        "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off",
    }
    (user_dir / "User").mkdir(parents=True)
    (user_dir / "User" / "settings.json").write_text(json.dumps(settings, indent=2))


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


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_prompt_in_vscode_is_reviewed_changed_allowed_and_answered(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    ensure_tools()
    vsix = build_vsix()
    slow = threading.Event()  # never set while the test runs: that turn is cancelled from the chat
    fake_llm_thread.add(
        Turn(
            items=[
                Thinking("The user wants y changed; app.py holds it."),
                Text("I'll set `y` to 3."),
                ToolCall("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
            ],
            input_tokens=1200,
            output_tokens=40,
        ),
        Turn.text(ANSWER, input_tokens=1400, output_tokens=30, chunk_delay_s=0.05),
        Turn.text("A red dot."),
        Turn.tool_call("read", {"file_path": "app.py"}, delay_s=6),  # slow: the user steers meanwhile
        Turn.text("Listed the Python files."),
        Turn.text("Too late.", gate=slow),
        Turn.text("It sets `x` and `y`."),
    )
    project, config = _workspace(tmp_path, fake_llm_thread)
    state = tmp_path / "cs"
    user_dir, ext_dir, shots = (
        state / "user",
        state / "ext",
        Path(os.environ.get("A3S_VSCODE_SHOTS", tmp_path / "shots")),
    )
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
        + [
            "--disable-update-check",
            "--disable-workspace-trust",
            "--reconnection-grace-time",
            "5",
            str(project),
        ],
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
            ["node", str(Path(__file__).with_name("e2e.js"))],
            env=env
            | {
                "CS_URL": url,
                "SHOTS": str(shots),
                "PW": str(PLAYWRIGHT),
                "WORKSPACE": str(project),
                "PNG": PNG,
            },
            capture_output=True,
            text=True,
            timeout=240,
        )
    finally:
        slow.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    lines = driven.stdout.strip().splitlines()
    found = json.loads(lines[-1]) if lines else {}
    context = f"{driven.stderr[-3000:]}\n{found}\nlog tail: {(state / 'code-server.log').read_text()[-3000:]}"
    assert found.get("ok"), context

    assert found["completions"] == ["/cost", "/compact"]
    assert "app.py (proposed, editable)" in found["diffTitle"]
    assert found["card"].startswith('Allow edit(file_path=app.py, old_string="y = 2", new_string="y = 3")?')
    assert found["notification"] == []  # the chat is visible: it asks there, not in a toast too
    assert "1 turn(s)" in found["sessionLabel"]
    assert found["thinking"] == ["Thinking"]
    assert "edit(file_path=app.py" in found["toolCards"][0] and found["toolCards"][0].startswith("done")
    assert "<strong>y</strong>" in found["answerHtml"] and "<code>30</code>" in found["answerHtml"]
    assert found["confirmAnswer"] == ["edit: allowed (with your changes)"]
    assert found["usage"][0].startswith("in 2.6k · out 70")
    assert "claude-sonnet-4-20250514" in found["status"] and "2.7k tok" in found["status"]
    assert "Cost:" in found["cost"] and "Tokens:" in found["cost"]
    assert found["emptyAfterNew"] and found["resumed"].startswith("Resumed session")
    assert "1 turn(s)" in found["resumed"]
    assert "the daemon could not start with `/nonexistent/a3s-lsp" in found["failure"]
    assert "daemon not running" in found["statusDown"]
    assert found["stoppedNotice"].startswith("The daemon stopped: this session is gone.")
    assert found["undone"]  # Ctrl+Z took the agent's edit back (then redo)
    # The user's version is what landed (saved from the editor), and the model was told about it.
    assert (project / "app.py").read_text() == "x = 1\ny = 30\n"
    told = json.dumps(fake_llm_thread.requests[1]["messages"][-1])
    assert "The user changed your proposed edit of app.py" in told and "+y = 30" in told
    explain = fake_llm_thread.requests[6]["messages"][-1]["content"][0]["text"]
    assert explain.startswith("Explain what this code does")
    assert explain.endswith("\napp.py:1-3\n```python\nx = 1\ny = 30\n```")
    assert found["explained"] and found["worktreeCreated"].startswith("A3S: Created worktree")
    assert found["worktreeItems"] == ["feature-x"] and found["worktreeRemoved"].startswith("A3S: Removed")
    assert not (project.parent / "project-feature-x").exists()
    # The dropped image reached the model with its prompt; the slow turn was cancelled from the chat.
    assert "(+1 image)" in found["imagePrompt"] and found["cancelled"]
    # Steer beside Queue while the turn ran; the steer reached the model call after the read, not before.
    assert found["queueLabel"] == "Queue" and found["sendLabel"] == "Send"
    assert found["steered"].endswith("only python files (steer)")
    assert "only python files" not in json.dumps(fake_llm_thread.requests[3]["messages"])
    assert "only python files" in json.dumps(fake_llm_thread.requests[4]["messages"][-1])
    image_turn = fake_llm_thread.requests[2]["messages"][-1]["content"]
    assert {"type": "base64", "media_type": "image/png", "data": PNG} in [
        block.get("source") for block in image_turn
    ]
