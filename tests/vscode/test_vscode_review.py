"""Per-hunk review and the turn's multi-file review in a real VS Code (code-server in headless Chromium).

The agent proposes a two-hunk patch of notes.txt; the user allows it from the chat card, unticks the
first hunk in the picker, and only the second lands; the turn also wrote todo.md, and the notification
at the turn's end opens both files in one multi-diff review. Screenshots go to ``$A3S_VSCODE_SHOTS``
(docs/images holds the ones docs/review.md shows).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn
from tests.fakellm.script import ToolCall
from tests.vscode.test_vscode_e2e import _free_port, _settings, _wait_healthy
from tests.vscode.tooling import CODE_SERVER, PLAYWRIGHT, ROOT, build_vsix, ensure_tools, node_env

LINES = [f"line {n}" for n in range(1, 13)]
PATCH = (
    "--- a/notes.txt\n+++ b/notes.txt\n"
    "@@ -1,3 +1,3 @@\n-line 1\n+LINE ONE\n line 2\n line 3\n"
    "@@ -10,3 +10,3 @@\n line 10\n line 11\n-line 12\n+LINE TWELVE\n"
)


@pytest.mark.editor
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_user_rejects_one_hunk_and_reviews_the_turn_in_vscode(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    ensure_tools()
    vsix = build_vsix()
    fake_llm_thread.add(
        Turn(items=[ToolCall("patch", {"file_path": "notes.txt", "diff": PATCH})]),
        Turn(items=[ToolCall("write", {"file_path": "todo.md", "content": "- [ ] ship it\n"})]),
        Turn.text("Done: see the review."),
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "notes.txt").write_text("\n".join(LINES) + "\n")
    config = tmp_path / "agent.hcl"
    config.write_text(
        fake_llm_thread.config(extra='permissions {\n  ask = ["patch"]\n  allow = ["write"]\n}\n')
    )
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
            ["node", str(Path(__file__).with_name("review.js"))],
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

    assert "apply which hunks of patch" in found["pickerTitle"]
    assert [row.split("\n")[0] for row in found["rows"]] == ["notes.txt:1+1 −1", "notes.txt:9+1 −1"]
    assert found["confirmAnswer"] == ["patch: allowed (1 of 2 hunks)"]
    assert (project / "notes.txt").read_text() == "\n".join([*LINES[:11], "LINE TWELVE"]) + "\n"
    told = json.dumps(fake_llm_thread.requests[1]["messages"][-1])
    assert "applied 1 of 2 hunks" in told and "NOT applied" in told
    assert "2 files (1 new) changed." in found["toast"]
    assert "A3S turn" in found["reviewTab"]
    assert "notes.txt" in found["reviewText"] and "todo.md" in found["reviewText"]
