"""Every ACP test's wire (recorded by ``tests.acp.tap``) must match the published ACP schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.acp.schema_check import problems
from tests.fakellm import FakeLLM


@pytest.fixture(autouse=True)
def wire_matches_the_acp_schema(tmp_path: Path) -> Iterator[None]:
    yield
    log = tmp_path / "wire.jsonl"
    if log.exists():
        found, _ = problems(log)
        assert not found, "ACP messages off the schema:\n" + "\n".join(found[:20])


@pytest.fixture
def project(tmp_path: Path, fake_llm: FakeLLM) -> tuple[Path, Path]:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "app.py").write_text("x = 1\ny = 2\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config(extra=f'sessions_dir = "{tmp_path / "sessions"}"\n'))
    return ws, config
