"""A real Neovim (Debian's 0.7) drives the daemon headless: prompt, confirmation, edit into an unsaved buffer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, Turn

HERE = Path(__file__).resolve().parent
NVIM = shutil.which("nvim")

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(NVIM is None, reason="nvim is not installed (.ci/run installs it)"),
]


def lua_string(value: str) -> str:
    return json.dumps(value)


def test_prompt_from_neovim_edits_the_unsaved_buffer(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("x = 1\ny = 2\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    fake_llm_thread.add(
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
        Turn.text("Changed y to 3."),
    )
    result = tmp_path / "result.json"
    script = Path(sys.executable).parent / "a3s-lsp"  # the installed entry point, as a user runs it
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "a3s_lsp"]
    cmd = [
        *launcher,
        "--config",
        str(config),
        "--log-file",
        str(tmp_path / "daemon.log"),
    ]
    setup = (
        f"A3S_CMD = {{{', '.join(lua_string(c) for c in cmd)}}}\n"
        f"A3S_ROOT = {lua_string(str(project))}\n"
        f"A3S_FILE = {lua_string(str(project / 'app.py'))}\n"
        f"A3S_RESULT = {lua_string(str(result))}\n"
    )
    (tmp_path / "setup.lua").write_text(setup)
    assert NVIM is not None
    run = subprocess.run(
        [
            NVIM,
            "--headless",
            "--clean",
            "-u",
            "NONE",
            "-c",
            f"luafile {tmp_path / 'setup.lua'}",
            "-c",
            f"luafile {HERE / 'nvim_prompt.lua'}",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.exists(), f"nvim wrote no result (rc={run.returncode}): {run.stderr[-2000:]}"
    out = json.loads(result.read_text())
    assert out.get("error") is None and out.get("stop_reason") == "end_turn", out
    assert out["text"] == "Changed y to 3."
    assert out["lines"] == ["x = 1", "y = 3", "# unsaved note"]  # the agent's edit and the user's text
    assert out["modified"] is True  # still unsaved: the editor owns the save
    assert (project / "app.py").read_text() == "x = 1\ny = 2\n"
    assert len(out["asked"]) == 1 and "edit" in out["asked"][0]
