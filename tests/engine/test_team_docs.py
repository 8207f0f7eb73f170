"""The Python samples in docs/teams.md run as written (the team one against the fake LLM)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import cli_env
from tests.fakellm import FakeLLM
from tests.fakellm.team import TeamScript

PAGE = Path(__file__).resolve().parents[2] / "docs" / "teams.md"
SAMPLES = re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.S)
[TEAM_RUN] = [s for s in SAMPLES if "runner = TeamRunner(team)" in s]
[BOARD] = [s for s in SAMPLES if "board = team.task_board()" in s and "redis_team" not in s]


def run(code: str, home: Path, config: Path | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=cli_env(home, config),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_team_sample_runs(fake_llm_thread: FakeLLM, tmp_path: Path) -> None:
    TeamScript(["Add a JWT helper", "Switch login to JWT"]).install(fake_llm_thread)
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    out = run(TEAM_RUN, tmp_path, config)
    assert out.startswith("Done: 2 tasks, 0 rejected, 1 rounds\n")
    assert "] Switch login to JWT\n  -> Done: Switch login to JWT" in out


def test_the_board_sample_runs(tmp_path: Path) -> None:
    assert run(BOARD, tmp_path) == "(0, 0, 0, 1, 0)\n['Now with refresh tokens']\n"
