"""Editing the config file or a skill folder takes effect without restarting the daemon."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM
from tests.lsp.editor import Editor, start_editor, stop_editor

SKILL = """---
name: release-notes
description: How to write release notes for this project, the changelog format and version tags
---
Release notes start with the version in brackets: [1.2.3].
"""


@pytest.fixture
async def watched(tmp_path: Path, project: Path, fake_llm: FakeLLM) -> AsyncIterator[tuple[Editor, Path]]:
    (tmp_path / "skills").mkdir()
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config(extra='skill_dirs = ["skills"]\n'))
    editor = await start_editor("visual-studio-code", project, config)
    await _until(lambda: _logged(editor, "skill folder(s)"), "the watcher is armed")
    yield editor, config
    await stop_editor(editor)


def _logged(editor: Editor, text: str) -> bool:
    return any(text in m.message for m in editor.client.log_messages)


def _shown(editor: Editor, text: str) -> bool:
    return any(text in m.message for m in editor.client.messages)


async def _until(condition: object, what: str, within: float = 20) -> None:
    try:
        async with asyncio.timeout(within):
            while not condition():  # type: ignore[operator]
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting until {what}") from None


async def test_a_new_skill_file_reaches_an_open_session(
    watched: tuple[Editor, Path], fake_llm: FakeLLM
) -> None:
    editor, config = watched
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    (config.parent / "skills" / "release-notes.md").write_text(SKILL)
    await _until(lambda: _logged(editor, "skills reloaded"), "the skills are re-read")
    fake_llm.text("Done.")
    await editor.request(
        "a3s/session/send", {"sessionId": session, "prompt": "write the release notes changelog"}
    )
    assert "[1.2.3]" in str(fake_llm.requests[-1]["system"])


async def test_a_changed_config_applies_to_new_sessions_and_a_bad_one_is_refused(
    watched: tuple[Editor, Path], fake_llm: FakeLLM
) -> None:
    editor, config = watched
    good = config.read_text()
    config.write_text(good.replace("claude-sonnet-4-20250514", "claude-opus-4-20250514"))
    await _until(lambda: _shown(editor, "reloaded agent.hcl"), "the new config is loaded")
    created = await editor.request("a3s/session/create", {})
    assert created["model"] == "anthropic/claude-opus-4-20250514"

    config.write_text(good + '\nmax_tool_rounds = "many"\n')
    await _until(lambda: _shown(editor, "invalid"), "the bad config is reported")
    error = next(m.message for m in editor.client.messages if "invalid" in m.message)
    assert "agent.hcl" in error and "max_tool_rounds" in error
    created = await editor.request("a3s/session/create", {})
    assert created["model"] == "anthropic/claude-opus-4-20250514", "the last good config stays in force"
