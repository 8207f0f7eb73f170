"""The Python samples in the quick start and the API page run as written (against the fake LLM)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import cli_env
from tests.fakellm import FakeLLM, Turn

DOCS = Path(__file__).resolve().parents[2] / "docs"
SAMPLES = [
    (page, n, block)
    for page in ("quickstart.md", "python-api.md")
    for n, block in enumerate(re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), re.S))
]


@pytest.mark.parametrize(("page", "index", "code"), SAMPLES, ids=[f"{p}#{n}" for p, n, _ in SAMPLES])
def test_python_sample_runs(
    page: str, index: int, code: str, fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    fake_llm_thread.add(*[lambda _body: Turn.text("Sample answer.")] * 5)
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config())
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=cli_env(tmp_path, config),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Sample answer." in done.stdout
