"""Fixtures: a scripted LLM endpoint and the daemon driven by a real client's recorded capabilities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.lsp.editor import CLIENTS, Editor, start_editor, stop_editor
from tests.lsp.fake_anthropic import FakeAnthropic


@pytest.fixture
async def llm() -> AsyncIterator[FakeAnthropic]:
    server = FakeAnthropic()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text("x = 1\ny = 2\n")
    return root


@pytest.fixture
def agent_config(tmp_path: Path, llm: FakeAnthropic) -> Path:
    path = tmp_path / "agent.hcl"
    path.write_text(llm.config())
    return path


@pytest.fixture(params=CLIENTS)
async def editor(request: pytest.FixtureRequest, project: Path, agent_config: Path) -> AsyncIterator[Editor]:
    editor = await start_editor(request.param, project, agent_config)
    yield editor
    await stop_editor(editor)
