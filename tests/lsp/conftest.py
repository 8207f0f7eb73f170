"""Fixtures: the daemon driven by a real client's recorded capabilities, against the shared fake LLM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM
from tests.lsp.editor import CLIENTS, Editor, start_editor, stop_editor


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text("x = 1\ny = 2\n")
    return root


@pytest.fixture
def agent_config(tmp_path: Path, fake_llm: FakeLLM) -> Path:
    path = tmp_path / "agent.hcl"
    path.write_text(fake_llm.config())
    return path


@pytest.fixture(params=CLIENTS)
async def editor(request: pytest.FixtureRequest, project: Path, agent_config: Path) -> AsyncIterator[Editor]:
    editor = await start_editor(request.param, project, agent_config)
    yield editor
    await stop_editor(editor)
